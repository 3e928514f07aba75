"""The image reformatting kinds (zero_padding1d/2d, cropping1d/2d, upsampling1d/2d) through the flow:
  1. `nnsim run` bit for bit against the numpy reference of tests/cli/ref_reformat.py (every layer's
     fixed trace; asymmetric paddings and croppings, sizes 2 and 3, a result type other than the
     input's), and its float trace within 1e-6 of float64 numpy;
  2. `nnsim sim` (io_stream and io_parallel) writes the same predictions as `nnsim run`, and without
     back-pressure measures the latency and II of `nnsim timing`; three first-sample latencies worked
     out by hand pin the release rule (needs);
  3. `nnsim verify`: the Verilog (the kinds' counter-based shells under io_stream) against the model, without and with
     back-pressure, on three small networks (2D, 1D, single-pixel tensors) and the 2D one under
     io_parallel; `verilator --lint-only -Wall` and Yosys `check -assert` on the 2D design;
  4. the Keras classes import to the same layers (a pad -> crop -> upsample chain bit for bit);
     channels_first data is refused;
  5. bad parameters end with one error line and exit 2.
Verilator builds reuse the verify cache folder of test_verify.py."""
import json
import os
import shutil
import sys
import tempfile
import unittest

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nets  # noqa: E402
import ref_reformat as R  # noqa: E402
from test_rtl_checks import lint, synth  # noqa: E402

STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
CACHE = os.environ.get("NNSIM_VERIFY_CACHE") or os.path.join(os.path.dirname(os.path.abspath(nets.NNSIM)),
                                                              "verify_cache")
DEFAULT = "fixed<16,6>"
CAST = "ap_fixed<6,2,AP_RND,AP_SAT>"
N_SAMPLES = 25


def layer(name, kind, src, **params):
    return dict(name=name, kind=kind, inputs=[src], **params)


def net_2d(io_type="io_stream"):
    """x [4,5,2] into every 2D kind (asymmetric), a chain pad -> crop -> upsample, and a cast."""
    return {"format": "nnsim-network", "name": "reformat2d", "io_type": io_type,
            "inputs": [{"name": "x", "shape": [4, 5, 2]}],
            "layers": [layer("pad", "zero_padding2d", "x", padding=[1, 2, 0, 3]),
                       layer("crop", "cropping2d", "x", cropping=[1, 0, 2, 1]),
                       layer("up", "upsampling2d", "x", size=[2, 3]),
                       layer("c_pad", "zero_padding2d", "x", padding=[2, 0, 1, 1]),
                       layer("c_crop", "cropping2d", "c_pad", cropping=[0, 1, 0, 2]),
                       layer("c_up", "upsampling2d", "c_crop", size=[3, 2]),
                       layer("cast", "upsampling2d", "x", size=[2, 2], precision={"result": CAST})],
            "outputs": ["pad", "crop", "up", "c_up", "cast"]}


def net_1d():
    """x [6,3] into every 1D kind, cropping to one pixel, and a cast."""
    return {"format": "nnsim-network", "name": "reformat1d", "io_type": "io_stream",
            "inputs": [{"name": "x", "shape": [6, 3]}],
            "layers": [layer("pad", "zero_padding1d", "x", padding=[2, 1]),
                       layer("crop", "cropping1d", "x", cropping=[1, 2]),
                       layer("one", "cropping1d", "x", cropping=[0, 5]),
                       layer("up", "upsampling1d", "x", size=[3]),
                       layer("cast", "zero_padding1d", "x", padding=[0, 3], precision={"result": CAST})],
            "outputs": ["pad", "crop", "one", "up", "cast"]}


def net_pixel():
    """A single-pixel input upsampled to three pixels, padded, then cropped back to one pixel."""
    return {"format": "nnsim-network", "name": "reformat_px", "io_type": "io_stream",
            "inputs": [{"name": "x", "shape": [1, 2]}],
            "layers": [layer("up", "upsampling1d", "x", size=[3]),
                       layer("pad", "zero_padding1d", "up", padding=[1, 0]),
                       layer("crop", "cropping1d", "pad", cropping=[3, 0])]}


NETS = {"2d": net_2d, "1d": net_1d, "px": net_pixel}


