"""Merges beyond add (subtract, multiply, average, maximum, minimum) and concatenate, through every part
of the flow:
  - `nnsim run` equals the independent numpy reference (ref_merge.py) bit for bit for every kind, at two
    precision sets (inputs of one type into an AP_RND/AP_SAT result; mixed signed/unsigned inputs of
    different widths into a TRN/WRAP result), under io_parallel ([6,4] and [4,3,5], concatenate on every
    axis) and io_stream with multi-pixel tensors ([6,4] and [4,3,5]); the float evaluation within 1e-6
    of float64 numpy;
  - `nnsim sim` equals `nnsim run` and measures the latency and II of `nnsim timing`;
  - `nnsim verify` (Verilog against the model, every word and handshake) with and without back-pressure,
    all kinds batched into six networks with fan-out, plus ResNet-style skips under io_stream (a dense
    branch, and a convolutional residual block);
  - Verilator -Wall lint and Yosys synth_xilinx on one design;
  - Keras import of the merge layers (Concatenate's axis counts the batch dimension in Keras);
  - bad merges are one-line errors with exit 2."""
import json
import os
import random
import subprocess
import sys
import unittest

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nets  # noqa: E402
import ref_merge as M  # noqa: E402
import refimpl as R  # noqa: E402
from test_rtl_merge import CACHE, STALLS, SUCCESS  # noqa: E402
from test_rtl_checks import lint, synth  # noqa: E402

SAMPLES = 40
# (input a, input b, input c, result): c has other channels, for concatenate on the channel axis.
SAME_RND_SAT = ("fixed<12,4>", "fixed<12,4>", "fixed<12,4>", "ap_fixed<8,3,AP_RND,AP_SAT>")
MIXED = ("fixed<10,3>", "ufixed<8,2>", "fixed<7,2,RND,SAT>", "fixed<9,3>")
UNSIGNED = ("ufixed<8,3>", "ufixed<6,2>", "ufixed<5,1>", "fixed<10,4,RND,SAT>")  # unsigned compare, signed difference


def merge_net(name, io_type, shape, types, c_channels=2, skips=False):
    """Inputs a, b of `shape` and c of `shape` with `c_channels` channels; every element-wise merge of
    (a, b), concatenate(a, b) and concatenate(a, c) on the channels;
    under io_parallel also concatenate(a, b) on axis 0 and -2; with `skips` a ResNet-style block: act = relu(a), skip = maximum(act, a), cat_skip = concat(skip, act)."""
    ta, tb, tc, tr = types
    c_shape = list(shape[:-1]) + [c_channels]
    net = {"format": "nnsim-network", "name": name, "io_type": io_type,
           "inputs": [{"name": "a", "shape": list(shape), "precision": ta},
                      {"name": "b", "shape": list(shape), "precision": tb},
                      {"name": "c", "shape": c_shape, "precision": tc}],
           "layers": [{"name": k, "kind": k, "inputs": ["a", "b"], "precision": tr} for k in M.ELEMENTWISE]}
    net["layers"] += [{"name": "cat_ab", "kind": "concatenate", "inputs": ["a", "b"], "precision": tr},
                      {"name": "cat_ac", "kind": "concatenate", "inputs": ["a", "c"], "axis": len(shape) - 1,
                       "precision": tr}]
    if io_type == "io_parallel":
        net["layers"] += [{"name": "cat_0", "kind": "concatenate", "inputs": ["a", "b"], "axis": 0, "precision": tr},
                          {"name": "cat_m2", "kind": "concatenate", "inputs": ["a", "b"], "axis": -2, "precision": tr}]
    if skips:
        net["layers"] += [{"name": "act", "kind": "relu", "inputs": ["a"], "precision": ta},
                          {"name": "skip", "kind": "maximum", "inputs": ["act", "a"], "precision": tr},
                          {"name": "cat_skip", "kind": "concatenate", "inputs": ["skip", "act"], "precision": tr}]
    net["outputs"] = [l["name"] for l in net["layers"] if l["name"] != "act"]
    if skips and shape[0] * (shape[1] if len(shape) > 2 else 1) < 4:
        # A skip over one layer holds 4 words at full rate, more than hls4ml's default depth (the
        # pixels) of a tensor of fewer than 4 pixels (test_short_skip_needs_four_words).
        net["inputs"][0]["fifo_depth"] = 4
        net["layers"][-3]["fifo_depth"] = 4
    return net


