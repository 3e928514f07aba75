"""Independent numpy reference of hls4ml's Conv1D / Conv2D (valid padding, strides), written from
shared/docs/hls4ml_reference.md sections 2.5 and 9, not from nnsim's C++.

Rules: output pixel (oy, ox), filter f is hls4ml's dense kernel on the window flattened in
(row, column, channel) order: the accumulator starts at accum_t(bias_t(b_f)); for every window element
in that order the full-precision product x * w is cast to accum_t (rounding, then overflow) and added,
the sum cast to accum_t again; the result is result_t(acc). Inputs and weights are quantized from
their decimal values with the type's rounding and overflow modes. Raw values are integers value * 2^F.
Fixed-point casts come from refimpl.py (also independent of nnsim).
"""
import numpy as np

from refimpl import cast_raw, fit, quantize


def windows(x, kernel_hw, strides):
    """x [N, H, W, C] -> [N, out_h, out_w, kh*kw*C], each window in (row, column, channel) order."""
    n, h, w, c = x.shape
    kh, kw = kernel_hw
    sh, sw = strides
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.empty((n, oh, ow, kh * kw * c), dtype=x.dtype)
    for oy in range(oh):
        for ox in range(ow):
            patch = x[:, oy * sh:oy * sh + kh, ox * sw:ox * sw + kw, :]
            out[:, oy, ox, :] = patch.reshape(n, -1)
    return out


def as_2d(x, kernel, strides):
    """Views a conv1d problem ([N, W, C], kernel [k, C, F]) as conv2d with H = 1."""
    if x.ndim == 3:
        return x[:, None, :, :], kernel[None, ...], (1, strides[0])
    return x, kernel, tuple(strides)


def conv_fixed(x, kernel, bias, strides, in_t, w_t, b_t, acc_t, res_t):
    """Bit-exact conv: x float [N, (H,) W, C], kernel float [(kh,) kw, C, F], bias float [F] or None.
    Returns raw integers of res_t with the output shape [N, (oh,) ow, F]."""
    one_d = x.ndim == 3
    x2, k2, st = as_2d(np.asarray(x, dtype=np.float64), np.asarray(kernel, dtype=np.float64), strides)
    kh, kw, c, f = k2.shape
    xr = quantize(x2, in_t)
    wr = quantize(k2.reshape(kh * kw * c, f), w_t)
    br = quantize(np.zeros(f) if bias is None else np.asarray(bias, dtype=np.float64), b_t)
    win = windows(xr, (kh, kw), st)                      # [N, oh, ow, n_in]
    n, oh, ow, n_in = win.shape
    flat = win.reshape(-1, n_in).astype(np.int64)
    acc = cast_raw(np.broadcast_to(br.astype(np.int64), (flat.shape[0], f)).copy(), b_t.F, acc_t)
    for i in range(n_in):
        prod = flat[:, i:i + 1] * wr[i:i + 1, :].astype(np.int64)       # full precision
        acc = fit(acc + cast_raw(prod, in_t.F + w_t.F, acc_t), acc_t)
    out = cast_raw(acc, acc_t.F, res_t).reshape(n, oh, ow, f)
    return out[:, 0] if one_d else out


def conv_float(x, kernel, bias, strides):
    """The same convolution in float64 without any quantization."""
    one_d = x.ndim == 3
    x2, k2, st = as_2d(np.asarray(x, dtype=np.float64), np.asarray(kernel, dtype=np.float64), strides)
    kh, kw, c, f = k2.shape
    win = windows(x2, (kh, kw), st)
    out = win @ k2.reshape(kh * kw * c, f)
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64)
    return out[:, 0] if one_d else out
