// Reading and writing nnsim network descriptions (network_json.hpp; format in docs/network_format.md).
#include "core/network_json.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <cctype>
#include <map>
#include <set>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/diag.hpp"
#include "core/hdf5_file.hpp"
#include "core/precision.hpp"
#include "core/registry.hpp"
#include "core/validate.hpp"

namespace nnsim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* kFormatTag = "nnsim-network";

/// Keys every layer object may carry besides its kind parameters.
const char* const kCommonLayerKeys[] = {"name",         "kind",     "inputs",  "precision",
                                        "reuse_factor", "strategy", "weights", "fifo_depth"};

bool parse_strategy(const std::string& s, Strategy& out) {
    std::string l;
    for (char c : s) l += char(std::tolower(static_cast<unsigned char>(c)));
    if (l == "latency") out = Strategy::kLatency;
    else if (l == "resource") out = Strategy::kResource;
    else return false;
    return true;
}

/// Reads one description, collecting errors with JSON pointers.
class Reader {
  public:
    Reader(const std::string& path, Diagnostics& diag) : m_path(path), m_diag(diag) {
        m_dir = fs::path(path).parent_path();
    }

    void error(const std::string& ptr, const std::string& msg) { m_diag.error(m_path + ": " + ptr, msg); }

    bool get_type(const json& v, const std::string& ptr, FixedType& out) {
        if (!v.is_string()) {
            error(ptr, "expected a precision string such as \"fixed<16,6>\"");
            return false;
        }
        std::string err;
        if (!parse_fixed_type(v.get<std::string>(), out, err)) {
            error(ptr, err);
            return false;
        }
        return true;
    }

    bool get_shape(const json& v, const std::string& ptr, Shape& out) {
        if (!v.is_array() || v.empty()) {
            error(ptr, "expected a non-empty array of positive integers");
            return false;
        }
        for (size_t i = 0; i < v.size(); ++i) {
            if (!v[i].is_number_integer() || v[i].get<int64_t>() <= 0 || v[i].get<int64_t>() > (1 << 30)) {
                error(ptr + "/" + std::to_string(i), "expected a positive integer dimension");
                return false;
            }
            out.push_back(v[i].get<int>());
        }
        return true;
    }

    std::string resolve(const std::string& file) const {
        fs::path p(file);
        if (p.is_relative()) p = m_dir / p;
        return p.lexically_normal().string();
    }

    Hdf5File& h5(const std::string& file) {
        auto it = m_files.find(file);
        if (it == m_files.end()) it = m_files.emplace(file, std::make_unique<Hdf5File>(file)).first;
        return *it->second;
    }

    void read_weight(const json& w, const std::string& ptr, const std::string& default_file, WeightTensor& out) {
        if (!w.is_object()) {
            error(ptr, "expected {\"h5\": \"/dataset\"} or {\"shape\": [...], \"data\": [...]}");
            return;
        }
        if (w.contains("h5")) {
            if (!w["h5"].is_string()) return error(ptr + "/h5", "expected a dataset path string");
            std::string file = default_file;
            if (w.contains("file")) {
                if (!w["file"].is_string()) return error(ptr + "/file", "expected a file path string");
                file = resolve(w["file"].get<std::string>());
            }
            if (file.empty()) return error(ptr, "HDF5 reference without a file (set /weights_file or \"file\")");
            try {
                out = h5(file).read(w["h5"].get<std::string>());
            } catch (const UserError& e) {
                error(ptr, e.what());
            }
            return;
        }
        if (!w.contains("data") || !w.contains("shape"))
            return error(ptr, "expected {\"h5\": \"/dataset\"} or {\"shape\": [...], \"data\": [...]}");
        if (!get_shape(w["shape"], ptr + "/shape", out.shape)) return;
        const json& d = w["data"];
        if (!d.is_array()) return error(ptr + "/data", "expected a flat array of numbers");
        out.data.reserve(d.size());
        for (size_t i = 0; i < d.size(); ++i) {
            if (!d[i].is_number()) return error(ptr + "/data/" + std::to_string(i), "expected a number");
            out.data.push_back(d[i].get<double>());
        }
        if (int64_t(out.data.size()) != shape_size(out.shape))
            error(ptr + "/data", "has " + std::to_string(out.data.size()) + " values, shape " +
                                     shape_to_string(out.shape) + " needs " + std::to_string(shape_size(out.shape)));
    }

