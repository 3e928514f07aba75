"""`nnsim fifo`: FIFO sizing from the model's occupancy with unbounded FIFOs, confirmed by a rerun.

Networks: the io_stream skip network of test_skip_merge (x [8,4] -> relu | reshape -> dense -> reshape ->
add), the same with a slower long branch (dense RF 8 and a second dense) on which the default depths
cost throughput, the same with undersized branch FIFOs (depth 2) that deadlock, a chain of
reshape/dense layers whose default depths (the pixels of each tensor) are oversized, and an image skip
network through upsampling, cropping and zero padding.
  - the sized design runs at the measured first-sample latency and II, which are the timing model's;
  - the sized description simulates to the same outputs as the original, at the model's latency and II;
  - the deadlocking network is sized to a working one; defaults that cost throughput are fixed;
  - what holds against hls4ml's default depths: where the defaults give the full rate, the sized total
    memory is not larger, but single FIFOs can be (the skip network's short branch moves its words from
    x's FIFO, 8 -> 2, to relu's, 8 -> 14: the same 16 words);
  - the analytical beat schedule gives the same depths as the SystemC model, and --analytical the same
    result;
  - a measurement on too few samples is caught by the longer rerun and grown; with the source paced at
    the II the measured depths do not grow with the number of samples (KERAS_3layer at RF 16);
  - --verify passes on the sized skip network, which also verifies under random back-pressure;
  - bad input exits 2."""
import json
import os
import random
import shutil
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nets  # noqa: E402

CACHE = os.environ.get("NNSIM_VERIFY_CACHE") or os.path.join(os.path.dirname(os.path.abspath(nets.NNSIM)),
                                                              "verify_cache")


def slow_skip_net():
    """The skip network with a long branch of two dense layers, the first at RF 8."""
    net = nets.skip_net()
    rng = random.Random(9)
    layers = net["layers"]
    layers[2]["reuse_factor"] = 8
    layers.insert(3, nets.dense_layer(rng, "fc2", 32, 32, inputs=["fc"], reuse_factor=4))
    layers[4]["inputs"] = ["fc2"]
    net["name"] = "skip_slow"
    return net


def chain_net():
    """x [16,4] -> flatten -> dense 64->32 -> [8,4] -> relu -> flatten -> dense 32->32 -> [4,8]."""
    rng = random.Random(4)
    return {"format": "nnsim-network", "name": "chain", "io_type": "io_stream",
            "inputs": [{"name": "x", "shape": [16, 4]}],
            "layers": [{"name": "flat", "kind": "reshape", "target_shape": [64]},
                       nets.dense_layer(rng, "fc1", 64, 32),
                       {"name": "unflat", "kind": "reshape", "target_shape": [8, 4]},
                       {"name": "act", "kind": "relu"},
                       {"name": "flat2", "kind": "reshape", "target_shape": [32]},
                       nets.dense_layer(rng, "fc2", 32, 32),
                       {"name": "unflat2", "kind": "reshape", "target_shape": [4, 8]}]}


def reformat_skip_net():
    """x [8,8,2] -> relu | upsampling2d 2x2 -> cropping2d back to [8,8] -> zero_padding2d -> cropping2d -> add."""
    def lay(name, kind, src, **params):
        return dict(name=name, kind=kind, inputs=[src], **params)
    return {"format": "nnsim-network", "name": "reskip", "io_type": "io_stream",
            "inputs": [{"name": "x", "shape": [8, 8, 2]}],
            "layers": [lay("a", "relu", "x"),
                       lay("up", "upsampling2d", "x", size=[2, 2]),
                       lay("cr", "cropping2d", "up", cropping=[4, 4, 4, 4]),
                       lay("p", "zero_padding2d", "cr", padding=[1, 1, 1, 1]),
                       lay("c2", "cropping2d", "p", cropping=[1, 1, 1, 1]),
                       {"name": "m", "kind": "add", "inputs": ["a", "c2"]}]}


