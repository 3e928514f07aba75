"""Independent numpy reference implementation of hls4ml's io_parallel C simulation.

Written from shared/docs/hls4ml_reference.md section 9 (and 1.5, 1.6, 2.4), not from nnsim's C++.
Fixed-point values are held as raw integers (value * 2**F) in int64 numpy arrays (or Python ints)
and every cast applies the type's rounding (TRN = floor, RND = round half up) and overflow
(WRAP = modulo 2**W two's complement, SAT = clamp) explicitly.

Supported Keras layers: InputLayer, Dense (with its activation as a separate node `<name>_<act>`),
Activation (relu, softmax, sigmoid, linear), BatchNormalization (float model only).

Run with Debian's /usr/bin/python3 (needs numpy and h5py).
"""

import ctypes
import ctypes.util
import json
import math
import os
import re

import numpy as np

try:
    import h5py
except ImportError:  # pragma: no cover - reported by the caller
    h5py = None


# ---------------------------------------------------------------------------------------------
# Fixed-point types
# ---------------------------------------------------------------------------------------------

class FixedType:
    """ap_fixed<W,I,Q,O> / ap_ufixed<W,I,Q,O> with Q in {TRN, RND} and O in {WRAP, SAT}."""

    def __init__(self, W, I, signed=True, rnd=False, sat=False):
        self.W, self.I, self.signed, self.rnd, self.sat = int(W), int(I), bool(signed), bool(rnd), bool(sat)

    @property
    def F(self):
        return self.W - self.I

    @property
    def min_raw(self):
        return -(1 << (self.W - 1)) if self.signed else 0

    @property
    def max_raw(self):
        return (1 << (self.W - 1)) - 1 if self.signed else (1 << self.W) - 1

    def __repr__(self):
        return "%s<%d,%d,%s,%s>" % ("ap_fixed" if self.signed else "ap_ufixed", self.W, self.I,
                                    "AP_RND" if self.rnd else "AP_TRN", "AP_SAT" if self.sat else "AP_WRAP")

    def __eq__(self, other):
        return isinstance(other, FixedType) and (self.W, self.I, self.signed, self.rnd, self.sat) == \
            (other.W, other.I, other.signed, other.rnd, other.sat)

    def __hash__(self):
        return hash((self.W, self.I, self.signed, self.rnd, self.sat))


_PREC_RE = re.compile(r"^\s*(ap_)?(u?)fixed\s*<([^>]*)>\s*$")


def parse_precision(text):
    """Parse 'fixed<W,I>', 'ap_fixed<W,I,AP_RND,AP_SAT>', 'ufixed<...>' (hls4ml §1.6)."""
    m = _PREC_RE.match(text)
    if not m:
        raise ValueError("unsupported precision string: %r" % text)
    parts = [p.strip() for p in m.group(3).split(",")]
    W, I = int(parts[0]), int(parts[1])
    rnd = sat = False
    for p in parts[2:]:
        key = p.upper()
        if key.startswith("AP_"):
            key = key[3:]
        if key == "RND":
            rnd = True
        elif key == "TRN":
            rnd = False
        elif key == "SAT":
            sat = True
        elif key == "WRAP":
            sat = False
        else:
            raise ValueError("unsupported mode %r in %r" % (p, text))
    return FixedType(W, I, signed=(m.group(2) != "u"), rnd=rnd, sat=sat)


# Fixed types that do not follow the Model precision (section 9).
SOFTMAX_TABLE_T = FixedType(18, 8, rnd=True, sat=True)   # exp_table_t, inv_table_t, inv_inp_t
ACT_TABLE_T = FixedType(18, 8)                          # sigmoid / tanh table_t (TRN, WRAP)


class OverflowStats:
    """Counts, per named point, the casts done and how many of them wrapped or saturated."""

    def __init__(self):
        self.points = {}

    def add(self, point, casts, wrapped, saturated):
        d = self.points.setdefault(point, {"casts": 0, "wrapped": 0, "saturated": 0})
        d["casts"] += int(casts)
        d["wrapped"] += int(wrapped)
        d["saturated"] += int(saturated)

    def total(self, key):
        return sum(d[key] for d in self.points.values())


def _is_np(x):
    return isinstance(x, np.ndarray)