    void read_precision(const json& p, const std::string& ptr, Node& n) {
        std::vector<std::string> vars;
        for (const auto& v : n.kind->precision_vars())
            if (v.fixed_default.empty()) vars.push_back(v.name);
        FixedType t;
        if (p.is_string()) {
            if (get_type(p, ptr, t))
                for (const auto& v : vars) n.precision[v] = t;
            return;
        }
        if (!p.is_object()) return error(ptr, "expected a precision string or an object keyed by variable");
        if (p.contains("default") && get_type(p["default"], ptr + "/default", t))
            for (const auto& v : vars) n.precision[v] = t;
        for (auto it = p.begin(); it != p.end(); ++it) {
            if (it.key() == "default") continue;
            if (get_type(it.value(), ptr + "/" + it.key(), t)) n.precision[it.key()] = t;
        }
    }

    Graph read(const json& j) {
        Graph g;
        g.source_file = m_path;
        if (!j.is_object()) {
            error("", "expected a JSON object at the top level");
            return g;
        }
        if (!j.contains("format") || j["format"] != kFormatTag)
            error("/format", std::string("expected \"") + kFormatTag + "\"");
        static const std::set<std::string> kTop = {"format", "version", "name", "io_type", "clock_period_ns", "part",
                                                   "defaults", "weights_file", "inputs", "layers", "outputs"};
        for (auto it = j.begin(); it != j.end(); ++it)
            if (!kTop.count(it.key())) error("/" + it.key(), "unknown key");
        g.name = fs::path(m_path).stem().string();
        if (j.contains("name")) {
            if (!j["name"].is_string()) error("/name", "expected a string");
            else g.name = j["name"].get<std::string>();
        }
        if (j.contains("io_type")) {
            const auto& v = j["io_type"];
            if (v == "io_parallel") g.io_type = IoType::kParallel;
            else if (v == "io_stream") g.io_type = IoType::kStream;
            else error("/io_type", "expected \"io_parallel\" or \"io_stream\"");
        }
        if (j.contains("clock_period_ns")) {
            if (!j["clock_period_ns"].is_number() || !(j["clock_period_ns"].get<double>() > 0))
                error("/clock_period_ns", "expected a positive number of nanoseconds");
            else g.clock_period_ns = j["clock_period_ns"].get<double>();
        }
        if (j.contains("part")) {
            if (!j["part"].is_string()) error("/part", "expected a string");
            else g.part = j["part"].get<std::string>();
        }
        if (j.contains("defaults")) {
            const json& d = j["defaults"];
            if (!d.is_object()) error("/defaults", "expected an object");
            else {
                for (auto it = d.begin(); it != d.end(); ++it)
                    if (it.key() != "precision" && it.key() != "reuse_factor" && it.key() != "strategy")
                        error("/defaults/" + it.key(), "unknown key (expected precision, reuse_factor, strategy)");
                if (d.contains("precision")) get_type(d["precision"], "/defaults/precision", g.default_precision);
                if (d.contains("reuse_factor")) {
                    if (!d["reuse_factor"].is_number_integer() || d["reuse_factor"].get<int64_t>() < 1)
                        error("/defaults/reuse_factor", "expected a positive integer");
                    else g.default_reuse_factor = d["reuse_factor"].get<int>();
                }
                if (d.contains("strategy") &&
                    (!d["strategy"].is_string() || !parse_strategy(d["strategy"].get<std::string>(), g.default_strategy)))
                    error("/defaults/strategy", "expected \"Latency\" or \"Resource\"");
            }
        }
        std::string weights_file;
        if (j.contains("weights_file")) {
            if (!j["weights_file"].is_string()) error("/weights_file", "expected a file path string");
            else weights_file = resolve(j["weights_file"].get<std::string>());
        }
        // Inputs.
        if (!j.contains("inputs") || !j["inputs"].is_array()) {
            error("/inputs", "expected an array of {\"name\", \"shape\"} objects");
        } else {
            for (size_t i = 0; i < j["inputs"].size(); ++i) {
                const json& in = j["inputs"][i];
                const std::string ptr = "/inputs/" + std::to_string(i);
                if (!in.is_object() || !in.contains("name") || !in["name"].is_string()) {
                    error(ptr, "expected an object with a \"name\" string and a \"shape\"");
                    continue;
                }
                GraphInput gi;
                gi.name = in["name"].get<std::string>();
                gi.precision = g.default_precision;
                if (!in.contains("shape")) error(ptr + "/shape", "missing");
                else get_shape(in["shape"], ptr + "/shape", gi.shape);
                if (in.contains("precision")) get_type(in["precision"], ptr + "/precision", gi.precision);
                if (in.contains("fifo_depth")) {
                    const json& d = in["fifo_depth"];
                    if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > (1 << 24))
                        error(ptr + "/fifo_depth", "expected a positive integer number of words");
                    else gi.fifo_depth = d.get<int>();
                }
                g.inputs.push_back(gi);
            }
        }
        // Layers.
        if (!j.contains("layers") || !j["layers"].is_array()) {
            error("/layers", "expected an array of layer objects");
            return g;
        }
        const Registry& reg = Registry::instance();
        std::string previous = g.inputs.empty() ? "" : g.inputs[0].name;
        for (size_t i = 0; i < j["layers"].size(); ++i) {
            const json& l = j["layers"][i];
            const std::string ptr = "/layers/" + std::to_string(i);
            if (!l.is_object()) {
                error(ptr, "expected a layer object");
                continue;
            }
            Node n;
            n.where = ptr;
            n.reuse_factor = g.default_reuse_factor;
            n.strategy = g.default_strategy;
            if (!l.contains("name") || !l["name"].is_string() || l["name"].get<std::string>().empty()) {
                error(ptr + "/name", "expected a non-empty layer name");
                continue;
            }
            n.name = l["name"].get<std::string>();
            if (!l.contains("kind") || !l["kind"].is_string()) {
                error(ptr + "/kind", "expected a layer kind string (one of " + reg.names() + ")");
                continue;
            }
            n.kind = reg.find(l["kind"].get<std::string>());
            if (!n.kind) {
                error(ptr + "/kind", "unknown layer kind '" + l["kind"].get<std::string>() + "' (layer " + n.name +
                                         "); expected one of " + reg.names());
                continue;
            }
            if (l.contains("inputs")) {
                const json& ins = l["inputs"];
                if (!ins.is_array()) error(ptr + "/inputs", "expected an array of tensor names");
                else
                    for (const auto& s : ins) {
                        if (s.is_string()) n.inputs.push_back(s.get<std::string>());
                        else error(ptr + "/inputs", "expected tensor names (strings)");
                    }
            } else if (!previous.empty()) {
                n.inputs.push_back(previous);
            }
            if (l.contains("reuse_factor")) {
                if (!l["reuse_factor"].is_number_integer())
                    error(ptr + "/reuse_factor", "expected a positive integer (layer " + n.name + ")");
                else {
                    int64_t rf = l["reuse_factor"].get<int64_t>();
                    if (rf < 1 || rf > (1 << 24))
                        error(ptr + "/reuse_factor", "must be a positive integer, got " + std::to_string(rf) +
                                                         " (layer " + n.name + ")");
                    else n.reuse_factor = int(rf);
                }
            }
            if (l.contains("strategy") &&
                (!l["strategy"].is_string() || !parse_strategy(l["strategy"].get<std::string>(), n.strategy)))
                error(ptr + "/strategy", "expected \"Latency\" or \"Resource\" (layer " + n.name + ")");
            if (l.contains("fifo_depth")) {
                if (!l["fifo_depth"].is_number_integer() || l["fifo_depth"].get<int64_t>() < 1 ||
                    l["fifo_depth"].get<int64_t>() > (1 << 24))
                    error(ptr + "/fifo_depth", "expected a positive integer (layer " + n.name + ")");
                else n.fifo_depth = l["fifo_depth"].get<int>();
            }
            if (l.contains("precision")) read_precision(l["precision"], ptr + "/precision", n);
            if (l.contains("weights")) {
                const json& ws = l["weights"];
                if (!ws.is_object()) error(ptr + "/weights", "expected an object keyed by weight name");
                else
                    for (auto it = ws.begin(); it != ws.end(); ++it)
                        read_weight(it.value(), ptr + "/weights/" + it.key(), weights_file, n.weights[it.key()]);
            }
            for (auto it = l.begin(); it != l.end(); ++it) {
                bool common = false;
                for (const char* k : kCommonLayerKeys) common = common || it.key() == k;
                if (common) continue;
                const json& v = it.value();
                if (v.is_boolean()) n.params[it.key()] = v.get<bool>();
                else if (v.is_number_integer()) n.params[it.key()] = v.get<int64_t>();
                else if (v.is_number()) n.params[it.key()] = v.get<double>();
                else if (v.is_string()) n.params[it.key()] = v.get<std::string>();
                else if (v.is_array() &&  // an empty list: validation accepts it only where the default is one
                         std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number_integer(); })) {
                    std::vector<int64_t> list;
                    for (const auto& e : v) list.push_back(e.get<int64_t>());
                    n.params[it.key()] = list;
                } else
                    error(ptr + "/" + it.key(),
                          "expected a boolean, number, string or list of integers (layer " + n.name + ")");
            }
            previous = n.name;
            g.nodes.push_back(std::move(n));
        }
        if (j.contains("outputs")) {
            if (!j["outputs"].is_array()) error("/outputs", "expected an array of layer names");
            else
                for (const auto& o : j["outputs"]) {
                    if (o.is_string()) g.outputs.push_back(o.get<std::string>());
                    else error("/outputs", "expected layer names (strings)");
                }
        }
        return g;
    }

  private:
    std::string m_path;   ///< description file, for messages
    fs::path m_dir;       ///< its folder, for relative weight files
    Diagnostics& m_diag;  ///< where errors go
    std::map<std::string, std::unique_ptr<Hdf5File>> m_files;  ///< open weight files by path
};

