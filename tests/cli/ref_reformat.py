"""Independent numpy implementation of the image reformatting layers (Keras ZeroPadding1D/2D,
Cropping1D/2D, UpSampling1D/2D with nearest interpolation), written from their definitions:
  - zero padding adds zero rows (top, bottom) and columns (left, right) around each channel;
  - cropping removes rows and columns from the borders;
  - nearest upsampling repeats every row sh times and every column sw times.
Tensors are channels-last: a batch of 1D samples is [N, W, C], of 2D samples [N, H, W, C].
Fixed point: ap_fixed<W, I> values are raw integers times 2^-(W-I); a conversion first rounds the
dropped fraction bits (AP_TRN: toward minus infinity; AP_RND: half up), then handles overflow
(AP_WRAP: keep the low W bits, two's complement if signed; AP_SAT: clamp to the range)."""
import re

import numpy as np


def pad(x, top, bottom, left, right):
    """[N, H, W, C] -> [N, top + H + bottom, left + W + right, C], zeros outside."""
    n, h, w, c = x.shape
    out = np.zeros((n, top + h + bottom, left + w + right, c), dtype=x.dtype)
    out[:, top:top + h, left:left + w, :] = x
    return out


def crop(x, top, bottom, left, right):
    n, h, w, c = x.shape
    return x[:, top:h - bottom, left:w - right, :].copy()


def upsample(x, sh, sw):
    return np.repeat(np.repeat(x, sh, axis=1), sw, axis=2)


def apply_layer(x, kind, params):
    """One layer on a batch; 1D kinds take [N, W, C] and are computed as [N, 1, W, C]."""
    one = kind.endswith("1d")
    y = x[:, None, :, :] if one else x
    if kind.startswith("zero_padding"):
        p = params.get("padding", [1, 1] if one else [1, 1, 1, 1])
        y = pad(y, *([0, 0] + list(p) if one else p))
    elif kind.startswith("cropping"):
        p = params.get("cropping", [1, 1] if one else [0, 0, 0, 0])
        y = crop(y, *([0, 0] + list(p) if one else p))
    elif kind.startswith("upsampling"):
        s = params.get("size", [2] if one else [2, 2])
        y = upsample(y, *([1] + list(s) if one else s))
    else:
        raise ValueError(kind)
    return y[:, 0, :, :] if one else y


class Fixed:
    """ap_fixed / ap_ufixed <W, I, Q, O> (Q in TRN/RND, O in WRAP/SAT), parsed from nnsim's spelling."""

    def __init__(self, text):
        m = re.fullmatch(r"\s*(ap_)?(u?)fixed<\s*(\d+)\s*,\s*(-?\d+)\s*(?:,\s*(\w+)\s*)?(?:,\s*(\w+)\s*)?>\s*", text)
        if not m:
            raise ValueError(text)
        self.signed = m.group(2) != "u"
        self.W, self.I = int(m.group(3)), int(m.group(4))
        self.F = self.W - self.I
        q, o = m.group(5) or "AP_TRN", m.group(6) or "AP_WRAP"
        if q not in ("AP_TRN", "AP_RND") or o not in ("AP_WRAP", "AP_SAT"):
            raise ValueError("only TRN/RND and WRAP/SAT are modelled here: " + text)
        self.rnd, self.sat = q == "AP_RND", o == "AP_SAT"

    def lo(self):
        return -(1 << (self.W - 1)) if self.signed else 0

    def hi(self):
        return (1 << (self.W - 1)) - 1 if self.signed else (1 << self.W) - 1

    def overflow(self, raw):
        raw = np.asarray(raw, dtype=np.int64)
        if self.sat:
            return np.clip(raw, self.lo(), self.hi())
        m = raw & ((1 << self.W) - 1)
        if self.signed:
            m = np.where(m >= (1 << (self.W - 1)), m - (1 << self.W), m)
        return m

    def from_float(self, v):
        """Raw integers of the doubles v (the samples' conversion to the input type)."""
        scaled = np.asarray(v, dtype=np.float64) * (2.0 ** self.F)
        raw = np.floor(scaled + 0.5) if self.rnd else np.floor(scaled)
        return self.overflow(raw.astype(np.int64))

    def from_raw(self, raw, frac):
        """Raw integers of `raw` * 2^-frac converted to this type."""
        raw = np.asarray(raw, dtype=np.int64)
        shift = frac - self.F
        if shift > 0:
            r = raw + (1 << (shift - 1)) if self.rnd else raw
            r = r >> shift  # arithmetic shift: floor
        else:
            r = raw << (-shift)
        return self.overflow(r)