def fit(raw, t, stats=None, point=None):
    """Apply the overflow mode of t to integer raw values already at t.F fractional bits."""
    if _is_np(raw):
        raw = raw.astype(np.int64, copy=False)
        over = (raw > t.max_raw) | (raw < t.min_raw)
        if t.sat:
            out = np.clip(raw, t.min_raw, t.max_raw)
        else:
            mod = 1 << t.W
            out = (raw - t.min_raw) % mod + t.min_raw
        n_over = int(np.count_nonzero(over))
        n = raw.size
    else:
        raw = int(raw)
        over = raw > t.max_raw or raw < t.min_raw
        if t.sat:
            out = min(max(raw, t.min_raw), t.max_raw)
        else:
            out = (raw - t.min_raw) % (1 << t.W) + t.min_raw
        n_over = int(over)
        n = 1
    if stats is not None:
        stats.add(point, n, 0 if t.sat else n_over, n_over if t.sat else 0)
    return out


def cast_raw(raw, f_from, t, stats=None, point=None):
    """Cast raw integers with f_from fractional bits to type t (rounding, then overflow)."""
    s = f_from - t.F
    if s <= 0:
        raw = raw * (1 << (-s)) if _is_np(raw) else int(raw) << (-s)
    elif t.rnd:
        raw = (raw + (1 << (s - 1))) >> s
    else:
        raw = raw >> s      # arithmetic shift = floor (numpy and Python ints)
    return fit(raw, t, stats, point)


def quantize(x, t, stats=None, point=None):
    """Convert float values (float32 or float64, exactly representable in double) to raw of type t.

    TRN = floor(x * 2^F); RND (AP_RND) = floor(x * 2^F + 1/2); then WRAP or SAT.
    +inf saturates (SAT) to the maximum; it is not expected under WRAP.
    """
    arr = np.asarray(x, dtype=np.float64)
    scaled = arr * (2.0 ** t.F)            # exact: power-of-two scale
    if t.rnd:
        scaled = scaled + 0.5              # exact for |scaled| < 2^52
    fl = np.floor(scaled)
    if np.any(np.isnan(fl)):
        raise ValueError("NaN converted to a fixed-point type")
    if t.sat:
        # clamp one step beyond the range: fit() still sees (and counts) the saturation
        fl = np.clip(fl, t.min_raw - 1.0, t.max_raw + 1.0)
    elif not (np.all(np.isfinite(fl)) and np.all(np.abs(fl) < 2.0 ** 62)):
        raise ValueError("infinite or huge value converted to a WRAP type")
    return fit(fl.astype(np.int64), t, stats, point)


def raw_to_float(raw, F):
    return np.asarray(raw, dtype=np.float64) / (2.0 ** F)


# ---------------------------------------------------------------------------------------------
# float32 libm functions (the C code calls expf on float arguments)
# ---------------------------------------------------------------------------------------------

def _load_expf():
    for name in (ctypes.util.find_library("m"), "libm.so.6"):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            f = lib.expf
            f.restype = ctypes.c_float
            f.argtypes = [ctypes.c_float]
            return f
        except OSError:
            continue
    return None


_EXPF = _load_expf()


def expf(x):
    """float32 exp of a float32 argument: libm's expf via ctypes (what the C++ calls), else
    the double exp rounded to float32 (correctly rounded except at extraordinarily rare ties)."""
    x = float(np.float32(x))
    if _EXPF is not None:
        return np.float32(_EXPF(x))
    return np.float32(math.exp(x))


# ---------------------------------------------------------------------------------------------
# Layer kernels (fixed point)
# ---------------------------------------------------------------------------------------------

def dense_fixed(x_raw, x_t, w_raw, w_t, b_raw, b_t, accum_t, result_t, stats=None, name="dense"):
    """hls4ml Dense (Latency == Resource): acc_j = accum_t(b_j); for i in order:
    acc_j = accum_t(acc_j + accum_t(x_i * w_ij)); result = result_t(acc_j)."""
    n_samples = x_raw.shape[0]
    n_in, n_out = w_raw.shape
    acc = cast_raw(np.broadcast_to(b_raw.astype(np.int64), (n_samples, n_out)).copy(), b_t.F, accum_t,
                   stats, name + ".bias")
    fp = x_t.F + w_t.F
    for i in range(n_in):
        prod = x_raw[:, i:i + 1].astype(np.int64) * w_raw[i:i + 1, :].astype(np.int64)   # full precision
        prod = cast_raw(prod, fp, accum_t, stats, name + ".product")
        acc = fit(acc + prod, accum_t, stats, name + ".accum")
    return cast_raw(acc, accum_t.F, result_t, stats, name + ".result")


