"""HGQ proxy models (frontends/keras_hgq.cpp, models/fixed_point_quantizer):
  - hgq_jet_classifier.h5 imports from the file alone: every precision its FixedPointQuantizers embed
    (input, weight, bias, accum, result) is the layer's, fusible quantizers are removed, the others are
    fixed_point_quantizer layers with the file's per-element masks;
  - nnsim run equals, bit for bit, a numpy emulation of the proxy model itself (HGQ's gfixed formula,
    floor and wrap per element, float64 dense layers), including inputs large enough to wrap, and so
    does nnsim run's own quantized float reference;
  - --ignore-quantizers reads the model without its quantizers and their precisions;
  - an hls4ml config naming a layer's variable wins over the embedded precision; the model default
    does not;
  - the model simulates and verifies (io_parallel, and io_stream with back-pressure);
  - bad input: an unknown rounding mode, a mask that does not broadcast, masks that vary per pixel
    under io_stream: one line, exit 2."""
import json
import os

import h5py
import numpy as np

import nets

HGQ = os.path.join(nets.SHARED, "external_models", "keras", "hgq_jet_classifier.h5")


def gfixed(x, k, b, i):
    """HGQ's FixedPointQuantizer with TRN and WRAP: floor(x * 2^(b - i)), wrapped into b bits (signed
    when k), scaled back; 0 where b is 0."""
    scale = 2.0 ** (b - i)
    q = np.floor(x * scale)
    low = np.where(k == 1, -(2.0 ** (b - 1)), 0.0)
    span = 2.0 ** b
    q = np.mod(q - low, span) + low
    return np.where(b == 0, 0.0, q / scale)