json param_to_json(const ParamValue& v) {
    return std::visit([](const auto& x) { return json(x); }, v);
}

std::string relative_to(const std::string& file, const std::string& out_path) {
    if (out_path.empty()) return file;
    fs::path base = fs::absolute(fs::path(out_path)).parent_path();
    return fs::path(file).lexically_relative(base).string();
}

}  // namespace

Graph parse_network(const std::string& text, const std::string& path) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        // e.what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: ..." (or
        // out_of_range.406 "number overflow parsing '1E999'"): the text after the bracket.
        const std::string what = e.what();
        const size_t at = what.find("] ");
        throw UserError(path + ": malformed JSON: " + (at == std::string::npos ? what : what.substr(at + 2)));
    }
    Diagnostics diag;
    Reader reader(path, diag);
    Graph g = reader.read(j);
    if (!diag.has_errors()) validate(g, diag);
    diag.throw_if_errors();
    return g;
}

Graph read_network_file(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw UserError(path + ": cannot open network description");
    std::stringstream ss;
    ss << f.rdbuf();
    return parse_network(ss.str(), path);
}

std::string write_network(const Graph& g, const WriteOptions& opt) {
    json j;
    j["format"] = kFormatTag;
    j["version"] = 1;
    j["name"] = g.name;
    j["io_type"] = io_type_name(g.io_type);
    j["clock_period_ns"] = g.clock_period_ns;
    if (!g.part.empty()) j["part"] = g.part;
    j["defaults"] = {{"precision", g.default_precision.to_string()},
                     {"reuse_factor", g.default_reuse_factor},
                     {"strategy", strategy_name(g.default_strategy)}};
    // The most used weight file becomes weights_file; others are named per weight.
    std::map<std::string, int> file_use;
    for (const auto& n : g.nodes)
        for (const auto& [name, w] : n.weights)
            if (!w.dataset.empty()) ++file_use[w.file];
    std::string main_file;
    int best = 0;
    for (const auto& [f, c] : file_use)
        if (c > best) best = c, main_file = f;
    if (!opt.inline_weights && !main_file.empty()) j["weights_file"] = relative_to(main_file, opt.out_path);
    j["inputs"] = json::array();
    for (const auto& in : g.inputs) {
        j["inputs"].push_back({{"name", in.name}, {"shape", in.shape}, {"precision", in.precision.to_string()}});
        if (in.fifo_depth > 0) j["inputs"].back()["fifo_depth"] = in.fifo_depth;
    }
    j["layers"] = json::array();
    for (const auto& n : g.nodes) {
        json l;
        l["name"] = n.name;
        l["kind"] = n.kind->name();
        l["inputs"] = n.inputs;
        for (const auto& [k, v] : n.params) l[k] = param_to_json(v);
        json p = json::object();
        for (const auto& [var, t] : n.precision) p[var] = t.to_string();
        l["precision"] = p;
        l["reuse_factor"] = n.reuse_factor;
        l["strategy"] = strategy_name(n.strategy);
        if (n.fifo_depth > 0) l["fifo_depth"] = n.fifo_depth;
        if (!n.weights.empty()) {
            json ws = json::object();
            for (const auto& [name, w] : n.weights) {
                if (opt.inline_weights || w.dataset.empty()) {
                    ws[name] = {{"shape", w.shape}, {"data", w.data}};
                } else {
                    json r = {{"h5", w.dataset}};
                    if (w.file != main_file) r["file"] = relative_to(w.file, opt.out_path);
                    ws[name] = r;
                }
            }
            l["weights"] = ws;
        }
        j["layers"].push_back(l);
    }
    j["outputs"] = g.outputs;
    return j.dump(2) + "\n";
}

