// Reading the text and binary containers the importers accept: whole text files, JSON and YAML (both
// returned as one nlohmann::json tree, so that the hls4ml config reader handles either the same way), and
// the HDF5 signature check used to tell file kinds apart by content rather than by extension.
//
// Every failure is a one-line UserError naming the file; parse errors also give the line and column.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace nnsim {

/// The whole file as bytes; UserError if it is missing or unreadable.
std::string read_text_file(const std::string& path);

/// Parse JSON text; a syntax error becomes "<path>: malformed JSON: parse error at line L, column C: ...".
nlohmann::json parse_json_text(const std::string& text, const std::string& path);

/// Parse YAML text into the equivalent JSON tree: mappings become objects, sequences arrays, and plain
/// (unquoted) scalars booleans, nulls, integers or floats where they read as such, strings otherwise.
/// A syntax error becomes "<path>: malformed YAML at line L, column C: ...".
nlohmann::json parse_yaml_text(const std::string& text, const std::string& path);

/// Whether text is meant as JSON: it opens with '[', or with '{' followed by a quoted key or '}'. A YAML
/// flow mapping ({KerasJson: model.json, ...}) opens with an unquoted key and is not JSON.
bool looks_like_json(const std::string& text);

/// Whether the file starts with the 8-byte HDF5 signature (at offset 0 or at a user-block offset
/// 512, 1024, 2048, ...). False for missing or short files.
bool has_hdf5_signature(const std::string& path);

/// Whether the file starts with the ZIP signature (Keras 3 `.keras` archives).
bool has_zip_signature(const std::string& path);

}  // namespace nnsim