class HgqJetClassifier(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_hgq_"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.net = os.path.join(cls.tmp, "hgq.json")
        cls.import_stdout = nets.run("import", "--net", HGQ, "-o", cls.net).stdout
        with open(cls.net) as f:
            cls.desc = json.load(f)
        with h5py.File(HGQ, "r") as f:
            cls.config = json.loads(f.attrs["model_config"])["config"]["layers"]
            w = f["model_weights"]
            cls.masks = {name: tuple(np.array(w[name][v + ":0"], dtype=np.float64)
                                     for v in ("keep_negative", "bits", "integers"))
                         for name in w if name.endswith("_quantizer")}
            cls.dense = {name: (np.array(w[name][name]["kernel:0"], dtype=np.float64),
                                np.array(w[name][name]["bias:0"], dtype=np.float64))
                         for name in w if name.startswith("dense_") and "quantizer" not in name
                         and "relu" not in name}

    def layer(self, name):
        return next(l for l in self.desc["layers"] if l["name"] == name)

    def proxy_model(self, x):
        """The proxy model in numpy, layer by layer as the file lists them."""
        for l in self.config[1:]:
            cls_name, name = l["class_name"], l["config"]["name"]
            if cls_name == "FixedPointQuantizer":
                k, b, i = self.masks[name]
                x = gfixed(x, k, b, i)
            elif cls_name == "Dense":
                kernel, bias = self.dense[name]
                x = x @ kernel + bias
            else:
                self.assertEqual(l["config"]["activation"], "relu")
                x = np.maximum(x, 0)
        return x

    def test_embedded_precisions(self):
        self.assertEqual(self.desc["inputs"][0]["precision"], "fixed<12,5>")
        dense1 = self.layer("dense_1")["precision"]
        self.assertEqual(dense1, {"accum": "fixed<21,9>", "bias": "fixed<21,9>", "result": "fixed<12,9>",
                                  "weight": "fixed<10,5>"})
        self.assertEqual(self.layer("dense_2_relu")["precision"]["result"], "ufixed<8,7>")
        self.assertIn("weight fixed<10,5> (quantizer HGQ FixedPointQuantizer dense_1_quantizer)", self.import_stdout)
        names = [l["name"] for l in self.desc["layers"]]
        self.assertNotIn("dense_1_quantizer", names)  # fusible: removed
        q = self.layer("dense_1_relu_quantizer")
        self.assertEqual(q["kind"], "fixed_point_quantizer")
        k, b, i = self.masks["dense_1_relu_quantizer"]
        self.assertEqual(q["bits"], [int(v) for v in b.ravel()])
        self.assertEqual(q["integers"], [int(v) for v in i.ravel()])
        self.assertEqual(q["keep_negative"], [0])  # one entry: the same for every element

    def check_bit_exact(self, scale, seed):
        rng = np.random.default_rng(seed)
        x = (rng.standard_normal((300, 16)) * scale).astype(np.float32).astype(np.float64)
        inp = os.path.join(self.tmp, f"x{seed}.dat")
        np.savetxt(inp, x, fmt="%.9g")
        trace = os.path.join(self.tmp, f"trace{seed}")
        nets.run("run", "--net", self.net, "--input", inp, "--trace", trace)
        got = nets.read_dat(os.path.join(trace, "dense_4_quantizer.dat"))
        # nnsim's input type fixed<12,5> (TRN, WRAP) first, as hls4ml's testbench converts inputs.
        want = self.proxy_model(gfixed(x, 1, 12, 5))
        np.testing.assert_array_equal(got, want)
        return want

    def test_bit_exact_with_the_proxy_model(self):
        want = self.check_bit_exact(1.0, 1)
        self.assertGreater(len(np.unique(want)), 100)

    def test_bit_exact_where_values_wrap(self):
        # Inputs up to |x| ~ 40 wrap in fixed<12,5> and in the per-element input types.
        self.check_bit_exact(12.0, 2)

    def test_layer_config_wins_over_embedded_precision(self):
        cfg = nets.write_json(os.path.join(self.tmp, "cfg.json"), {
            "HLSConfig": {"Model": {"Precision": "fixed<16,6>", "ReuseFactor": 1, "Strategy": "Latency"},
                          "LayerName": {"dense_2": {"Precision": {"weight": "fixed<12,4>"}}}}})
        out = os.path.join(self.tmp, "with_cfg.json")
        stdout = nets.run("import", "--net", HGQ, "--config", cfg, "-o", out).stdout
        with open(out) as f:
            layers = {l["name"]: l for l in json.load(f)["layers"]}
        self.assertEqual(layers["dense_2"]["precision"]["weight"], "fixed<12,4>")
        self.assertEqual(layers["dense_2"]["precision"]["accum"], "fixed<19,11>")
        self.assertEqual(layers["dense_1"]["precision"]["weight"], "fixed<10,5>")
        self.assertIn("weight fixed<12,4> (config HLSConfig/LayerName/dense_2/Precision/weight)", stdout)

    def test_quantized_float_reference_is_the_proxy_model(self):
        """nnsim run's quantized float reference applies the per-element quantizers in double: equal
        to the fixed-point outputs (the proxy model is exact by construction)."""
        rep = os.path.join(self.tmp, "run.json")
        nets.run("run", "--net", HGQ, "--random-samples", "300", "--seed", "2", "--report", rep)
        with open(rep) as f:
            q = json.load(f)["vs_quantized_float"]
        self.assertEqual(q["max_abs_diff"], 0.0)
        self.assertEqual(q["argmax_agreement"], 1.0)

    def test_ignore_quantizers(self):
        out = os.path.join(self.tmp, "float.json")
        r = nets.run("import", "--net", HGQ, "--ignore-quantizers", "-o", out)
        self.assertIn("8 QKeras/HGQ layer(s) imported as float layers", r.stderr)
        with open(out) as f:
            desc = json.load(f)
        self.assertEqual([l["kind"] for l in desc["layers"]], ["dense", "relu"] * 3 + ["dense"])
        self.assertEqual(desc["layers"][0]["precision"]["weight"], "fixed<16,6>")

    def test_sim_and_verify(self):
        timing = nets.timing(self.net)
        sim = nets.run("sim", "--net", self.net, "--samples", "20").stdout
        lat = timing["latency"]
        self.assertIn(f"latency: first sample {lat} cycles (model {lat})", sim)
        self.assertIn("0 differ from the bit-exact evaluator", sim)
        for extra in ([], ["--io-type", "io_stream", "--strategy", "Resource", "--reuse-factor", "4",
                           "--ready-ratio", "0.6", "--input-ratio", "0.7"]):
            r = nets.run("verify", "--net", self.net, "--samples", "25", "--work", os.path.join(self.tmp, "work"),
                         *extra)
            self.assertIn("identical (RTL vs model)", r.stdout)

    def edited(self, edit, name):
        with h5py.File(HGQ, "r") as f:
            model = json.loads(f.attrs["model_config"])
        edit(model["config"]["layers"])
        return nets.write_json(os.path.join(self.tmp, name + ".json"), model)

    def check_error(self, path, *fragments, args=()):
        r = nets.run("import", "--net", path, "--weights", HGQ, *args, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        for frag in fragments:
            self.assertIn(frag, lines[0])

    def test_unknown_rounding_mode(self):
        path = self.edited(lambda layers: layers[1]["config"].update(RND="ROUND_UP"), "bad_rnd")
        self.check_error(path, "(layer inp_q_quantizer)", "/config/RND", "unknown rounding mode \"ROUND_UP\"")

    def test_bad_override_precision(self):
        def edit(layers):
            layers[3]["config"]["overrides"]["layers"]["dense_1"]["weight_t"] = "fixed<10"
        path = self.edited(edit, "bad_override")
        self.check_error(path, "(layer dense_1_quantizer)", "/config/overrides/layers/dense_1/weight_t")

    def test_mask_that_does_not_broadcast(self):
        # dense_4_quantizer's masks have 5 entries; placed after dense_3_relu (32 values) they do not fit.
        def edit(layers):
            layers[-1]["inbound_nodes"] = [[["dense_3_relu", 0, 0, {}]]]
        path = self.edited(edit, "bad_mask")
        self.check_error(path, "(layer dense_4_quantizer)", "does not broadcast to the input shape [32]")

    def test_per_pixel_masks_refused_under_io_stream(self):
        net = {"format": "nnsim-network", "name": "pixels", "io_type": "io_stream",
               "inputs": [{"name": "x", "shape": [2, 3]}],
               "layers": [{"name": "q", "kind": "fixed_point_quantizer", "inputs": ["x"],
                           "keep_negative": [1], "integers": [2], "bits": [4, 5, 6, 4, 5, 7]}]}
        path = nets.write_json(os.path.join(self.tmp, "pixels.json"), net)
        r = nets.run("sim", "--net", path, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("may vary along the channel axis only", r.stderr)
        # Per channel only: streams.
        net["layers"][0]["bits"] = [4, 5, 6] * 2
        nets.write_json(path, net)
        nets.run("verify", "--net", path, "--samples", "10", "--work", os.path.join(self.tmp, "work_px"))


if __name__ == "__main__":
    import unittest
    unittest.main()
