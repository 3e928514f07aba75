"""depthwise_conv1d and depthwise_conv2d through the whole flow:
  1. `nnsim run` bit-exact against an independent numpy reference (ref_depthwise.py) on random inputs,
     at fixed<16,6> and ap_fixed<10,4,RND,SAT>, kernels 1/3 (and a non-square one), strides 1/2, with
     and without bias, depth multiplier 1 (the only one hls4ml implements); the float evaluator within
     1e-6 of numpy float64;
  2. `nnsim sim` output == `nnsim run` output, first-sample latency and II == `nnsim timing` (and the
     closed forms of docs/timing.md, "Windows"), io_stream and io_parallel, Latency and Resource;
     valid reuse factors (hls4ml's rule on (K*C, C)) and the window core's multiplier count;
  3. `nnsim verify` (RTL vs model, every word and handshake) over a small grid and a separable
     block (zero_padding2d, depthwise, 1x1 conv2d), with and without back-pressure; lint and Yosys on
     one design;
  4. bad input: one-line errors naming the layer, exit 2;
  5. --fuse-batchnorm folds a following batchnorm into the depthwise layer.
Environment: NNSIM (binary), NNSIM_SHARED_DIR."""
import glob
import os
import random
import re
import unittest

import numpy as np

import nets
import ref_depthwise
from test_rtl_checks import lint, synth
import window_checks

PRECISIONS = ["fixed<16,6>", "ap_fixed<10,4,RND,SAT>"]
STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
SUCCESS = re.compile(r"^verify: \S+: \d+ samples, \d+ output words and \d+ handshake cycles identical", re.M)


def dw_net(kind, in_shape, kernel, strides, bias=True, seed=1, extra=None, mult=1):
    rng = random.Random(seed)
    chans = in_shape[-1]
    kshape = list(kernel) + [chans, mult]
    w = {"kernel": {"shape": kshape, "data": nets.grid_values(rng, int(np.prod(kshape)), -1, 1)}}
    if bias:
        w["bias"] = {"shape": [chans * mult], "data": nets.grid_values(rng, chans * mult, -0.5, 0.5)}
    layer = {"name": "dw", "kind": kind, "kernel_size": list(kernel), "strides": list(strides), "weights": w}
    if mult != 1:
        layer["depth_multiplier"] = mult
    net = {"format": "nnsim-network", "name": f"t_{kind}", "inputs": [{"name": "x", "shape": list(in_shape)}],
           "layers": [layer] + (extra or [])}
    return net, np.array(w["kernel"]["data"]).reshape(kshape), (np.array(w["bias"]["data"]) if bias else None)


