// Keras weight lookup in HDF5 files (keras_weights.hpp).
#include "frontends/keras_weights.hpp"

#include "core/diag.hpp"

namespace nnsim {
namespace {

/// Last component of a slash-separated path.
std::string leaf(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Whether a dataset name (its last component) names Keras variable `var`: "kernel:0" or "kernel".
bool names_var(const std::string& name, const std::string& var) {
    const std::string l = leaf(name);
    return l == var + ":0" || l == var;
}

}  // namespace

KerasWeightFile::KerasWeightFile(const std::string& path) : m_file(path), m_root("/") {
    if (m_file.exists("/model_weights")) m_root = "/model_weights/";
}

std::string KerasWeightFile::search(const std::string& group, const std::string& var, int depth) const {
    if (depth <= 0) return "";
    const auto children = m_file.children(group);
    for (const auto& c : children)
        if (names_var(c, var)) return group + "/" + c;
    for (const auto& c : children) {
        const std::string found = search(group + "/" + c, var, depth - 1);
        if (!found.empty()) return found;
    }
    return "";
}

WeightTensor KerasWeightFile::read(const std::string& layer, const std::string& var,
                                   const std::string& context) const {
    const std::string group = m_root + layer;
    // The dataset we expect when nothing says otherwise: /<layer>/<layer>/<var>:0.
    std::string expected = group + "/" + layer + "/" + var + ":0";
    for (const auto& entry : m_file.string_array_attr(group, "weight_names")) {
        if (!names_var(entry, var)) continue;
        expected = group + "/" + entry;
        if (m_file.exists(expected)) return m_file.read(expected);
        break;  // listed but absent: report the listed path
    }
    if (!m_file.exists(group))
        throw UserError(path() + ": no group " + group + " for " + context +
                        " (does the weights file belong to this model?)");
    const std::string found = search(group, var, 3);
    if (found.empty()) throw UserError(path() + ": dataset " + expected + " not found (" + context + ")");
    return m_file.read(found);
}

}  // namespace nnsim
