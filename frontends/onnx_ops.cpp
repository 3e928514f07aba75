// ONNX operators of dense networks -> nnsim kinds (onnx_importer.hpp): Gemm and MatMul (+ Add of a
// constant) -> dense, Relu, LeakyRelu, Elu, Selu, Sigmoid, Tanh, Clip(0, max), Softmax, BatchNormalization, Add of
// two tensors; Identity and Dropout alias their input; Transpose, Reshape, Flatten, Squeeze and
// Unsqueeze only change how an nnsim tensor's elements map to the ONNX tensor (no node unless a later
// layer needs a flat tensor); Constant nodes become constants.
#include <cmath>
#include <onnx/onnx_pb.h>

#include <numeric>

#include "core/layer_kind.hpp"
#include "frontends/onnx_importer.hpp"

namespace nnsim {

namespace {

/// A dense node's kernel [K, N] from an ONNX matrix B ([K, N], or [N, K] when transposed), with row j
/// of the kernel taken from row order[j] of B.
WeightTensor dense_kernel(const OnnxConst& b, bool trans_b, const std::vector<int64_t>& order, double alpha) {
    const int64_t rows = b.dims[trans_b ? 1 : 0], cols = b.dims[trans_b ? 0 : 1];
    WeightTensor w;
    w.shape = {int(rows), int(cols)};
    w.data.resize(size_t(rows * cols));
    for (int64_t j = 0; j < rows; ++j)
        for (int64_t o = 0; o < cols; ++o) {
            const int64_t r = order[size_t(j)];
            w.data[size_t(j * cols + o)] = alpha * (trans_b ? b.data[size_t(o * rows + r)] : b.data[size_t(r * cols + o)]);
        }
    return w;
}

}  // namespace

void OnnxImporter::op_gemm(const onnx::NodeProto& n) {
    const OnnxTensor& a = tensor(n, 0);
    const OnnxConst& b = constant(n, 1, "B, the weights");
    const OnnxConst* c = optional_constant(n, 2, "C, the bias");
    if (attr_int(n, "transA", 0) != 0) fail(n, "transA=1 is not supported (the input must be [batch, features])");
    const bool trans_b = attr_int(n, "transB", 0) != 0;
    const double alpha = attr_float(n, "alpha", 1.0), beta = attr_float(n, "beta", 1.0);
    if (b.dims.size() != 2) fail(n, "B must be a matrix");
    if (a.onnx.size() != 1) fail(n, "the input must be [batch, features], got features " + shape_to_string(a.onnx));
    const int64_t k = b.dims[trans_b ? 1 : 0], units = b.dims[trans_b ? 0 : 1];
    if (k != a.onnx[0]) fail(n, "B has " + std::to_string(k) + " rows for " + std::to_string(a.onnx[0]) + " inputs");
    if ((b.type && alpha != 1.0) || (c && c->type && beta != 1.0))
        fail(n, "alpha and beta must be 1 with quantized weights (the scaled values would not be of the quantizer's type)");
    std::vector<int64_t> order;
    const std::string x = flat_input(n, a, order);
    Node& d = add_node(n, "dense", {x}, Shape{int(units)});
    d.params["n_out"] = units;
    d.weights["kernel"] = dense_kernel(b, trans_b, order, alpha);
    if (b.type) pin(d.name, "weight", *b.type);
    if (c != nullptr) {
        if (c->size() != units && c->size() != 1)
            fail(n, "C has " + std::to_string(c->size()) + " values for " + std::to_string(units) + " outputs");
        WeightTensor bias;
        bias.shape = {int(units)};
        for (int64_t o = 0; o < units; ++o) bias.data.push_back(beta * c->data[size_t(c->size() == 1 ? 0 : o)]);
        d.weights["bias"] = bias;
        if (c->type) pin(d.name, "bias", *c->type);
    }
    set_output(n, OnnxTensor{d.name, {int(units)}, {}, {}});
}

void OnnxImporter::op_matmul(const onnx::NodeProto& n) {
    const OnnxTensor& a = tensor(n, 0);
    const OnnxConst& b = constant(n, 1, "B, the weights");
    if (b.dims.size() != 2) fail(n, "B must be a matrix");
    if (a.onnx.size() != 1) fail(n, "the input must be [batch, features], got features " + shape_to_string(a.onnx));
    if (b.dims[0] != a.onnx[0]) fail(n, "B has " + std::to_string(b.dims[0]) + " rows for " + std::to_string(a.onnx[0]) + " inputs");
    std::vector<int64_t> order;
    const std::string x = flat_input(n, a, order);
    Node& d = add_node(n, "dense", {x}, Shape{int(b.dims[1])});
    d.params["n_out"] = b.dims[1];
    d.weights["kernel"] = dense_kernel(b, false, order, 1.0);
    if (b.type) pin(d.name, "weight", *b.type);
    set_output(n, OnnxTensor{d.name, {int(b.dims[1])}, {}, {}});
}

void OnnxImporter::op_add(const onnx::NodeProto& n) {
    if (n.input_size() != 2) fail(n, "expected 2 inputs");
    const int ci = is_const(n.input(0)) ? 0 : is_const(n.input(1)) ? 1 : -1;
    if (ci < 0) {
        const OnnxTensor& a = tensor(n, 0);
        const OnnxTensor& b = tensor(n, 1);
        if (a.onnx != b.onnx || a.perm != b.perm || a.order != b.order || nnsim_shape(a.nnsim) != nnsim_shape(b.nnsim))
            fail(n, "the two inputs differ in shape or layout (" + shape_to_string(a.onnx) + " and " +
                        shape_to_string(b.onnx) + "); broadcasting is not supported");
        Node& add = add_node(n, "add", {a.nnsim, b.nnsim}, nnsim_shape(a.nnsim));
        OnnxTensor t = a;
        t.nnsim = add.name;
        return set_output(n, t);
    }
    // A constant: the bias of the MatMul before, which must have no other reader.
    const OnnxTensor& a = tensor(n, 1 - ci);
    const OnnxConst& c = constant(n, ci, "the bias");
    Node* d = producer_of(n.input(1 - ci));
    if (d == nullptr || std::string(d->kind->name()) != "dense" || d->weights.count("bias") ||
        readers(n.input(1 - ci)) != 1)
        fail(n, "adding a constant is supported only as the bias of the MatMul before it");
    const int64_t units = a.onnx[0];
    if (c.size() != units && c.size() != 1)
        fail(n, "the bias has " + std::to_string(c.size()) + " values for " + std::to_string(units) + " outputs");
    WeightTensor bias;
    bias.shape = {int(units)};
    for (int64_t o = 0; o < units; ++o) bias.data.push_back(c.data[size_t(c.size() == 1 ? 0 : o)]);
    d->weights["bias"] = bias;
    if (c.type) pin(d->name, "bias", *c.type);
    m_created[n.output(0)] = d->name;
    set_output(n, a);
}

void OnnxImporter::op_activation(const onnx::NodeProto& n) {
    const OnnxTensor& x = tensor(n, 0);
    const std::string& op = n.op_type();
    const char* kind = op == "Relu" ? "relu" : op == "LeakyRelu" ? "leaky_relu" : op == "Sigmoid" ? "sigmoid"
                       : op == "Tanh" ? "tanh" : op == "Elu" ? "elu" : op == "Selu" ? "selu" : "clipped_relu";
    if (op == "Selu") {  // hls4ml's selu has the standard constants built in
        const double alpha = attr_float(n, "alpha", 1.67326319217681884765625);
        const double gamma = attr_float(n, "gamma", 1.05070102214813232421875);
        if (std::fabs(alpha - 1.6732632423543772) > 1e-6 || std::fabs(gamma - 1.0507009873554805) > 1e-6)
            fail(n, "Selu with alpha " + std::to_string(alpha) + " and gamma " + std::to_string(gamma) +
                        " is not supported (only the standard constants 1.67326 and 1.0507, as hls4ml)");
    }
    double lo = 0, hi = 0;
    if (op == "Clip") {
        lo = attr_float(n, "min", -3.4e38), hi = attr_float(n, "max", 3.4e38);
        if (const OnnxConst* c = optional_constant(n, 1, "min")) lo = c->data.at(0);
        if (const OnnxConst* c = optional_constant(n, 2, "max")) hi = c->data.at(0);
        if (lo != 0 || !(hi > 0) || hi > 1e30)
            fail(n, "only Clip(0, max) with a positive max (a ReLU with a bound) is supported");
    }
    Node& a = add_node(n, kind, {x.nnsim}, nnsim_shape(x.nnsim));
    if (op == "LeakyRelu") a.params["alpha"] = attr_float(n, "alpha", 0.01);
    if (op == "Elu") a.params["alpha"] = attr_float(n, "alpha", 1.0);
    if (op == "Clip") a.params["max_value"] = hi;
    OnnxTensor t = x;
    t.nnsim = a.name;
    set_output(n, t);
}

void OnnxImporter::op_softmax(const onnx::NodeProto& n) {
    const OnnxTensor& x = tensor(n, 0);
    const int64_t rank = int64_t(x.onnx.size()) + 1;
    int64_t axis = attr_int(n, "axis", m_opset >= 13 ? -1 : 1);
    if (axis < 0) axis += rank;
    // The elements on the softmax axis must be all of them: a softmax of a whole vector does not depend on
    // the order its elements are held in.
    int64_t others = 1;
    for (int64_t a = 1; a < rank; ++a)
        if (a != axis) others *= x.onnx[size_t(a - 1)];
    if (axis < 1 || axis >= rank || others != 1 || nnsim_shape(x.nnsim).size() != 1)
        fail(n, "softmax is supported over the features of a [batch, features] tensor only, got axis " +
                    std::to_string(axis) + " of features " + shape_to_string(x.onnx));
    Node& s = add_node(n, "softmax", {x.nnsim}, nnsim_shape(x.nnsim));
    OnnxTensor t = x;
    t.nnsim = s.name;
    set_output(n, t);
}

void OnnxImporter::op_identity(const onnx::NodeProto& n) {
    if (is_const(n.input(0))) return set_output(n, m_consts.at(n.input(0)));
    set_output(n, tensor(n, 0));
}

void OnnxImporter::op_batchnorm(const onnx::NodeProto& n) {
    const OnnxTensor& x = tensor(n, 0);
    const char* names[] = {"gamma", "beta", "moving_mean", "moving_variance"};
    const char* what[] = {"scale", "B", "input_mean", "input_var"};
    if (attr_int(n, "training_mode", 0) != 0) fail(n, "training_mode=1 is not supported");
    const int64_t channels = x.onnx[0];
    const Shape& s = nnsim_shape(x.nnsim);
    const int64_t last = s.back(), inner = shape_size(x.onnx) / channels;
    // The channel (ONNX axis 1) of each nnsim element must depend on its last-axis index only.
    const std::vector<int64_t> order = element_order(x);
    std::vector<int64_t> channel_of(size_t(last), -1);
    for (size_t j = 0; j < order.size(); ++j) {
        const int64_t ch = order[j] / inner;
        int64_t& c = channel_of[j % size_t(last)];
        if (c >= 0 && c != ch)
            fail(n, "the channels of features " + shape_to_string(x.onnx) +
                        " are not on the last axis of the nnsim tensor " + shape_to_string(s));
        c = ch;
    }
    Node& bn = add_node(n, "batchnorm", {x.nnsim}, s);
    bn.params["epsilon"] = attr_float(n, "epsilon", 1e-5);
    for (int k = 0; k < 4; ++k) {
        const OnnxConst& c = constant(n, k + 1, what[k]);
        if (c.size() != channels)
            fail(n, std::string(what[k]) + " has " + std::to_string(c.size()) + " values for " +
                        std::to_string(channels) + " channels");
        WeightTensor w;
        w.shape = {int(last)};
        for (int64_t j = 0; j < last; ++j) w.data.push_back(c.data[size_t(channel_of[size_t(j)])]);
        bn.weights[names[k]] = w;
    }
    OnnxTensor t = x;
    t.nnsim = bn.name;
    set_output(n, t);
}

void OnnxImporter::op_reshape(const onnx::NodeProto& n) {
    const std::string& op = n.op_type();
    if (is_const(n.input(0))) fail(n, "reshaping a constant is not supported");
    const OnnxTensor& x = tensor(n, 0);
    std::vector<int64_t> full{1};  // the input's ONNX shape with the batch axis (batch 1)
    full.insert(full.end(), x.onnx.begin(), x.onnx.end());
    const int64_t total = shape_size(x.onnx);
    std::vector<int64_t> out;
    if (op == "Flatten") {
        int64_t axis = attr_int(n, "axis", 1);
        if (axis < 0) axis += int64_t(full.size());
        if (axis < 0 || axis > int64_t(full.size()))
            fail(n, "axis " + std::to_string(attr_int(n, "axis", 1)) + " is outside a rank " + std::to_string(full.size()) +
                        " tensor");
        int64_t lead = 1;
        for (int64_t a = 1; a < axis; ++a) lead *= full[size_t(a)];
        if (lead != 1) fail(n, "flattening from axis " + std::to_string(axis) + " keeps a non-batch axis");
        out = {1, total};
    } else if (op == "Reshape") {
        const OnnxConst& shape = constant(n, 1, "shape");
        int64_t known = 1, infer = -1;
        for (size_t i = 0; i < shape.data.size(); ++i) {
            int64_t d = as_int(n, shape.data[i], "shape");
            if (d < -1) fail(n, "shape value " + std::to_string(d) + " is negative");
            if (d == 0 && i < full.size()) d = full[i];
            if (d == -1) infer = int64_t(i);
            else if (d > 0 && known > (int64_t(1) << 40) / d) fail(n, "the target shape has too many elements");
            else known *= d;
            out.push_back(d);
        }
        if (infer >= 0) out[size_t(infer)] = known > 0 ? total / known : 0;
        if (out.empty() || out[0] != 1 || shape_size(Shape(out.begin(), out.end())) != total)
            fail(n, "the target shape must keep a batch axis of 1 and the " + std::to_string(total) + " elements");
    } else {
        std::vector<int64_t> axes;
        if (auto a = attr_ints(n, "axes")) axes = *a;
        else if (const OnnxConst* c = optional_constant(n, 1, "axes"))
            for (double v : c->data) axes.push_back(as_int(n, v, "axes"));
        const bool squeeze = op == "Squeeze";
        const int64_t rank = int64_t(full.size()) + (squeeze ? 0 : int64_t(axes.size()));
        std::set<int64_t> set;
        for (int64_t a : axes) set.insert(a < 0 ? a + rank : a);
        if (set.count(0)) fail(n, "(un)squeezing the batch axis is not supported");
        if (squeeze) {
            for (size_t a = 0; a < full.size(); ++a) {
                if (!set.count(int64_t(a)) && !(axes.empty() && full[a] == 1 && a > 0)) out.push_back(full[a]);
                else if (full[a] != 1) fail(n, "axis " + std::to_string(a) + " has size " + std::to_string(full[a]));
            }
            if (out.empty() || out[0] != 1) out.insert(out.begin(), 1);
        } else {
            for (int64_t a = 0, k = 0; a < rank; ++a) out.push_back(set.count(a) ? 1 : full[size_t(k++)]);
        }
    }
    OnnxTensor t = x;
    t.onnx = Shape(out.begin() + 1, out.end());
    if (t.onnx.empty()) t.onnx = {1};
    t.order = x.identity() ? std::vector<int64_t>{} : element_order(x);
    t.perm.clear();
    set_output(n, t);
}

void OnnxImporter::op_transpose(const onnx::NodeProto& n) {
    if (is_const(n.input(0))) fail(n, "transposing a constant is not supported");
    const OnnxTensor& x = tensor(n, 0);
    const size_t r = x.onnx.size();
    std::vector<int64_t> perm;
    if (auto p = attr_ints(n, "perm")) perm = *p;
    else
        for (size_t a = r + 1; a-- > 0;) perm.push_back(int64_t(a));
    if (perm.size() != r + 1) fail(n, "perm has " + std::to_string(perm.size()) + " axes for a rank " + std::to_string(r + 1) + " tensor");
    if (perm[0] != 0) {
        // Moving the batch axis: only a no-op on [batch, features] (some Keras exports do this around a
        // BatchNormalization).
        if (r != 1) fail(n, "a transpose that moves the batch axis is not supported");
        return set_output(n, x);
    }
    if (!x.order.empty()) fail(n, "transposing a tensor after a reshape of a transposed tensor is not supported");
    std::vector<int> t_axes(r), inv(r);
    for (size_t k = 0; k < r; ++k) {
        const int64_t a = perm[k + 1] - 1;
        if (a < 0 || a >= int64_t(r)) fail(n, "perm is not a permutation of the axes");
        t_axes[k] = int(a);
        inv[size_t(a)] = int(k);
    }
    OnnxTensor t = x;
    for (size_t k = 0; k < r; ++k) t.onnx[k] = x.onnx[size_t(t_axes[k])];
    t.perm.resize(r);
    for (size_t i = 0; i < r; ++i) t.perm[i] = inv[size_t(x.perm.empty() ? int(i) : x.perm[i])];
    if (t.identity()) t.perm.clear();
    set_output(n, t);
}

void OnnxImporter::op_constant(const onnx::NodeProto& n) {
    for (const auto& a : n.attribute()) {
        OnnxConst c;
        if (a.name() == "value" && a.type() == onnx::AttributeProto::TENSOR) {
            const std::string err = onnx_read_tensor(a.t(), c);
            if (!err.empty()) fail(n, "the value " + err);
        } else if (a.name() == "value_float") {
            c.data = {a.f()};
        } else if (a.name() == "value_int") {
            c.data = {double(a.i())};
        } else if (a.name() == "value_ints") {
            for (int64_t v : a.ints()) c.data.push_back(double(v));
            c.dims = {int64_t(c.data.size())};
        } else if (a.name() == "value_floats") {
            for (float v : a.floats()) c.data.push_back(v);
            c.dims = {int64_t(c.data.size())};
        } else {
            continue;
        }
        if (int64_t(c.data.size()) != c.size()) fail(n, "the constant's values do not match its dimensions");
        return set_output(n, std::move(c));
    }
    fail(n, "expected a value attribute");
}

}  // namespace nnsim
