// Pareto fronts, ranking, and the CSV, JSON and gnuplot outputs of a sweep (sweep.hpp).
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "core/diag.hpp"
#include "core/sweep.hpp"

namespace nnsim {

std::vector<bool> pareto_front(const std::vector<double>& x, const std::vector<double>& y) {
    std::vector<size_t> order(x.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] != x[b] ? x[a] < x[b] : y[a] < y[b]; });
    std::vector<bool> front(x.size(), false);
    double best = 0;  // smallest y among points with a smaller x
    bool any = false;
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j < order.size() && x[order[j]] == x[order[i]]) ++j;
        const double group_min = y[order[i]];
        if (!any || group_min < best)
            for (size_t k = i; k < j && y[order[k]] == group_min; ++k) front[order[k]] = true;
        if (!any || group_min < best) best = group_min;
        any = true;
        i = j;
    }
    return front;
}

double accuracy_figure(const PointResult& r) { return r.accuracy >= 0 ? r.accuracy : r.argmax_agreement; }

void mark_fronts_and_rank(std::vector<PointResult>& results) {
    std::vector<size_t> ok;
    for (size_t i = 0; i < results.size(); ++i) {
        results[i].fronts = 0;
        if (results[i].ok) ok.push_back(i);
    }
    std::vector<double> lat, dsp, lut, util, neg_acc;
    bool accuracy = false;
    for (size_t i : ok) {
        const PointResult& r = results[i];
        lat.push_back(double(r.latency)), dsp.push_back(r.res.dsp), lut.push_back(r.res.lut);
        util.push_back(r.util_max), neg_acc.push_back(-accuracy_figure(r));
        accuracy = accuracy || r.has_accuracy;
    }
    const auto a = pareto_front(lat, dsp), b = pareto_front(lat, lut);
    const auto c = accuracy ? pareto_front(util, neg_acc) : std::vector<bool>(ok.size(), false);
    for (size_t k = 0; k < ok.size(); ++k)
        results[ok[k]].fronts = uint8_t((a[k] ? kFrontLatencyDsp : 0) | (b[k] ? kFrontLatencyLut : 0) |
                                        (c[k] ? kFrontAccuracy : 0));
    std::vector<size_t> order(results.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t i, size_t j) {
        const PointResult &p = results[i], &q = results[j];
        if (p.ok != q.ok) return p.ok;
        if (!p.ok) return p.index < q.index;
        if ((p.fronts == 0) != (q.fronts == 0)) return p.fronts != 0;
        if (p.latency != q.latency) return p.latency < q.latency;
        if (p.res.dsp != q.res.dsp) return p.res.dsp < q.res.dsp;
        if (p.res.lut != q.res.lut) return p.res.lut < q.res.lut;
        if (p.has_accuracy && accuracy_figure(p) != accuracy_figure(q)) return accuracy_figure(p) > accuracy_figure(q);
        return p.index < q.index;
    });
    for (size_t k = 0; k < order.size(); ++k) results[order[k]].rank = k + 1;
}

namespace {

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
    return q + "\"";
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

/// Results in rank order.
std::vector<const PointResult*> ranked(const std::vector<PointResult>& results) {
    std::vector<const PointResult*> p;
    for (const auto& r : results) p.push_back(&r);
    std::sort(p.begin(), p.end(), [](const PointResult* a, const PointResult* b) { return a->rank < b->rank; });
    return p;
}

std::ofstream open_out(const std::string& path) {
    std::ofstream f(path);
    if (!f) throw UserError(path + ": cannot write");
    return f;
}

}  // namespace