class Fifo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_fifo_")
        cls.nets = {
            "skip": nets.skip_net(),
            "skip_slow": slow_skip_net(),
            "skip_dl": nets.skip_net(input_depth=2, branch_depth=2),
            "chain": chain_net(),
            "reskip": reformat_skip_net(),
        }
        cls.paths = {k: nets.write_json(os.path.join(cls.tmp, k + ".json"), v) for k, v in cls.nets.items()}
        cls.results = {}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def fifo(self, name, *extra, expect=0):
        """nnsim fifo on network `name`: (report, sized description path, stdout)."""
        key = (name,) + extra
        if key in self.results:
            return self.results[key]
        tag = name + "_".join(e.strip("-") for e in extra)
        out, rep = self.path(tag + "_sized.json"), self.path(tag + "_fifo.json")
        r = nets.run("fifo", "--net", self.paths[name], "-o", out, "--json", rep, *extra, check=False)
        self.assertEqual(r.returncode, expect, f"{name}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
        with open(rep) as f:
            report = json.load(f)
        self.results[key] = (report, out, r.stdout)
        return self.results[key]

    def sim(self, net_path, tag, samples=30):
        rep, out = self.path(tag + ".sim.json"), self.path(tag + ".dat")
        r = nets.run("sim", "--net", net_path, "--samples", str(samples), "--seed", "5", "--report", rep,
                     "--output", out, check=False)
        if r.returncode != 0:
            return r.returncode, None, None
        with open(rep) as f:
            report = json.load(f)
        with open(out) as f:
            return 0, report, f.read()

    # --- the rerun confirms the measured latency and II, which are the timing model's --------------

    def test_confirms_latency_and_ii(self):
        for name in ("skip", "skip_slow", "skip_dl", "chain", "reskip"):
            with self.subTest(name):
                rep, _, _ = self.fifo(name)
                self.assertTrue(rep["confirmed"], name)
                for run in ("measured", "after"):
                    self.assertTrue(rep[run]["completed"], name)
                    self.assertFalse(rep[run]["deadlocked"], name)
                    self.assertEqual(rep[run]["latency"], rep["model"]["latency"], f"{name} {run}")
                    self.assertEqual(rep[run]["ii"], rep["model"]["ii"], f"{name} {run}")
                self.assertEqual(rep["rounds"], [], name)  # the default sample count needs no retry
                for f in rep["fifos"]:  # one depth per tensor: the most any of its FIFOs needed, at least 2
                    same = [g["max_occupancy"] for g in rep["fifos"] if g["tensor"] == f["tensor"]]
                    self.assertEqual(f["sized"], max(2, *same), f["name"])

    def test_skip_figures(self):
        rep, _, _ = self.fifo("skip")
        sized = {f["name"]: f["sized"] for f in rep["fifos"]}
        # docs/timing.md: the model's needed is 2 for x -> relu and 14 for relu -> add.
        self.assertEqual(sized["fifo_x__branch_a"], 2)
        self.assertEqual(sized["fifo_branch_a__merge"], 14)
        self.assertEqual(rep["model"], {"latency": 24, "ii": 8})

    def test_analytical_agrees(self):
        for name in ("skip", "skip_slow", "skip_dl", "chain", "reskip"):
            with self.subTest(name):
                rep, _, out = self.fifo(name)
                self.assertTrue(rep["analytical_agrees"], rep["differences"])
                self.assertIn("same depth on every FIFO", out)
                for f in rep["fifos"]:
                    self.assertEqual(f["max_occupancy"], f["needed"], f["name"])
                ana, _, _ = self.fifo(name, "--analytical")
                self.assertEqual(ana["engine"], "analytical")
                self.assertTrue(ana["confirmed"])
                self.assertEqual([f["sized"] for f in ana["fifos"]], [f["sized"] for f in rep["fifos"]])
                self.assertEqual(ana["after"]["latency"], rep["after"]["latency"])
                self.assertEqual(ana["after"]["ii"], rep["after"]["ii"])

    # --- the sized description ---------------------------------------------------------------------

    def test_sized_file_simulates_the_same(self):
        for name in ("skip", "skip_slow", "chain", "reskip"):
            with self.subTest(name):
                rep, sized, _ = self.fifo(name)
                with open(sized) as f:
                    desc = json.load(f)
                depth = {f["tensor"]: f["sized"] for f in rep["fifos"]}
                written = {i["name"]: i.get("fifo_depth") for i in desc["inputs"]}
                written.update({layer["name"]: layer.get("fifo_depth") for layer in desc["layers"]})
                for tensor, d in depth.items():
                    self.assertEqual(written[tensor], d, tensor)
                rc0, rep0, out0 = self.sim(self.paths[name], name + "_orig")
                rc1, rep1, out1 = self.sim(sized, name + "_sized")
                self.assertEqual((rc0, rc1), (0, 0))
                self.assertEqual(out1, out0, f"{name}: the sized design's outputs differ")
                self.assertEqual(rep1["measured"]["latency_first_sample"], rep["model"]["latency"])
                self.assertEqual(rep1["measured"]["ii"], rep["model"]["ii"])

    def test_deadlock_is_sized_away(self):
        rc, _, _ = self.sim(self.paths["skip_dl"], "skip_dl_orig")
        self.assertEqual(rc, 3, "the undersized skip network should deadlock")
        rep, sized, out = self.fifo("skip_dl")
        self.assertTrue(rep["before"]["deadlocked"])
        self.assertIn("before: deadlock", out)
        self.assertTrue(rep["confirmed"])
        rc, rep1, _ = self.sim(sized, "skip_dl_sized")
        self.assertEqual(rc, 0)
        self.assertEqual(rep1["measured"]["ii"], 8)

    def test_slow_defaults_get_full_rate(self):
        rep, _, _ = self.fifo("skip_slow")
        self.assertGreater(rep["before"]["ii"], rep["model"]["ii"])  # hls4ml's defaults throttle it
        self.assertEqual(rep["after"]["ii"], rep["model"]["ii"])
        sized = {f["name"]: f for f in rep["fifos"]}
        self.assertEqual(sized["fifo_branch_a__merge"]["sized"], 27)
        self.assertGreater(sized["fifo_branch_a__merge"]["sized"], sized["fifo_branch_a__merge"]["default"])

    # --- against hls4ml's defaults ------------------------------------------------------------------

    def test_against_defaults(self):
        # Defaults at full rate: the sized total is not larger; single FIFOs may be (skip: relu's 8 -> 14
        # while x's 8 -> 2).
        for name in ("skip", "chain", "reskip"):
            with self.subTest(name):
                rep, _, _ = self.fifo(name)
                self.assertEqual(rep["before"]["ii"], rep["model"]["ii"])
                self.assertEqual(rep["before"]["latency"], rep["model"]["latency"])
                t = rep["totals"]
                self.assertLessEqual(t["after"]["bits"], t["default"]["bits"])
                self.assertLessEqual(t["after"]["lut"] + t["after"]["ff"], t["default"]["lut"] + t["default"]["ff"])
        skip, _, _ = self.fifo("skip")
        over = [f["name"] for f in skip["fifos"] if f["sized"] > f["default"]]
        self.assertEqual(over, ["fifo_branch_a__merge"])
        chain, _, _ = self.fifo("chain")
        self.assertEqual([f["name"] for f in chain["fifos"] if f["sized"] > f["default"]], [])
        # Oversized defaults: strictly less memory (bits, LUTs + FFs) after sizing.
        for name in ("chain", "reskip"):
            rep, _, _ = self.fifo(name)
            self.assertEqual([f["name"] for f in rep["fifos"] if f["sized"] > f["default"]], [], name)
            t = rep["totals"]
            self.assertLess(t["after"]["bits"], t["before"]["bits"], name)
            self.assertLess(t["after"]["lut"] + t["after"]["ff"], t["before"]["lut"] + t["before"]["ff"], name)

    def test_margin(self):
        rep, _, _ = self.fifo("skip", "--margin", "3")
        self.assertTrue(rep["confirmed"])
        for f in rep["fifos"]:
            self.assertGreaterEqual(f["sized"], f["max_occupancy"] + 3, f["name"])

    def test_short_measurement_is_grown(self):
        rep, _, out = self.fifo("skip_slow", "--samples", "2")
        self.assertTrue(rep["confirmed"])
        self.assertGreater(len(rep["rounds"]), 0)
        self.assertIn("round 1:", out)
        self.assertEqual(rep["after"]["ii"], rep["model"]["ii"])

    def test_measurement_does_not_grow_with_samples(self):
        # A bottleneck inside the network (dense at RF 16): a free-running source would pile samples into
        # the input FIFO; the paced measurement sizes it 2 whatever the number of samples.
        if not os.path.exists(nets.KERAS_3LAYER):
            self.skipTest("KERAS_3layer not found")
        depths = []
        for n in ("20", "80"):
            rep = self.path(f"k16_{n}.json")
            nets.run("fifo", "--net", nets.KERAS_3LAYER, "--io-type", "io_stream", "--reuse-factor", "16",
                     "--strategy", "Resource", "--samples", n, "--json", rep)
            with open(rep) as f:
                r = json.load(f)
            self.assertTrue(r["confirmed"])
            self.assertEqual((r["after"]["latency"], r["after"]["ii"]), (88, 16))
            depths.append([f["sized"] for f in r["fifos"]])
        self.assertEqual(depths[0], depths[1])
        self.assertEqual(set(depths[0]), {2})

    # --- verify and errors -------------------------------------------------------------------------

    def test_verify(self):
        os.makedirs(CACHE, exist_ok=True)
        out = self.path("skip_verified.json")
        r = nets.run("fifo", "--net", self.paths["skip"], "--verify", "-o", out, cwd=CACHE)
        self.assertRegex(r.stdout, r"verify: skip: \d+ samples, \d+ output words and \d+ handshake cycles identical")
        # The sized design under random back-pressure: RTL and model still agree on every handshake.
        r = nets.run("verify", "--net", out, "--samples", "20", "--input-ratio", "0.6", "--ready-ratio", "0.4",
                     "--stall-seed", "7", cwd=CACHE)
        self.assertIn("identical (RTL vs model)", r.stdout)

    def test_bad_input(self):
        cases = [("--margin", "-1"), ("--samples", "-3")]
        for extra in cases:
            r = nets.run("fifo", "--net", self.paths["skip"], *extra, check=False)
            self.assertEqual(r.returncode, 2, extra)
            self.assertTrue(r.stderr.startswith("nnsim: error: "), r.stderr)
        r = nets.run("fifo", "--net", self.path("missing.json"), check=False)
        self.assertEqual(r.returncode, 2)
        bad = json.loads(json.dumps(self.nets["skip"]))
        bad["layers"][0]["fifo_depth"] = 0
        path = nets.write_json(self.path("bad_depth.json"), bad)
        r = nets.run("fifo", "--net", path, check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("fifo_depth", r.stderr)


if __name__ == "__main__":
    unittest.main()
