"""Resource estimates against Yosys (docs/resources.md):
  - on a sample of calibration-style points, `nnsim synth` reports DSP48E1 and BRAM18 estimates equal to
    Yosys's counts, and LUT and FF estimates within the published tolerance (30 % per network total);
  - the 70 %-pruned KERAS_3layer needs fewer multipliers than the dense one, in the estimate (whole
    network) and in synthesis (its first layer, first 8 outputs, RF 1: a slice keeps Yosys fast), and
    the dense slice's sums cost about one LUT per adder bit (carry chains, not carry-save trees);
  - KERAS_3layer at RF 16 (Resource) synthesizes with per-layer DSP/BRAM18 equal to the estimate;
  - `nnsim sim` reports the same estimates per layer and in total, and the part's utilisation;
  - a design that exceeds a small part is flagged with the resource and its percentage;
  - an unknown part is one line on stderr and exit code 2 (timing, synth and sim);
  - a full part string finds its part by prefix."""
import concurrent.futures
import json
import os
import shutil
import tempfile
import unittest

import nets

WEIGHTS_PRUNED = os.path.join(nets.SHARED, "external_models", "keras", "KERAS_3layer_70pruned_retrained_weights.h5")
TOLERANCE = 0.30  # LUT/FF, per network total (the calibration grid's 90th percentile is below this)


def synth(net, out_json, *overrides):
    nets.run("synth", "--net", net, "--json", out_json, *overrides)
    with open(out_json) as f:
        return json.load(f)


