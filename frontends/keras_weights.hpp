// Finding a Keras layer's weight variables in an HDF5 file, in either layout Keras 2 writes.
//
//  - weights-only files (model.save_weights): datasets at /<layer>/<scope>/<var>:0, normally
//    /<layer>/<layer>/<var>:0, each layer group listing its datasets in the attribute `weight_names`;
//  - full-model files (model.save): the same tree under /model_weights.
// A variable is looked up through `weight_names` first (an entry whose last path component is
// `<var>:0`), then by searching the layer group's children, as hls4ml's KerasFileReader does.
#pragma once

#include <string>

#include "core/graph.hpp"
#include "core/hdf5_file.hpp"

namespace nnsim {

class KerasWeightFile {
  public:
    /// Open a weights file; throws UserError if it is missing or not readable HDF5.
    explicit KerasWeightFile(const std::string& path);

    const std::string& path() const { return m_file.path(); }
    /// Whether the file is a full-model file (has a /model_weights group).
    bool is_full_model() const { return m_root != "/"; }
    /// The root attribute model_config (the architecture JSON of a full-model file); empty if absent.
    std::string model_config() const { return m_file.string_attr("/", "model_config"); }

    /// Read variable `var` ("kernel", "bias", "gamma", ...) of Keras layer `layer`. Throws a UserError
    /// naming the dataset it expected and `context` (e.g. "kernel of layer 'fc1' (Dense)") if absent.
    WeightTensor read(const std::string& layer, const std::string& var, const std::string& context) const;

  private:
    /// Path of the dataset holding `var` below `group`, searching at most `depth` levels; empty if none.
    std::string search(const std::string& group, const std::string& var, int depth) const;

    Hdf5File m_file;     ///< the open file
    std::string m_root;  ///< "/" or "/model_weights/": where the layer groups are
};

}  // namespace nnsim
