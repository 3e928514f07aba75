// The results store of sweeps (sweep.hpp): SQLite through its C API, and the JSON form of a point.
//
// One file, DIR/sweep.db, in WAL mode with synchronous=NORMAL: a put() outside begin()/commit() is its
// own transaction, on disk (in the WAL) when put() returns; the sweep groups analytical points into
// transactions of at most 50 ms (docs/sweeps.md). Only a power failure can lose committed points. Tables:
//   runs(id, context, command, points, started, ended, computed, status)    one row per invocation
//   points(context, key, idx, status, error, latency, ii, dsp, lut, ff, bram18, accuracy, result,
//          run, finished, seconds, compute_count)                            one row per design point
// `context` identifies the network, mode, samples and part (SweepContext::hash); `key` the point's
// settings; `result` its full JSON; `run` the invocation that computed it; `compute_count` how many
// times it was computed (1 unless --retry-failed recomputed a failed point).
#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/diag.hpp"
#include "core/sweep.hpp"

namespace nnsim {
namespace {

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Resources resources_from(const nlohmann::json& j) {
    return {j.value("dsp", 0.0), j.value("lut", 0.0), j.value("ff", 0.0), j.value("bram18", 0.0), j.value("uram", 0.0)};
}

}  // namespace

namespace {

/// A small JSON writer for the per-point objects: a sweep writes one per point, so it avoids building
/// a DOM (nlohmann::json is used for reading them back).
class JsonOut {
  public:
    JsonOut& key(const char* k) {
        m_s += m_first ? '{' : ',';
        m_first = false;
        m_s += '"', m_s += k, m_s += "\":";
        return *this;
    }
    JsonOut& str(const std::string& v) {
        m_s += '"';
        for (unsigned char c : v) {
            if (c == '"' || c == '\\') m_s += '\\', m_s += char(c);
            else if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                m_s += buf;
            } else m_s += char(c);
        }
        m_s += '"';
        return *this;
    }
    JsonOut& num(double v) {
        if (!std::isfinite(v)) return m_s += "null", *this;
        char buf[32];
        const auto res = std::to_chars(buf, buf + sizeof buf, v);
        m_s.append(buf, res.ptr);
        return *this;
    }
    JsonOut& num(int64_t v) { return m_s += std::to_string(v), *this; }
    JsonOut& boolean(bool v) { return m_s += v ? "true" : "false", *this; }
    template <typename T>
    JsonOut& array(const std::vector<T>& v) {
        m_s += '[';
        for (size_t i = 0; i < v.size(); ++i) (i ? m_s += ',' : m_s), m_s += std::to_string(v[i]);
        m_s += ']';
        return *this;
    }
    JsonOut& raw(const std::string& text) { return m_s += text, *this; }
    std::string done() { return m_first ? "{}" : m_s + '}'; }

  private:
    std::string m_s;
    bool m_first = true;
};

std::string resources_text(const Resources& r) {
    JsonOut o;
    o.key("dsp").num(r.dsp).key("lut").num(r.lut).key("ff").num(r.ff).key("bram18").num(r.bram18);
    o.key("uram").num(r.uram);
    return o.done();
}

}  // namespace

std::string result_to_json(const PointResult& r, const SweepContext& ctx, const SweepGrid& grid, bool full) {
    (void)ctx;
    JsonOut j;
    j.key("index").num(int64_t(r.index));
    if (full && r.index < grid.size()) {
        const std::vector<Setting> s = grid.settings(size_t(r.index));
        j.key("key").str(settings_key(s));
        JsonOut settings;
        for (const auto& x : s) settings.key(x.name.c_str()).str(x.value);
        j.key("settings").raw(settings.done());
    }
    j.key("status").str(r.ok ? "ok" : "failed");
    if (!r.ok) j.key("error").str(r.error);
    j.key("seconds").num(r.seconds);
    if (r.run) j.key("run").num(r.run).key("compute_count").num(r.compute_count);
    if (r.rank) j.key("rank").num(int64_t(r.rank));
    if (!r.ok) return j.done();
    j.key("latency").num(r.latency).key("ii").num(r.ii).key("throughput_per_s").num(r.throughput);
    j.key("latency_max").num(r.latency_max).key("run_cycles").num(r.run_cycles);
    j.key("resources").raw(resources_text(r.res)).key("utilisation_percent").raw(resources_text(r.util));
    j.key("util_max_percent").num(r.util_max);
    j.key("fifo_depth").array(r.fifo_depth).key("fifo_max_occupancy").array(r.fifo_max_occupancy);
    if (r.has_accuracy) {
        j.key("max_abs_error").num(r.max_abs_error).key("argmax_agreement").num(r.argmax_agreement);
        if (r.accuracy >= 0) j.key("accuracy").num(r.accuracy);
        j.key("wrapped").array(r.wrapped).key("saturated").array(r.saturated);
    }
    if (r.verified >= 0) j.key("verified").boolean(r.verified == 1);
    if (!full) return j.done();
    JsonOut p;
    p.key("latency_dsp").boolean(r.fronts & kFrontLatencyDsp).key("latency_lut").boolean(r.fronts & kFrontLatencyLut);
    p.key("accuracy_resources").boolean(r.fronts & kFrontAccuracy);
    j.key("pareto").raw(p.done());
    return j.done();
}