def reference(net, x):
    """Per layer: (raw integers in its result type, float64 values, result type) from numpy."""
    in_t = R.Fixed(DEFAULT)
    shape = net["inputs"][0]["shape"]
    xf = x.reshape([len(x)] + shape)
    vals = {"x": (in_t.from_float(xf), xf, in_t)}
    for l in net["layers"]:
        raw, flt, t = vals[l["inputs"][0]]
        params = {k: v for k, v in l.items() if k not in ("name", "kind", "inputs", "precision")}
        res_t = R.Fixed(l["precision"]["result"]) if "precision" in l else t
        out_raw = R.apply_layer(raw, l["kind"], params)
        if res_t is not t:
            out_raw = res_t.from_raw(out_raw, t.F)
        vals[l["name"]] = (out_raw, R.apply_layer(flt, l["kind"], params), res_t)
    return vals


class Reformat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_reformat_")
        os.makedirs(CACHE, exist_ok=True)
        rng = np.random.default_rng(11)
        cls.paths, cls.inputs = {}, {}
        for tag, make in NETS.items():
            net = make()
            cls.paths[tag] = nets.write_json(os.path.join(cls.tmp, tag + ".json"), net)
            n = int(np.prod(net["inputs"][0]["shape"]))
            x = np.round(rng.normal(0, 3, size=(N_SAMPLES, n)), 6)
            cls.inputs[tag] = (x, os.path.join(cls.tmp, tag + "_in.dat"))
            np.savetxt(cls.inputs[tag][1], x, fmt="%.6f")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def trace(self, folder, node, flt):
        return np.loadtxt(os.path.join(folder, node + (".float.dat" if flt else ".dat")), ndmin=2)

    def test_run_bit_exact_vs_numpy(self):
        for tag, make in NETS.items():
            net = make()
            x, in_path = self.inputs[tag]
            tr = os.path.join(self.tmp, tag + "_trace")
            nets.run("run", "--net", self.paths[tag], "--input", in_path, "--trace", tr)
            ref = reference(net, x)
            for l in net["layers"]:
                raw, flt, t = ref[l["name"]]
                got = self.trace(tr, l["name"], False) * (2.0 ** t.F)
                self.assertTrue(np.array_equal(got, np.round(got)), f"{tag}/{l['name']}: not on the {t.F}-bit grid")
                np.testing.assert_array_equal(got.astype(np.int64), raw.reshape(len(x), -1),
                                              err_msg=f"{tag}/{l['name']} fixed")
                gotf = self.trace(tr, l["name"], True)
                np.testing.assert_allclose(gotf, flt.reshape(len(x), -1), rtol=0, atol=1e-6,
                                           err_msg=f"{tag}/{l['name']} float")
            # The cast really changes values (saturation to [-2, 2) and rounding to 1/16).
            if "cast" in ref:
                raw, _, t = ref["cast"]
                self.assertEqual(t.F, 4)
                self.assertTrue((raw == t.hi()).any() and (raw == t.lo()).any(), f"{tag}: no saturation")

    def test_sim_matches_run_and_timing(self):
        for tag in NETS:
            _, in_path = self.inputs[tag]
            run_out = os.path.join(self.tmp, tag + "_run.dat")
            nets.run("run", "--net", self.paths[tag], "--input", in_path, "--output", run_out)
            with open(run_out) as f:
                expected = f.read()
            for io in ("io_stream", "io_parallel"):
                out, rep = os.path.join(self.tmp, f"{tag}_{io}.dat"), os.path.join(self.tmp, f"{tag}_{io}.json")
                nets.run("sim", "--net", self.paths[tag], "--input", in_path, "--output", out, "--report", rep,
                         "--io-type", io)
                with open(out) as f:
                    self.assertEqual(f.read(), expected, f"{tag} {io}: sim output differs from run")
                with open(rep) as f:
                    j = json.load(f)
                self.assertTrue(j["completed"])
                self.assertEqual(j["check"]["mismatches"], 0)
                model = nets.timing(self.paths[tag], "--io-type", io)
                self.assertEqual(j["measured"]["latency_first_sample"], model["latency"], f"{tag} {io} latency")
                self.assertEqual(j["measured"]["ii"], model["ii"], f"{tag} {io} II")

    def test_release_rule_by_hand(self):
        """First-sample latencies worked out by hand from the release rule (source writes input beat j in
        cycle j, readable in j + 1; output beats released by an accept in t are written from t + 1, one per
        cycle, at most C unwritten; the sink reads a beat the cycle after it is written)."""
        cases = [
            # x0 accepted in 1 releases pad, pad, x0 (C = 3): written 2-4; x1, x2 in 2, 3 -> 5, 6; x3 releases
            # x3 and the right pad, waits for room until 5 -> 7, 8; last read 9.
            ("zero_padding1d", {"padding": [2, 1]}, [4, 2], 9),
            # x0 is cropped away; x1, x2 accepted in 2, 3 -> written 3, 4, read 4, 5.
            ("cropping1d", {"cropping": [1, 2]}, [5, 2], 5),
            # x0 (1) releases 2 beats; x1 releases 2 + the repeated row (C = 6), accepted in 3 -> 4-9; x2 in 5
            # -> 10, 11; x3 waits until the queue is empty, 11 -> 12-17; last read 18.
            ("upsampling2d", {"size": [2, 2]}, [2, 2, 1], 18),
        ]
        for kind, params, shape, latency in cases:
            net = {"format": "nnsim-network", "name": "hand", "io_type": "io_stream",
                   "inputs": [{"name": "x", "shape": shape}], "layers": [dict(name="l", kind=kind, **params)]}
            path = nets.write_json(os.path.join(self.tmp, "hand_" + kind + ".json"), net)
            self.assertEqual(nets.timing(path)["latency"], latency, kind)
            rep = os.path.join(self.tmp, "hand_" + kind + "_rep.json")
            nets.run("sim", "--net", path, "--samples", "3", "--report", rep)
            with open(rep) as f:
                self.assertEqual(json.load(f)["measured"]["latency_first_sample"], latency, kind)

    def verify(self, path, *args):
        r = nets.run("verify", "--net", path, "--samples", "6", *args, check=False, cwd=CACHE)
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertIn("handshake cycles identical (RTL vs model)", out)

    def test_verify_with_and_without_backpressure(self):
        for tag in NETS:
            self.verify(self.paths[tag])
            self.verify(self.paths[tag], *STALLS)
        self.verify(self.paths["2d"], "--io-type", "io_parallel")

    def test_large_image_shells_stay_small(self):
        """The padding, upsampling and cropping shells count rows and columns instead of listing every beat: a
        300 x 200 image gives Verilog of a few kilobytes per layer, lint-clean, with LUT-RAM-sized
        estimates (the per-beat ROMs of the gather shell would be megabytes)."""
        net = {"format": "nnsim-network", "name": "big", "io_type": "io_stream",
               "inputs": [{"name": "x", "shape": [300, 200, 3]}],
               "layers": [layer("pad", "zero_padding2d", "x", padding=[1, 2, 3, 1]),
                          layer("up", "upsampling2d", "x", size=[2, 2]),
                          layer("crop", "cropping2d", "x", cropping=[2, 1, 0, 3])],
               "outputs": ["pad", "up", "crop"]}
        path = nets.write_json(os.path.join(self.tmp, "big.json"), net)
        d = os.path.join(self.tmp, "rtl_big")
        nets.run("gen", "--net", path, "-o", d)
        for layer_name in ("pad", "up", "crop"):
            size = os.path.getsize(os.path.join(d, "big_" + layer_name + ".v"))
            self.assertLess(size, 10000, layer_name)
        rc, out = lint(d)
        self.assertEqual(rc, 0, out)
        self.assertNotIn("%Warning", out)
        t = nets.timing(path)
        rows = {l["name"]: l for l in t["layers"]}
        for layer_name in ("pad", "up", "crop"):
            self.assertLess(rows[layer_name]["resources"]["lut"], 5000, layer_name)

    def test_lint_and_synth(self):
        d = os.path.join(self.tmp, "rtl_2d")
        nets.run("gen", "--net", self.paths["2d"], "-o", d)
        rc, out = lint(d)
        self.assertEqual(rc, 0, out)
        self.assertNotIn("%Warning", out)
        rc, out = synth(d)
        self.assertEqual(rc, 0, out[-3000:])


