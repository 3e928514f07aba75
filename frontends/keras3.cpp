// Keras 3 archives (keras3.hpp).
#include "frontends/keras3.hpp"

#include <hdf5.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/diag.hpp"
#include "core/hdf5_file.hpp"
#include "frontends/file_formats.hpp"
#include "frontends/keras.hpp"

namespace nnsim {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

/// One entry of the archive, whole. Throws a UserError naming the archive and the entry.
std::string read_entry(zip_t* z, const std::string& entry, const std::string& path) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(z, entry.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        throw UserError(path + ": the archive has no " + entry + " (not a Keras 3 .keras model)");
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> f(zip_fopen(z, entry.c_str(), 0), zip_fclose);
    if (!f) throw UserError(path + ": cannot open " + entry + " in the archive");
    std::string data(size_t(st.size), '\0');
    if (zip_fread(f.get(), data.data(), st.size) != zip_int64_t(st.size))
        throw UserError(path + ": " + entry + " is damaged in the archive");
    return data;
}

/// Keras 3's object name of a class: its name in snake case (keras.src.utils.naming.to_snake_case).
std::string snake_case(const std::string& cls) {
    std::string s;
    for (char c : cls)
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') s += c;
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        const bool upper = std::isupper(static_cast<unsigned char>(s[i])) != 0;
        // "(.)([A-Z][a-z]+)" -> "\1_\2", then "([a-z])([A-Z])" -> "\1_\2"
        const bool starts_word = upper && i > 0 && i + 1 < s.size() && std::islower(static_cast<unsigned char>(s[i + 1]));
        const bool after_lower = upper && i > 0 && std::islower(static_cast<unsigned char>(s[i - 1]));
        if ((starts_word || after_lower) && !out.empty() && out.back() != '_') out += '_';
        out += char(std::tolower(static_cast<unsigned char>(s[i])));
    }
    return out;
}

/// Keras 2 names of a layer's variables in Keras 3's order; empty when the class has none here.
std::vector<std::string> variable_names(const std::string& cls, const json& cfg) {
    const bool bias = !(cfg.contains("use_bias") && cfg["use_bias"].is_boolean()) || cfg["use_bias"].get<bool>();
    auto with_bias = [&](std::vector<std::string> v) {
        if (bias) v.push_back("bias");
        return v;
    };
    static const std::vector<std::string> kernels = {"Dense", "QDense", "Conv1D", "Conv2D", "QConv1D", "QConv2D"};
    static const std::vector<std::string> depthwise = {"DepthwiseConv1D", "DepthwiseConv2D", "QDepthwiseConv2D"};
    static const std::vector<std::string> separable = {"SeparableConv1D", "SeparableConv2D", "QSeparableConv1D",
                                                       "QSeparableConv2D"};
    auto in = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), cls) != v.end(); };
    if (in(kernels)) return with_bias({"kernel"});
    if (in(depthwise)) return with_bias({"depthwise_kernel"});
    if (in(separable)) return with_bias({"depthwise_kernel", "pointwise_kernel"});
    if (cls == "BatchNormalization" || cls == "QBatchNormalization") {
        std::vector<std::string> v;
        if (cfg.value("scale", true)) v.push_back("gamma");
        if (cfg.value("center", true)) v.push_back("beta");
        v.push_back("moving_mean");
        v.push_back("moving_variance");
        return v;
    }
    return {};
}

/// A Keras 3 keras tensor ({"class_name": "__keras_tensor__", "config": {"keras_history": [...]}}) as a
/// Keras 2 inbound record [layer, node, tensor, {}]; null when it is not one.
json inbound_record(const json& t) {
    if (!t.is_object() || !t.contains("config") || !t["config"].is_object()) return nullptr;
    const json& h = t["config"].value("keras_history", json());
    if (!h.is_array() || h.size() != 3) return nullptr;
    return json::array({h[0], h[1], h[2], json::object()});
}

/// The layer list of a Sequential or functional config (Keras 3 always writes {"layers": [...]}).
json* layers_of(json& model) {
    json& cfg = model["config"];
    if (cfg.is_object() && cfg.contains("layers") && cfg["layers"].is_array()) return &cfg["layers"];
    return nullptr;
}

/// Rewrites the Keras 3 forms the Keras 2 importer does not read (see keras3.hpp).
void to_keras2(json& model) {
    json* layers = layers_of(model);
    if (!layers) return;
    for (json& l : *layers) {
        if (!l.is_object() || !l.contains("config") || !l["config"].is_object()) continue;
        json& c = l["config"];
        if (l.value("class_name", "") == "InputLayer" && c.contains("batch_shape") && !c.contains("batch_input_shape"))
            c["batch_input_shape"] = c["batch_shape"];
        if (!l.contains("inbound_nodes") || !l["inbound_nodes"].is_array()) continue;
        json nodes = json::array();
        for (const json& node : l["inbound_nodes"]) {
            if (!node.is_object() || !node.contains("args") || !node["args"].is_array() || node["args"].empty()) {
                nodes.push_back(node);  // already Keras 2, or something the importer will report
                continue;
            }
            const json& first = node["args"][0];
            json records = json::array();
            if (first.is_array()) {
                for (const json& t : first)
                    if (json r = inbound_record(t); !r.is_null()) records.push_back(r);
            } else if (json r = inbound_record(first); !r.is_null()) {
                records.push_back(r);
            }
            nodes.push_back(records);
        }
        l["inbound_nodes"] = nodes;
    }
    json& cfg = model["config"];
    for (const char* key : {"input_layers", "output_layers"})
        if (cfg.contains(key) && cfg[key].is_array() && !cfg[key].empty() && cfg[key][0].is_string())
            cfg[key] = json::array({cfg[key]});
}