def relu_fixed(x_raw, x_t, result_t, stats=None, name="relu"):
    return cast_raw(np.where(x_raw > 0, x_raw, 0), x_t.F, result_t, stats, name + ".result")


def linear_fixed(x_raw, x_t, result_t, stats=None, name="linear"):
    return cast_raw(x_raw, x_t.F, result_t, stats, name + ".result")


def _log2_exact(n):
    k = n.bit_length() - 1
    assert (1 << k) == n, n
    return k


def softmax_tables(in_t):
    """exp and inverse tables of softmax 'stable' for input type in_t (section 9)."""
    W, F = in_t.W, in_t.F
    tt = SOFTMAX_TABLE_T
    exp_size = min(1024, 2 ** (W - 1))
    inv_size = min(1024, 2 ** W)
    ne, ni = _log2_exact(exp_size), _log2_exact(inv_size)
    # inp_norm_t = ap_ufixed<W-1, I-1>: (W-1) bits, F fractional. Entry k: value with top ne bits = k.
    exp_table = np.zeros(exp_size, dtype=np.int64)
    for k in range(exp_size):
        xval = np.float32((k << (W - 1 - ne)) / 2.0 ** F)      # exact in float32 (W-1 <= 24 bits)
        e = expf(-xval)
        exp_table[k] = int(quantize(np.float64(e), tt))
    # inv_table: x = 18-bit two's complement value whose top ni bits are k; entry = inv_table_t(1.0f / x).
    inv_table = np.zeros(inv_size, dtype=np.int64)
    for k in range(inv_size):
        pattern = k << (tt.W - ni)
        sval = pattern - (1 << tt.W) if pattern >= (1 << (tt.W - 1)) else pattern
        xf = np.float32(sval / 2.0 ** tt.F)
        if xf == 0:
            inv_table[k] = tt.max_raw                         # 1/0 = +inf saturates
        else:
            inv = np.float32(np.float32(1.0) / xf)
            inv_table[k] = int(quantize(np.float64(inv), tt))
    return exp_table, inv_table, ne, ni


def _reduce_tree(vals, op):
    """hls4ml nnet::reduce: split at leftN = 2^floor(log2(N-1)), recurse."""
    n = len(vals)
    if n == 1:
        return vals[0]
    if n == 2:
        return op(vals[0], vals[1])
    left = 1 << ((n - 1).bit_length() - 1)
    return op(_reduce_tree(vals[:left], op), _reduce_tree(vals[left:], op))


def softmax_fixed(x_raw, in_t, accum_t, result_t, stats=None, name="softmax", tables=None):
    """softmax 'stable' (section 9). Vectorized over samples; x_raw shape (N, n)."""
    tt = SOFTMAX_TABLE_T
    W = in_t.W
    exp_table, inv_table, ne, ni = tables if tables is not None else softmax_tables(in_t)
    x = x_raw.astype(np.int64)
    xmax = x.max(axis=1, keepdims=True)                   # reduce(Op_max) in data_T: exact
    d = fit(xmax - x, FixedType(W - 1, in_t.I - 1, signed=False),   # inp_norm_t: ufixed<W-1,I-1>,
            stats, name + ".inp_norm")                               # TRN/WRAP whatever the model modes
    idx = d >> (W - 1 - ne)                               # top ne bits
    exp_res = cast_raw(exp_table[idx], tt.F, accum_t, stats, name + ".exp_res")
    cols = [exp_res[:, j] for j in range(exp_res.shape[1])]
    exp_sum = _reduce_tree(cols, lambda a, b: fit(a + b, accum_t, stats, name + ".exp_sum"))
    inv_inp = cast_raw(exp_sum, accum_t.F, tt, stats, name + ".inv_inp")
    inv_idx = (inv_inp & ((1 << tt.W) - 1)) >> (tt.W - ni)
    inv = inv_table[inv_idx]
    prod = exp_res * inv[:, None]                         # full precision, F = accum.F + 10
    return cast_raw(prod, accum_t.F + tt.F, result_t, stats, name + ".result")


SIGMOID_N = 1024


