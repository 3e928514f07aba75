"""Multi-pixel io_stream tensors, reshape and add, and the deadlock of an undersized skip branch.

The network (nets.skip_net): input x [8,4] io_stream; branch A = relu (per pixel); branch B = reshape
[32] -> dense 32->32 -> reshape [8,4]; add(A, B). Branch B gives its first pixel only after the whole
sample is in, so branch A must hold a whole sample (8 beats) meanwhile.
  - `nnsim run` on add/reshape networks equals an independent numpy computation bit for bit;
  - with FIFOs deep enough on branch A, `nnsim sim` equals `nnsim run` bit for bit with and without
    back-pressure, and measures the timing model's first-sample latency and II exactly;
  - with branch A's FIFOs at 1 or 2 words the model deadlocks: exit 3 within the watchdog bound, the
    waiting layers and the full and empty FIFOs named;
  - repack chains (reshape between different pixel widths) are cycle-exact against the timing model;
  - bad merges and reshapes are one-line errors with exit 2."""
import json
import os
import sys
import unittest

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nets  # noqa: E402
import refimpl as R  # noqa: E402

STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
SAMPLES = 40


class SkipMerge(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_skip_"

    def write_net(self, name, net):
        return nets.write_json(self.path(name), net)

    def reference(self, net_path, tag):
        out = self.path(tag + "_ref.dat")
        nets.run("run", "--net", net_path, "--random-samples", str(SAMPLES), "--seed", "5", "--output", out)
        with open(out) as f:
            return f.read()

    def sim(self, net_path, tag, *extra):
        rep, out = self.path(tag + ".report.json"), self.path(tag + ".dat")
        r = nets.run("sim", "--net", net_path, "--samples", str(SAMPLES), "--seed", "5", "--report", rep,
                     "--output", out, *extra, check=False)
        self.assertEqual(r.returncode, 0, f"{tag}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
        with open(rep) as f:
            report = json.load(f)
        with open(out) as f:
            return report, f.read()

    def check_exact(self, net_path, tag):
        """Bit-exact with nnsim run with and without stalls; cycle-exact with the model without."""
        reference = self.reference(net_path, tag)
        for stalled in (False, True):
            label = tag + ("_bp" if stalled else "")
            rep, got = self.sim(net_path, label, *(STALLS if stalled else []))
            self.assertEqual(got, reference, f"{label}: output differs from nnsim run")
            self.assertTrue(rep["completed"], label)
            self.assertEqual(rep["check"]["mismatches"], 0, label)
            m, model = rep["measured"], rep["model"]
            if stalled:
                self.assertGreaterEqual(m["latency_first_sample"], model["latency"], label)
            else:
                self.assertEqual(m["latency_first_sample"], model["latency"], label)
                self.assertEqual(m["ii"], model["ii"], label)
        return rep

    # --- values -------------------------------------------------------------------------------

    def test_run_matches_numpy(self):
        # Precisions chosen so that every cast matters: the reshape back casts with rounding and
        # saturation, the add wraps into fewer bits.
        net = nets.skip_net(io_type="io_parallel")
        net["layers"][3]["precision"] = "ap_fixed<10,3,AP_RND,AP_SAT>"
        net["layers"][4]["precision"] = "fixed<9,3>"
        p = self.write_net("numpy.json", net)
        rng = np.random.default_rng(11)
        x = np.round(rng.normal(0, 1.5, size=(200, 32)) * 256) / 256
        inp = self.path("numpy_in.dat")
        np.savetxt(inp, x, fmt="%.10g")
        out = self.path("numpy_out.dat")
        nets.run("run", "--net", p, "--input", inp, "--output", out)
        got = np.loadtxt(out)

        p16 = R.parse_precision("fixed<16,6>")
        x_raw = R.quantize(x.astype(np.float32), p16)
        a = R.relu_fixed(x_raw, p16, p16)
        fc = net["layers"][2]
        w = R.quantize(np.array(fc["weights"]["kernel"]["data"]).reshape(32, 32), p16)
        b = R.quantize(np.array(fc["weights"]["bias"]["data"]), p16)
        d = R.dense_fixed(x_raw, p16, w, p16, b, p16, p16, p16)          # flatten: same raw integers
        t_un = R.parse_precision("ap_fixed<10,3,AP_RND,AP_SAT>")
        u = R.cast_raw(d, p16.F, t_un)                                  # reshape back, cast
        f = max(p16.F, t_un.F)
        exact = a * (1 << (f - p16.F)) + u * (1 << (f - t_un.F))       # the sum at full precision
        t_add = R.parse_precision("fixed<9,3>")
        want = R.cast_raw(exact, f, t_add)
        got_raw = np.round(got * (1 << t_add.F)).astype(np.int64)
        self.assertTrue(np.array_equal(got_raw, want), "add/reshape network differs from numpy")
        self.assertGreater(np.count_nonzero(exact >> (f - t_add.F) != want), 0, "no value wrapped")

    def test_io_types_agree(self):
        # The evaluator does not depend on the io type: run gives the same words for both.
        p = self.write_net("par.json", nets.skip_net(io_type="io_parallel"))
        s = self.write_net("str.json", nets.skip_net())
        self.assertEqual(self.reference(p, "par"), self.reference(s, "str"))

    # --- the cycle model ----------------------------------------------------------------------

    def test_deep_branch_is_exact(self):
        # Branch A's output FIFO deep enough (16 words): no stall from the merge.
        rep = self.check_exact(self.write_net("deep.json", nets.skip_net(branch_depth=16)), "deep")
        self.assertEqual(rep["model"]["latency"], 24)  # 8 input beats, repack, dense, 8 output beats
        self.assertEqual(rep["model"]["ii"], 8)        # one pixel per cycle

    def test_default_depths_are_exact(self):
        # hls4ml's rule (a FIFO holds every pixel of its tensor) is enough on this skip branch.
        self.check_exact(self.write_net("default.json", nets.skip_net()), "default")

    def test_skip_net_io_parallel_is_exact(self):
        # Under io_parallel a sample is one word, and branch B is 5 cycles longer than branch A: the
        # default depth 2 throttles the merge (the model's FIFO needs say 7), depth 8 does not.
        t = nets.timing(self.write_net("skip_par2.json", nets.skip_net(io_type="io_parallel")))
        self.assertFalse(t["fifo_depths_sufficient"])
        net = nets.skip_net(io_type="io_parallel", branch_depth=8)
        self.check_exact(self.write_net("skip_par.json", net), "skip_par")

    def test_small_branch_fifos_throttle_but_do_not_deadlock(self):
        # Branch A holds exactly one sample (2 + 1 in relu + 5): no deadlock, but not full rate.
        p = self.write_net("tight.json", nets.skip_net(input_depth=2, branch_depth=5))
        rep, got = self.sim(p, "tight")
        self.assertEqual(got, self.reference(p, "tight"))
        self.assertGreater(rep["measured"]["ii"], rep["model"]["ii"])

    def test_undersized_branch_deadlocks(self):
        for depth in (1, 2):
            p = self.write_net(f"dl{depth}.json", nets.skip_net(input_depth=2, branch_depth=depth))
            r = nets.run("sim", "--net", p, "--samples", "20", "--deadlock-cycles", "300", check=False)
            self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
            err = r.stderr
            self.assertIn("nnsim: deadlock: no transfer for 300 cycles", err)
            self.assertIn("source_x waits for space in full FIFO fifo_x__branch_a", err)
            self.assertIn("branch_a waits for space in full FIFO fifo_branch_a__merge", err)
            self.assertIn("flatten waits for data from empty FIFO fifo_x__flatten", err)
            self.assertIn("merge waits for data from empty FIFO fifo_unflatten__merge", err)
            self.assertIn(f"FIFO fifo_branch_a__merge is full ({depth})", err)
            self.assertIn("FIFO fifo_x__branch_a is full (2)", err)
            self.assertIn("FIFO fifo_unflatten__merge is empty", err)
            # Stopped within the bound: the first check that saw no progress.
            cycles = int(err.split("before cycle ")[1].split()[0])
            self.assertLessEqual(cycles, 2 * 300 + 50)

    def test_timing_flags_shallow_fifo(self):
        # The timing model gives the words each FIFO holds at full rate and for the first sample alone:
        # branch A must hold the whole first sample (8 beats) before branch B gives its first pixel.
        p = self.write_net("dl_t.json", nets.skip_net(input_depth=2, branch_depth=2))
        t = nets.timing(p)
        fifos = {f["name"]: f for f in t["fifos"]}
        self.assertEqual(fifos["fifo_branch_a__merge"]["needed_first_sample"], 8)
        self.assertEqual(fifos["fifo_branch_a__merge"]["needed"], 14)
        self.assertEqual(fifos["fifo_branch_a__merge"]["depth"], 2)
        self.assertFalse(t["fifo_depths_sufficient"])
        deep = nets.timing(self.write_net("deep_t.json", nets.skip_net(branch_depth=16)))
        self.assertTrue(deep["fifo_depths_sufficient"])

    def test_repack_chains_are_exact(self):
        # Reshapes between pixel widths 4, 16, 8, 32 and 2, with per-pixel layers between them.
        chain = [("r1", "reshape", [2, 16]), ("a1", "relu", None), ("r2", "reshape", [4, 8]),
                 ("r3", "reshape", [32]), ("a2", "linear", None), ("r4", "reshape", [16, 2]),
                 ("a3", "relu", None)]
        layers = []
        for name, kind, target in chain:
            layer = {"name": name, "kind": kind}
            if target:
                layer["target_shape"] = target
            layers.append(layer)
        net = {"format": "nnsim-network", "name": "chain", "io_type": "io_stream",
               "inputs": [{"name": "x", "shape": [8, 4]}], "layers": layers}
        p = self.write_net("chain.json", net)
        rep = self.check_exact(p, "chain")
        self.assertEqual(rep["model"]["ii"], 16)  # the [16,2] tensor: 16 beats per sample
        # Reshape with an inferred dimension, and a reshape into a flat dense input.
        net2 = {"format": "nnsim-network", "name": "chain2", "io_type": "io_stream",
                "inputs": [{"name": "x", "shape": [4, 2, 4]}],
                "layers": [{"name": "r", "kind": "reshape", "target_shape": [-1, 8]},
                           {"name": "b", "kind": "batchnorm", "weights": {
                               "moving_mean": {"shape": [8], "data": [0.1 * i for i in range(8)]},
                               "moving_variance": {"shape": [8], "data": [1 + 0.1 * i for i in range(8)]}}},
                           {"name": "f", "kind": "reshape", "target_shape": [32]},
                           nets.dense_layer(__import__("random").Random(2), "fc", 32, 5),
                           {"name": "sm", "kind": "softmax"}]}
        self.check_exact(self.write_net("chain2.json", net2), "chain2")

    def test_analytical_sweep_equals_simulation(self):
        # The sweep's closed-form beat schedule (core/beat_schedule.hpp) against the SystemC model,
        # point by point: throttled merges, slow dense layers, io_parallel, and deadlocks (which the
        # closed form finds too, naming the same FIFOs).
        base = self.write_net("sweep_base.json", nets.skip_net(input_depth=2, branch_depth=2))
        spec = nets.write_json(self.path("sweep_spec.json"), {"points": [
            {"fifo_depth": "1"}, {"fifo_depth": "2"}, {"fifo_depth": "5"}, {"fifo_depth": "8"},
            {"fifo_depth": "16"}, {"fifo_depth.branch_a": "6", "reuse.fc": "4"},
            {"fifo_depth.branch_a": "16", "reuse.fc": "32"}, {"io": "io_parallel"},
            {"io": "io_parallel", "fifo_depth": "1"},
            {"strategy": "Resource", "reuse.fc": "8", "fifo_depth.branch_a": "12"}]})
        points = {}
        for mode, extra in (("analytical", []), ("simulated", ["--simulate", "-j", "2"])):
            out = self.path("sweep_" + mode)
            nets.run("--net", base, "--sweep", spec, "--out", out, "--no-plot", *extra)
            with open(os.path.join(out, "results.json")) as f:
                points[mode] = {json.dumps(p["settings"], sort_keys=True): p for p in json.load(f)["points"]}
        a, s = points["analytical"], points["simulated"]
        self.assertEqual(set(a), set(s))
        for k in a:
            self.assertEqual(a[k]["status"], s[k]["status"], k)
            if a[k]["status"] != "ok":
                for err in (a[k]["error"], s[k]["error"]):
                    self.assertIn("deadlock:", err)
                    self.assertIn("branch_a waits for space in full FIFO fifo_branch_a__merge", err)
                continue
            for f in ("latency", "ii", "throughput_per_s", "latency_max", "run_cycles", "fifo_depth",
                      "fifo_max_occupancy"):
                self.assertEqual(a[k].get(f), s[k].get(f), f"{k}: {f}")
        self.assertEqual(sorted(k for k in a if a[k]["status"] != "ok"),
                         ['{"fifo_depth": "1"}', '{"fifo_depth": "2"}'])
        self.assertEqual(a['{"fifo_depth": "5"}']["ii"], 17)   # throttled, not deadlocked
        self.assertEqual(a['{"fifo_depth": "16"}']["ii"], 8)   # full rate

    # --- errors -------------------------------------------------------------------------------

    def test_bad_merge_and_reshape(self):
        net = nets.skip_net()
        net["layers"][4]["inputs"] = ["branch_a"]
        self.expect_error(net, "/layers/4 (layer merge)", "add takes 2 input(s), got 1")
        net = nets.skip_net()
        net["layers"][3]["target_shape"] = [32]
        self.expect_error(net, "(layer merge)", "add expects two inputs of the same shape, got [8,4] (branch_a) "
                                                "and [32] (unflatten)")
        net = nets.skip_net()
        net["layers"][1]["target_shape"] = [30]
        self.expect_error(net, "(layer flatten)", "target_shape [30] does not hold the 32 values of input [8,4]")
        net = nets.skip_net()
        net["layers"][1]["target_shape"] = "32"
        self.expect_error(net, "(layer flatten)", "parameter 'target_shape' must be a list of integers")
        net = nets.skip_net()
        net["layers"][2]["inputs"] = ["x"]
        self.expect_error(net, "(layer fc)", "dense expects a flat input, got shape [8,4]")


if __name__ == "__main__":
    unittest.main()
