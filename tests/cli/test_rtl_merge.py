"""Verilog for skip connections (add, fan-out, reshape) and multi-pixel io_stream tensors, checked by
`nnsim verify` against the SystemC model (every output word and handshake cycle identical), without and
with back-pressure, plus Verilator -Wall lint and Yosys synth_xilinx on the same designs. What the
generator cannot build yet is refused with one line and exit 2."""
import concurrent.futures
import os
import random
import re
import subprocess
import unittest

import nets
from test_rtl_checks import lint, synth

STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
SUCCESS = re.compile(r"^verify: (\S+): (\d+) samples, (\d+) output words and (\d+) handshake cycles identical",
                     re.M)
CACHE = os.environ.get("NNSIM_VERIFY_CACHE") or os.path.join(os.path.dirname(os.path.abspath(nets.NNSIM)),
                                                              "verify_cache")


def par_skip(name="skip_par", mixed=False):
    """x[8] -> fc -> relu; add(relu, x): fan-out of x to a layer and to the merge, io_parallel."""
    rng = random.Random(5)
    net = {"format": "nnsim-network", "name": name, "io_type": "io_parallel", "inputs": [{"name": "x", "shape": [8]}],
           "layers": [nets.dense_layer(rng, "fc", 8, 8, inputs=["x"]), {"name": "act", "kind": "relu", "inputs": ["fc"]},
                      {"name": "merge", "kind": "add", "inputs": ["act", "x"]}]}
    if mixed:  # an unsigned input aligned to more fraction bits, a narrow saturating sum
        net["layers"][1]["precision"] = "ufixed<10,4,RND,SAT>"
        net["layers"][2]["precision"] = "fixed<9,3,RND,SAT>"
    return net


def double_x():
    """add(x, x): one tensor read twice, so two FIFOs between the same two ends."""
    return {"format": "nnsim-network", "name": "double_x", "io_type": "io_parallel",
            "inputs": [{"name": "x", "shape": [6]}], "layers": [{"name": "twice", "kind": "add", "inputs": ["x", "x"]}]}


def pixel_net(kind, shape=(8, 4), seed=2):
    """One pixel-wise layer on a multi-pixel io_stream input: the core computes one pixel per beat."""
    rng = random.Random(seed)
    net = {"format": "nnsim-network", "name": "px_" + kind.replace(":", "_"), "io_type": "io_stream",
           "inputs": [{"name": "x", "shape": list(shape)}], "layers": []}
    c = shape[-1]
    if kind == "batchnorm":
        net["layers"].append({"name": "bn", "kind": "batchnorm", "epsilon": 0.001, "weights": {
            "gamma": nets._tensor(rng, [c], 0.5, 1.5), "beta": nets._tensor(rng, [c], -0.5, 0.5),
            "moving_mean": nets._tensor(rng, [c], -0.5, 0.5), "moving_variance": nets._tensor(rng, [c], 0.5, 2.0)}})
    elif kind.startswith("softmax"):
        net["layers"].append({"name": "act", "kind": "softmax", "implementation": kind.split(":")[1]})
    elif kind == "add":  # x -> relu; add(relu, x): fan-out and a merge, beat j of both inputs together
        net["layers"] += [{"name": "act", "kind": "relu", "inputs": ["x"]},
                          {"name": "merge", "kind": "add", "inputs": ["act", "x"]}]
    else:
        net["layers"].append({"name": "act", "kind": kind})
    return net


