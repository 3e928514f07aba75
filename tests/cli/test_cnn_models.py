"""Convolutional networks end to end: the Keras CNNs of ../shared (KERAS_conv2d_model,
jetTagger_Conv2D_Small, jetTagger_Conv2D_Small_NoBatchNorm, KERAS_conv1d_small) and the example
descriptions in configs/ (svhn_cnn, resnet_block, concat_block).

  - the Keras CNNs import (same padding as an explicit zero padding layer, activations split off), run
    with their argmax agreement against the float model reported, simulate under io_stream to the
    evaluator's outputs at the timing model's latency and II, and the jet tagger's Verilog verifies
    against the model under random back-pressure;
  - qkeras_mnist_cnn imports with its quantizers and simulates; its layer structure imports with float
    weights under --ignore-quantizers (and
    without it, the QKeras layers are refused with a line that names the option);
  - SeparableConv2D imports as a depthwise layer and a 1x1 convolution that compute what the same
    layers written by hand compute; channels_first, dilation and 'causal' padding are refused;
  - svhn_cnn simulates at the timing model's latency and II, and the first convolution alone has the
    latency of the formula in docs/timing.md (Windows); nnsim fifo sizes it to less FIFO
    memory than hls4ml's default depths with the same latency and II, and the sized design verifies;
  - the residual and the concatenate blocks verify with and without back-pressure, deadlock (exit 3,
    the full FIFOs named) when every FIFO is made 2 words deep (the short branch cannot hold what the
    long one needs), and nnsim fifo sizes that description to one that runs;
  - the reuse, precision, strategy and fifo sweeps accept a CNN, and simulated points equal analytical
    ones."""
import json
import os
import shutil
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nets  # noqa: E402

KERAS = os.path.join(nets.SHARED, "external_models", "keras")
CONFIGS = os.path.join(os.environ.get("NNSIM_SOURCE_DIR", "."), "configs")
STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
CACHE = os.environ.get("NNSIM_VERIFY_CACHE") or os.path.join(os.path.dirname(os.path.abspath(nets.NNSIM)),
                                                              "verify_cache")
KERAS_CNNS = ["KERAS_conv2d_model", "jetTagger_Conv2D_Small", "jetTagger_Conv2D_Small_NoBatchNorm",
              "KERAS_conv1d_small"]


def verify(net, *extra, samples=6):
    r = nets.run("verify", "--net", net, "--samples", str(samples), "--work", CACHE, *extra, check=False)
    return r.returncode, r.stdout + r.stderr