void write_csv(const std::string& path, const std::vector<PointResult>& results, const SweepContext& ctx,
               const SweepGrid& grid) {
    std::ofstream f = open_out(path);
    const std::vector<std::string> cols = grid.columns();
    f << "rank,index,key,status,error";
    for (const auto& c : cols) f << "," << csv_field(c);
    f << ",latency,ii,throughput_per_s,latency_max,run_cycles,dsp,lut,ff,bram18,uram,util_dsp,util_lut,util_ff,"
         "util_bram18,util_max,fifo_occupancy_max";
    for (const auto& c : ctx.channels) f << ",occupancy." << csv_field(c);
    if (ctx.have_input) {
        f << ",max_abs_error,argmax_agreement,accuracy,wrapped,saturated";
        for (const auto& l : ctx.layers) f << ",wrapped." << csv_field(l) << ",saturated." << csv_field(l);
    }
    f << ",verified,pareto_latency_dsp,pareto_latency_lut,pareto_accuracy,run,compute_count,seconds\n";
    for (const PointResult* p : ranked(results)) {
        const PointResult& r = *p;
        const std::vector<Setting> s = grid.settings(size_t(r.index));
        f << r.rank << "," << r.index << "," << csv_field(settings_key(s)) << "," << (r.ok ? "ok" : "failed") << ","
          << csv_field(r.error);
        for (const auto& c : cols) {
            std::string v;
            for (const auto& x : s)
                if (x.name == c) v = x.value;
            f << "," << csv_field(v);
        }
        if (r.ok) {
            const int occ = r.fifo_max_occupancy.empty()
                                ? 0 : *std::max_element(r.fifo_max_occupancy.begin(), r.fifo_max_occupancy.end());
            f << "," << r.latency << "," << num(r.ii) << "," << num(r.throughput) << "," << r.latency_max << ","
              << r.run_cycles << "," << num(r.res.dsp) << "," << num(r.res.lut) << "," << num(r.res.ff) << ","
              << num(r.res.bram18) << "," << num(r.res.uram) << "," << num(r.util.dsp) << "," << num(r.util.lut) << ","
              << num(r.util.ff) << "," << num(r.util.bram18) << "," << num(r.util_max) << "," << occ;
            for (size_t c = 0; c < ctx.channels.size(); ++c)
                f << "," << (c < r.fifo_max_occupancy.size() ? std::to_string(r.fifo_max_occupancy[c]) : "");
        } else {
            f << std::string(16 + ctx.channels.size(), ',');
        }
        if (ctx.have_input) {
            if (r.ok && r.has_accuracy) {
                uint64_t w = 0, sat = 0;
                for (auto x : r.wrapped) w += x;
                for (auto x : r.saturated) sat += x;
                f << "," << num(r.max_abs_error) << "," << num(r.argmax_agreement) << ","
                  << (r.accuracy >= 0 ? num(r.accuracy) : "") << "," << w << "," << sat;
                for (size_t l = 0; l < ctx.layers.size(); ++l)
                    f << "," << (l < r.wrapped.size() ? r.wrapped[l] : 0) << ","
                      << (l < r.saturated.size() ? r.saturated[l] : 0);
            } else {
                f << std::string(5 + 2 * ctx.layers.size(), ',');
            }
        }
        f << "," << (r.verified < 0 ? "" : r.verified ? "1" : "0") << "," << int(bool(r.fronts & kFrontLatencyDsp))
          << "," << int(bool(r.fronts & kFrontLatencyLut)) << "," << int(bool(r.fronts & kFrontAccuracy)) << ","
          << r.run << "," << r.compute_count << "," << num(r.seconds) << "\n";
    }
    if (!f) throw UserError(path + ": cannot write");
}

void write_json(const std::string& path, const std::vector<PointResult>& results, const SweepContext& ctx,
                const SweepGrid& grid) {
    std::ofstream f = open_out(path);
    nlohmann::json head;
    head["network"] = ctx.base->name;
    head["sweep"] = grid.description;
    head["mode"] = ctx.mode;
    head["context"] = ctx.hash;
    head["part"] = ctx.part.name;
    const Resources& c = ctx.part.capacity;
    head["part_capacity"] = {{"dsp", c.dsp}, {"lut", c.lut}, {"ff", c.ff}, {"bram18", c.bram18}, {"uram", c.uram}};
    head["clock_period_ns"] = ctx.base->clock_period_ns;
    head["samples"] = ctx.samples;
    head["accuracy_measured"] = ctx.have_input;
    if (ctx.float_accuracy >= 0) head["float_accuracy"] = ctx.float_accuracy;
    head["channels"] = ctx.channels;
    head["layers"] = ctx.layers;
    head["columns"] = grid.columns();
    nlohmann::json fronts = {{"latency_dsp", nlohmann::json::array()}, {"latency_lut", nlohmann::json::array()},
                             {"accuracy_resources", nlohmann::json::array()}};
    size_t ok = 0;
    for (const PointResult* r : ranked(results)) {
        ok += r->ok;
        if (r->fronts & kFrontLatencyDsp) fronts["latency_dsp"].push_back(r->index);
        if (r->fronts & kFrontLatencyLut) fronts["latency_lut"].push_back(r->index);
        if (r->fronts & kFrontAccuracy) fronts["accuracy_resources"].push_back(r->index);
    }
    head["points_total"] = results.size();
    head["points_ok"] = ok;
    head["points_failed"] = results.size() - ok;
    head["pareto"] = fronts;
    std::string h = head.dump(1);
    h.pop_back();  // the closing brace: the points follow
    while (!h.empty() && (h.back() == '\n' || h.back() == ' ')) h.pop_back();
    f << h << ",\n \"points\": [";
    bool first = true;
    for (const PointResult* r : ranked(results)) {
        f << (first ? "\n  " : ",\n  ") << result_to_json(*r, ctx, grid, true);
        first = false;
    }
    f << "\n ]\n}\n";
    if (!f) throw UserError(path + ": cannot write");
}

