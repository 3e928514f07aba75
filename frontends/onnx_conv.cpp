// ONNX image operators -> nnsim kinds (onnx_importer.hpp): Conv (1D/2D; group 1 -> conv1d/2d, one group
// per channel -> depthwise_conv1d/2d), MaxPool and AveragePool -> pooling1d/2d, GlobalAveragePool and
// GlobalMaxPool -> global_pooling1d/2d, Concat -> concatenate, Resize/Upsample (nearest, integer
// scales) -> upsampling1d/2d. ONNX's [C, H, W] tensors are nnsim's [H, W, C]: the input must be held
// channels-last (an ONNX tensor whose nnsim axes are its spatial axes then its channels), and ONNX
// kernels [M, C, kh, kw] are permuted to nnsim's [kh, kw, C, M]. Nodes of the QONNX channels-last
// domain have [H, W, C] tensors and [M, kh, kw, C] kernels already. Pads become a zero_padding layer
// "<name>_pad" before the convolution, as the Keras import does for padding='same'; a Pad node with
// zeros on the image axes becomes a zero_padding layer too (none when every amount is 0).
#include <onnx/onnx_pb.h>

#include <algorithm>

#include "frontends/onnx_importer.hpp"

namespace nnsim {

namespace {

/// The nnsim shape [spatial..., C] of x if its nnsim tensor holds it channels-last, else empty.
Shape channels_last_shape(const OnnxTensor& x, bool cl_domain, const Shape& nnsim) {
    const size_t r = x.onnx.size();
    if (!x.order.empty() || r < 2) return {};
    if (cl_domain) return x.identity() ? nnsim : Shape{};
    if (x.perm.size() != r) return {};
    for (size_t i = 0; i + 1 < r; ++i)
        if (x.perm[i] != int(i + 1)) return {};
    return x.perm.back() == 0 ? nnsim : Shape{};
}

/// The ONNX tensor of an nnsim channels-last result [spatial..., C].
OnnxTensor channels_last_tensor(const std::string& name, const Shape& out, bool cl_domain) {
    OnnxTensor t{name, out, {}, {}};
    if (cl_domain) return t;
    const size_t r = out.size();
    t.onnx = Shape{out.back()};
    t.onnx.insert(t.onnx.end(), out.begin(), out.end() - 1);
    for (size_t i = 0; i + 1 < r; ++i) t.perm.push_back(int(i + 1));
    t.perm.push_back(0);
    return t;
}

}  // namespace

void OnnxImporter::op_conv(const onnx::NodeProto& n) {
    const bool cl = channels_last_domain(n);
    const OnnxTensor& x = tensor(n, 0);
    const OnnxConst& w = constant(n, 1, "W, the kernel");
    const OnnxConst* b = optional_constant(n, 2, "B, the bias");
    const int dims = int(w.dims.size()) - 2;
    if (dims != 1 && dims != 2) fail(n, "only 1D and 2D convolutions are supported");
    const Shape in = channels_last_shape(x, cl, nnsim_shape(x.nnsim));
    if (int(in.size()) != dims + 1)
        fail(n, "the input " + shape_to_string(x.onnx) + " is not held channels-last; nnsim cannot express the "
                "transpose this needs");
    const int64_t channels = in.back(), m = w.dims[0], group = attr_int(n, "group", 1);
    std::vector<int64_t> k(static_cast<size_t>(dims)), strides(static_cast<size_t>(dims), 1), pads(static_cast<size_t>(2 * dims), 0);
    for (int d = 0; d < dims; ++d) k[size_t(d)] = w.dims[size_t(cl ? 1 + d : 2 + d)];
    if (auto ks = attr_ints(n, "kernel_shape"); ks && *ks != k) fail(n, "kernel_shape does not match W");
    if (auto s = attr_ints(n, "strides")) strides = *s;
    if (auto p = attr_ints(n, "pads")) pads = *p;
    if (auto dl = attr_ints(n, "dilations"))
        for (int64_t v : *dl)
            if (v != 1) fail(n, "dilations other than 1 are not supported");
    if (strides.size() != size_t(dims) || pads.size() != size_t(2 * dims)) fail(n, "strides or pads of the wrong length");
    const std::string auto_pad = attr_string(n, "auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        for (int d = 0; d < dims; ++d) {
            const int64_t i = in[size_t(d)], st = std::max<int64_t>(1, strides[size_t(d)]);
            const int64_t total = std::max<int64_t>(((i + st - 1) / st - 1) * st + k[size_t(d)] - i, 0);
            const int64_t small = total / 2;
            pads[size_t(d)] = auto_pad == "SAME_UPPER" ? small : total - small;
            pads[size_t(d + dims)] = total - pads[size_t(d)];
        }
    } else if (auto_pad == "VALID") {
        std::fill(pads.begin(), pads.end(), 0);
    } else if (auto_pad != "NOTSET") {
        fail(n, "auto_pad '" + auto_pad + "' is not supported");
    }
    const int64_t cg = w.dims[size_t(cl ? 1 + dims : 1)];
    const bool depthwise = group != 1;
    if (depthwise && !(group == channels && m == channels && cg == 1))
        fail(n, "group " + std::to_string(group) + " is supported only as one group per channel with one output "
                "each (depthwise); got " + std::to_string(m) + " outputs for " + std::to_string(channels) + " channels");
    if (!depthwise && cg != channels)
        fail(n, "W expects " + std::to_string(cg) + " input channels, the input has " + std::to_string(channels));

