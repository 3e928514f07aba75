// Text, JSON, YAML and signature reading for the importers (file_formats.hpp).
//
// YAML scalars are typed as PyYAML (YAML 1.1, which hls4ml reads its configs with) types them, so that a
// config means the same to nnsim as to hls4ml: `yes`/`on` are booleans, `~` is null, `16` an integer and
// `ap_fixed<16, 6>` a string. One leniency: `1e9` is a float here (PyYAML wants a dot). Quoted scalars are
// always strings.
#include "frontends/file_formats.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "core/diag.hpp"

namespace nnsim {
namespace {

using nlohmann::json;

/// Replace line breaks so that a message stays on one line.
std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

/// The JSON value of a plain (unquoted) YAML scalar, typed as PyYAML types it.
json typed_plain_scalar(const std::string& s) {
    static const std::regex kInt("[-+]?[0-9]+");
    static const std::regex kFloat("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    static const char* const kTrue[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
    static const char* const kFalse[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
    static const char* const kNull[] = {"", "~", "null", "Null", "NULL"};
    for (const char* t : kTrue)
        if (s == t) return true;
    for (const char* f : kFalse)
        if (s == f) return false;
    for (const char* n : kNull)
        if (s == n) return nullptr;
    try {
        if (std::regex_match(s, kInt)) return json(std::stoll(s));
        if (std::regex_match(s, kFloat)) return json(std::stod(s));
    } catch (const std::exception&) {
        // Out of range for int64 or double: keep the text.
    }
    return s;
}

/// Offset of the first byte that is not part of well-formed UTF-8, or npos. (JSON text is checked by
/// the JSON parser; YAML's scalars become JSON strings, which must be valid UTF-8.)
size_t invalid_utf8(const std::string& text) {
    // RFC 3629: no overlong forms, no surrogates (U+D800..DFFF), nothing above U+10FFFF.
    size_t i = 0;
    while (i < text.size()) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        int n;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c < 0x80) n = 0;
        else if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c == 0xE0) n = 2, lo = 0xA0;
        else if (c == 0xED) n = 2, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF) n = 2;
        else if (c == 0xF0) n = 3, lo = 0x90;
        else if (c == 0xF4) n = 3, hi = 0x8F;
        else if (c >= 0xF1 && c <= 0xF3) n = 3;
        else return i;
        if (i + size_t(n) >= text.size() + (n == 0 ? 1 : 0)) return i;
        for (int k = 1; k <= n; ++k) {
            const unsigned char b = static_cast<unsigned char>(text[i + size_t(k)]);
            if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return i;
        }
        i += size_t(n) + 1;
    }
    return std::string::npos;
}

/// A YAML scalar as a JSON string, which must be UTF-8: yaml-cpp's escapes and its encoding
/// detection (NUL bytes read as UTF-16) can give bytes that are not.
std::string utf8_scalar(const YAML::Node& node, const std::string& path) {
    const std::string& v = node.Scalar();
    if (invalid_utf8(v) != std::string::npos)
        throw UserError(path + ": line " + std::to_string(node.Mark().line + 1) +
                        ": a string that is not UTF-8 once read as YAML (escapes, or bytes read as another encoding)");
    return v;
}

json yaml_to_json(const YAML::Node& node, const std::string& path) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return nullptr;
        case YAML::NodeType::Scalar:
            // yaml-cpp tags plain scalars "?" and quoted ones "!".
            if (node.Tag() == "!") return utf8_scalar(node, path);
            return typed_plain_scalar(utf8_scalar(node, path));
        case YAML::NodeType::Sequence: {
            json a = json::array();
            for (const auto& item : node) a.push_back(yaml_to_json(item, path));
            return a;
        }
        case YAML::NodeType::Map: {
            json o = json::object();
            for (const auto& kv : node) o[utf8_scalar(kv.first, path)] = yaml_to_json(kv.second, path);
            return o;
        }
    }
    return nullptr;
}

/// Whether `bytes` (the start of a file) matches `signature` at `offset`.
bool signature_at(const std::string& bytes, size_t offset, const std::string& signature) {
    return bytes.size() >= offset + signature.size() &&
           bytes.compare(offset, signature.size(), signature) == 0;
}

/// Up to `n` leading bytes of a file (empty if it cannot be read).
std::string leading_bytes(const std::string& path, size_t n) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return "";
    std::string buf(n, '\0');
    f.read(buf.data(), std::streamsize(n));
    buf.resize(size_t(f.gcount()));
    return buf;
}

}  // namespace

std::string read_text_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw UserError(path + ": cannot open (file missing or unreadable)");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

json parse_json_text(const std::string& text, const std::string& path) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        // e.what() reads "[json.exception.parse_error.101] parse error at line 3, column 5: ..." (or
        // out_of_range.406 "number overflow parsing '1E999'"): the text after the bracket.
        const std::string what = e.what();
        const size_t at = what.find("] ");
        throw UserError(path + ": malformed JSON: " + one_line(at == std::string::npos ? what : what.substr(at + 2)));
    }
}

json parse_yaml_text(const std::string& text, const std::string& path) {
    const size_t bad = invalid_utf8(text);
    if (bad != std::string::npos)
        throw UserError(path + ": not UTF-8 text (byte " + std::to_string(bad) + " is not valid UTF-8)");
    try {
        return yaml_to_json(YAML::Load(text), path);
    } catch (const YAML::Exception& e) {
        std::string where;
        if (!e.mark.is_null())
            where = " at line " + std::to_string(e.mark.line + 1) + ", column " +
                    std::to_string(e.mark.column + 1);
        throw UserError(path + ": malformed YAML" + where + ": " + one_line(e.msg));
    }
}

bool looks_like_json(const std::string& text) {
    const char* const kSpace = " \t\r\n";
    const size_t first = text.find_first_not_of(kSpace);
    if (first == std::string::npos) return false;
    if (text[first] == '[') return true;
    if (text[first] != '{') return false;
    const size_t second = text.find_first_not_of(kSpace, first + 1);
    return second == std::string::npos || text[second] == '"' || text[second] == '}';
}

bool has_hdf5_signature(const std::string& path) {
    static const std::string kSignature("\x89HDF\r\n\x1a\n", 8);
    const std::string bytes = leading_bytes(path, 8192 + 8);
    // HDF5 looks at offset 0, then at every power of two from 512 (files with a user block).
    for (size_t offset = 0; offset <= 8192; offset = offset == 0 ? 512 : offset * 2)
        if (signature_at(bytes, offset, kSignature)) return true;
    return false;
}

bool has_zip_signature(const std::string& path) {
    return signature_at(leading_bytes(path, 4), 0, std::string("PK\x03\x04", 4));
}

}  // namespace nnsim
