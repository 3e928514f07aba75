// The nnsim network description: reading and writing the JSON format (docs/network_format.md).
//
// The format's layer-kind parameters come from the kinds' ParamSpec declarations, and so does the JSON
// Schema (network_schema()), which is committed as configs/network.schema.json and checked by a test
// to equal what this code generates.
#pragma once

#include <string>

#include "core/graph.hpp"

namespace nnsim {

/// Read, parse and validate a description file. Throws UserError with every problem found.
Graph read_network_file(const std::string& path);
/// Same from text; `path` is used in messages and to resolve relative weight-file paths.
Graph parse_network(const std::string& text, const std::string& path);

struct WriteOptions {
    bool inline_weights = false;  ///< write weight values instead of HDF5 references
    std::string out_path;         ///< where the description will be written (for relative paths)
};
/// Serialize a validated graph as a description (pretty-printed JSON text).
std::string write_network(const Graph& g, const WriteOptions& opt);

/// The JSON Schema (draft 2020-12) of network descriptions, generated from the kind declarations.
std::string network_schema();

}  // namespace nnsim
