"""Independent numpy reference of the recurrent layers (LSTM, GRU both reset_after ways, SimpleRNN),
written from the formulas of docs/timing.md and models/common/recurrent.hpp's header (hls4ml's
nnet_recurrent structure), not from nnsim's C++.

Per time step t (state zero at t = 0), with Keras' gate order (LSTM i, f, c, o; GRU z, r, h):
  a = dense(x_t; kernel, bias) and b = dense(h_{t-1}; recurrent_kernel, recurrent_bias), both to accum_t
  (hls4ml dense: accumulator from accum_t(bias), every product cast to accum_t, every sum cast);
  LSTM: z = accum_t(a + b); i, f, o = recr_act_t(sigma(z)); g = act_t(act(z_c));
        c_t = state_t(g*i + c*f) exact products and sum; h_t = result_t(o * act_t(act(c_t)))
  GRU reset_after: z, r = recr_act_t(sigma(accum_t(a + b))); u = accum_t(a_h + accum_t(r * b_h))
  GRU without: b over the first 2n columns, no recurrent bias; rh = result_t(r * h);
        u = accum_t(a_h + dense(rh; recurrent_kernel[:, 2n:], no bias))
  GRU: hh = act_t(act(u)); h_t = result_t(hh * (1 - z) + h * z)
  SimpleRNN: h_t = result_t(act(accum_t(a + b)))
Activations are hls4ml lookup tables of table_size entries of ap_fixed<18,8>: sigmoid over [-8, 8)
(entry float(1/(1+expf(-in)))), tanh over [-4, 4) (entry tanh(double(float in))); index
trunc0(x * N / R) + N/2 clamped. Raw values are integers value * 2^F."""
import numpy as np

from refimpl import cast_raw, dense_fixed, expf, parse_precision, quantize

TABLE_T = parse_precision("fixed<18,8>")
GATES = {"lstm": 4, "gru": 3, "simple_rnn": 1}


def table(fn, n=1024):
    tab = np.zeros(n, dtype=np.int64)
    r = 16 if fn == "sigmoid" else 8
    for i in range(n):
        xin = np.float32(r * (i - n / 2) / n)
        if fn == "sigmoid":
            val = np.float32(1.0 / float(np.float32(np.float32(1.0) + expf(-xin))))
        else:
            val = np.tanh(np.float64(xin))
        tab[i] = int(quantize(np.float64(val), TABLE_T))
    return tab


