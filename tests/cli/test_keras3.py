"""Keras 3 .keras archives (frontends/keras3.hpp):
  1. the shared qkeras-v3_3layer.keras (a Keras 3 save of qkeras_3layer) imports to the same network as
     the Keras 2 files of qkeras_3layer: identical outputs;
  2. a functional Keras 3 archive written here (Keras 3 inbound records, object names of repeated
     classes, batchnorm variables, a layer without bias) computes numpy's float forward pass;
  3. a damaged or incomplete archive, or stored variables that do not fit their layer, is one line
     naming the archive (and the layer), exit 2."""
import io
import json
import os
import sys
import unittest
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import nets  # noqa: E402

KERAS = os.path.join(nets.SHARED, "external_models", "keras")


def tensor_ref(name):
    return {"class_name": "__keras_tensor__", "config": {"shape": [None], "dtype": "float32",
                                                         "keras_history": [name, 0, 0]}}


def functional_model():
    """x(6) -> Dense 5 (no bias) -> BatchNormalization -> Dense 4 relu; plus Dense 4 from x; Add."""
    def layer(cls, name, inbound, **cfg):
        args = [tensor_ref(i) for i in inbound]
        return {"module": "keras.layers", "class_name": cls, "config": dict(name=name, **cfg),
                "registered_name": None,
                "inbound_nodes": [{"args": args if len(args) == 1 else [args], "kwargs": {}}] if inbound else []}
    layers = [
        {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
         "config": {"batch_shape": [None, 6], "dtype": "float32", "name": "x"}, "inbound_nodes": []},
        layer("Dense", "d_a", ["x"], units=5, activation="linear", use_bias=False),
        layer("BatchNormalization", "bn", ["d_a"], epsilon=0.001, center=True, scale=True),
        layer("Dense", "d_b", ["bn"], units=4, activation="relu", use_bias=True),
        layer("Dense", "d_c", ["x"], units=4, activation="linear", use_bias=True),
        layer("Add", "sum", ["d_b", "d_c"]),
    ]
    return {"module": "keras", "class_name": "Functional", "config": {
        "name": "k3f", "layers": layers, "input_layers": ["x", 0, 0], "output_layers": ["sum", 0, 0]}}


class Keras3(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_keras3_"

    def archive(self, name, config=None, weights=None, drop=()):
        """A .keras zip with config.json and model.weights.h5 ({dataset path: array})."""
        import h5py
        buf = io.BytesIO()
        with h5py.File(buf, "w") as f:
            f.create_group("vars")
            for path, value in (weights or {}).items():
                f.create_dataset(path, data=np.asarray(value, dtype=np.float32))
        path = self.path(name)
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("metadata.json", json.dumps({"keras_version": "3.0.0"}))
            if "config.json" not in drop:
                z.writestr("config.json", json.dumps(config))
            if "model.weights.h5" not in drop:
                z.writestr("model.weights.h5", buf.getvalue())
        return path

    def expect_error(self, path, *fragments):
        r = nets.run("timing", "--net", path, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip() and "warning" not in l]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("nnsim: error: " + path), lines[0])
        for frag in fragments:
            self.assertIn(frag, lines[0])

    def run_outputs(self, net, *extra):
        out = self.path("out.dat")
        nets.run("run", "--net", net, "--random-samples", "40", "--seed", "5", "--output", out, *extra)
        with open(out) as f:
            return f.read()

    def test_shared_archive_equals_keras2_files(self):
        k3 = os.path.join(KERAS, "qkeras-v3_3layer.keras")
        k2 = os.path.join(KERAS, "qkeras_3layer.json")
        self.assertEqual(self.run_outputs(k3, "--ignore-quantizers"), self.run_outputs(k2, "--ignore-quantizers"))
        # With the QKeras quantizers (precisions and quantized weights) as well.
        self.assertEqual(self.run_outputs(k3), self.run_outputs(k2))

    def test_functional_archive_float(self):
        rng = np.random.default_rng(7)
        w = {"a": rng.normal(0, 0.5, (6, 5)), "g": rng.uniform(0.5, 1.5, 5), "be": rng.normal(0, 0.3, 5),
             "mm": rng.normal(0, 0.3, 5), "mv": rng.uniform(0.5, 2, 5), "b": rng.normal(0, 0.5, (5, 4)),
             "bb": rng.normal(0, 0.2, 4), "c": rng.normal(0, 0.5, (6, 4)), "cb": rng.normal(0, 0.2, 4)}
        w = {k: v.astype(np.float32) for k, v in w.items()}
        path = self.archive("k3f.keras", functional_model(), {
            "layers/dense/vars/0": w["a"],
            "layers/batch_normalization/vars/0": w["g"], "layers/batch_normalization/vars/1": w["be"],
            "layers/batch_normalization/vars/2": w["mm"], "layers/batch_normalization/vars/3": w["mv"],
            "layers/dense_1/vars/0": w["b"], "layers/dense_1/vars/1": w["bb"],
            "layers/dense_2/vars/0": w["c"], "layers/dense_2/vars/1": w["cb"]})
        x = np.round(rng.normal(0, 1, (12, 6)), 4)
        inp = self.path("x.dat")
        np.savetxt(inp, x, fmt="%.4f")
        tr = self.path("trace")
        nets.run("run", "--net", path, "--input", inp, "--trace", tr)
        f64 = {k: v.astype(np.float64) for k, v in w.items()}
        a = x @ f64["a"]
        bn = (a - f64["mm"]) / np.sqrt(f64["mv"] + 0.001) * f64["g"] + f64["be"]
        want = np.maximum(bn @ f64["b"] + f64["bb"], 0) + (x @ f64["c"] + f64["cb"])
        got = nets.read_dat(os.path.join(tr, "sum.float.dat"))
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)

    def test_bad_archives(self):
        cfg = functional_model()
        self.expect_error(self.archive("no_weights.keras", cfg, drop=("model.weights.h5",)),
                          "the archive has no model.weights.h5")
        self.expect_error(self.archive("no_config.keras", cfg, drop=("config.json",)),
                          "the archive has no config.json")
        good = self.archive("good.keras", cfg, {"layers/dense/vars/0": np.zeros((6, 5))})
        with open(good, "rb") as f:
            data = f.read()
        cut = self.path("cut.keras")
        with open(cut, "wb") as f:
            f.write(data[: len(data) // 2])
        self.expect_error(cut, "not a readable zip archive")
        # Dense d_a has no bias: two stored variables do not fit it.
        self.expect_error(self.archive("extra_var.keras", cfg, {"layers/dense/vars/0": np.zeros((6, 5)),
                                                               "layers/dense/vars/1": np.zeros(5)}),
                          "layer 'd_a'", "2 variables in model.weights.h5", "expected 1")
        self.expect_error(self.archive("not_model.keras", {"hello": 1}), "config.json is not a Keras model")


if __name__ == "__main__":
    unittest.main()
