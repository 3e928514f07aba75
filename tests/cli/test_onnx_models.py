"""ONNX import of every model in ../shared/external_models/onnx: each imports, or fails with one line naming
the node and its op_type (the list below says which, and must name every file there). The float models'
outputs equal an independent numpy evaluation of the ONNX graph (onnx_ref.py) within 1e-5, the Keras
exports' Transposes around convolutions and batch norms included, and the Keras exports give the same
fixed-point outputs as the Keras models they were exported from. QONNX models carry their quantizers'
precisions, which an hls4ml config does not override; the config's other settings apply, and a config
naming the model with OnnxModel loads it."""
import glob
import json
import os
import sys
import unittest

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nets  # noqa: E402
import onnx_ref  # noqa: E402

ONNX_DIR = os.path.join(nets.SHARED, "external_models", "onnx")

# file -> None if it imports, else (node name, op_type) of the one-line error.
MODELS = {
    "two_layer_keras.onnx": None,
    "two_layer_pytorch.onnx": None,
    "three_layer_keras.onnx": None,
    "three_layer_pytorch.onnx": None,
    "three_layer_bn_keras.onnx": None,
    "three_layer_bn_pytorch.onnx": None,
    "dense_big_keras.onnx": None,
    "conv1d_small_keras.onnx": None,
    "conv2d_small_keras.onnx": None,
    "conv2d_small_mp_keras.onnx": None,
    "separable_conv_model_ch_last.onnx": None,
    "branched_model_ch_last.onnx": None,
    "bnn_model_fc_1layer.onnx": None,
}
QONNX = {"separable_conv_model_ch_last.onnx", "branched_model_ch_last.onnx", "bnn_model_fc_1layer.onnx"}