def resnet_net(name="resnet_merges", **depths):
    """The skip network of test_skip_merge (x [8,4] io_stream into relu and into reshape, dense, reshape
    back) with every merge kind reading both branches: fan-out of x to two branches and of each branch
    to seven merges, the short branch waiting for the long one."""
    net = nets.skip_net(**depths)
    net["name"] = name
    merge = net["layers"].pop()
    for k in M.ELEMENTWISE + ["concatenate"]:
        net["layers"].append(dict(merge, name="m_" + k, kind=k, precision="ap_fixed<10,4,AP_RND,AP_SAT>"))
    net["outputs"] = ["m_" + k for k in M.ELEMENTWISE + ["concatenate"]]
    return net


def conv_resblock():
    """A convolutional residual block under io_stream: x [6,6,3] -> zero_padding2d -> conv2d 3x3 -> relu,
    add(relu, x), multiply(add, relu), concatenate(multiply, x) on the channels, maximum(cat, cat)."""
    rng = random.Random(4)
    return {"format": "nnsim-network", "name": "resblock", "io_type": "io_stream",
            "inputs": [{"name": "x", "shape": [6, 6, 3]}],
            "layers": [{"name": "pad", "kind": "zero_padding2d", "inputs": ["x"]},
                       {"name": "conv", "kind": "conv2d", "filters": 3, "kernel_size": [3, 3], "inputs": ["pad"],
                        "weights": {"kernel": nets._tensor(rng, [3, 3, 3, 3], -0.5, 0.5),
                                    "bias": nets._tensor(rng, [3], -0.5, 0.5)}},
                       {"name": "act", "kind": "relu", "inputs": ["conv"]},
                       {"name": "res", "kind": "add", "inputs": ["act", "x"]},
                       {"name": "gate", "kind": "multiply", "inputs": ["res", "act"],
                        "precision": "ap_fixed<12,4,AP_RND,AP_SAT>"},
                       {"name": "cat", "kind": "concatenate", "inputs": ["gate", "x"]},
                       {"name": "mx", "kind": "maximum", "inputs": ["cat", "cat"]}]}


NETS = [("par_mixed", "io_parallel", (6, 4), MIXED), ("par_sat", "io_parallel", (4, 3, 5), SAME_RND_SAT),
        ("str_sat", "io_stream", (6, 4), SAME_RND_SAT), ("str_mixed", "io_stream", (4, 3, 5), MIXED),
        ("str_unsigned", "io_stream", (3, 4), UNSIGNED)]