namespace {

std::string gp_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
}

std::string sh_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

}  // namespace

std::string write_plot(const std::string& dir, const std::vector<PointResult>& results, const SweepContext& ctx) {
    std::vector<const PointResult*> ok, front[3];
    for (const auto& r : results)
        if (r.ok) {
            ok.push_back(&r);
            for (int k = 0; k < 3; ++k)
                if (r.fronts & (1 << k)) front[k].push_back(&r);
        }
    if (ok.empty()) return "no successful point to plot";
    const bool accuracy = !front[2].empty();
    const std::string dat = dir + "/pareto.dat", gp = dir + "/pareto.gp";
    {
        std::ofstream f = open_out(dat);
        f << "# latency dsp lut util_max accuracy   (blocks: all points, latency-DSP, latency-LUT, accuracy fronts)\n";
        const size_t step = std::max<size_t>(1, ok.size() / 20000);  // at most ~20,000 background points
        for (size_t i = 0; i < ok.size(); i += step)
            f << ok[i]->latency << " " << num(ok[i]->res.dsp) << " " << num(ok[i]->res.lut) << " "
              << num(ok[i]->util_max) << " " << num(accuracy_figure(*ok[i])) << "\n";
        auto by = [](auto key) { return [key](const PointResult* a, const PointResult* b) { return key(a) < key(b); }; };
        std::sort(front[0].begin(), front[0].end(), by([](const PointResult* p) { return std::make_pair(p->latency, p->res.dsp); }));
        std::sort(front[1].begin(), front[1].end(), by([](const PointResult* p) { return std::make_pair(p->latency, p->res.lut); }));
        std::sort(front[2].begin(), front[2].end(), by([](const PointResult* p) { return std::make_pair(p->util_max, -accuracy_figure(*p)); }));
        for (int k = 0; k < 3; ++k) {
            f << "\n\n";
            for (const PointResult* p : front[k])
                f << p->latency << " " << num(p->res.dsp) << " " << num(p->res.lut) << " " << num(p->util_max) << " "
                  << num(accuracy_figure(*p)) << "\n";
            if (front[k].empty()) f << "NaN NaN NaN NaN NaN\n";
        }
    }
    int64_t lo = ok[0]->latency, hi = lo;
    for (const auto* p : ok) lo = std::min(lo, p->latency), hi = std::max(hi, p->latency);
    std::ostringstream body;
    body << "set multiplot layout 1," << (accuracy ? 3 : 2) << " title " << gp_quote(ctx.base->name + ": " +
         std::to_string(ok.size()) + " design points (" + ctx.mode + "), Pareto fronts in red") << "\n"
         << "set grid\nset key top right\nset xlabel 'latency (cycles)'\n"
         << (hi > 20 * std::max<int64_t>(lo, 1) ? "set logscale x\n" : "unset logscale x\n")
         << "set ylabel 'DSP'\nplot " << gp_quote(dat) << " index 0 using 1:2 with points pt 7 ps 0.4 lc rgb '#aaaaaa'"
         << " title 'points', '' index 1 using 1:2 with linespoints pt 7 ps 0.9 lw 2 lc rgb '#d62728' title 'front'\n"
         << "set ylabel 'LUT'\nplot " << gp_quote(dat) << " index 0 using 1:3 with points pt 7 ps 0.4 lc rgb '#aaaaaa'"
         << " title 'points', '' index 2 using 1:3 with linespoints pt 7 ps 0.9 lw 2 lc rgb '#d62728' title 'front'\n";
    if (accuracy)
        body << "unset logscale x\nset xlabel 'largest utilisation of " << ctx.part.name << " (%)'\nset ylabel '"
             << (ctx.labels.empty() ? "argmax agreement with float" : "accuracy") << "'\nset key bottom right\nplot "
             << gp_quote(dat) << " index 0 using 4:5 with points pt 7 ps 0.4 lc rgb '#aaaaaa' title 'points', "
             << "'' index 3 using 4:5 with linespoints pt 7 ps 0.9 lw 2 lc rgb '#d62728' title 'front'\n";
    body << "unset multiplot\n";
    const int width = accuracy ? 1500 : 1000;
    {
        std::ofstream f = open_out(gp);
        f << "# Pareto plots of an nnsim sweep; regenerate with: gnuplot pareto.gp\n"
          << "set terminal pngcairo size " << width << ",480 noenhanced font ',10'\nset output "
          << gp_quote(dir + "/pareto.png") << "\n" << body.str()
          << "set terminal svg size " << width << ",480 noenhanced font 'sans,10'\nset output "
          << gp_quote(dir + "/pareto.svg") << "\n" << body.str() << "set output\n";
    }
    const std::string log = dir + "/pareto.log";
    const int rc = std::system(("gnuplot " + sh_quote(gp) + " > " + sh_quote(log) + " 2>&1").c_str());
    if (rc != 0) {
        std::ifstream l(log);
        std::string first;
        std::getline(l, first);
        return WIFEXITED(rc) && WEXITSTATUS(rc) == 127 ? "gnuplot not found (Debian package gnuplot-nox)"
                                                       : "gnuplot failed: " + first + " (see " + log + ")";
    }
    struct stat st {};
    if (stat((dir + "/pareto.png").c_str(), &st) != 0 || st.st_size == 0) return "gnuplot wrote no pareto.png";
    return "";
}

