// Reading datasets and attributes from HDF5 files (Keras weight files), with user-facing errors.
//
// Every failure (missing file, truncated or corrupt file, missing dataset, unexpected type) becomes a
// UserError naming the file and the object; HDF5's own error stack printing is switched off.
#pragma once

#include <string>
#include <vector>

#include "core/graph.hpp"

namespace nnsim {

class Hdf5File {
  public:
    /// Open for reading; throws UserError if the file is missing or not a readable HDF5 file.
    explicit Hdf5File(const std::string& path);
    /// Open an HDF5 file image held in memory (HDF5's core driver; the bytes are copied), named `name`
    /// in messages; throws UserError if the bytes are not a readable HDF5 file. Used by the fuzzers.
    Hdf5File(const void* image, size_t size, const std::string& name);
    ~Hdf5File();
    Hdf5File(const Hdf5File&) = delete;
    Hdf5File& operator=(const Hdf5File&) = delete;

    const std::string& path() const { return m_path; }
    /// Whether a dataset (or group) exists at an absolute path such as "/fc1/fc1/kernel:0".
    bool exists(const std::string& object) const;
    /// A numeric dataset as doubles (row-major), with its shape; throws UserError if absent or not numeric.
    WeightTensor read(const std::string& dataset) const;
    /// A string attribute (fixed or variable length) of an object; empty if absent.
    std::string string_attr(const std::string& object, const std::string& name) const;
    /// A string-array attribute (Keras layer_names, weight_names); empty if absent.
    std::vector<std::string> string_array_attr(const std::string& object, const std::string& name) const;
    /// Names of the children of a group (empty if not a group).
    std::vector<std::string> children(const std::string& group) const;

  private:
    std::string m_path;  ///< as given, for messages
    long m_id = -1;      ///< HDF5 file handle (hid_t)
};

}  // namespace nnsim