    std::string src = x.nnsim;
    Shape shape = in;
    if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; })) {
        std::vector<int64_t> pad;  // nnsim: [top, bottom, left, right] or [left, right]
        for (int d = 0; d < dims; ++d) {
            pad.push_back(pads[size_t(d)]), pad.push_back(pads[size_t(d + dims)]);
            shape[size_t(d)] += int(pads[size_t(d)] + pads[size_t(d + dims)]);
        }
        Node& p = add_node(n, dims == 1 ? "zero_padding1d" : "zero_padding2d", {src}, shape, "_pad");
        p.params["padding"] = pad;
        src = p.name;
    }
    Shape out = shape;
    for (int d = 0; d < dims; ++d) {
        const int64_t o = (shape[size_t(d)] - k[size_t(d)]) / std::max<int64_t>(1, strides[size_t(d)]) + 1;
        if (o < 1) fail(n, "the kernel is larger than the padded input");
        out[size_t(d)] = int(o);
    }
    out.back() = int(m);
    // nnsim kernel [k..., C, M] (depthwise: [k..., C, 1]) from ONNX [M, Cg, k...] or [M, k..., Cg].
    const int64_t kk = dims == 1 ? k[0] : k[0] * k[1];
    const int64_t cin = depthwise ? channels : cg, cout = depthwise ? 1 : m;
    WeightTensor kernel;
    kernel.shape = Shape(k.begin(), k.end());
    kernel.shape.push_back(int(cin));
    kernel.shape.push_back(int(cout));
    kernel.data.resize(size_t(kk * cin * cout));
    for (int64_t p = 0; p < kk; ++p)
        for (int64_t c = 0; c < cin; ++c)
            for (int64_t o = 0; o < cout; ++o) {
                const int64_t filter = depthwise ? c : o, ch = depthwise ? 0 : c;
                const int64_t src_index = cl ? (filter * kk + p) * cg + ch : (filter * cg + ch) * kk + p;
                kernel.data[size_t((p * cin + c) * cout + o)] = w.data[size_t(src_index)];
            }
    const char* kind = depthwise ? (dims == 1 ? "depthwise_conv1d" : "depthwise_conv2d") : (dims == 1 ? "conv1d" : "conv2d");
    Node& conv = add_node(n, kind, {src}, out);
    conv.params["kernel_size"] = k;
    conv.params["strides"] = strides;
    if (depthwise) conv.params["depth_multiplier"] = int64_t(1);
    else conv.params["filters"] = m;
    conv.weights["kernel"] = kernel;
    if (w.type) pin(conv.name, "weight", *w.type);
    if (b != nullptr) {
        if (b->size() != m) fail(n, "B has " + std::to_string(b->size()) + " values for " + std::to_string(m) + " outputs");
        conv.weights["bias"] = WeightTensor{{int(m)}, b->data, "", ""};
        if (b->type) pin(conv.name, "bias", *b->type);
    }
    set_output(n, channels_last_tensor(conv.name, out, cl));
}

