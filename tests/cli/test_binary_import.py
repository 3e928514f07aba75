"""Binary and ternary Keras networks (hls4ml's example models with BinaryDense / TernaryDense layers,
binary_tanh / ternary_tanh / relu1 activations) from ../shared/external_models:
  1. they import from the file alone: binary kernels hold only +-1, ternary kernels -1/0/+1 (hls4ml's
     BinaryQuantizer(bits=2): w >= 0 ? 1 : -1, and TernaryQuantizer), with the weight type int<2>
     reported as coming from the layer's quantizer; as in hls4ml's quantization flow, each batchnorm
     followed by binary_tanh/ternary_tanh becomes one batchnorm_quantized_tanh layer, and the dense
     layers after those sum in int<ceil(log2 n_in) + 2> without bias;
  2. `nnsim run` is bit-exact against a numpy emulation of that arithmetic (written from hls4ml's
     formulas: thresholds -b/s folded and floored in float32, ternary thresholds +-0.5/s + t, the
     dense layers on +-1 inputs) on every layer up to the last dense; the relu1 model keeps its
     batchnorm and activation (relu1: min(max(x, 0), 1));
  3. the binary dense layers need no DSPs (estimate), and the Verilog of a binary network verifies
     against the model; the ternary and binary_tanh kinds (hls4ml's: 2x in the input type against
     +-1, x >= 0) verify on small networks of their own.
Environment: NNSIM (binary), NNSIM_SHARED_DIR."""
import json
import os
import random
import re
import unittest

import numpy as np

import nets
from refimpl import dense_fixed, parse_precision, quantize

K = os.path.join(nets.SHARED, "external_models", "keras")
MODELS = {"KERAS_3layer_binary_smaller": "binary", "KERAS_3layer_ternary_small": "ternary",
          "KERAS_3layer_binarydense_relu_max": "relu1", "keras_bnn": "binary"}
SUCCESS = re.compile(r"^verify: \S+: \d+ samples, \d+ output words and \d+ handshake cycles identical", re.M)


def activation(kind, x):
    if kind == "binary":
        return np.where(x >= 0, 1.0, -1.0)
    if kind == "ternary":
        return np.where(2 * x > 1, 1.0, np.where(2 * x <= -1, -1.0, 0.0))
    return np.clip(x, 0.0, 1.0)


def thresholds(layer, frac):
    """hls4ml's BatchNormalizationQuantizedTanh.set_thresholds in float32: per channel the raw
    thresholds on a grid of `frac` fraction bits, [thr] (binary) or [hi, lo] (ternary)."""
    w = {k: np.array(v["data"], dtype=np.float32) for k, v in layer["weights"].items()}
    n = len(w["moving_mean"])
    gamma = w.get("gamma", np.ones(n, np.float32))
    beta = w.get("beta", np.zeros(n, np.float32))
    scale = gamma / np.sqrt(w["moving_variance"] + np.float32(layer.get("epsilon", 1e-3)))
    bias = beta - scale * w["moving_mean"]
    t = -bias / scale
    step = np.float32(2.0 ** frac)
    if layer.get("quantize", "binary") == "binary":
        levels = [t]
    else:
        big_t = np.float32(layer.get("threshold", 0.5))
        levels = [big_t / scale + t, -big_t / scale + t]
    return [np.floor(v * step).astype(np.int64) for v in levels]


def threshold_layer(layer, x_raw, frac):
    """The merged layer on raw inputs with `frac` fraction bits: +-1 (binary) or -1/0/+1 (ternary)."""
    th = thresholds(layer, frac)
    if len(th) == 1:
        return np.where(x_raw >= th[0], 1, -1)
    return np.where(x_raw > th[0], 1, np.where(x_raw <= th[1], -1, 0))