std::string network_schema() {
    json weight = {{"oneOf",
                    json::array({{{"type", "object"},
                                  {"required", {"h5"}},
                                  {"properties", {{"h5", {{"type", "string"}}}, {"file", {{"type", "string"}}}}},
                                  {"additionalProperties", false}},
                                 {{"type", "object"},
                                  {"required", {"shape", "data"}},
                                  {"properties",
                                   {{"shape", {{"type", "array"}, {"items", {{"type", "integer"}, {"minimum", 1}}}}},
                                    {"data", {{"type", "array"}, {"items", {{"type", "number"}}}}}}},
                                  {"additionalProperties", false}}})}};
    json precision_string = {{"type", "string"},
                             {"pattern", "^(ap_)?(u?fixed|u?int)<[^>]+>$"},
                             {"description", "hls4ml precision such as fixed<16,6> or ap_fixed<8,3,AP_RND,AP_SAT>"}};
    json layer_variants = json::array();
    for (const auto& kind : Registry::instance().kinds()) {
        json props = {
            {"name", {{"type", "string"}, {"minLength", 1}}},
            {"kind", {{"const", kind->name()}}},
            {"inputs", {{"type", "array"}, {"items", {{"type", "string"}}}}},
            {"reuse_factor", {{"type", "integer"}, {"minimum", 1}, {"description", "hls4ml ReuseFactor"}}},
            {"strategy", {{"enum", {"Latency", "Resource"}}}},
            {"fifo_depth", {{"type", "integer"}, {"minimum", 1}, {"description", "depth of the output FIFO"}}},
        };
        json pvars = {{"default", precision_string}};
        for (const auto& v : kind->precision_vars()) {
            json s = precision_string;
            s["description"] = v.doc + (v.follows_input            ? " (default: the input precision)"
                                        : v.fixed_default.empty() ? ""
                                                                  : " (default " + v.fixed_default + ")");
            pvars[v.name] = s;
        }
        props["precision"] = {{"oneOf", json::array({precision_string, {{"type", "object"},
                                                                       {"properties", pvars},
                                                                       {"additionalProperties", false}}})}};
        json wprops = json::object();
        json wrequired = json::array();
        for (const auto& w : kind->weight_specs()) {
            json s = weight;
            s["description"] = w.doc;
            wprops[w.name] = s;
            if (w.required) wrequired.push_back(w.name);
        }
        props["weights"] = {{"type", "object"}, {"properties", wprops}, {"additionalProperties", false}};
        if (!wrequired.empty()) props["weights"]["required"] = wrequired;
        json required = {"name", "kind"};
        for (const auto& p : kind->params()) {
            json s;
            switch (p.type) {
                case ParamType::kBool: s["type"] = "boolean"; break;
                case ParamType::kInt: s["type"] = "integer"; break;
                case ParamType::kFloat: s["type"] = "number"; break;
                case ParamType::kString: s["type"] = "string"; break;
                case ParamType::kIntList: s["type"] = "array"; break;
            }
            if (!p.choices.empty()) s["enum"] = p.choices;
            if (p.type == ParamType::kInt || p.type == ParamType::kFloat) {
                if (p.min > -1e300) s["minimum"] = p.min;
                if (p.max < 1e300) s["maximum"] = p.max;
            }
            if (p.type == ParamType::kIntList) {
                json item = {{"type", "integer"}};
                if (p.min > -1e300) item["minimum"] = p.min;
                if (p.max < 1e300) item["maximum"] = p.max;
                s["items"] = item;
                s["minItems"] = 1;
            }
            s["description"] = p.doc;
            if (p.required) required.push_back(p.name);
            else s["default"] = param_to_json(p.default_value);
            props[p.name] = s;
        }
        if (kind->weight_specs().size() > 0) {
            bool any_required = false;
            for (const auto& w : kind->weight_specs()) any_required = any_required || w.required;
            if (any_required) required.push_back("weights");
        }
        layer_variants.push_back({{"type", "object"},
                                  {"title", kind->name()},
                                  {"description", kind->summary()},
                                  {"required", required},
                                  {"properties", props},
                                  {"additionalProperties", false}});
    }
    json schema = {
        {"$schema", "https://json-schema.org/draft/2020-12/schema"},
        {"title", "nnsim network description"},
        {"description", "Generated by `nnsim schema` from the layer-kind declarations; do not edit."},
        {"type", "object"},
        {"required", {"format", "inputs", "layers"}},
        {"additionalProperties", false},
        {"properties",
         {{"format", {{"const", kFormatTag}}},
          {"version", {{"const", 1}}},
          {"name", {{"type", "string"}}},
          {"io_type", {{"enum", {"io_parallel", "io_stream"}}}},
          {"clock_period_ns", {{"type", "number"}, {"exclusiveMinimum", 0}}},
          {"part", {{"type", "string"}}},
          {"defaults",
           {{"type", "object"},
            {"additionalProperties", false},
            {"properties",
             {{"precision", precision_string},
              {"reuse_factor", {{"type", "integer"}, {"minimum", 1}}},
              {"strategy", {{"enum", {"Latency", "Resource"}}}}}}}},
          {"weights_file", {{"type", "string"}, {"description", "HDF5 file for weight references"}}},
          {"inputs",
           {{"type", "array"},
            {"minItems", 1},
            {"items",
             {{"type", "object"},
              {"required", {"name", "shape"}},
              {"additionalProperties", false},
              {"properties",
               {{"name", {{"type", "string"}}},
                {"shape", {{"type", "array"}, {"items", {{"type", "integer"}, {"minimum", 1}}}}},
                {"precision", precision_string},
                {"fifo_depth",
                 {{"type", "integer"},
                  {"minimum", 1},
                  {"description", "depth of the FIFOs from the source to this input's consumers"}}}}}}}}},
          {"layers", {{"type", "array"}, {"minItems", 1}, {"items", {{"oneOf", layer_variants}}}}},
          {"outputs", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};
    return schema.dump(2) + "\n";
}

}  // namespace nnsim
