"""A small numpy evaluator of float ONNX graphs (the operators of the dense and convolutional models in
../shared/external_models/onnx), written from the ONNX operator definitions, to check nnsim's float
model against. One sample at a time (batch 1); returns the first graph output."""
import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _conv(x, w, b, strides, pads, group):
    """x [C, *spatial], w [M, C/group, *k]: the ONNX convolution of one sample."""
    dims = x.ndim - 1
    pad = [(0, 0)] + [(pads[d], pads[d + dims]) for d in range(dims)]
    x = np.pad(x, pad)
    k = w.shape[2:]
    out_sp = [(x.shape[1 + d] - k[d]) // strides[d] + 1 for d in range(dims)]
    m, cg = w.shape[0], w.shape[1]
    y = np.zeros([m] + out_sp)
    for o in np.ndindex(*out_sp):
        sl = tuple(slice(o[d] * strides[d], o[d] * strides[d] + k[d]) for d in range(dims))
        for f in range(m):
            g = f // (m // group)
            win = x[(slice(g * cg, (g + 1) * cg),) + sl]
            y[(f,) + o] = np.sum(win * w[f])
    if b is not None:
        y += b.reshape([m] + [1] * dims)
    return y


def _maxpool(x, k, strides):
    dims = x.ndim - 1
    out_sp = [(x.shape[1 + d] - k[d]) // strides[d] + 1 for d in range(dims)]
    y = np.zeros([x.shape[0]] + out_sp)
    for o in np.ndindex(*out_sp):
        sl = tuple(slice(o[d] * strides[d], o[d] * strides[d] + k[d]) for d in range(dims))
        y[(slice(None),) + o] = np.max(x[(slice(None),) + sl].reshape(x.shape[0], -1), axis=1)
    return y


def run(path, sample):
    """The first output of the model at `path` for one sample (without the batch axis)."""
    m = onnx.load(path)
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in m.graph.initializer}
    inp = [i for i in m.graph.input if i.name not in env][0]
    env[inp.name] = np.asarray(sample, dtype=np.float64)[None]
    for n in m.graph.node:
        a = _attrs(n)
        x = [env[i] if i else None for i in n.input]
        op = n.op_type
        if op == "MatMul":
            y = x[0] @ x[1]
        elif op == "Add":
            y = x[0] + x[1]
        elif op == "Gemm":
            bm = x[1].T if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * (x[0] @ bm) + (a.get("beta", 1.0) * x[2] if len(x) > 2 else 0)
        elif op == "Relu":
            y = np.maximum(x[0], 0)
        elif op == "Sigmoid":
            y = 1 / (1 + np.exp(-x[0]))
        elif op == "Tanh":
            y = np.tanh(x[0])
        elif op == "Elu":
            y = np.where(x[0] >= 0, x[0], a.get("alpha", 1.0) * (np.exp(np.minimum(x[0], 0)) - 1))
        elif op == "Selu":
            y = a.get("gamma", 1.0507009873554805) * np.where(
                x[0] > 0, x[0], a.get("alpha", 1.6732632423543772) * (np.exp(np.minimum(x[0], 0)) - 1))
        elif op == "Softmax":
            e = np.exp(x[0] - np.max(x[0], axis=-1, keepdims=True))
            y = e / np.sum(e, axis=-1, keepdims=True)
        elif op == "BatchNormalization":
            s, b, mu, var = x[1:5]
            axis = 1 if x[0].shape[1] == s.size else 0  # some Keras exports hold [C, 1] after a transpose
            shape = [1] * x[0].ndim
            shape[axis] = s.size
            r = lambda v: v.reshape(shape)  # noqa: E731
            y = r(s) * (x[0] - r(mu)) / np.sqrt(r(var) + a.get("epsilon", 1e-5)) + r(b)
        elif op == "Transpose":
            y = np.transpose(x[0], a.get("perm"))
        elif op == "Unsqueeze":
            y = np.expand_dims(x[0], tuple(a["axes"]))
        elif op == "Squeeze":
            y = np.squeeze(x[0], tuple(a["axes"]))
        elif op in ("Identity", "Dropout"):
            y = x[0]
        elif op == "Flatten":
            y = x[0].reshape(1, -1)
        elif op == "Conv":
            dims = x[1].ndim - 2
            y = _conv(x[0][0], x[1], x[2] if len(x) > 2 else None, a.get("strides", [1] * dims),
                      a.get("pads", [0] * 2 * dims), a.get("group", 1))[None]
        elif op == "MaxPool":
            k = a["kernel_shape"]
            y = _maxpool(x[0][0], k, a.get("strides", [1] * len(k)))[None]
        else:
            raise NotImplementedError(op)
        env[n.output[0]] = y
    return env[m.graph.output[0].name][0]
