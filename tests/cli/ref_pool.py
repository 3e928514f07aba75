"""Independent numpy reference of nnsim's pooling kinds (pooling1d/2d, global_pooling1d/2d).

Written from the rules in models/pooling/pooling.hpp's comment and docs/network_format.md (which follow
hls4ml's nnet_pooling.h / nnet_pooling_stream.h), not from nnsim's C++:
  - windows at Keras "valid" positions out = (in - pool) // stride + 1, or "same" positions
    out = ceil(in / stride) with max((out - 1) * stride + pool - in, 0) pad pixels per axis, the
    smaller half before; a window holds only its pixels inside the input (max ignores the pad, average
    divides by the number of real pixels); it is read in row-major order (window row, then column); a
    global window is every pixel in row-major order;
  - max: the largest input value, then cast to result_t;
  - average: each value cast to accum_t, summed left to right with a cast to accum_t after every add
    (rounding of accum_t, then its wrap or saturation), the sum divided by the number of values with
    the quotient truncated toward zero at accum_t's fraction bits, then cast to result_t.
Fixed-point types and casts come from refimpl.py (raw integers, TRN/RND, WRAP/SAT).
"""

import numpy as np

import refimpl as R


def as_image(x, shape):
    """Samples [N, prod(shape)] -> [N, H, W, C] (a 1D shape [W, C] gets H = 1)."""
    x = np.asarray(x)
    if len(shape) == 2:
        return x.reshape(len(x), 1, shape[0], shape[1])
    return x.reshape(len(x), shape[0], shape[1], shape[2])


def pads(shape, pool, stride, padding):
    """(out_h, out_w, pad_top, pad_left) of a windowed kind."""
    h, w = (1, shape[0]) if len(shape) == 2 else (shape[0], shape[1])
    (ph, pw), (sh, sw) = pool, stride
    if padding == "same":
        oh, ow = -(-h // sh), -(-w // sw)
        return oh, ow, max((oh - 1) * sh + ph - h, 0) // 2, max((ow - 1) * sw + pw - w, 0) // 2
    return (h - ph) // sh + 1, (w - pw) // sw + 1, 0, 0


def windows(img, pool, stride, padding="valid"):
    """[N, H, W, C] -> list over output pixels (row-major) of [N, k, C] window values (row-major, the
    pixels inside the image only)."""
    _, h, w, _ = img.shape
    ph, pw = pool
    sh, sw = stride
    oh, ow, pt, pl = pads([h, w, 1], pool, stride, padding)
    out = []
    for oy in range(oh):
        for ox in range(ow):
            y0, x0 = oy * sh - pt, ox * sw - pl
            win = img[:, max(y0, 0):min(y0 + ph, h), max(x0, 0):min(x0 + pw, w), :]
            out.append(win.reshape(img.shape[0], -1, img.shape[3]))
    return out


def geometry(shape, pool=None, stride=None):
    """(pool, stride) as (ph, pw) pairs for a [W, C] or [H, W, C] input; pool None = global."""
    h, w = (1, shape[0]) if len(shape) == 2 else (shape[0], shape[1])
    if pool is None:
        return (h, w), (h, w)
    pool = list(pool)
    stride = list(stride) if stride else pool
    if len(pool) == 1:
        return (1, pool[0]), (1, stride[0])
    return tuple(pool), tuple(stride)


def last_needed(shape, pool, stride, padding="valid"):
    """1 + the row-major index of the last input pixel any output window reads (streaming needs_last)."""
    k, s = geometry(shape, pool, stride)
    h, w = (1, shape[0]) if len(shape) == 2 else (shape[0], shape[1])
    oh, ow, pt, pl = pads([h, w, 1], k, s, padding)
    return min((oh - 1) * s[0] - pt + k[0] - 1, h - 1) * w + min((ow - 1) * s[1] - pl + k[1] - 1, w - 1) + 1


def pool_fixed(x_raw, shape, in_t, accum_t, result_t, op, pool=None, stride=None, stats=None, padding="valid"):
    """Raw pooled outputs [N, out_pixels * C] for raw inputs [N, prod(shape)] of type in_t."""
    k, s = geometry(shape, pool, stride)
    cols = []
    for win in windows(as_image(x_raw, shape), k, s, padding):
        if op == "max":
            cols.append(R.cast_raw(win.max(axis=1), in_t.F, result_t))
            continue
        acc = R.cast_raw(win[:, 0, :], in_t.F, accum_t)
        for i in range(1, win.shape[1]):
            acc = R.cast_raw(acc + R.cast_raw(win[:, i, :], in_t.F, accum_t), accum_t.F, accum_t, stats, "accum")
        n = win.shape[1]
        q = np.sign(acc) * (np.abs(acc) // n)  # truncation toward zero
        cols.append(R.cast_raw(q, accum_t.F, result_t))
    return np.concatenate(cols, axis=1)


def pool_float(x, shape, op, pool=None, stride=None, padding="valid"):
    """float64 pooled outputs [N, out_pixels * C]."""
    k, s = geometry(shape, pool, stride)
    wins = windows(as_image(np.asarray(x, dtype=np.float64), shape), k, s, padding)
    return np.concatenate([w.max(axis=1) if op == "max" else w.mean(axis=1) for w in wins], axis=1)


def out_shape(shape, pool=None, stride=None, padding="valid"):
    """Output shape of a windowed kind, or [C] for a global one."""
    if pool is None:
        return [shape[-1]]
    k, s = geometry(shape, pool, stride)
    oh, ow, _, _ = pads(shape if len(shape) == 3 else [1] + list(shape), k, s, padding)
    return [ow, shape[-1]] if len(shape) == 2 else [oh, ow, shape[-1]]