class Resources(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_res_")
        r = nets.run("synth", "--help", check=False)
        if r.returncode != 0:
            raise AssertionError("`nnsim synth` is not registered in tools/nnsim/main.cpp:\n" + r.stdout + r.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def test_sample_points_against_yosys(self):
        points = []
        for kind, overrides in [("dense", ["--precision", "fixed<8,3>", "--strategy", "Resource", "--reuse-factor", "4"]),
                                ("sigmoid", []),
                                ("softmax:stable", ["--precision", "fixed<12,4,RND,SAT>", "--reuse-factor", "2"])]:
            net = nets.write_json(self.path(kind.replace(":", "_") + ".json"), nets.kind_net(kind, seed=5))
            points.append((net, self.path(kind.replace(":", "_") + ".synth.json"), overrides))
        with concurrent.futures.ThreadPoolExecutor(2) as ex:
            results = list(ex.map(lambda p: (p, synth(p[0], p[1], *p[2])), points))
        problems = []
        for (net, _, ov), j in results:
            e, y = j["total"]["estimate"], j["total"]["yosys"]
            for res in ("dsp", "bram18"):
                if round(e[res]) != round(y[res]):
                    problems.append(f"{net} {ov}: {res} estimate {e[res]} != yosys {y[res]}")
                for layer in j["layers"]:
                    if round(layer["estimate"][res]) != round(layer["yosys"][res]):
                        problems.append(f"{net} {ov} layer {layer['name']}: {res} {layer['estimate'][res]} != "
                                        f"{layer['yosys'][res]}")
            for res in ("lut", "ff"):
                err = abs(e[res] - y[res]) / y[res]
                if err > TOLERANCE:
                    problems.append(f"{net} {ov}: {res} estimate {e[res]:.0f} vs yosys {y[res]:.0f} ({err:.0%})")
        self.assertEqual(problems, [], "\n".join(problems))
        # The sigmoid's tables are block RAMs: one 18 Kb block per element.
        sig = [j for (net, _, _), j in results if "sigmoid" in net][0]
        self.assertEqual(sig["total"]["yosys"]["bram18"], 6)

    def test_pruned_needs_fewer_multipliers(self):
        # Estimate: the whole network at RF 1.
        dense_t = nets.timing(nets.KERAS_3LAYER)
        pruned_json = self.path("k3_pruned.json")
        nets.run("import", "--net", nets.KERAS_3LAYER, "--weights", WEIGHTS_PRUNED, "-o", pruned_json,
                 "--inline-weights")
        pruned_t = nets.timing(pruned_json)
        dsp_dense = dense_t["resources"]["total"]["dsp"]
        dsp_pruned = pruned_t["resources"]["total"]["dsp"]
        self.assertLess(dsp_pruned, 0.6 * dsp_dense, (dsp_pruned, dsp_dense))
        # Synthesis: the first layer's first 8 outputs, dense and pruned weights.
        dense_json = self.path("k3_dense.json")
        nets.run("import", "--net", nets.KERAS_3LAYER, "-o", dense_json, "--inline-weights")

        def slice_first_layer(src, dst):
            with open(src) as f:
                net = json.load(f)
            fc = net["layers"][0]
            n_in, n_out = fc["weights"]["kernel"]["shape"]
            k = fc["weights"]["kernel"]["data"]
            fc["n_out"] = 8
            fc["weights"]["kernel"] = {"shape": [n_in, 8], "data": [k[i * n_out + j] for i in range(n_in) for j in range(8)]}
            fc["weights"]["bias"] = {"shape": [8], "data": fc["weights"]["bias"]["data"][:8]}
            net["layers"] = [fc]
            net["outputs"] = [fc["name"]]
            return nets.write_json(dst, net)

        a = slice_first_layer(dense_json, self.path("slice_dense.json"))
        b = slice_first_layer(pruned_json, self.path("slice_pruned.json"))
        with concurrent.futures.ThreadPoolExecutor(2) as ex:
            ja, jb = ex.map(lambda p: synth(p, p + ".synth.json"), [a, b])
        for j in (ja, jb):
            self.assertEqual(j["total"]["estimate"]["dsp"], j["total"]["yosys"]["dsp"], j["total"])
        self.assertLess(jb["total"]["yosys"]["dsp"], ja["total"]["yosys"]["dsp"])
        self.assertLess(jb["total"]["estimate"]["dsp"], ja["total"]["estimate"]["dsp"])
        # RF 1 with a wrapping 16-bit accumulator: each output's 16 products and its accumulator are summed
        # by a tree of carry-chain adders, about one LUT per adder bit (8 x 16 adders x 16 bits = 2,048).
        # The same sums merged into carry-save trees took about twice as many.
        dense_layer_luts = [l["yosys"]["lut"] for l in ja["layers"] if l["kind"] == "dense"][0]
        self.assertLess(dense_layer_luts, 1.25 * 8 * 16 * 16, ja["layers"])

    def test_over_capacity_is_flagged(self):
        out = self.path("k3_z020.json")
        r = nets.run("timing", "--net", nets.KERAS_3LAYER, "--part", "xc7z020", "--json", out)
        with open(out) as f:
            j = json.load(f)
        self.assertIn("DSP", j["utilisation"]["over_capacity"])
        self.assertGreater(j["utilisation"]["percent"]["dsp"], 100)
        self.assertIn("over capacity: DSP", r.stdout)
        # A part that is large enough flags nothing.
        out = self.path("k3_vu13p.json")
        nets.run("timing", "--net", nets.KERAS_3LAYER, "--part", "xcvu13p-flga2577-2-e", "--reuse-factor", "4",
                 "--json", out)
        with open(out) as f:
            j = json.load(f)
        self.assertEqual(j["utilisation"]["part"], "xcvu13p")
        self.assertEqual(j["utilisation"]["over_capacity"], [])

    def test_sim_report_carries_the_estimates(self):
        report, tjson = self.path("sim_report.json"), self.path("sim_timing.json")
        r = nets.run("sim", "--net", nets.KERAS_3LAYER, "--samples", "5", "--part", "xc7z020", "--report", report)
        nets.run("timing", "--net", nets.KERAS_3LAYER, "--json", tjson)
        with open(report) as f:
            sim = json.load(f)
        with open(tjson) as f:
            timing = json.load(f)
        self.assertEqual(sim["resources"], timing["resources"])
        for ls, lt in zip(sim["layers"], timing["layers"]):
            self.assertEqual(ls["resources"], lt["resources"], ls["name"])
        self.assertIn("DSP", sim["utilisation"]["over_capacity"])
        self.assertIn("total (estimate)", r.stdout)
        self.assertIn("over capacity: DSP", r.stdout)

    def test_keras_3layer_rf16_synthesis(self):
        # The whole network at RF 16 (Resource), synthesized: the side-by-side table, DSP and BRAM18
        # exact per layer, LUT and FF within the tolerance on the total.
        out = self.path("k3_rf16.synth.json")
        r = nets.run("synth", "--net", nets.KERAS_3LAYER, "--strategy", "Resource", "--reuse-factor", "16",
                     "--part", "xcku115", "--json", out)
        self.assertIn("DSP est/yosys", r.stdout)
        self.assertIn("total", r.stdout)
        with open(out) as f:
            j = json.load(f)
        for layer in j["layers"] + [dict(j["total"], name="total")]:
            for res in ("dsp", "bram18"):
                self.assertEqual(round(layer["estimate"][res]), round(layer["yosys"][res]), (layer["name"], res))
        for res in ("lut", "ff"):
            e, y = j["total"]["estimate"][res], j["total"]["yosys"][res]
            self.assertLess(abs(e - y) / y, TOLERANCE, (res, e, y))
        self.assertEqual(j["utilisation"]["yosys"]["over_capacity"], [])

    def test_part_lookup(self):
        for part, name in [("xcku115-flvb2104-2-i", "xcku115"), ("XC7Z020CLG400-1", "xc7z020"), ("xcu250", "xcu250")]:
            out = self.path(name + ".json")
            nets.run("timing", "--net", nets.KERAS_3LAYER, "--part", part, "--json", out)
            with open(out) as f:
                self.assertEqual(json.load(f)["utilisation"]["part"], name)

    def test_unknown_part(self):
        for cmd in ("timing", "synth", "sim"):
            r = nets.run(cmd, "--net", nets.KERAS_3LAYER, "--part", "xc9nothing", check=False)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            lines = r.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn("unknown part 'xc9nothing'", lines[0])
            self.assertIn("xcu250", lines[0])


if __name__ == "__main__":
    unittest.main()