namespace {

std::string fmt(double v, const char* f = "%.4g") {
    char buf[32];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

}  // namespace

void print_table(const std::vector<PointResult>& results, const SweepContext& ctx, const SweepGrid& grid, int top) {
    std::vector<const PointResult*> order;
    for (const auto& r : results)
        if (r.ok) order.push_back(&r);
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->rank < b->rank; });
    const bool acc = ctx.have_input;
    std::printf("%5s %7s %7s %9s %7s %8s %8s %6s %6s %4s", "rank", "latency", "II", "inf/s", "DSP", "LUT", "FF",
                "BRAM18", "util%", "occ");
    if (acc) std::printf(" %7s %9s %-22s", ctx.labels.empty() ? "agree" : "acc", "max|err|", "overflows");
    std::printf(" %-3s %s\n", "PF", "point");
    for (size_t k = 0; k < order.size() && int(k) < top; ++k) {
        const PointResult& r = *order[k];
        const int occ = r.fifo_max_occupancy.empty() ? 0 : *std::max_element(r.fifo_max_occupancy.begin(), r.fifo_max_occupancy.end());
        std::printf("%5llu %7lld %7s %9s %7s %8s %8s %6s %6s %4d", (unsigned long long)r.rank, (long long)r.latency,
                    fmt(r.ii, "%.3g").c_str(), fmt(r.throughput, "%.3g").c_str(), fmt(r.res.dsp, "%.0f").c_str(),
                    fmt(r.res.lut, "%.0f").c_str(), fmt(r.res.ff, "%.0f").c_str(), fmt(r.res.bram18, "%.0f").c_str(),
                    fmt(r.util_max, "%.2f").c_str(), occ);
        if (acc) {
            std::string ov;
            uint64_t total = 0, worst = 0;
            size_t wl = 0;
            for (size_t l = 0; l < r.wrapped.size(); ++l) {
                const uint64_t e = r.wrapped[l] + (l < r.saturated.size() ? r.saturated[l] : 0);
                total += e;
                if (e > worst) worst = e, wl = l;
            }
            if (total) ov = std::to_string(total) + " (" + ctx.layers[wl] + ")";
            std::printf(" %7s %9s %-22s", fmt(100 * accuracy_figure(r), "%.2f%%").c_str(), fmt(r.max_abs_error).c_str(),
                        ov.empty() ? "0" : ov.c_str());
        }
        const std::string pf = std::string(r.fronts & kFrontLatencyDsp ? "D" : "") + (r.fronts & kFrontLatencyLut ? "L" : "") +
                               (r.fronts & kFrontAccuracy ? "A" : "");
        std::printf(" %-3s %s\n", pf.c_str(), grid.key(size_t(r.index)).c_str());
    }
    if (int(order.size()) > top) std::printf("  ... %zu more points in the CSV and JSON files\n", order.size() - size_t(top));
    const size_t failed = results.size() - order.size();
    if (failed) std::printf("failed points: %zu\n", failed);
    size_t shown = 0;
    for (const auto& r : results)
        if (!r.ok && shown++ < 5)
            std::printf("  %s: %s\n", grid.key(size_t(r.index)).c_str(), r.error.substr(0, r.error.find('\n')).c_str());
}


}  // namespace nnsim