class RtlMerge(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_rtl_merge_"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs(CACHE, exist_ok=True)

    def write(self, net, tag):
        return nets.write_json(os.path.join(self.tmp, tag + ".json"), net)

    def verify(self, path, *args):
        r = subprocess.run([nets.NNSIM, "verify", "--net", path, "--samples", "40", "--seed", "3", *args],
                           capture_output=True, text=True, timeout=900, cwd=CACHE)
        return r.returncode, r.stdout + r.stderr

    def verify_all(self, paths):
        """Every network verifies without and with back-pressure (unstalled first: one build each)."""
        problems = []

        def one(job):
            path, stalls = job
            rc, out = self.verify(path, *stalls)
            m = SUCCESS.search(out)
            if rc != 0 or not m or int(m.group(2)) != 40:
                return f"{os.path.basename(path)} {' '.join(stalls)}: exit {rc}: {out.strip()}"
            return None

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            for stalls in ([], STALLS):
                problems += [p for p in ex.map(one, [(p, stalls) for p in paths]) if p]
        self.assertEqual(problems, [], "\n".join(problems))

    def lint_and_synth(self, path, tag, synthesize=True):
        d = os.path.join(self.tmp, "gen_" + tag)
        nets.run("gen", "--net", path, "-o", d)
        rc, out = lint(d)
        self.assertEqual((rc, out.strip()), (0, ""), out)
        if synthesize:
            rc, out = synth(d)
            self.assertEqual(rc, 0, out[-3000:])
        return d

    def test_add_io_parallel(self):
        paths = [self.write(par_skip(), "skip_par"), self.write(par_skip("skip_mix", mixed=True), "skip_mix"),
                 self.write(double_x(), "double_x")]
        self.verify_all(paths)
        self.lint_and_synth(paths[1], "skip_mix")
        d = self.lint_and_synth(paths[2], "double_x", synthesize=False)
        with open(os.path.join(d, "double_x_top.v")) as f:
            top = f.read()
        self.assertIn("fifo_x__twice_1", top)

    def test_reshape_io_parallel(self):
        net = nets.skip_net(io_type="io_parallel")
        paths = [self.write(net, "skipnet_par")]
        net = nets.skip_net(io_type="io_parallel")
        net["name"] = "skipnet_cast"  # the reshape back casts with rounding and saturation
        net["layers"][3]["precision"] = "ap_fixed<10,3,AP_RND,AP_SAT>"
        net["layers"][4]["precision"] = "fixed<9,3>"
        paths.append(self.write(net, "skipnet_cast"))
        self.verify_all(paths)
        self.lint_and_synth(paths[1], "skipnet_cast")

    def test_pixelwise_io_stream(self):
        paths = [self.write(pixel_net(k, shape), f"px_{k.replace(':', '_')}")
                 for k, shape in (("relu", (8, 4)), ("sigmoid", (4, 3)), ("softmax:stable", (8, 4)),
                                  ("batchnorm", (4, 3)), ("add", (8, 4)))]
        self.verify_all(paths)
        rc, out = self.verify(paths[3], "--reuse-factor", "2", *STALLS)  # II 2 per beat
        self.assertEqual(rc, 0, out)
        m = SUCCESS.search(out)
        self.assertEqual(int(m.group(4)), 2 * 40 * 4, out)  # every input and output beat's handshake
        d = self.lint_and_synth(paths[4], "px_add")
        with open(os.path.join(d, "px_add_top.v")) as f:
            top = f.read()
        self.assertIn("input wire [63:0] s0_axis_tdata", top)  # one pixel of 4 x 16 bits per beat
        self.assertIn("m0_axis_tlast = (m0_axis_beat == 3'b111)", top)

    def test_repack_io_stream(self):
        # The skip network under io_stream at hls4ml's default depths, and chains of reshapes between
        # pixel widths 4, 16, 8, 32 and 2 (the repack shell), plus a flatten into a dense layer.
        chain = {"format": "nnsim-network", "name": "chain", "io_type": "io_stream",
                 "inputs": [{"name": "x", "shape": [8, 4]}],
                 "layers": [{"name": "r1", "kind": "reshape", "target_shape": [2, 16]}, {"name": "a1", "kind": "relu"},
                            {"name": "r2", "kind": "reshape", "target_shape": [4, 8]},
                            {"name": "r3", "kind": "reshape", "target_shape": [32]}, {"name": "a2", "kind": "linear"},
                            {"name": "r4", "kind": "reshape", "target_shape": [16, 2]}, {"name": "a3", "kind": "relu"}]}
        flat = {"format": "nnsim-network", "name": "flat_dense", "io_type": "io_stream",
                "inputs": [{"name": "x", "shape": [4, 3]}],
                "layers": [{"name": "act", "kind": "relu"}, {"name": "f", "kind": "reshape", "target_shape": [12]},
                           nets.dense_layer(random.Random(2), "fc", 12, 5), {"name": "sm", "kind": "softmax"}]}
        paths = [self.write(nets.skip_net(io_type="io_stream"), "skipnet_stream"), self.write(chain, "chain"),
                 self.write(flat, "flat_dense")]
        self.verify_all(paths)
        d = self.lint_and_synth(paths[0], "skipnet_stream")
        with open(os.path.join(d, "skip_flatten.v")) as f:
            self.assertIn("repack shell", f.read())


if __name__ == "__main__":
    unittest.main()