def sigmoid_table():
    """table_t = ap_fixed<18,8> TRN/WRAP; entry i at in = float(16*(i-N/2)/N):
    float(1.0 / double(1.0f + expf(-in)))."""
    n = SIGMOID_N
    tab = np.zeros(n, dtype=np.int64)
    for i in range(n):
        xin = np.float32(16.0 * (i - n / 2) / n)
        den = np.float32(np.float32(1.0) + expf(-xin))
        val = np.float32(1.0 / float(den))
        tab[i] = int(quantize(np.float64(val), ACT_TABLE_T))
    return tab


def sigmoid_fixed(x_raw, in_t, result_t, stats=None, name="sigmoid", table=None):
    n = SIGMOID_N
    tab = sigmoid_table() if table is None else table
    num = x_raw.astype(np.int64) * (n // 16)              # x * N / 16 in raw units of 2^-F
    den = 1 << in_t.F
    q = np.abs(num) // den
    trunc0 = np.where(num < 0, -q, q)                     # C conversion to int: toward zero
    idx = np.clip(trunc0 + n // 2, 0, n - 1)
    return cast_raw(tab[idx], ACT_TABLE_T.F, result_t, stats, name + ".result")


# ---------------------------------------------------------------------------------------------
# Model description: Keras JSON + weights-only HDF5
# ---------------------------------------------------------------------------------------------

class Node:
    def __init__(self, name, kind, inp, **attrs):
        self.name, self.kind, self.inp = name, kind, inp
        self.attrs = attrs

    def __repr__(self):
        return "Node(%s, %s <- %s)" % (self.name, self.kind, self.inp)


def weights_path_for(json_path):
    base = json_path[:-5] if json_path.endswith(".json") else json_path
    return base + "_weights.h5"


def load_keras(json_path, h5_path=None):
    """Return (nodes in topological order, n_inputs). Dense(activation=X) -> dense + '<name>_<X>'."""
    if h5py is None:
        raise RuntimeError("h5py is required (use /usr/bin/python3)")
    h5_path = h5_path or weights_path_for(json_path)
    with open(json_path) as f:
        cfg = json.load(f)
    layers = cfg["config"]["layers"]
    nodes = []
    out_of = {}        # keras layer name -> name of the node producing its output
    n_inputs = None
    with h5py.File(h5_path, "r") as h5:
        def w(layer, var):
            return np.array(h5["/%s/%s/%s:0" % (layer, layer, var)])

        for L in layers:
            cls, name, c = L["class_name"], L["name"], L["config"]
            inbound = L.get("inbound_nodes") or []
            src = out_of[inbound[0][0][0]] if inbound else None
            if cls == "InputLayer":
                n_inputs = int(c["batch_input_shape"][-1])
                nodes.append(Node(name, "input", None, n=n_inputs))
                out_of[name] = name
            elif cls == "Dense":
                kernel = w(name, "kernel")
                bias = w(name, "bias") if c.get("use_bias", True) else np.zeros(kernel.shape[1], np.float32)
                nodes.append(Node(name, "dense", src, kernel=kernel, bias=bias))
                act = c.get("activation", "linear")
                out_of[name] = name
                if act and act != "linear":
                    an = "%s_%s" % (name, act)
                    nodes.append(Node(an, act, name))
                    out_of[name] = an
            elif cls == "Activation":
                nodes.append(Node(name, c["activation"], src))
                out_of[name] = name
            elif cls == "BatchNormalization":
                nodes.append(Node(name, "batchnorm", src, gamma=w(name, "gamma"), beta=w(name, "beta"),
                                  mean=w(name, "moving_mean"), var=w(name, "moving_variance"),
                                  eps=float(c["epsilon"])))
                out_of[name] = name
            else:
                raise ValueError("layer class %s not supported by refimpl" % cls)
    return nodes, n_inputs


# ---------------------------------------------------------------------------------------------
# Whole-model evaluation
# ---------------------------------------------------------------------------------------------

def run_float(nodes, x):
    """Float64 reference with unquantized float32 weights/inputs. Returns {node: (N, n) float64}."""
    out = {}
    for nd in nodes:
        if nd.kind == "input":
            out[nd.name] = np.asarray(x, dtype=np.float32).astype(np.float64)
            continue
        v = out[nd.inp]
        if nd.kind == "dense":
            y = v @ nd.attrs["kernel"].astype(np.float64) + nd.attrs["bias"].astype(np.float64)
        elif nd.kind == "relu":
            y = np.maximum(v, 0.0)
        elif nd.kind == "linear":
            y = v.copy()
        elif nd.kind == "sigmoid":
            y = 1.0 / (1.0 + np.exp(-v))
        elif nd.kind == "softmax":
            e = np.exp(v - v.max(axis=1, keepdims=True))
            y = e / e.sum(axis=1, keepdims=True)
        elif nd.kind == "batchnorm":
            a = nd.attrs
            g, b = a["gamma"].astype(np.float64), a["beta"].astype(np.float64)
            m, var = a["mean"].astype(np.float64), a["var"].astype(np.float64)
            y = g * (v - m) / np.sqrt(var + a["eps"]) + b
        else:
            raise ValueError("float: unsupported node kind %s" % nd.kind)
        out[nd.name] = y
    return out


def run_fixed(nodes, x, precision, stats=None):
    """Bit-exact emulation with Model-level precision `precision` (string or FixedType).
    Returns ({node: raw int64 array}, {node: FixedType of its output})."""
    t = parse_precision(precision) if isinstance(precision, str) else precision
    raws, types = {}, {}
    sm_tables = {}
    sig_tab = None
    for nd in nodes:
        if nd.kind == "input":
            xf32 = np.asarray(x, dtype=np.float32)
            raws[nd.name] = quantize(xf32, t, stats, nd.name + ".input")
            types[nd.name] = t
            continue
        v, vt = raws[nd.inp], types[nd.inp]
        if nd.kind == "dense":
            w_raw = quantize(nd.attrs["kernel"].astype(np.float32), t)
            b_raw = quantize(nd.attrs["bias"].astype(np.float32), t)
            y = dense_fixed(v, vt, w_raw, t, b_raw, t, t, t, stats, nd.name)
        elif nd.kind == "relu":
            y = relu_fixed(v, vt, t, stats, nd.name)
        elif nd.kind == "linear":
            y = linear_fixed(v, vt, t, stats, nd.name)
        elif nd.kind == "softmax":
            if vt not in sm_tables:
                sm_tables[vt] = softmax_tables(vt)
            y = softmax_fixed(v, vt, t, t, stats, nd.name, sm_tables[vt])
        elif nd.kind == "sigmoid":
            if sig_tab is None:
                sig_tab = sigmoid_table()
            y = sigmoid_fixed(v, vt, t, stats, nd.name, sig_tab)
        else:
            raise ValueError("fixed: unsupported node kind %s" % nd.kind)
        raws[nd.name] = y
        types[nd.name] = t
    return raws, types


def argmax_agreement(a, b):
    """Fraction of rows whose first-occurrence argmax agrees."""
    return float(np.mean(np.argmax(a, axis=1) == np.argmax(b, axis=1)))


def make_inputs(n_samples, n_in, seed):
    """Seeded standard-normal inputs as float32."""
    return np.random.default_rng(seed).standard_normal((n_samples, n_in)).astype(np.float32)


def write_inputs(path, x):
    """One sample per line; '%.17g' of the float32 value reads back exactly (as double or float)."""
    with open(path, "w") as f:
        for row in np.asarray(x, dtype=np.float32):
            f.write(" ".join("%.17g" % float(v) for v in row))
            f.write("\n")


if __name__ == "__main__":   # quick self-report
    shared = os.environ.get("NNSIM_SHARED_DIR", "/work/shared")
    js = os.path.join(shared, "external_models/keras/KERAS_3layer.json")
    nodes, n_in = load_keras(js)
    x = make_inputs(1000, n_in, 20240601)
    fl = run_float(nodes, x)
    for p in ("fixed<16,6>", "fixed<8,3>", "ap_fixed<10,4,AP_RND,AP_SAT>"):
        st = OverflowStats()
        raws, types = run_fixed(nodes, x, p, st)
        last = nodes[-1].name
        agr = argmax_agreement(raw_to_float(raws[last], types[last].F), fl[last])
        print(p, "argmax agreement %.4f" % agr, "wrapped", st.total("wrapped"), "saturated", st.total("saturated"))
        for k, d in sorted(st.points.items()):
            if d["wrapped"] or d["saturated"]:
                print("   ", k, d)
