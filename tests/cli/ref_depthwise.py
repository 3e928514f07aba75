"""Independent numpy reference of hls4ml's DepthwiseConv1D / DepthwiseConv2D (valid padding, strides,
depth multiplier M), written from the rules (shared/docs/hls4ml_reference.md sections 2.5 and 9, and
hls4ml's depthwise product: one accumulator per output channel), not from nnsim's C++.

Rules: output pixel (oy, ox), output channel o = c * M + m: the accumulator starts at
accum_t(bias_t(b_o)); for every window position (kh, kw) in row-major order the full-precision product
x[oy * s_h + kh, ox * s_w + kw, c] * w[kh, kw, c, m] is cast to accum_t (rounding, then overflow) and
added, the sum cast to accum_t again; the result is result_t(acc). Only channel c's own window values
enter channel c's outputs. Inputs and weights are quantized from their decimal values with the type's
rounding and overflow modes. Raw values are integers value * 2^F. Fixed-point casts come from
refimpl.py (also independent of nnsim).
"""
import numpy as np

from refimpl import cast_raw, fit, quantize


def _as_2d(x, kernel, strides):
    """[N, W, C] with kernel [k, C, M] -> [N, 1, W, C] with kernel [1, k, C, M]."""
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if x.ndim == 3:
        return x[:, None], kernel[None], (1, strides[0]), True
    return x, kernel, tuple(strides), False


def _patches(x, kh, kw, sh, sw):
    """x [N, H, W, C] -> [N, oh, ow, kh * kw, C]: each window's positions in row-major order."""
    n, h, w, c = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.empty((n, oh, ow, kh * kw, c), dtype=x.dtype)
    for oy in range(oh):
        for ox in range(ow):
            out[:, oy, ox] = x[:, oy * sh:oy * sh + kh, ox * sw:ox * sw + kw, :].reshape(n, kh * kw, c)
    return out


def depthwise_fixed(x, kernel, bias, strides, in_t, w_t, b_t, acc_t, res_t):
    """Bit-exact depthwise conv: x float [N, (H,) W, C], kernel float [(kh,) kw, C, M], bias float
    [C * M] or None. Returns raw integers of res_t of shape [N, (oh,) ow, C * M]."""
    x2, k2, (sh, sw), one_d = _as_2d(x, kernel, strides)
    kh, kw, c, m = k2.shape
    xr = quantize(x2, in_t).astype(np.int64)
    wr = quantize(k2.reshape(kh * kw, c, m), w_t).astype(np.int64)
    br = quantize(np.zeros(c * m) if bias is None else np.asarray(bias, dtype=np.float64), b_t).astype(np.int64)
    pat = _patches(xr, kh, kw, sh, sw)                     # [N, oh, ow, K, C]
    n, oh, ow = pat.shape[:3]
    acc = cast_raw(np.broadcast_to(br.reshape(c, m), (n, oh, ow, c, m)).copy(), b_t.F, acc_t)
    for k in range(kh * kw):
        prod = pat[:, :, :, k, :, None] * wr[k][None, None, None]     # [N, oh, ow, C, M], full precision
        acc = fit(acc + cast_raw(prod, in_t.F + w_t.F, acc_t), acc_t)
    out = cast_raw(acc, acc_t.F, res_t).reshape(n, oh, ow, c * m)
    return out[:, 0] if one_d else out


def depthwise_float(x, kernel, bias, strides):
    """The same depthwise convolution in float64 without any quantization."""
    x2, k2, (sh, sw), one_d = _as_2d(x, kernel, strides)
    kh, kw, c, m = k2.shape
    pat = _patches(x2, kh, kw, sh, sw)
    out = np.einsum("nyxkc,kcm->nyxcm", pat, k2.reshape(kh * kw, c, m))
    n, oh, ow = out.shape[:3]
    out = out.reshape(n, oh, ow, c * m)
    if bias is not None:
        out = out + np.asarray(bias, dtype=np.float64)
    return out[:, 0] if one_d else out