void OnnxImporter::op_pad(const onnx::NodeProto& n) {
    const bool cl = channels_last_domain(n) || m_channels_last;
    const OnnxTensor& x = tensor(n, 0);
    if (attr_string(n, "mode", "constant") != "constant") fail(n, "only mode 'constant' (zeros) is supported");
    std::vector<int64_t> pads;
    if (auto p = attr_ints(n, "pads")) pads = *p;
    else
        for (double v : constant(n, 1, "pads").data) pads.push_back(as_int(n, v, "pads"));
    double value = attr_float(n, "value", 0.0);
    if (const OnnxConst* c = optional_constant(n, 2, "constant_value"); c && !c->data.empty()) value = c->data[0];
    const size_t r = x.onnx.size() + 1;
    if (pads.size() != 2 * r) fail(n, "pads must have two entries per axis");
    if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; })) return set_output(n, x);
    if (value != 0) fail(n, "only padding with zeros is supported");
    const Shape in = channels_last_shape(x, cl, nnsim_shape(x.nnsim));
    const int dims = int(in.size()) - 1;
    if (dims != 1 && dims != 2) fail(n, "only the image axes of a 1D or 2D image held channels-last can be padded");
    const size_t first = cl ? 1 : 2, channel = cl ? r - 1 : 1;  // the first image axis, the channel axis
    if (pads[0] || pads[r] || pads[channel] || pads[r + channel]) fail(n, "padding the batch or channel axis is not supported");
    std::vector<int64_t> pad;
    Shape out = in;
    for (int d = 0; d < dims; ++d) {
        const int64_t before = pads[first + size_t(d)], after = pads[r + first + size_t(d)];
        if (before < 0 || after < 0) fail(n, "negative pads (cropping) are not supported");
        pad.push_back(before), pad.push_back(after);
        out[size_t(d)] += int(before + after);
    }
    Node& p = add_node(n, dims == 1 ? "zero_padding1d" : "zero_padding2d", {x.nnsim}, out);
    p.params["padding"] = pad;
    set_output(n, channels_last_tensor(p.name, out, cl));
}

void OnnxImporter::op_pool(const onnx::NodeProto& n) {
    const bool cl = channels_last_domain(n);
    const OnnxTensor& x = tensor(n, 0);
    const std::vector<int64_t> k = attr_ints(n, "kernel_shape").value_or(std::vector<int64_t>{});
    const int dims = int(k.size());
    if (dims != 1 && dims != 2) fail(n, "kernel_shape must have 1 or 2 entries");
    const Shape in = channels_last_shape(x, cl, nnsim_shape(x.nnsim));
    if (int(in.size()) != dims + 1)
        fail(n, "the input " + shape_to_string(x.onnx) + " is not held channels-last; nnsim cannot express the "
                "transpose this needs");
    std::vector<int64_t> strides = attr_ints(n, "strides").value_or(std::vector<int64_t>(size_t(dims), 1));
    std::vector<int64_t> pads = attr_ints(n, "pads").value_or(std::vector<int64_t>(size_t(2 * dims), 0));
    if (attr_int(n, "ceil_mode", 0) != 0) fail(n, "ceil_mode=1 is not supported");
    if (auto dl = attr_ints(n, "dilations"))
        for (int64_t v : *dl)
            if (v != 1) fail(n, "dilations other than 1 are not supported");
    const std::string auto_pad = attr_string(n, "auto_pad", "NOTSET");
    if (auto_pad != "NOTSET" && auto_pad != "VALID") fail(n, "auto_pad '" + auto_pad + "' is not supported");
    if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; }))
        fail(n, "padded pooling is not supported (only pads 0)");
    const bool max = n.op_type() == "MaxPool";
    Shape out = in;
    for (int d = 0; d < dims; ++d) {
        const int64_t o = (in[size_t(d)] - k[size_t(d)]) / std::max<int64_t>(1, strides[size_t(d)]) + 1;
        if (o < 1) fail(n, "the window is larger than the input");
        out[size_t(d)] = int(o);
    }
    Node& p = add_node(n, dims == 1 ? "pooling1d" : "pooling2d", {x.nnsim}, out);
    p.params["op"] = std::string(max ? "max" : "average");
    p.params["pool_size"] = k;
    p.params["strides"] = strides;
    p.params["padding"] = std::string("valid");
    set_output(n, channels_last_tensor(p.name, out, cl));
}