class DepthwiseTest(window_checks.WindowKindTest):
    TMP_PREFIX = "nnsim_dw_"

    def test_1_bit_exact_and_float_vs_numpy(self):
        cases = 0
        for kind, in_shape in (("depthwise_conv1d", [11, 3]), ("depthwise_conv2d", [7, 6, 4])):
            rank = len(in_shape) - 1
            kernels = [[1] * rank, [3] * rank] + ([[3, 2]] if rank == 2 else [])
            for kernel in kernels:
                for s in (1, 2):
                    for bias in (True, False):
                        strides = [s] * rank
                        tag = f"{kind}_k{'x'.join(map(str, kernel))}_s{s}_b{int(bias)}"
                        net, kern, b = dw_net(kind, in_shape, kernel, strides, bias, seed=sum(kernel) * 10 + s)
                        path = self.write(tag, net)
                        x, xin = self.inputs(tag, in_shape)
                        exp_float = ref_depthwise.depthwise_float(x, kern, b, strides)
                        cases += self.check_values(tag, path, x, xin, "dw", PRECISIONS,
                                                   lambda t: ref_depthwise.depthwise_fixed(x, kern, b, strides, t, t, t, t, t),
                                                   exp_float)
        self.assertEqual(cases, (2 + 3) * 2 * 2 * 2)

    def test_2_sim_matches_run_and_timing(self):
        points = [("depthwise_conv2d", [6, 6, 2], [3, 3], [1, 1], "Latency", 1, "io_stream"),
                  ("depthwise_conv2d", [8, 5, 3], [3, 3], [2, 2], "Resource", 3, "io_stream"),
                  ("depthwise_conv1d", [12, 2], [3], [2], "Latency", 2, "io_stream"),
                  ("depthwise_conv2d", [6, 6, 2], [1, 1], [2, 2], "Resource", 1, "io_stream"),
                  ("depthwise_conv2d", [6, 6, 2], [3, 3], [2, 2], "Latency", 2, "io_parallel"),
                  ("depthwise_conv1d", [9, 3], [3], [1], "Resource", 3, "io_parallel")]
        for i, (kind, shape, k, s, strategy, rf, io) in enumerate(points):
            tag = f"sim{i}"
            path = self.write(tag, dw_net(kind, shape, k, s)[0])
            self.check_sim_and_timing(tag, path, shape, k, s, strategy, rf, io)

    def test_2a_sim_matches_run_rounding_accumulator(self):
        # A wrapping, rounding accum_t (the evaluator's deferred-wrap path in sim) and a saturating one.
        for i, prec in enumerate(("ap_fixed<12,5,RND>", "ap_fixed<12,5,RND,SAT>", "ufixed<12,4>")):
            path = self.write(f"simr{i}", dw_net("depthwise_conv2d", [6, 5, 3], [3, 2], [1, 2], seed=20 + i)[0])
            over = ["--precision", prec, "--io-type", "io_stream"]
            ref, out = os.path.join(self.tmp, f"simr{i}_ref.dat"), os.path.join(self.tmp, f"simr{i}.dat")
            nets.run("run", "--net", path, "--random-samples", "5", "--seed", "2", "--output", ref, *over)
            nets.run("sim", "--net", path, "--samples", "5", "--seed", "2", "--output", out, *over)
            with open(out) as f, open(ref) as g:
                self.assertEqual(f.read(), g.read(), prec)

    def test_2b_reuse_factors_and_multipliers(self):
        # hls4ml validates with (n_in, n_out) = (K*C, C); nnsim keeps those up to K*C products.
        path = self.write("rf", dw_net("depthwise_conv2d", [6, 6, 4], [3, 3], [1, 1])[0])
        tm = nets.timing(path)
        n_in, n_out = 9 * 4, 4
        exp = [rf for rf in range(1, n_in + 1)
               if ((-(-(n_in * n_out) // min(n_in, rf))) % n_out == 0 or rf >= n_in)
               and (rf % n_in == 0 or rf < n_in) and (n_in * n_out) % rf == 0]
        self.assertEqual(tm["layers"][0]["valid_reuse_factors"], exp)
        # The window core has ceil(K*C / RF) multipliers: the per-channel products only.
        for rf in (1, 4):
            out = os.path.join(self.tmp, f"rf_gen{rf}")
            nets.run("gen", "--net", path, "-o", out, "--reuse-factor", str(rf), "--io-type", "io_stream")
            text = ""
            for v in glob.glob(os.path.join(out, "*.v")):
                with open(v) as f:
                    text += f.read()
            self.assertIn(f"36 per-channel products -> 4 channels, Latency, RF {rf}, {36 // rf} multipliers", text)
        # Under Resource a reuse factor outside the list becomes the closest valid one, as in hls4ml.
        r = nets.run("timing", "--net", path, "--strategy", "Resource", "--reuse-factor", "5")
        self.assertIn("layer dw: reuse factor 5 is not valid under Resource; using 4", r.stderr)

    def test_3_verify_grid(self):
        cache = os.path.join(self.tmp, "verify_cache")
        os.makedirs(cache, exist_ok=True)
        narrow = PRECISIONS[1]
        # (kind, shape, kernel, strides, bias, strategy, rf, precision, io)
        grid = [("depthwise_conv2d", [6, 6, 2], [3, 3], [1, 1], True, "Latency", 1, "fixed<16,6>", "io_stream"),
                ("depthwise_conv2d", [7, 5, 3], [3, 3], [2, 2], False, "Resource", 3, narrow, "io_stream"),
                ("depthwise_conv1d", [10, 2], [3], [2], True, "Latency", 2, narrow, "io_stream"),
                ("depthwise_conv2d", [5, 5, 2], [1, 1], [2, 1], True, "Latency", 1, "fixed<16,6>", "io_stream"),
                ("depthwise_conv2d", [5, 4, 2], [3, 3], [1, 1], True, "Latency", 2, narrow, "io_parallel"),
                ("depthwise_conv1d", [9, 3], [3], [1], False, "Resource", 3, "fixed<16,6>", "io_parallel")]
        problems, designs = [], []
        for i, (kind, shape, k, s, bias, strategy, rf, prec, io) in enumerate(grid):
            path = os.path.abspath(self.write(f"v{i}", dw_net(kind, shape, k, s, bias, seed=i)[0]))
            over = ["--strategy", strategy, "--reuse-factor", str(rf), "--precision", prec, "--io-type", io]
            for stalled in (False, True):
                args = ["verify", "--net", path, "--samples", "6", *over] + (STALLS if stalled else [])
                r = nets.run(*args, check=False, cwd=cache)
                if r.returncode != 0 or not SUCCESS.search(r.stdout):
                    problems.append(f"{i} {kind} {shape} k{k} s{s} {strategy} RF{rf} {prec} {io} stalls={stalled}: "
                                    f"exit {r.returncode}: {r.stdout[-400:]} {r.stderr[-400:]}")
            designs.append((path, over))
        # A separable convolution as the Keras importer writes it: same padding, depthwise, 1x1 conv.
        rng = random.Random(11)
        net = dw_net("depthwise_conv2d", [5, 6, 3], [3, 3], [1, 1], seed=12)[0]
        net["layers"] = [{"name": "pad", "kind": "zero_padding2d", "padding": [1, 1, 1, 1]}] + net["layers"] + [
            {"name": "pw", "kind": "conv2d", "filters": 4, "kernel_size": [1, 1],
             "weights": {"kernel": {"shape": [1, 1, 3, 4], "data": nets.grid_values(rng, 12, -1, 1)}}}]
        path = os.path.abspath(self.write("sep", net))
        for stalled in (False, True):
            args = ["verify", "--net", path, "--samples", "4", "--precision", narrow, "--io-type", "io_stream"]
            r = nets.run(*(args + (STALLS if stalled else [])), check=False, cwd=cache)
            if r.returncode != 0 or not SUCCESS.search(r.stdout):
                problems.append(f"separable stalls={stalled}: exit {r.returncode}: {r.stdout[-400:]} {r.stderr[-400:]}")
        self.assertEqual(problems, [], "\n".join(problems))
        # Lint and Yosys on one design.
        path, over = designs[1]
        out = os.path.join(self.tmp, "gen1")
        nets.run("gen", "--net", path, "-o", out, *over)
        rc, log = lint(out)
        self.assertEqual(rc, 0, log[-2000:])
        rc, log = synth(out)
        self.assertEqual(rc, 0, log[-2000:])

    def test_4_errors(self):
        base = dw_net("depthwise_conv2d", [8, 5, 3], [2, 3], [2, 2])[0]

        def case(tag, edit, message):
            self.check_edit_error(base, "dw", tag, edit, message)

        case("e_stride0", lambda l, n: l.update(strides=[0, 1]), "parameter 'strides' must hold integers in [1,")
        case("e_big", lambda l, n: l.update(kernel_size=[9, 3]), "kernel_size [9,3] is larger than input [8,5,3]")
        case("e_big1d", lambda l, n: (l.update(kind="depthwise_conv1d", kernel_size=[6], strides=[1]),
                                      n["inputs"][0].update(shape=[5, 3])),
             "kernel_size [6] is larger than input [5,3]")
        case("e_kshape", lambda l, n: l["weights"]["kernel"].update(shape=[3, 2, 3, 1]),
             "kernel has shape [3,2,3,1], expected [2,3,3,1]")
        case("e_kshape_f", lambda l, n: l["weights"]["kernel"].update(shape=[2, 3, 1, 3]),
             "kernel has shape [2,3,1,3], expected [2,3,3,1]")
        case("e_bias", lambda l, n: l["weights"]["bias"].update(shape=[1, 3]), "bias has shape [1,3], expected [3]")
        case("e_mult", lambda l, n: l.update(depth_multiplier=2),
             "depth_multiplier 2 is not supported (hls4ml's depthwise kernels implement depth_multiplier 1 only)")
        case("e_mult0", lambda l, n: l.update(depth_multiplier=0), "parameter 'depth_multiplier' must be in [1,")
        case("e_rank", lambda l, n: n["inputs"][0].update(shape=[40, 3]),
             "depthwise_conv2d expects an input of shape [H, W, C], got [40,3]")
        case("e_ksize", lambda l, n: l.update(kernel_size=[2]), "kernel_size and strides must have 2 entries")
        case("e_nokernel", lambda l, n: l.pop("kernel_size"),
             "kernel_size")

    def test_5_fuse_batchnorm(self):
        self.check_fused_batchnorm(lambda extra: dw_net("depthwise_conv2d", [6, 5, 3], [3, 2], [1, 1], extra=extra),
                                   [6, 5, 3], "dw", "depthwise_conv2d",
                                   lambda x, kern, b: ref_depthwise.depthwise_float(x, kern, b, [1, 1]))


if __name__ == "__main__":
    unittest.main()
