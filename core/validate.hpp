// Validation of a network graph: structure, parameters, precisions and shapes.
#pragma once

#include "core/diag.hpp"
#include "core/graph.hpp"
#include "core/layer_kind.hpp"

namespace nnsim {

/// Check the whole graph and complete it: fill in parameter defaults and missing precisions (model
/// precision, or the kind's fixed default such as hls4ml's table_t), check every parameter against its
/// declaration, and infer every node's output shape through its kind. Every problem is reported to
/// `diag` as one line naming the file, the JSON pointer or the layer, and what was expected.
void validate(Graph& g, Diagnostics& diag);

/// validate(), then throw a UserError carrying all problems if there were any.
void validate_or_throw(Graph& g);

/// Shapes and precisions of the inputs of a validated node.
NodeInputs node_inputs(const Graph& g, const Node& n);

}  // namespace nnsim