void OnnxImporter::op_global_pool(const onnx::NodeProto& n) {
    const bool cl = channels_last_domain(n);
    const OnnxTensor& x = tensor(n, 0);
    const Shape in = channels_last_shape(x, cl, nnsim_shape(x.nnsim));
    const int dims = int(in.size()) - 1;
    if (dims != 1 && dims != 2)
        fail(n, "the input " + shape_to_string(x.onnx) + " is not a 1D or 2D image held channels-last");
    Node& p = add_node(n, dims == 1 ? "global_pooling1d" : "global_pooling2d", {x.nnsim}, Shape{in.back()});
    p.params["op"] = std::string(n.op_type() == "GlobalMaxPool" ? "max" : "average");
    // ONNX keeps the spatial axes as ones: [C, 1, 1] (or [1, 1, C]); nnsim's [C] holds it in order.
    OnnxTensor t{p.name, Shape(size_t(dims + 1), 1), {}, {}};
    t.onnx[cl ? size_t(dims) : 0] = in.back();
    set_output(n, t);
}

void OnnxImporter::op_concat(const onnx::NodeProto& n) {
    if (n.input_size() != 2) fail(n, "only two inputs are supported, got " + std::to_string(n.input_size()));
    const OnnxTensor& a = tensor(n, 0);
    const OnnxTensor& b = tensor(n, 1);
    const int64_t r = int64_t(a.onnx.size());
    int64_t axis = attr_int(n, "axis", 1);
    if (axis < 0) axis += r + 1;
    if (axis < 1 || axis > r) fail(n, "axis " + std::to_string(axis) + " is the batch axis or out of range");
    if (a.perm != b.perm || !a.order.empty() || !b.order.empty() || b.onnx.size() != a.onnx.size())
        fail(n, "the inputs are held in different layouts; nnsim cannot express the transpose this needs");
    const int onnx_axis = int(axis - 1);
    int nnsim_axis = onnx_axis;
    for (size_t i = 0; i < a.perm.size(); ++i)
        if (a.perm[i] == onnx_axis) nnsim_axis = int(i);
    Shape out = nnsim_shape(a.nnsim);
    out[size_t(nnsim_axis)] += nnsim_shape(b.nnsim)[size_t(nnsim_axis)];
    Node& c = add_node(n, "concatenate", {a.nnsim, b.nnsim}, out);
    c.params["axis"] = int64_t(nnsim_axis);
    OnnxTensor t = a;
    t.nnsim = c.name;
    t.onnx[size_t(onnx_axis)] += b.onnx[size_t(onnx_axis)];
    set_output(n, t);
}

void OnnxImporter::op_resize(const onnx::NodeProto& n) {
    const bool cl = channels_last_domain(n) || m_channels_last;
    const OnnxTensor& x = tensor(n, 0);
    if (attr_string(n, "mode", "nearest") != "nearest") fail(n, "only mode 'nearest' is supported");
    const OnnxConst* scales = nullptr;
    if (n.op_type() == "Upsample") scales = &constant(n, 1, "scales");
    else if (n.input_size() > 2 && !n.input(2).empty()) scales = &constant(n, 2, "scales");
    if (scales == nullptr || scales->data.empty()) fail(n, "only a Resize with constant scales is supported");
    const Shape in = channels_last_shape(x, cl, nnsim_shape(x.nnsim));
    const int dims = int(in.size()) - 1;
    if ((dims != 1 && dims != 2) || int(scales->data.size()) != dims + 2)
        fail(n, "the input " + shape_to_string(x.onnx) + " is not a 1D or 2D image held channels-last");
    // Scales with the batch axis: [1, C, H, W] or, channels-last, [1, H, W, C].
    std::vector<int64_t> size;
    for (int a = 1; a <= dims + 1; ++a) {
        const double s = scales->data[size_t(a)];
        const bool channel_axis = cl ? a == dims + 1 : a == 1;
        if (s != double(int64_t(s)) || s < 1 || (channel_axis && s != 1))
            fail(n, "scales must be integers on the image axes and 1 on the batch and channel axes");
        if (!channel_axis) size.push_back(int64_t(s));
    }
    if (scales->data[0] != 1) fail(n, "the batch axis must have scale 1");
    Shape out = in;
    for (int d = 0; d < dims; ++d) out[size_t(d)] *= int(size[size_t(d)]);
    Node& u = add_node(n, dims == 1 ? "upsampling1d" : "upsampling2d", {x.nnsim}, out);
    u.params["size"] = size;
    set_output(n, channels_last_tensor(u.name, out, cl));
}

}  // namespace nnsim