def keras_chain(data_format="channels_last"):
    """The 2D chain pad -> crop -> upsample of net_2d as a Keras Sequential model (Keras's pair-of-pairs
    amounts), flattened at the end."""
    fmt = {"data_format": data_format}
    return {"class_name": "Sequential", "config": {"name": "kchain", "layers": [
        {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [None, 4, 5, 2]}},
        {"class_name": "ZeroPadding2D", "config": dict(name="c_pad", padding=[[2, 0], [1, 1]], **fmt)},
        {"class_name": "Cropping2D", "config": dict(name="c_crop", cropping=[[0, 1], [0, 2]], **fmt)},
        {"class_name": "UpSampling2D", "config": dict(name="c_up", size=[3, 2], interpolation="nearest", **fmt)},
        {"class_name": "Flatten", "config": {"name": "flat"}}]}}


class ReformatKeras(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nnsim_reformat_keras_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def keras(self, model):
        import h5py
        path = nets.write_json(os.path.join(self.tmp, "kchain.json"), model)
        h5py.File(os.path.join(self.tmp, "kchain_weights.h5"), "w").close()  # no weights
        return path

    def test_import_matches_description(self):
        path = self.keras(keras_chain())
        x = np.round(np.random.default_rng(5).normal(0, 3, size=(10, 40)), 6)
        in_path = os.path.join(self.tmp, "in.dat")
        np.savetxt(in_path, x, fmt="%.6f")
        tr = os.path.join(self.tmp, "trace")
        nets.run("run", "--net", path, "--input", in_path, "--trace", tr)
        raw, _, t = reference(net_2d(), x)["c_up"]
        got = np.loadtxt(os.path.join(tr, "flat.dat"), ndmin=2) * (2.0 ** t.F)
        np.testing.assert_array_equal(got.astype(np.int64), raw.reshape(len(x), -1))

    def test_config_layer_type_resize(self):
        # hls4ml converts UpSampling1D/2D to its Resize layer: LayerType entries name Resize.
        path = self.keras(keras_chain())
        cfg = nets.write_json(os.path.join(self.tmp, "cfg.json"), {"HLSConfig": {
            "Model": {"Precision": "ap_fixed<16,6>", "ReuseFactor": 1},
            "LayerType": {"Resize": {"Precision": {"result": "ap_fixed<12,5>"}}}}})
        out = os.path.join(self.tmp, "imported.json")
        r = nets.run("import", "--net", path, "--config", cfg, "-o", out)
        self.assertNotIn("no layer of class", r.stderr)
        with open(out) as f:
            layers = {l["name"]: l for l in json.load(f)["layers"]}
        self.assertEqual(layers["c_up"]["precision"]["result"].replace("ap_", ""), "fixed<12,5>")

    def test_channels_first_rejected(self):
        r = nets.run("timing", "--net", self.keras(keras_chain("channels_first")), check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("only channels_last data is supported", r.stderr)


class ReformatErrors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nnsim_reformat_err_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def expect_error(self, shape, lay, *fragments):
        net = {"format": "nnsim-network", "inputs": [{"name": "x", "shape": shape}], "layers": [dict(name="l", **lay)]}
        path = nets.write_json(os.path.join(self.tmp, "bad.json"), net)
        r = nets.run("timing", "--net", path, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("nnsim: error: "), lines[0])
        for frag in fragments:
            self.assertIn(frag, lines[0])

    def test_negative_padding(self):
        self.expect_error([4, 2], {"kind": "zero_padding1d", "padding": [-1, 1]}, "layer l", "'padding'", "[0, ")
        self.expect_error([4, 5, 2], {"kind": "zero_padding2d", "padding": [0, 0, 2, -3]}, "'padding'")

    def test_cropping_everything(self):
        self.expect_error([4, 2], {"kind": "cropping1d", "cropping": [2, 2]}, "layer l", "removes every column",
                          "[4,2]")
        self.expect_error([3, 4, 2], {"kind": "cropping2d", "cropping": [2, 1, 0, 0]}, "removes every row")
        self.expect_error([3, 4, 2], {"kind": "cropping2d", "cropping": [0, 0, 0, 9]}, "removes every column")

    def test_size_zero(self):
        self.expect_error([4, 2], {"kind": "upsampling1d", "size": [0]}, "layer l", "'size'", "[1, ")
        self.expect_error([3, 4, 2], {"kind": "upsampling2d", "size": [2, 0]}, "'size'")

    def test_wrong_list_length_rank_and_interpolation(self):
        self.expect_error([4, 5, 2], {"kind": "zero_padding2d", "padding": [1, 1]}, "padding has 2 entries, expected 4")
        self.expect_error([4, 2], {"kind": "upsampling2d"}, "expects a [height, width, channels] input, got [4,2]")
        self.expect_error([4, 5, 2], {"kind": "upsampling2d", "interpolation": "bilinear"}, "'interpolation'")


if __name__ == "__main__":
    unittest.main()
