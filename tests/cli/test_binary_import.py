"""Binary and ternary Keras networks (hls4ml's example models with BinaryDense / TernaryDense layers,
binary_tanh / ternary_tanh / relu1 activations) from ../shared/external_models:
  1. they import from the file alone: binary kernels hold only +-1, ternary kernels -1/0/+1 (hls4ml's
     BinaryQuantizer(bits=2) and TernaryQuantizer), with the weight type int<2> reported as coming
     from the layer's quantizer;
  2. `nnsim run` is bit-exact against numpy on the first dense layer (independent reference,
     refimpl.dense_fixed with the quantized weights) and on the activation after its batchnorm
     (binary_tanh: x > 0 ? 1 : -1; ternary_tanh: x > 1 ? 1 : (x <= -1 ? -1 : 0); relu1: min(max(x, 0), 1));
  3. the binary dense layers need no DSPs (estimate), and the Verilog of a binary network verifies
     against the model; the ternary and binary_tanh kinds verify on a small network of their own.
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
        return np.where(x > 0, 1.0, -1.0)
    if kind == "ternary":
        return np.where(x > 1, 1.0, np.where(x <= -1, -1.0, 0.0))
    return np.clip(x, 0.0, 1.0)


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
            x, xin = self.inputs(model, [n_in], n=20, seed=5)
            trace = self.path(model + "_trace")
            nets.run("run", "--net", desc, "--input", xin, "--trace", trace)
            kernel = np.array(fc1["weights"]["kernel"]["data"]).reshape(fc1["weights"]["kernel"]["shape"])
            bias = np.array(fc1["weights"]["bias"]["data"]) if "bias" in fc1["weights"] else np.zeros(kernel.shape[1])
            int2 = parse_precision("fixed<2,2>")  # int<2>
            exp = dense_fixed(quantize(x, t), t, kernel.astype(np.int64), int2, quantize(bias, t), t, t, t)
            got = np.round(nets.read_dat(os.path.join(trace, fc1["name"] + ".dat")) * 2.0 ** t.F).astype(np.int64)
            self.assertTrue(np.array_equal(got, exp), model + ": the binary dense layer differs from numpy")
            # The first activation, from the batchnorm before it.
            names = [l["name"] for l in net["layers"]]
            a = names.index(next(l["name"] for l in net["layers"] if l["kind"] in ("bipolar", "ternary", "clipped_relu")))
            before = nets.read_dat(os.path.join(trace, names[a - 1] + ".dat"))
            after = nets.read_dat(os.path.join(trace, names[a] + ".dat"))
            self.assertTrue(np.array_equal(after, activation(act, before)), model + ": " + names[a])
            # No DSPs in the binary and ternary products.
            tm = nets.timing(desc)
            for layer in tm["layers"]:
                if layer["kind"] == "dense":
                    self.assertEqual(layer["resources"]["dsp"], 0, model + " " + layer["name"])

    def test_2_verify(self):
        cache = self.path("cache")
        os.makedirs(cache, exist_ok=True)
        js = os.path.join(K, "KERAS_3layer_binary_smaller.json")
        r = nets.run("verify", "--net", js, "--samples", "4", "--reuse-factor", "16", "--strategy", "Resource",
                     "--input-ratio", "0.7", "--ready-ratio", "0.6", "--stall-seed", "2", cwd=cache)
        self.assertRegex(r.stdout, SUCCESS)
        # The two activations on every kind of input value, zero included (a grid of 2^-2).
        rng = random.Random(4)
        for kind, extra in (("ternary", {}), ("bipolar", {"zero": -1})):
            net = {"format": "nnsim-network", "name": "t_" + kind, "inputs": [{"name": "x", "shape": [6]}],
                   "layers": [nets.dense_layer(rng, "fc", 6, 8, precision="fixed<8,4>"),
                              dict({"name": "act", "kind": kind, "precision": "int<2>"}, **extra)]}
            path = os.path.abspath(self.write("v_" + kind, net))
            r = nets.run("verify", "--net", path, "--samples", "30", cwd=cache)
            self.assertRegex(r.stdout, SUCCESS)
            nets.run("run", "--net", path, "--random-samples", "200", "--trace", self.path(kind + "_tr"))
            pre = nets.read_dat(os.path.join(self.path(kind + "_tr"), "fc.dat"))
            got = nets.read_dat(os.path.join(self.path(kind + "_tr"), "act.dat"))
            exp = activation("ternary", pre) if kind == "ternary" else np.where(pre > 0, 1.0, -1.0)
            self.assertTrue(np.array_equal(got, exp), kind)
            self.assertTrue(np.any(pre == 0) or kind == "ternary", "no zero input reached " + kind)


if __name__ == "__main__":
    unittest.main()