class Merges(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_merges_"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs(CACHE, exist_ok=True)

    def write(self, net):
        return nets.write_json(self.path(net["name"] + ".json"), net)

    # --- values -------------------------------------------------------------------------------

    def check_values(self, name, io_type, shape, types):
        net = merge_net(name, io_type, shape, types, skips=io_type == "io_stream")
        p = self.write(net)
        ta, tb, tc, tr = (R.parse_precision(t) for t in types)
        n = 200
        c_shape = tuple(shape[:-1]) + (2,)
        rng = np.random.default_rng(7)
        a = np.round(rng.normal(0, 2.0, size=(n,) + tuple(shape)) * 256) / 256
        b = np.round(rng.normal(0, 2.0, size=(n,) + tuple(shape)) * 256) / 256
        c = np.round(rng.normal(0, 2.0, size=(n,) + c_shape) * 256) / 256
        b[:, 0] = a[:, 0]  # some equal pairs (ties of maximum / minimum, zero differences)
        inp = self.path(name + "_in.dat")
        np.savetxt(inp, np.hstack([a.reshape(n, -1), b.reshape(n, -1), c.reshape(n, -1)]), fmt="%.10g")
        trace = self.path(name + "_trace")
        nets.run("run", "--net", p, "--input", inp, "--trace", trace, "--output", self.path(name + "_out.dat"))

        def load(node, flt):
            rows = np.loadtxt(os.path.join(trace, node + (".float.dat" if flt else ".dat")), ndmin=2)
            return rows.reshape(n, -1)

        ar, br, cr = R.quantize(a, ta), R.quantize(b, tb), R.quantize(c, tc)
        rank = len(shape)
        want, want_f = {}, {}
        for k in M.ELEMENTWISE:
            want[k] = M.merge_fixed(k, ar, ta, br, tb, tr)
            want_f[k] = M.merge_float(k, a, b)
        want["cat_ab"] = M.concat_fixed(ar, ta, br, tb, tr, -1, rank)
        want_f["cat_ab"] = M.concat_float(a, b, -1, rank)
        want["cat_ac"] = M.concat_fixed(ar, ta, cr, tc, tr, rank - 1, rank)
        want_f["cat_ac"] = M.concat_float(a, c, rank - 1, rank)
        if io_type == "io_parallel":
            want["cat_0"] = M.concat_fixed(ar, ta, br, tb, tr, 0, rank)
            want_f["cat_0"] = M.concat_float(a, b, 0, rank)
            want["cat_m2"] = M.concat_fixed(ar, ta, br, tb, tr, -2, rank)
            want_f["cat_m2"] = M.concat_float(a, b, -2, rank)
        else:
            act = R.relu_fixed(ar, ta, ta)
            want["skip"] = M.merge_fixed("maximum", act, ta, ar, ta, tr)
            want_f["skip"] = M.merge_float("maximum", np.maximum(a, 0), a)
            want["cat_skip"] = M.concat_fixed(want["skip"], tr, act, ta, tr, -1, rank)
            want_f["cat_skip"] = M.concat_float(want_f["skip"], np.maximum(a, 0), -1, rank)
        for node, exp in want.items():
            got = np.round(load(node, False) * (1 << tr.F)).astype(np.int64)
            self.assertTrue(np.array_equal(got, exp.reshape(n, -1)), f"{name}: {node} differs from numpy")
            err = np.abs(load(node, True) - want_f[node].reshape(n, -1)).max()
            self.assertLess(err, 1e-6, f"{name}: {node} float differs from numpy by {err}")
        # The result's range is exceeded (products beyond +-4), so its overflow mode matters.
        self.assertGreater(int(np.count_nonzero(np.abs(a * b) >= 2 ** (tr.I - 1))), 0, name)

    def test_values_io_parallel(self):
        for name, io, shape, types in NETS[:2]:
            self.check_values(name + "_v", io, shape, types)

    def test_values_io_stream(self):
        for name, io, shape, types in NETS[2:]:  # and unsigned inputs
            self.check_values(name + "_v", io, shape, types)

    # --- cycles -------------------------------------------------------------------------------

    def test_sim_equals_run_and_timing(self):
        for name, io, shape, types in NETS:
            p = self.write(merge_net(name + "_s", io, shape, types, skips=io == "io_stream"))
            ref = self.path(name + "_ref.dat")
            nets.run("run", "--net", p, "--random-samples", str(SAMPLES), "--seed", "5", "--output", ref)
            t = nets.timing(p)
            for stalled in (False, True):
                rep_p, out = self.path(name + "_rep.json"), self.path(name + "_sim.dat")
                nets.run("sim", "--net", p, "--samples", str(SAMPLES), "--seed", "5", "--report", rep_p,
                         "--output", out, *(STALLS if stalled else []))
                with open(out) as f, open(ref) as g:
                    self.assertEqual(f.read(), g.read(), f"{name}: sim differs from run")
                with open(rep_p) as f:
                    rep = json.load(f)
                self.assertEqual(rep["check"]["mismatches"], 0, name)
                m = rep["measured"]
                self.assertEqual(rep["model"]["latency"], t["latency"], name)
                self.assertEqual(rep["model"]["ii"], t["ii"], name)
                if not stalled:
                    self.assertEqual(m["latency_first_sample"], t["latency"], name)
                    self.assertEqual(m["ii"], t["ii"], name)
            beats = int(np.prod(shape[:-1])) if io == "io_stream" else 1
            self.assertEqual(t["ii"], beats, name)

    def test_resnet_fan_out(self):
        # ResNet-style block under io_stream with multi-pixel tensors: the producer writes the FIFOs of
        # all its consumers together (the stream clone), at hls4ml's default depths and with a deep
        # enough branch FIFO at full rate.
        for tag, depths in (("default", {}), ("deep", {"branch_depth": 16}), ("conv", None)):
            p = self.write(resnet_net("resnet_" + tag, **depths) if depths is not None else conv_resblock())
            ref = self.path(tag + "_ref.dat")
            nets.run("run", "--net", p, "--random-samples", str(SAMPLES), "--seed", "5", "--output", ref)
            t = nets.timing(p)
            for stalled in (False, True):
                rep_p, out = self.path(tag + "_rep.json"), self.path(tag + "_sim.dat")
                nets.run("sim", "--net", p, "--samples", str(SAMPLES), "--seed", "5", "--report", rep_p,
                         "--output", out, *(STALLS if stalled else []))
                with open(out) as f, open(ref) as g:
                    self.assertEqual(f.read(), g.read(), f"{tag}: sim differs from run")
                with open(rep_p) as f:
                    m = json.load(f)["measured"]
                if not stalled:
                    self.assertEqual((m["latency_first_sample"], m["ii"]), (t["latency"], t["ii"]), tag)
            if tag == "deep":
                self.assertEqual((t["latency"], t["ii"]), (24, 8))  # as the add-only skip network
            if tag == "conv":
                self.assertTrue(t["fifo_depths_sufficient"])       # hls4ml's default depths suffice
                self.assertEqual((t["latency"], t["ii"]), (79, 64))  # 8x8 padded pixels per sample

    def test_sweep_io_checks_stream(self):
        # A sweep switching to io_stream validates what the io type changes: concatenate on axis 0 of
        # multi-pixel tensors is a failed point with the validation message, not a deadlock.
        p = self.write(merge_net("sweep_io", "io_parallel", (6, 4), MIXED))
        out = self.path("sweep_io")
        nets.run("--net", p, "--sweep", "io", "--out", out, "--no-plot")
        with open(os.path.join(out, "results.json")) as f:
            points = {pt["settings"]["io"]: pt for pt in json.load(f)["points"]}
        self.assertEqual(points["io_parallel"]["status"], "ok")
        self.assertNotEqual(points["io_stream"]["status"], "ok")
        self.assertIn("(layer cat_0): concatenate on axis 0 of multi-pixel io_stream tensors is not supported",
                      points["io_stream"]["error"])

    def test_short_skip_needs_four_words(self):
        # x -> relu -> maximum(relu, x) on a 3-pixel tensor: the direct FIFO must hold 4 words at full
        # rate; at the default depth 3 the timing model says so and the simulation runs at II 4.
        net = merge_net("short_skip", "io_stream", (3, 4), UNSIGNED, skips=True)
        del net["inputs"][0]["fifo_depth"], net["layers"][-3]["fifo_depth"]
        p = self.write(net)
        t = nets.timing(p)
        self.assertFalse(t["fifo_depths_sufficient"])
        fifos = {f["name"]: f for f in t["fifos"]}
        self.assertEqual((fifos["fifo_a__skip"]["depth"], fifos["fifo_a__skip"]["needed"]), (3, 4))
        rep_p = self.path("short_skip_rep.json")
        nets.run("sim", "--net", p, "--samples", str(SAMPLES), "--seed", "5", "--report", rep_p)
        with open(rep_p) as f:
            self.assertEqual(json.load(f)["measured"]["ii"], 4)

    # --- Verilog ------------------------------------------------------------------------------

    def verify(self, path, *args):
        r = subprocess.run([nets.NNSIM, "verify", "--net", path, "--samples", str(SAMPLES), "--seed", "3", *args],
                           capture_output=True, text=True, timeout=1800, cwd=CACHE)
        return r.returncode, r.stdout + r.stderr

    def test_verify_and_lint(self):
        paths = [self.write(merge_net(name + "_rtl", io, shape, types, skips=io == "io_stream"))
                 for name, io, shape, types in NETS]  # str_sat is paths[2]
        paths.append(self.write(resnet_net()))
        paths.append(self.write(conv_resblock()))
        problems = []
        for stalls in ([], STALLS):
            for p in paths:
                rc, out = self.verify(p, *stalls)
                m = SUCCESS.search(out)
                if rc != 0 or not m or int(m.group(2)) != SAMPLES:
                    problems.append(f"{os.path.basename(p)} {' '.join(stalls)}: exit {rc}: {out.strip()[-2000:]}")
        self.assertEqual(problems, [], "\n".join(problems))
        d = self.path("gen_str_sat")
        nets.run("gen", "--net", paths[2], "-o", d)  # str_sat
        rc, out = lint(d)
        self.assertEqual((rc, out.strip()), (0, ""), out)
        rc, out = synth(d)
        self.assertEqual(rc, 0, out[-3000:])

    # --- Keras import ------------------------------------------------------------------------

    def test_keras_import(self):
        # A functional model: Multiply, Concatenate on Keras axis 1 (rows: nnsim axis 0) and -1, Maximum.
        def layer(cls, name, inbound, **cfg):
            cfg["name"] = name
            return {"class_name": cls, "name": name, "config": cfg,
                    "inbound_nodes": [[[p, 0, 0, {}] for p in inbound]] if inbound else []}
        model = {"class_name": "Functional", "config": {"name": "km", "layers": [
            layer("InputLayer", "a", [], batch_input_shape=[None, 4, 3]),
            layer("InputLayer", "b", [], batch_input_shape=[None, 4, 3]),
            layer("Multiply", "mul", ["a", "b"]), layer("Concatenate", "rows", ["mul", "b"], axis=1),
            layer("Maximum", "mx", ["a", "b"]), layer("Concatenate", "chans", ["mx", "mul"], axis=-1)],
            "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["rows", 0, 0], ["chans", 0, 0]]}}
        p = nets.write_json(self.path("km.json"), model)
        import h5py
        h5py.File(self.path("km_weights.h5"), "w").close()
        out = self.path("km_nn.json")
        nets.run("import", "--net", p, "-o", out)
        with open(out) as f:
            layers = {l["name"]: l for l in json.load(f)["layers"]}
        self.assertEqual([layers[n]["kind"] for n in ("mul", "rows", "mx", "chans")],
                         ["multiply", "concatenate", "maximum", "concatenate"])
        self.assertEqual((layers["rows"]["axis"], layers["chans"]["axis"]), (0, -1))
        self.assertEqual(layers["rows"]["inputs"], ["mul", "b"])
        t = nets.timing(p)
        self.assertEqual(t["ii"], 1)
        r = nets.run("timing", "--net", p, "--io-type", "io_stream", check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("(layer rows): concatenate on axis 0 of multi-pixel io_stream tensors is not supported",
                      r.stderr)
        model["config"]["layers"][3]["config"]["axis"] = 0
        nets.write_json(p, model)
        r = nets.run("validate", "--net", p, check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("axis 0 is the batch axis", r.stderr)
        model["config"]["layers"][3] = layer("Add", "rows", ["mul", "b", "a"])
        nets.write_json(p, model)
        r = nets.run("validate", "--net", p, check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("(layer rows): layer 'rows' (Add) takes 2 inputs, got 3", r.stderr)

    # --- errors -------------------------------------------------------------------------------

    def bad_net(self, io_type, kind, b_shape, a_shape=(6, 4), **params):
        layer = {"name": "m", "kind": kind, "inputs": ["a", "b"]}
        layer.update(params)
        return {"format": "nnsim-network", "name": "bad", "io_type": io_type,
                "inputs": [{"name": "a", "shape": list(a_shape)}, {"name": "b", "shape": list(b_shape)}],
                "layers": [layer]}

    def test_bad_merges(self):
        for k in M.ELEMENTWISE:
            self.expect_error(self.bad_net("io_parallel", k, (6, 3)), "(layer m)",
                              f"{k} expects two inputs of the same shape, got [6,4] (a) and [6,3] (b)")
        self.expect_error(self.bad_net("io_parallel", "concatenate", (6, 4), axis=2), "(layer m)",
                          "concatenate axis 2 is out of range for inputs of rank 2 (expected -2 to 1)")
        self.expect_error(self.bad_net("io_parallel", "concatenate", (6, 4), axis=-3), "(layer m)",
                          "concatenate axis -3 is out of range")
        self.expect_error(self.bad_net("io_stream", "concatenate", (5, 3)), "(layer m)",
                          "concatenate on axis -1 expects inputs equal in every other dimension, got [6,4] (a) "
                          "and [5,3] (b)")
        self.expect_error(self.bad_net("io_parallel", "concatenate", (6, 4, 1)), "(layer m)",
                          "concatenate expects two inputs of the same rank, got [6,4] (a) and [6,4,1] (b)")
        self.expect_error(self.bad_net("io_stream", "concatenate", (3, 4), axis=0), "(layer m)",
                          "concatenate on axis 0 of multi-pixel io_stream tensors is not supported")
        self.expect_error(self.bad_net("io_parallel", "concatenate", (6, 4), axis="x"), "(layer m)",
                          "parameter 'axis'")
        # Flat tensors stream whole: axis 0 of [6] is the channel axis.
        p = nets.write_json(self.path("flat.json"), self.bad_net("io_stream", "concatenate", (3,), (6,), axis=0))
        nets.run("validate", "--net", p)


if __name__ == "__main__":
    unittest.main()
