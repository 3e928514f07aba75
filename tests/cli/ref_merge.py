"""Independent numpy reference of hls4ml's merge layers (nnet_merge.h, nnet_merge_stream.h), written from
the ap_fixed rules, not from nnsim's C++.

Raw values are int64 numpy arrays (value * 2**F). ap_fixed arithmetic is exact: a + b and a - b are formed
at max(F_a, F_b) fraction bits, a * b at F_a + F_b (the full-width product), and a comparison between two
types compares the exact values. hls4ml's average multiplies the exact sum by ap_ufixed<1,0>(0.5), which
is the same integer with one more fraction bit. maximum / minimum pick a > b ? a : b / a < b ? a : b and
convert the chosen input to res_T. concatenate converts every element of either input to res_T. Each
layer casts once to res_T (rounding, then overflow: refimpl.cast_raw).
"""
import numpy as np

import refimpl as R

ELEMENTWISE = ["add", "subtract", "multiply", "average", "maximum", "minimum"]


def _aligned(a_raw, ta, b_raw, tb):
    f = max(ta.F, tb.F)
    a = np.asarray(a_raw, dtype=np.int64) * (1 << (f - ta.F))
    b = np.asarray(b_raw, dtype=np.int64) * (1 << (f - tb.F))
    return a, b, f


def merge_fixed(kind, a_raw, ta, b_raw, tb, tr):
    """Raw result of an element-wise merge of raw inputs of types ta and tb, cast to tr."""
    if kind == "multiply":
        p = np.asarray(a_raw, dtype=np.int64) * np.asarray(b_raw, dtype=np.int64)
        return R.cast_raw(p, ta.F + tb.F, tr)
    a, b, f = _aligned(a_raw, ta, b_raw, tb)
    if kind == "add":
        return R.cast_raw(a + b, f, tr)
    if kind == "subtract":
        return R.cast_raw(a - b, f, tr)
    if kind == "average":
        return R.cast_raw(a + b, f + 1, tr)
    if kind == "maximum":
        return R.cast_raw(np.where(a > b, a, b), f, tr)
    if kind == "minimum":
        return R.cast_raw(np.where(a < b, a, b), f, tr)
    raise ValueError(kind)


def merge_float(kind, a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return {"add": lambda: a + b, "subtract": lambda: a - b, "multiply": lambda: a * b,
            "average": lambda: (a + b) * 0.5, "maximum": lambda: np.maximum(a, b),
            "minimum": lambda: np.minimum(a, b)}[kind]()


def _batch_axis(axis, rank):
    """A layer axis (without the batch dimension) as an axis of arrays with a leading batch dimension."""
    return axis + 1 if axis >= 0 else axis + rank + 1


def concat_fixed(a_raw, ta, b_raw, tb, tr, axis, rank):
    """Raw concatenation of [batch, ...] arrays along the layer axis, each input cast to tr."""
    return np.concatenate([R.cast_raw(np.asarray(a_raw, dtype=np.int64), ta.F, tr),
                           R.cast_raw(np.asarray(b_raw, dtype=np.int64), tb.F, tr)], axis=_batch_axis(axis, rank))


def concat_float(a, b, axis, rank):
    return np.concatenate([np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)],
                          axis=_batch_axis(axis, rank))