class CnnModels(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_cnn_"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs(CACHE, exist_ok=True)
        for name in ("svhn_cnn", "resnet_block", "concat_block"):  # copies: the tests write beside them
            shutil.copy(os.path.join(CONFIGS, name + ".json"), cls.tmp)

    def sim_equals_run(self, net, tag, *over):
        """Simulates 4 samples; asserts outputs == nnsim run's and latency/II == nnsim timing's."""
        ref, out, rep = self.path(tag + "_run.dat"), self.path(tag + "_sim.dat"), self.path(tag + "_sim.json")
        nets.run("run", "--net", net, "--random-samples", "4", "--seed", "2", "--output", ref, *over)
        nets.run("sim", "--net", net, "--samples", "4", "--seed", "2", "--output", out, "--report", rep, *over)
        with open(ref) as f, open(out) as g:
            self.assertEqual(f.read(), g.read(), f"{tag}: simulated outputs differ from the evaluator's")
        with open(rep) as f:
            measured = json.load(f)["measured"]
        tm = nets.timing(net, *over)
        self.assertEqual(measured["latency_first_sample"], tm["latency"], tag)
        self.assertEqual(measured["ii"], tm["ii"], tag)
        return tm

    # --- Keras CNNs ------------------------------------------------------------------------------------

    def test_keras_cnns_import_run_simulate(self):
        for model in KERAS_CNNS:
            with self.subTest(model=model):
                desc = self.path(model + ".json")
                nets.run("import", "--net", os.path.join(KERAS, model + ".json"), "-o", desc)
                with open(desc) as f:
                    layers = json.load(f)["layers"]
                kinds = [l["kind"] for l in layers]
                self.assertTrue(any(k.startswith("conv") for k in kinds), kinds)
                # Every Keras conv of these models has padding='same' and a 3x3 or larger kernel.
                self.assertTrue(any(k.startswith("zero_padding") for k in kinds), kinds)
                r = nets.run("run", "--net", desc, "--random-samples", "50")
                self.assertRegex(r.stdout, r"argmax agreement \d+\.\d+%")
                self.sim_equals_run(desc, model, "--io-type", "io_stream")

    def test_qkeras_cnn_structure_with_float_weights(self):
        net = os.path.join(KERAS, "qkeras_mnist_cnn.json")
        quantized = self.path("qkeras_mnist_cnn_quantized.json")
        nets.run("import", "--net", net, "-o", quantized)  # with its quantizers (test_qkeras.py)
        self.sim_equals_run(quantized, "qkeras_mnist_cnn_quantized", "--io-type", "io_stream")
        desc = self.path("qkeras_mnist_cnn.json")
        r = nets.run("import", "--net", net, "--ignore-quantizers", "-o", desc)
        self.assertIn("quantizers are ignored", r.stderr)
        with open(desc) as f:
            kinds = [l["kind"] for l in json.load(f)["layers"]]
        self.assertEqual(kinds.count("conv2d"), 2)
        self.assertEqual(kinds.count("pooling2d"), 2)
        self.sim_equals_run(desc, "qkeras_mnist_cnn", "--io-type", "io_stream")

    def test_jet_tagger_verifies_under_back_pressure(self):
        net = os.path.join(KERAS, "jetTagger_Conv2D_Small.json")
        for extra in ([], STALLS):
            rc, out = verify(net, "--io-type", "io_stream", "--reuse-factor", "3", *extra)
            self.assertEqual(rc, 0, out[-3000:])
            self.assertIn("identical", out)

    def test_keras_conv2d_model_verifies_and_synthesizes(self):
        net = os.path.join(KERAS, "KERAS_conv2d_model.json")
        rc, out = verify(net, "--io-type", "io_stream", *STALLS)
        self.assertEqual(rc, 0, out[-3000:])
        js = self.path("conv2d_model_synth.json")
        nets.run("synth", "--net", net, "--io-type", "io_stream", "--reuse-factor", "8", "--out",
                 self.path("conv2d_model_synth"), "--json", js)
        with open(js) as f:
            total = json.load(f)["total"]
        self.assertEqual(total["estimate"]["dsp"], total["yosys"]["dsp"])  # DSPs are exact
        self.assertGreater(total["yosys"]["lut"], 0)

    def test_keras_reshape_of_images(self):
        """Keras Reshape [24] -> [4, 3, 2] feeding a Conv2D computes what the hand-written network does."""
        import h5py
        import numpy as np
        k = np.random.default_rng(8).normal(0, 0.5, (2, 2, 2, 2))
        model = {"class_name": "Sequential", "config": {"name": "kreshape", "layers": [
            {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [None, 24]}},
            {"class_name": "Reshape", "config": {"name": "img", "target_shape": [4, 3, 2]}},
            {"class_name": "Conv2D", "config": {"name": "conv", "filters": 2, "kernel_size": [2, 2], "padding": "valid",
                                                "use_bias": False, "activation": "linear"}}]}}
        path = nets.write_json(self.path("kreshape.json"), model)
        with h5py.File(self.path("kreshape_weights.h5"), "w") as f:
            f.create_group("conv").create_group("conv").create_dataset("kernel:0", data=k.astype(np.float32))
            f["conv"].attrs["weight_names"] = [b"conv/kernel:0"]
        hand = {"format": "nnsim-network", "name": "hand", "inputs": [{"name": "x", "shape": [24]}], "layers": [
            {"name": "img", "kind": "reshape", "target_shape": [4, 3, 2]},
            {"name": "conv", "kind": "conv2d", "filters": 2, "kernel_size": [2, 2], "weights": {"kernel": {
                "shape": [2, 2, 2, 2], "data": [float(v) for v in k.astype(np.float32).astype(float).ravel()]}}}]}
        outs = []
        for net in (path, nets.write_json(self.path("hand_reshape.json"), hand)):
            out = self.path("reshape_out.dat")
            nets.run("run", "--net", net, "--random-samples", "8", "--seed", "6", "--output", out)
            with open(out) as f:
                outs.append(f.read())
        self.assertEqual(outs[0], outs[1])

    def keras_separable(self, data_format="channels_last", **conv_extra):
        """A Keras model x[6,6,2] -> SeparableConv2D(3 filters, 3x3, same, multiplier 1, relu), with
        weights in an HDF5 file laid out as Keras writes them."""
        import h5py
        import numpy as np
        rng = np.random.default_rng(4)
        dw, pw, b = rng.normal(0, 0.5, (3, 3, 2, 1)), rng.normal(0, 0.5, (1, 1, 2, 3)), rng.normal(0, 0.1, 3)
        cfg = dict(name="sep", filters=3, kernel_size=[3, 3], strides=[1, 1], padding="same",
                   data_format=data_format, depth_multiplier=1, activation="relu", use_bias=True)
        cfg.update(conv_extra)
        model = {"class_name": "Sequential", "config": {"name": "ksep", "layers": [
            {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [None, 6, 6, 2]}},
            {"class_name": "SeparableConv2D", "config": cfg}]}}
        path = nets.write_json(self.path("ksep.json"), model)
        with h5py.File(self.path("ksep_weights.h5"), "w") as f:
            g = f.create_group("sep").create_group("sep")
            for name, v in (("depthwise_kernel", dw), ("pointwise_kernel", pw), ("bias", b)):
                g.create_dataset(name + ":0", data=v.astype(np.float32))
            f["sep"].attrs["weight_names"] = [b"sep/depthwise_kernel:0", b"sep/pointwise_kernel:0", b"sep/bias:0"]
        return path, dw, pw, b

    def test_separable_conv_is_depthwise_then_pointwise(self):
        path, dw, pw, b = self.keras_separable()
        desc = self.path("ksep_desc.json")
        nets.run("import", "--net", path, "-o", desc, "--inline-weights")
        with open(desc) as f:
            kinds = [(l["name"], l["kind"]) for l in json.load(f)["layers"]]
        self.assertEqual(kinds, [("sep_pad", "zero_padding2d"), ("sep_depthwise", "depthwise_conv2d"),
                                 ("sep_pointwise", "conv2d"), ("sep_relu", "relu")])

        def t(a):
            return {"shape": list(a.shape), "data": [float(v) for v in a.astype("float32").astype(float).ravel()]}
        hand = {"format": "nnsim-network", "name": "hand", "inputs": [{"name": "x", "shape": [6, 6, 2]}], "layers": [
            {"name": "p", "kind": "zero_padding2d", "padding": [1, 1, 1, 1]},
            {"name": "d", "kind": "depthwise_conv2d", "kernel_size": [3, 3], "weights": {"kernel": t(dw)}},
            {"name": "c", "kind": "conv2d", "filters": 3, "kernel_size": [1, 1], "weights": {"kernel": t(pw), "bias": t(b)}},
            {"name": "r", "kind": "relu"}]}
        outs = []
        for net in (path, nets.write_json(self.path("hand.json"), hand)):
            out = self.path("sep_out.dat")
            nets.run("run", "--net", net, "--random-samples", "8", "--seed", "6", "--output", out)
            with open(out) as f:
                outs.append(f.read())
        self.assertEqual(outs[0], outs[1])

    def test_keras_conv_errors(self):
        for extra, field, fragment in [({"data_format": "channels_first"}, "/config/data_format", "channels_last"),
                                       ({"dilation_rate": [2, 2]}, "/config/dilation_rate", "dilation_rate"),
                                       ({"padding": "causal"}, "/config/padding", "'valid' or 'same'")]:
            with self.subTest(field=field):
                path, *_ = self.keras_separable(**extra)
                r = nets.run("timing", "--net", path, check=False)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertIn(field, r.stderr)
                self.assertIn(fragment, r.stderr)
                self.assertIn("layer sep", r.stderr)

    # --- svhn_cnn ------------------------------------------------------------------------------------

    def test_svhn_simulates_and_first_conv_latency(self):
        net = os.path.join(self.tmp, "svhn_cnn.json")
        tm = self.sim_equals_run(net, "svhn")
        self.assertEqual(tm["ii"], 32 * 32)  # the input pixels, one per cycle
        # The first convolution alone (docs/timing.md, Windows): (needs_last - 1) x RF + L + 2 with
        # needs_last = ((out_h - 1) S_h + K_h - 1) W + (out_w - 1) S_w + K_w = 32 x 32, RF 1, L = 2.
        with open(net) as f:
            d = json.load(f)
        d["layers"] = d["layers"][:1]
        d["name"] = "svhn_conv0"
        one = nets.write_json(self.path("svhn_conv0.json"), d)
        tm0 = self.sim_equals_run(one, "svhn_conv0")
        self.assertEqual(tm0["latency"], (32 * 32 - 1) * 1 + 2 + 2)  # 1027, hls4ml's csynth also 1027

    def test_svhn_fifo_sizing(self):
        net = os.path.join(self.tmp, "svhn_cnn.json")
        sized, rep = self.path("svhn_sized.json"), self.path("svhn_fifo.json")
        nets.run("fifo", "--net", net, "-o", sized, "--json", rep)
        with open(rep) as f:
            r = json.load(f)
        self.assertTrue(r["confirmed"])
        self.assertTrue(r["analytical_agrees"])
        self.assertEqual((r["after"]["latency"], r["after"]["ii"]), (r["before"]["latency"], r["before"]["ii"]))
        self.assertLess(r["totals"]["after"]["bits"], r["totals"]["default"]["bits"] / 10)
        rc, out = verify(sized, samples=3)
        self.assertEqual(rc, 0, out[-3000:])

    # --- residual and concatenate blocks -------------------------------------------------------------

    def test_blocks_verify(self):
        for name in ("resnet_block", "concat_block"):
            net = os.path.join(self.tmp, name + ".json")
            self.sim_equals_run(net, name)
            for extra in ([], STALLS):
                with self.subTest(block=name, stalls=bool(extra)):
                    rc, out = verify(net, *extra)
                    self.assertEqual(rc, 0, out[-3000:])

    def test_blocks_deadlock_then_sized(self):
        for name in ("resnet_block", "concat_block"):
            with self.subTest(block=name):
                with open(os.path.join(self.tmp, name + ".json")) as f:
                    d = json.load(f)
                d["inputs"][0]["fifo_depth"] = 2  # every FIFO 2 words: the short branch cannot wait
                for layer in d["layers"]:
                    layer["fifo_depth"] = 2
                small = nets.write_json(self.path(name + "_small.json"), d)
                r = nets.run("sim", "--net", small, "--samples", "4", check=False)
                self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
                self.assertIn("deadlock", r.stderr + r.stdout)
                self.assertRegex(r.stderr + r.stdout, r"FIFO fifo_\w+ is full \(2\)")
                sized = self.path(name + "_sized.json")
                nets.run("fifo", "--net", small, "-o", sized)
                self.sim_equals_run(sized, name + "_sized")

    # --- sweeps --------------------------------------------------------------------------------------

    def test_sweeps_accept_cnns(self):
        net = os.path.join(KERAS, "jetTagger_Conv2D_Small.json")
        for sweep in ("reuse", "precision,strategy", "fifo"):
            with self.subTest(sweep=sweep):
                out = self.path("sweep_" + sweep.replace(",", "_"))
                r = nets.run("--net", net, "--io-type", "io_stream", "--sweep", sweep, "--out", out, "-j", "2")
                self.assertIn("points", r.stdout)
                with open(os.path.join(out, "results.json")) as f:
                    rows = json.load(f)
                rows = rows["points"] if isinstance(rows, dict) else rows
                self.assertTrue(rows)
                self.assertTrue(all(p.get("status", "ok") == "ok" for p in rows), rows[:3])


if __name__ == "__main__":
    unittest.main()