class OnnxModelsTest(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_onnx_models_"

    def imported(self, name, *extra):
        out = self.path(name + ".json")
        nets.run("import", "--net", os.path.join(ONNX_DIR, name), "-o", out, *extra)
        with open(out) as f:
            return json.load(f)

    def test_every_file_listed(self):
        found = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ONNX_DIR, "*.onnx")))
        self.assertEqual(found, sorted(MODELS))

    def test_import_or_one_line(self):
        for name, failure in MODELS.items():
            with self.subTest(name):
                path = os.path.join(ONNX_DIR, name)
                r = nets.run("import", "--net", path, "-o", self.path("m.json"), check=False)
                if failure is None:
                    self.assertEqual(r.returncode, 0, r.stderr)
                    continue
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                lines = [line for line in r.stderr.splitlines() if line.strip()]
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith(f"nnsim: error: {path}: node '{failure[0]}' ({failure[1]}): "),
                                lines[0])

    def test_float_matches_onnx(self):
        rng = np.random.default_rng(7)
        for name, failure in MODELS.items():
            if failure is not None or name in QONNX:
                continue
            with self.subTest(name):
                net = self.imported(name)
                shape = net["inputs"][0]["shape"]
                x = rng.uniform(-2, 2, size=[6] + shape)
                inp = self.path(name + "_in.dat")
                with open(inp, "w") as f:
                    for row in x.reshape(6, -1):
                        f.write(" ".join(repr(float(np.float32(v))) for v in row) + "\n")
                trace = self.path(name + "_trace")
                nets.run("run", "--net", os.path.join(ONNX_DIR, name), "--input", inp, "--trace", trace)
                got = nets.read_dat(os.path.join(trace, net["outputs"][0] + ".float.dat"))
                want = np.array([onnx_ref.run(os.path.join(ONNX_DIR, name), s.astype(np.float32)).reshape(-1)
                                 for s in x])
                self.assertLess(np.max(np.abs(got - want)), 1e-5, name)

    def test_same_as_keras_import(self):
        """The Keras exports hold the networks of ../shared/external_models/keras: imported from either
        file they give identical fixed-point outputs (the convolutions' transposes included)."""
        keras = os.path.join(nets.SHARED, "external_models", "keras")
        for onnx_name, keras_name in (("three_layer_keras", "KERAS_3layer"), ("two_layer_keras", "KERAS_1layer"),
                                      ("conv1d_small_keras", "KERAS_conv1d_small"),
                                      ("conv2d_small_keras", "KERAS_conv2d_model")):
            with self.subTest(onnx_name):
                outs = []
                for net in (os.path.join(ONNX_DIR, onnx_name + ".onnx"), os.path.join(keras, keras_name + ".json")):
                    out = self.path(os.path.basename(net) + ".out.dat")
                    nets.run("run", "--net", net, "--random-samples", "20", "--seed", "4", "--output", out)
                    with open(out) as f:
                        outs.append(f.read())
                self.assertEqual(outs[0], outs[1])

    def test_qonnx_precisions(self):
        net = self.imported("separable_conv_model_ch_last.onnx")
        self.assertEqual(net["inputs"][0]["shape"], [512, 512, 3])
        layers = {layer["name"]: layer for layer in net["layers"]}
        self.assertEqual([layer["kind"] for layer in net["layers"]],
                         ["zero_padding2d", "depthwise_conv2d", "conv2d", "leaky_relu", "zero_padding2d",
                          "depthwise_conv2d", "conv2d"])
        # 4-bit signed narrow weight quantizers, 8-bit activations rounding half to even and saturating.
        self.assertTrue(layers["Conv_0"]["precision"]["weight"].startswith("fixed<4,"))
        self.assertIn("RND_CONV", layers["Conv_1"]["precision"]["result"])
        self.assertIn("RND_CONV", net["inputs"][0]["precision"])
        # A config's model precision reaches the layers without quantizers, not the quantized ones.
        cfg = nets.write_json(self.path("cfg.json"), {"HLSConfig": {"Model": {"Precision": "ap_fixed<20,8>",
                                                                              "ReuseFactor": 3}}})
        with_cfg = self.imported("separable_conv_model_ch_last.onnx", "--config", cfg)
        by_name = {layer["name"]: layer for layer in with_cfg["layers"]}
        self.assertEqual(by_name["Conv_0"]["precision"]["weight"], layers["Conv_0"]["precision"]["weight"])
        self.assertEqual(by_name["Conv_0"]["precision"]["accum"], "fixed<20,8>")
        self.assertEqual(by_name["Conv_0"].get("reuse_factor"), 3)

    def test_qonnx_image_models_exact_and_verify(self):
        """The two QONNX image models (512 x 512 x 3 and 256 x 256 x 3, 4-bit quantizers) equal their
        quantized float reference (the float graph with every Quant node applied, the input's included)
        exactly, with the default precision and with hls4ml's own test setting fixed<32,16> (which the
        quantizers' precisions win over); under io_stream the Verilog matches the model on every word and
        cycle, and the design's estimate stays within what nnsim agrees to generate."""
        for name in ("separable_conv_model_ch_last.onnx", "branched_model_ch_last.onnx"):
            path = os.path.join(ONNX_DIR, name)
            for extra in ([], ["--precision", "fixed<32,16>"]):
                rep = self.path(name + ".run.json")
                nets.run("run", "--net", path, "--random-samples", "2", "--seed", "5", "--report", rep, *extra)
                with open(rep) as f:
                    q = json.load(f)["vs_quantized_float"]
                self.assertEqual((q["max_abs_diff"], q["argmax_agreement"]), (0, 1.0), (name, extra))
            r = nets.run("verify", "--net", path, "--io-type", "io_stream", "--samples", "1",
                         "--work", self.path("verify_" + name))
            self.assertIn("handshake cycles identical", r.stdout, name)

    def test_bnn(self):
        """Sign activations around a binary dense layer: bipolar layers of type int<2>, the weights +-1
        in int<2> and the bias quantized to int<4>; the fixed-point outputs equal the float model's and
        the Verilog matches the model."""
        path = os.path.join(ONNX_DIR, "bnn_model_fc_1layer.onnx")
        net = self.imported("bnn_model_fc_1layer.onnx")
        self.assertEqual([layer["kind"] for layer in net["layers"]], ["bipolar", "dense", "bipolar"])
        dense = net["layers"][1]
        self.assertEqual((dense["precision"]["weight"], dense["precision"]["bias"]), ("int<2>", "int<4>"))
        self.assertEqual(net["layers"][0]["precision"]["result"], "int<2>")
        self.assertEqual(sorted(set(dense["weights"]["kernel"]["data"])), [-1.0, 1.0])
        r = nets.run("run", "--net", path, "--random-samples", "200", "--seed", "2")
        self.assertIn("max |diff| 0,", r.stdout)
        r = nets.run("verify", "--net", path, "--samples", "6", "--input-ratio", "0.6", "--ready-ratio", "0.5",
                     "--stall-seed", "3")
        self.assertIn("identical", r.stdout)

    def test_config_names_onnx_model(self):
        net = self.imported(os.path.join("..", "onnx-config.yml"))
        self.assertEqual([layer["kind"] for layer in net["layers"]],
                         ["dense", "relu", "dense", "relu", "dense", "relu", "dense", "softmax"])
        cfg = nets.write_json(self.path("layer.json"), {"HLSConfig": {
            "Model": {"Precision": "ap_fixed<16,6>"},
            "LayerName": {"_class__keras_layers_core_Dense": {"Precision": {"weight": "ap_fixed<8,2>"}}}}})
        net = self.imported("three_layer_keras.onnx", "--config", cfg)
        first = net["layers"][0]
        self.assertEqual(first["name"], "_class__keras_layers_core_Dense")
        self.assertEqual(first["precision"]["weight"], "fixed<8,2>")
        # LayerName entries may also use the ONNX node names, which nnsim turns into identifiers.
        cfg = nets.write_json(self.path("onnx_names.json"), {"HLSConfig": {
            "LayerName": {"/linear/Gemm": {"Precision": {"accum": "ap_fixed<12,6>"}}}}})
        net = self.imported("bnn_model_fc_1layer.onnx", "--config", cfg)
        self.assertEqual(net["layers"][1]["name"], "linear_Gemm")
        self.assertEqual(net["layers"][1]["precision"]["accum"], "fixed<12,6>")


if __name__ == "__main__":
    unittest.main()