def lookup(x_raw, in_t, out_t, fn, n=1024):
    r = 16 if fn == "sigmoid" else 8
    num = x_raw.astype(object) * n
    den = r * 2 ** in_t.F if in_t.F >= 0 else r
    if in_t.F < 0:
        num = num * 2 ** (-in_t.F)
    q = np.array([(abs(v) // den) * (1 if v >= 0 else -1) for v in num.ravel()], dtype=np.int64).reshape(x_raw.shape)
    idx = np.clip(q + n // 2, 0, n - 1)
    return cast_raw(table(fn, n)[idx], TABLE_T.F, out_t)


def _exact_sum(p1, f1, p2, f2):
    f = max(f1, f2)
    return p1 * 2 ** (f - f1) + p2 * 2 ** (f - f2), f


def recurrent_fixed(kind, x, w, t, units, return_sequences=False, reset_after=True):
    """x float [N, T, n_in]; w dict of float arrays (kernel, recurrent_kernel, bias, recurrent_bias);
    every type t (input, weights, accum, recr_act, act, state, result). Returns raw [N, (T,) units]."""
    n_samples, steps, n_in = x.shape
    n = units
    xr = quantize(np.asarray(x, dtype=np.float64), t)
    kr = quantize(np.asarray(w["kernel"], dtype=np.float64), t)
    rk = quantize(np.asarray(w["recurrent_kernel"], dtype=np.float64), t)
    g = GATES[kind] * n
    br = quantize(np.asarray(w.get("bias", np.zeros(g)), dtype=np.float64), t)
    rbr = quantize(np.asarray(w.get("recurrent_bias", np.zeros(g)), dtype=np.float64), t)
    h = np.zeros((n_samples, n), dtype=np.int64)
    c = np.zeros((n_samples, n), dtype=np.int64)
    F = t.F
    outs = []
    for s in range(steps):
        a = dense_fixed(xr[:, s, :], t, kr, t, br, t, t, t)
        if kind == "gru" and not reset_after:
            b = dense_fixed(h, t, rk[:, :2 * n], t, np.zeros(2 * n, dtype=np.int64), t, t, t)
        else:
            b = dense_fixed(h, t, rk, t, rbr, t, t, t)
        if kind == "simple_rnn":
            h = lookup(cast_raw(a + b, F, t), t, t, "tanh")
        elif kind == "lstm":
            z = cast_raw(a + b, F, t)
            i = lookup(z[:, 0:n], t, t, "sigmoid")
            f = lookup(z[:, n:2 * n], t, t, "sigmoid")
            gg = lookup(z[:, 2 * n:3 * n], t, t, "tanh")
            o = lookup(z[:, 3 * n:4 * n], t, t, "sigmoid")
            v, fv = _exact_sum(gg * i, 2 * F, c * f, 2 * F)
            c = cast_raw(v, fv, t)
            h = cast_raw(o * lookup(c, t, t, "tanh"), 2 * F, t)
        else:
            zr = cast_raw(a[:, :2 * n] + b[:, :2 * n], F, t)
            zg = lookup(zr[:, :n], t, t, "sigmoid")
            rg = lookup(zr[:, n:], t, t, "sigmoid")
            if reset_after:
                rb = cast_raw(rg * b[:, 2 * n:], 2 * F, t)
                u = cast_raw(a[:, 2 * n:] + rb, F, t)
            else:
                rh = cast_raw(rg * h, 2 * F, t)
                bh = dense_fixed(rh, t, rk[:, 2 * n:], t, np.zeros(n, dtype=np.int64), t, t, t)
                u = cast_raw(a[:, 2 * n:] + bh, F, t)
            hh = lookup(u, t, t, "tanh")
            one = 1 << F
            v, fv = _exact_sum(hh * (one - zg), 2 * F, h * zg, 2 * F)
            h = cast_raw(v, fv, t)
        outs.append(h)
    return np.stack(outs, axis=1) if return_sequences else h


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def recurrent_float(kind, x, w, units, return_sequences=False, reset_after=True):
    """The same layer in float64 without quantization (exact sigmoid and tanh)."""
    n_samples, steps, _ = x.shape
    n = units
    g = GATES[kind] * n
    k, rk = np.asarray(w["kernel"]), np.asarray(w["recurrent_kernel"])
    bias = np.asarray(w.get("bias", np.zeros(g)))
    rbias = np.asarray(w.get("recurrent_bias", np.zeros(g)))
    h = np.zeros((n_samples, n))
    c = np.zeros((n_samples, n))
    outs = []
    for s in range(steps):
        a = x[:, s, :] @ k + bias
        if kind == "simple_rnn":
            h = np.tanh(a + h @ rk + rbias)
        elif kind == "lstm":
            z = a + h @ rk + rbias
            i, f, gg, o = _sigmoid(z[:, :n]), _sigmoid(z[:, n:2 * n]), np.tanh(z[:, 2 * n:3 * n]), _sigmoid(z[:, 3 * n:])
            c = gg * i + c * f
            h = o * np.tanh(c)
        else:
            if reset_after:
                b = h @ rk + rbias
                zg, rg = _sigmoid(a[:, :n] + b[:, :n]), _sigmoid(a[:, n:2 * n] + b[:, n:2 * n])
                hh = np.tanh(a[:, 2 * n:] + rg * b[:, 2 * n:])
            else:
                b = h @ rk[:, :2 * n]
                zg, rg = _sigmoid(a[:, :n] + b[:, :n]), _sigmoid(a[:, n:2 * n] + b[:, n:2 * n])
                hh = np.tanh(a[:, 2 * n:] + (rg * h) @ rk[:, 2 * n:])
            h = hh * (1 - zg) + h * zg
        outs.append(h)
    return np.stack(outs, axis=1) if return_sequences else h