// The parse itself; result_from_json turns a JSON library error into an input error.
static PointResult result_from_json_unchecked(const std::string& text);

PointResult result_from_json(const std::string& text) {
    try {
        return result_from_json_unchecked(text);
    } catch (const nlohmann::json::exception& e) {
        throw UserError(std::string("sweep store: a stored result is not valid (a damaged store?): ") + e.what());
    }
}

static PointResult result_from_json_unchecked(const std::string& text) {
    const nlohmann::json j = nlohmann::json::parse(text);
    PointResult r;
    r.index = j.value("index", uint64_t(0));
    r.ok = j.value("status", std::string()) == "ok";
    r.error = j.value("error", std::string());
    r.seconds = j.value("seconds", 0.0);
    if (!r.ok) return r;
    r.latency = j.value("latency", int64_t(0));
    r.ii = j.value("ii", 0.0);
    r.throughput = j.value("throughput_per_s", 0.0);
    r.latency_max = j.value("latency_max", int64_t(0));
    r.run_cycles = j.value("run_cycles", int64_t(0));
    if (j.contains("resources")) r.res = resources_from(j["resources"]);
    if (j.contains("utilisation_percent")) r.util = resources_from(j["utilisation_percent"]);
    r.util_max = j.value("util_max_percent", 0.0);
    r.fifo_depth = j.value("fifo_depth", std::vector<int>{});
    r.fifo_max_occupancy = j.value("fifo_max_occupancy", std::vector<int>{});
    if (j.contains("max_abs_error")) {
        r.has_accuracy = true;
        r.max_abs_error = j.value("max_abs_error", 0.0);
        r.argmax_agreement = j.value("argmax_agreement", 0.0);
        r.accuracy = j.value("accuracy", -1.0);
        r.wrapped = j.value("wrapped", std::vector<uint64_t>{});
        r.saturated = j.value("saturated", std::vector<uint64_t>{});
    }
    if (j.contains("verified")) r.verified = j["verified"].get<bool>() ? 1 : 0;
    return r;
}

// ---------------------------------------------------------------------------------------------

struct SweepStore::Impl {
    std::string path;
    sqlite3* db = nullptr;
    sqlite3_stmt* insert = nullptr;
    int64_t run = 0;

    void check(int rc, const char* what) const {
        if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
            throw UserError(path + ": " + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    }
    void exec(const char* sql) const {
        char* err = nullptr;
        if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            const std::string msg = err ? err : "error";
            sqlite3_free(err);
            throw UserError(path + ": " + msg);
        }
    }
    sqlite3_stmt* prepare(const char* sql) const {
        sqlite3_stmt* st = nullptr;
        check(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), "prepare");
        return st;
    }
};