class BinaryImportTest(nets.GridInputTest):
    TMP_PREFIX = "nnsim_binary_"

    def test_1_import_run_against_numpy(self):
        t = parse_precision("fixed<16,6>")
        for model, act in MODELS.items():
            js = os.path.join(K, model + ".json")
            desc = self.path(model + ".json")
            r = nets.run("import", "--net", js, "-o", desc, "--inline-weights")
            self.assertIn("weight int<2> (quantizer " + ("ternary" if act == "ternary" else "binary"), r.stdout)
            with open(desc) as f:
                net = json.load(f)
            dense = [l for l in net["layers"] if l["kind"] == "dense"]
            allowed = {-1.0, 0.0, 1.0} if act == "ternary" else {-1.0, 1.0}
            for l in dense:
                self.assertTrue(set(l["weights"]["kernel"]["data"]) <= allowed, model + " " + l["name"])
            fc1 = dense[0]
            n_in = net["inputs"][0]["shape"][0]
            x, xin = self.inputs(model, [n_in], n=200, seed=5)
            trace = self.path(model + "_trace")
            nets.run("run", "--net", desc, "--input", xin, "--trace", trace)
            kernel = np.array(fc1["weights"]["kernel"]["data"]).reshape(fc1["weights"]["kernel"]["shape"])
            bias = np.array(fc1["weights"]["bias"]["data"]) if "bias" in fc1["weights"] else np.zeros(kernel.shape[1])
            int2 = parse_precision("fixed<2,2>")  # int<2>
            exp = dense_fixed(quantize(x, t), t, kernel.astype(np.int64), int2, quantize(bias, t), t, t, t)
            got = np.round(nets.read_dat(os.path.join(trace, fc1["name"] + ".dat")) * 2.0 ** t.F).astype(np.int64)
            self.assertTrue(np.array_equal(got, exp), model + ": the binary dense layer differs from numpy")
            kinds = [l["kind"] for l in net["layers"]]
            if act == "relu1":
                # The first activation, from the batchnorm before it (no merge for relu1).
                self.assertEqual(kinds[:3], ["dense", "batchnorm", "clipped_relu"])
                names = [l["name"] for l in net["layers"]]
                before = nets.read_dat(os.path.join(trace, names[1] + ".dat"))
                after = nets.read_dat(os.path.join(trace, names[2] + ".dat"))
                self.assertTrue(np.array_equal(after, activation(act, before)), model + ": " + names[2])
            else:
                self.assertEqual(kinds, ["dense", "batchnorm_quantized_tanh"] * 3 + ["dense", "batchnorm"], model)
                a, frac = got, t.F  # raw fc1 outputs
                for k in range(1, 7):
                    layer = net["layers"][k]
                    if layer["kind"] == "batchnorm_quantized_tanh":
                        a, frac = threshold_layer(layer, a, frac), 0
                    else:
                        self.assertEqual(layer["precision"]["result"],
                                         "int<%d>" % (int(np.ceil(np.log2(len(a[0])))) + 2), layer["name"])
                        self.assertNotIn("bias", layer["weights"], layer["name"])
                        # After a binary threshold layer the inputs are read as bits (hls4ml's XNOR).
                        self.assertEqual(layer.get("binary_input", False), act == "binary", layer["name"])
                        w = np.array(layer["weights"]["kernel"]["data"]).reshape(layer["weights"]["kernel"]["shape"])
                        a = a @ w.astype(np.int64)
                    trace_k = nets.read_dat(os.path.join(trace, layer["name"] + ".dat"))
                    self.assertTrue(np.array_equal(trace_k, a), model + ": " + layer["name"] + " differs from numpy")
            # No DSPs in the binary and ternary products.
            tm = nets.timing(desc)
            for layer in tm["layers"]:
                if layer["kind"] == "dense":
                    self.assertEqual(layer["resources"]["dsp"], 0, model + " " + layer["name"])

    def test_2_verify(self):
        t = parse_precision("fixed<16,6>")
        cache = self.path("cache")
        os.makedirs(cache, exist_ok=True)
        js = os.path.join(K, "KERAS_3layer_binary_smaller.json")
        r = nets.run("verify", "--net", js, "--samples", "4", "--reuse-factor", "16", "--strategy", "Resource",
                     "--input-ratio", "0.7", "--ready-ratio", "0.6", "--stall-seed", "2", cwd=cache)
        self.assertRegex(r.stdout, SUCCESS)
        # RF 1: the dense layers after binary threshold layers are XNOR and popcount trees.
        r = nets.run("verify", "--net", js, "--samples", "40", "--input-ratio", "0.7", "--ready-ratio", "0.6",
                     "--stall-seed", "5", cwd=cache)
        self.assertRegex(r.stdout, SUCCESS)
        gen = self.path("gen_xnor")
        nets.run("gen", "--net", js, "-o", gen)
        with open(os.path.join(gen, "KERAS_3layer_binary_smaller_fc2_core.v")) as f:
            core = f.read()
        self.assertIn("pc0_s0_0", core)  # popcount adders
        self.assertNotIn(") * ", core, "a multiplier in the XNOR core")
        from test_rtl_checks import lint
        rc, out = lint(gen)
        self.assertEqual(rc, 0, out)
        self.assertNotIn("%Warning", out)
        layers = {l["name"]: l for l in nets.timing(js)["layers"]}
        self.assertLess(layers["fc2"]["resources"]["lut"], 5000)  # 37.7 k as products and sums
        # The two activations on every kind of input value, zero included (a grid of 2^-2).
        rng = random.Random(4)
        # A dense layer with binary_input on any input type: each input read as +1 (x >= 0) or -1, at RF 1
        # (XNOR and popcount) and RF 4 (multiply-accumulate on the codes).
        w = [[rng.choice([-1.0, 1.0]) for _ in range(5)] for _ in range(12)]
        for rf in (1, 4):
            net = {"format": "nnsim-network", "name": "t_xnor%d" % rf, "inputs": [{"name": "x", "shape": [12]}],
                   "layers": [{"name": "fc", "kind": "dense", "n_out": 5, "binary_input": True, "reuse_factor": rf,
                               "precision": {"weight": "int<2>", "accum": "int<6>", "result": "int<6>"},
                               "weights": {"kernel": {"shape": [12, 5], "data": sum(w, [])}}}]}
            path = os.path.abspath(self.write("xnor%d" % rf, net))
            r = nets.run("verify", "--net", path, "--samples", "30", *(["--input-ratio", "0.6", "--ready-ratio",
                                                                       "0.5", "--stall-seed", "4"] if rf == 1 else []),
                         cwd=cache)
            self.assertRegex(r.stdout, SUCCESS)
            x, xin = self.inputs("xnor%d" % rf, [12], n=50, seed=rf)
            out = self.path("xnor%d_out.dat" % rf)
            nets.run("run", "--net", path, "--input", xin, "--output", out)
            exp = np.where(quantize(x, t) >= 0, 1, -1) @ np.array(w, dtype=np.int64)
            self.assertTrue(np.array_equal(nets.read_dat(out), exp), "binary_input dense, RF %d" % rf)
        for kind in ("ternary", "bipolar"):
            net = {"format": "nnsim-network", "name": "t_" + kind, "inputs": [{"name": "x", "shape": [6]}],
                   "layers": [nets.dense_layer(rng, "fc", 6, 8, precision="fixed<8,4>"),
                              {"name": "act", "kind": kind, "precision": "int<2>"}]}
            path = os.path.abspath(self.write("v_" + kind, net))
            r = nets.run("verify", "--net", path, "--samples", "30", cwd=cache)
            self.assertRegex(r.stdout, SUCCESS)
            nets.run("run", "--net", path, "--random-samples", "200", "--trace", self.path(kind + "_tr"))
            pre = nets.read_dat(os.path.join(self.path(kind + "_tr"), "fc.dat"))
            got = nets.read_dat(os.path.join(self.path(kind + "_tr"), "act.dat"))
            if kind == "ternary":  # 2x back in fixed<8,4>: wraps for |x| >= 4
                doubled = ((np.round(pre * 16).astype(np.int64) * 2 + 128) % 256 - 128) / 16.0
                exp = activation("ternary", doubled / 2)
                self.assertTrue(np.any(np.abs(pre) >= 4), "no input wrapped when doubled")
            else:
                exp = activation("binary", pre)
            self.assertTrue(np.array_equal(got, exp), kind)
            self.assertTrue(np.any(pre == 0) or kind == "ternary", "no zero input reached " + kind)


if __name__ == "__main__":
    unittest.main()
