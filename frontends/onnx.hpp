// ONNX and QONNX importer: turns an ONNX ModelProto (a binary protobuf file, as torch.onnx.export,
// tf2onnx, onnxmltools and QONNX write it) into the nnsim graph IR.
//
// Channels-first ONNX tensors become channels-last nnsim tensors without moving data: the importer
// tracks each tensor's element order and permutes the weights of the layers that read it
// (docs/onnx_import.md). A network input of rank 2 or more that is not read by a Transpose is taken
// channels-last (nnsim's input shape is [H, W, C] for an ONNX [N, C, H, W] input); models in the QONNX
// channels-last form are read as they are. QONNX quantizers (Quant, BipolarQuant, Trunc) become the
// precisions of the layers they quantize. Any operator, attribute or quantizer nnsim cannot express is
// a UserError naming the file, the node and its op_type.
#pragma once

#include <string>

#include "core/graph.hpp"

namespace nnsim {

struct Hls4mlConfig;

/// Import an ONNX file, apply `config` if given (the quantizers' precisions win over the config's),
/// and return the graph (not yet validated).
Graph import_onnx(const std::string& path, const Hls4mlConfig* config = nullptr);

/// Whether the file starts like an ONNX ModelProto (field 1, ir_version, as a small varint).
bool has_onnx_signature(const std::string& path);

}  // namespace nnsim