SweepStore::SweepStore(const std::string& path) : m(std::make_unique<Impl>()) {
    m->path = path;
    m->check(sqlite3_open_v2(path.c_str(), &m->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "open");
    sqlite3_busy_timeout(m->db, 10000);
    m->exec("PRAGMA page_size=1024; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=20000;");
    m->exec(
        "CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY AUTOINCREMENT, context TEXT, command TEXT, "
        "points INTEGER, started REAL, ended REAL, computed INTEGER, status TEXT);"
        "CREATE TABLE IF NOT EXISTS points(context TEXT NOT NULL, key TEXT NOT NULL, idx INTEGER, "
        "status TEXT NOT NULL, error TEXT, latency INTEGER, ii REAL, dsp REAL, lut REAL, ff REAL, bram18 REAL, "
        "accuracy REAL, result TEXT, run INTEGER, finished REAL, seconds REAL, "
        "compute_count INTEGER NOT NULL DEFAULT 1, PRIMARY KEY(context, key)) WITHOUT ROWID;");
    m->insert = m->prepare(
        "INSERT INTO points(context, key, idx, status, error, latency, ii, dsp, lut, ff, bram18, accuracy, result, "
        "run, finished, seconds, compute_count) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
        "?15, ?16, 1) ON CONFLICT(context, key) DO UPDATE SET idx = excluded.idx, status = excluded.status, "
        "error = excluded.error, latency = excluded.latency, ii = excluded.ii, dsp = excluded.dsp, "
        "lut = excluded.lut, ff = excluded.ff, bram18 = excluded.bram18, accuracy = excluded.accuracy, "
        "result = excluded.result, run = excluded.run, finished = excluded.finished, seconds = excluded.seconds, "
        "compute_count = points.compute_count + 1");
}

SweepStore::~SweepStore() {
    if (m->insert) sqlite3_finalize(m->insert);
    if (m->db) sqlite3_close(m->db);
}

int64_t SweepStore::begin_run(const std::string& context, const std::string& command, uint64_t points) {
    sqlite3_stmt* st = m->prepare("INSERT INTO runs(context, command, points, started, status) VALUES(?, ?, ?, ?, 'running')");
    sqlite3_bind_text(st, 1, context.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, command.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, int64_t(points));
    sqlite3_bind_double(st, 4, now_seconds());
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    m->check(rc, "insert run");
    m->run = sqlite3_last_insert_rowid(m->db);
    return m->run;
}

void SweepStore::end_run(int64_t run, uint64_t computed, const std::string& status) {
    sqlite3_stmt* st = m->prepare("UPDATE runs SET ended = ?, computed = ?, status = ? WHERE id = ?");
    sqlite3_bind_double(st, 1, now_seconds());
    sqlite3_bind_int64(st, 2, int64_t(computed));
    sqlite3_bind_text(st, 3, status.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, run);
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    m->check(rc, "update run");
}

std::map<std::string, PointResult> SweepStore::load(const std::string& context) {
    std::map<std::string, PointResult> out;
    sqlite3_stmt* st = m->prepare("SELECT key, status, error, result, run, compute_count FROM points WHERE context = ?");
    sqlite3_bind_text(st, 1, context.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        auto text = [&](int c) {
            const unsigned char* t = sqlite3_column_text(st, c);
            return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
        };
        PointResult r;
        try {
            r = result_from_json(text(3));
        } catch (const std::exception&) {
            continue;  // unreadable row: compute the point again
        }
        r.ok = text(1) == "ok";
        if (!r.ok) r.error = text(2);
        r.run = sqlite3_column_int64(st, 4);
        r.compute_count = sqlite3_column_int64(st, 5);
        out.emplace(text(0), std::move(r));
    }
    sqlite3_finalize(st);
    m->check(rc, "read points");
    return out;
}

std::vector<uint64_t> SweepStore::restore(const SweepContext& ctx, const SweepGrid& grid, bool retry_failed,
                                          std::vector<PointResult>& results) {
    std::map<std::string, PointResult> stored = load(ctx.hash);
    results.assign(grid.size(), PointResult{});
    std::vector<uint64_t> todo;
    for (size_t i = 0; i < grid.size(); ++i) {
        auto it = stored.find(grid.key(i));
        if (it != stored.end()) results[i] = std::move(it->second);
        results[i].index = i;
        if (it == stored.end() || (!results[i].ok && retry_failed)) todo.push_back(i);
    }
    return todo;
}

void SweepStore::begin() { m->exec("BEGIN"); }
void SweepStore::commit() { m->exec("COMMIT"); }

void SweepStore::put(const std::string& context, const std::string& key, const PointResult& r, const std::string& json) {
    sqlite3_stmt* st = m->insert;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, context.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, int64_t(r.index));
    sqlite3_bind_text(st, 4, r.ok ? "ok" : "failed", -1, SQLITE_STATIC);
    if (r.ok) sqlite3_bind_null(st, 5);
    else sqlite3_bind_text(st, 5, r.error.c_str(), -1, SQLITE_STATIC);
    auto num = [&](int col, double v, bool have) { have ? sqlite3_bind_double(st, col, v) : sqlite3_bind_null(st, col); };
    if (r.ok) sqlite3_bind_int64(st, 6, r.latency);
    else sqlite3_bind_null(st, 6);
    num(7, r.ii, r.ok);
    num(8, r.res.dsp, r.ok);
    num(9, r.res.lut, r.ok);
    num(10, r.res.ff, r.ok);
    num(11, r.res.bram18, r.ok);
    num(12, accuracy_figure(r), r.ok && r.has_accuracy);
    sqlite3_bind_text(st, 13, json.c_str(), int(json.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st, 14, m->run);
    sqlite3_bind_double(st, 15, now_seconds());
    sqlite3_bind_double(st, 16, r.seconds);
    m->check(sqlite3_step(st), "store point");
    sqlite3_clear_bindings(st);
}

}  // namespace nnsim