/// A temporary folder removed with the object.
struct TempDir {
    fs::path dir;
    TempDir() {
        dir = fs::temp_directory_path() / ("nnsim_keras3_" + std::to_string(getpid()) + "_" +
                                           std::to_string(reinterpret_cast<uintptr_t>(this)));
        fs::create_directories(dir);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

/// Writes float64 datasets into a new HDF5 file at Keras 2 paths.
class Keras2WeightWriter {
  public:
    explicit Keras2WeightWriter(const std::string& path) : m_path(path) {
        m_file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        if (m_file < 0) throw UserError(path + ": cannot create a temporary weights file");
        m_lcpl = H5Pcreate(H5P_LINK_CREATE);
        H5Pset_create_intermediate_group(m_lcpl, 1);
    }
    ~Keras2WeightWriter() {
        H5Pclose(m_lcpl);
        if (m_file >= 0) H5Fclose(m_file);
    }
    void write(const std::string& dataset, const WeightTensor& t) {
        std::vector<hsize_t> dims;
        for (int d : t.shape) dims.push_back(hsize_t(d));
        const hid_t space = dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(int(dims.size()), dims.data(), nullptr);
        const hid_t ds = H5Dcreate2(m_file, dataset.c_str(), H5T_IEEE_F64LE, space, m_lcpl, H5P_DEFAULT, H5P_DEFAULT);
        const bool ok = ds >= 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data.data()) >= 0;
        if (ds >= 0) H5Dclose(ds);
        H5Sclose(space);
        if (!ok) throw UserError(m_path + ": cannot write " + dataset);
    }

  private:
    std::string m_path;
    hid_t m_file = -1, m_lcpl = -1;
};

/// Copies every layer's variables from the archive's weights file to a Keras 2 weights file.
void rewrite_weights(const json& model, const std::string& k3_path, const std::string& k2_path,
                     const std::string& archive) {
    const Hdf5File in(k3_path);
    Keras2WeightWriter out(k2_path);
    std::map<std::string, int> used;  // snake-case class name -> how many so far
    const json& layers = model["config"]["layers"];
    for (size_t i = 0; i < layers.size(); ++i) {
        const json& l = layers[i];
        const std::string cls = l.value("class_name", "");
        const json cfg = l.value("config", json::object());
        const std::string name = cfg.value("name", "");
        std::string obj = snake_case(cls);
        const auto it = used.find(obj);
        if (it == used.end()) used[obj] = 0;
        else obj += "_" + std::to_string(++it->second);
        const std::string vars = "/layers/" + obj + "/vars";
        const std::vector<std::string> stored = in.exists(vars) ? in.children(vars) : std::vector<std::string>{};
        if (stored.empty()) continue;
        const std::vector<std::string> names = variable_names(cls, cfg);
        const std::string where = archive + ": config.json/config/layers/" + std::to_string(i) + " (layer '" + name +
                                  "', " + cls + ")";
        if (names.size() != stored.size())
            throw UserError(where + ": " + std::to_string(stored.size()) + " variables in model.weights.h5 " + vars +
                            ", expected " + std::to_string(names.size()) +
                            (names.empty() ? " (Keras 3 weights of this class are not read yet)" : ""));
        for (size_t v = 0; v < names.size(); ++v)
            out.write("/" + name + "/" + name + "/" + names[v] + ":0", in.read(vars + "/" + std::to_string(v)));
    }
}

}  // namespace

Graph import_keras3(const std::string& path, bool float_qkeras) {
    int err = 0;
    std::unique_ptr<zip_t, int (*)(zip_t*)> z(zip_open(path.c_str(), ZIP_RDONLY, &err), zip_close);
    if (!z) throw UserError(path + ": not a readable zip archive (a Keras 3 .keras file was expected)");
    const std::string config_text = read_entry(z.get(), "config.json", path);
    const std::string weights = read_entry(z.get(), "model.weights.h5", path);
    json model = parse_json_text(config_text, path + " (config.json)");
    if (!looks_like_keras_model(model) || !layers_of(model))
        throw UserError(path + ": config.json is not a Keras model (expected class_name and config.layers)");
    to_keras2(model);

    const TempDir tmp;
    const std::string k3 = (tmp.dir / "model.weights.h5").string(), k2 = (tmp.dir / "weights_keras2.h5").string();
    {
        std::FILE* f = std::fopen(k3.c_str(), "wb");
        if (!f || std::fwrite(weights.data(), 1, weights.size(), f) != weights.size() || std::fclose(f) != 0)
            throw UserError(k3 + ": cannot write a temporary copy of the archive's weights");
    }
    rewrite_weights(model, k3, k2, path);  // by the classes as saved (object names follow them)
    if (float_qkeras) model = qkeras_as_float(model, path);
    Graph g = import_keras_model(model, path, "config.json", fs::path(path).stem().string(), k2);
    for (Node& n : g.nodes)  // the temporary file goes: the weights are held inline
        for (auto& [name, w] : n.weights) w.file.clear(), w.dataset.clear();
    return g;
}

}  // namespace nnsim
