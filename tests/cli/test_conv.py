"""conv1d and conv2d through the whole flow:
  1. `nnsim run` bit-exact against an independent numpy reference (ref_conv.py) on random inputs, at
     fixed<16,6> and ap_fixed<10,4,RND,SAT>, kernels 1/2/3/5, strides 1/2, with and without bias; the
     float evaluator within 1e-6 of numpy float64;
  2. `nnsim sim` output == `nnsim run` output, first-sample latency and II == `nnsim timing` (and the
     closed form of docs/timing.md, "Windows"), io_stream and io_parallel, Latency and Resource;
  3. `nnsim verify` (RTL vs model, every word and handshake) over a covering grid, with and without
     back-pressure; lint and Yosys on one design of each io type;
  4. bad input: one-line errors naming the layer, exit 2;
  5. --fuse-batchnorm folds a following batchnorm into the conv;
  6. padding "same" as zero_padding2d + conv2d, against numpy and through verify.
Environment: NNSIM (binary), NNSIM_SHARED_DIR."""
import os
import random
import re
import unittest

import numpy as np

import nets
import ref_conv
from refimpl import parse_precision
from test_rtl_checks import lint, synth
import window_checks

PRECISIONS = ["fixed<16,6>", "ap_fixed<10,4,RND,SAT>"]
STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
SUCCESS = re.compile(r"^verify: \S+: \d+ samples, \d+ output words and \d+ handshake cycles identical", re.M)


def conv_net(kind, in_shape, filters, kernel, strides, bias=True, seed=1, extra=None):
    rng = random.Random(seed)
    kshape = list(kernel) + [in_shape[-1], filters]
    w = {"kernel": {"shape": kshape, "data": nets.grid_values(rng, int(np.prod(kshape)), -1, 1)}}
    if bias:
        w["bias"] = {"shape": [filters], "data": nets.grid_values(rng, filters, -0.5, 0.5)}
    layer = {"name": "conv", "kind": kind, "filters": filters, "kernel_size": list(kernel),
             "strides": list(strides), "weights": w}
    net = {"format": "nnsim-network", "name": f"t_{kind}", "inputs": [{"name": "x", "shape": list(in_shape)}],
           "layers": [layer] + (extra or [])}
    return net, np.array(w["kernel"]["data"]).reshape(kshape), (np.array(w["bias"]["data"]) if bias else None)


class ConvTest(window_checks.WindowKindTest):
    TMP_PREFIX = "nnsim_conv_"

    def test_1_bit_exact_and_float_vs_numpy(self):
        cases = 0
        for kind, in_shape in (("conv1d", [11, 3]), ("conv2d", [7, 6, 2])):
            for k in (1, 2, 3, 5):
                for s in (1, 2):
                    for bias in (True, False):
                        rank = len(in_shape) - 1
                        kernel, strides = [k] * rank, [s] * rank
                        if rank == 2 and k == 2:
                            kernel = [2, 3]          # a non-square window too
                        tag = f"{kind}_k{k}_s{s}_b{int(bias)}"
                        net, kern, b = conv_net(kind, in_shape, 3, kernel, strides, bias, seed=k * 10 + s)
                        path = self.write(tag, net)
                        x, xin = self.inputs(tag, in_shape)
                        exp_float = ref_conv.conv_float(x, kern, b, strides)
                        cases += self.check_values(tag, path, x, xin, "conv", PRECISIONS,
                                                   lambda t: ref_conv.conv_fixed(x, kern, b, strides, t, t, t, t, t),
                                                   exp_float)
        self.assertEqual(cases, 2 * 4 * 2 * 2 * 2)

    def test_2_sim_matches_run_and_timing(self):
        points = [("conv2d", [6, 6, 2], [3, 3], [1, 1], "Latency", 1, "io_stream"),
                  ("conv2d", [8, 5, 3], [2, 3], [2, 2], "Resource", 2, "io_stream"),
                  ("conv1d", [12, 2], [3], [2], "Latency", 3, "io_stream"),
                  ("conv2d", [6, 6, 2], [1, 1], [2, 2], "Resource", 1, "io_stream"),
                  ("conv2d", [6, 6, 2], [3, 3], [2, 2], "Latency", 2, "io_parallel"),
                  ("conv1d", [9, 3], [5], [1], "Resource", 3, "io_parallel")]
        for i, (kind, shape, k, s, strategy, rf, io) in enumerate(points):
            tag = f"sim{i}"
            path = self.write(tag, conv_net(kind, shape, 2, k, s)[0])
            self.check_sim_and_timing(tag, path, shape, k, s, strategy, rf, io)

    def test_3_verify_grid(self):
        cache = os.path.join(self.tmp, "verify_cache")
        os.makedirs(cache, exist_ok=True)
        narrow = PRECISIONS[1]
        # (kind, shape, kernel, strides, bias, strategy, rf, precision, io): kernels 1/2/3/5, strides
        # 1/2, both strategies, two reuse factors, both precisions, both io types.
        grid = [("conv2d", [6, 6, 2], [3, 3], [1, 1], True, "Latency", 1, "fixed<16,6>", "io_stream"),
                ("conv2d", [8, 5, 3], [2, 3], [2, 2], False, "Resource", 2, narrow, "io_stream"),
                ("conv2d", [6, 6, 2], [5, 5], [1, 1], True, "Resource", 1, "fixed<16,6>", "io_stream"),
                ("conv2d", [8, 5, 3], [1, 1], [2, 1], True, "Latency", 3, narrow, "io_stream"),
                ("conv1d", [12, 2], [3], [2], True, "Resource", 2, "fixed<16,6>", "io_stream"),
                ("conv1d", [9, 3], [5], [1], False, "Latency", 3, narrow, "io_stream"),
                ("conv1d", [8, 2], [2], [1], True, "Latency", 1, "fixed<16,6>", "io_stream"),
                ("conv2d", [6, 6, 2], [3, 3], [2, 2], True, "Latency", 2, narrow, "io_parallel"),
                ("conv1d", [9, 2], [2], [2], True, "Resource", 1, "fixed<16,6>", "io_parallel")]
        problems, designs = [], []
        for i, (kind, shape, k, s, bias, strategy, rf, prec, io) in enumerate(grid):
            path = os.path.abspath(self.write(f"v{i}", conv_net(kind, shape, 2, k, s, bias, seed=i)[0]))
            over = ["--strategy", strategy, "--reuse-factor", str(rf), "--precision", prec, "--io-type", io]
            for stalled in (False, True):
                args = ["verify", "--net", path, "--samples", "6", *over] + (STALLS if stalled else [])
                r = nets.run(*args, check=False, cwd=cache)
                if r.returncode != 0 or not SUCCESS.search(r.stdout):
                    problems.append(f"{i} {kind} {shape} k{k} s{s} {strategy} RF{rf} {prec} {io} stalls={stalled}: "
                                    f"exit {r.returncode}: {r.stdout[-400:]} {r.stderr[-400:]}")
            designs.append((path, over))
        self.assertEqual(problems, [], "\n".join(problems))
        # Lint and Yosys on one design of each io type.
        for j in (1, 7):
            path, over = designs[j]
            out = os.path.join(self.tmp, f"gen{j}")
            nets.run("gen", "--net", path, "-o", out, *over)
            rc, log = lint(out)
            self.assertEqual(rc, 0, log[-2000:])
            rc, log = synth(out)
            self.assertEqual(rc, 0, log[-2000:])

    def test_4_errors(self):
        base = conv_net("conv2d", [8, 5, 3], 2, [2, 3], [2, 2])[0]

        def case(tag, edit, message):
            self.check_edit_error(base, "conv", tag, edit, message)

        case("e_stride0", lambda l, n: l.update(strides=[0, 1]), "parameter 'strides' must hold integers in [1,")
        case("e_big", lambda l, n: l.update(kernel_size=[9, 3]), "kernel_size [9,3] is larger than input [8,5,3]")
        case("e_kshape", lambda l, n: l["weights"]["kernel"].update(shape=[3, 2, 3, 2]),
             "kernel has shape [3,2,3,2], expected [2,3,3,2]")
        case("e_rank", lambda l, n: n["inputs"][0].update(shape=[40, 3]),
             "conv2d expects an input of shape [H, W, C], got [40,3]")
        case("e_ksize", lambda l, n: l.update(kernel_size=[2]), "kernel_size and strides must have 2 entries")
        case("e_rank1d", lambda l, n: l.update(kind="conv1d", kernel_size=[2], strides=[1]),
             "conv1d expects an input of shape [W, C], got [8,5,3]")
        case("e_filters", lambda l, n: l.update(filters=0), "parameter 'filters' must be in [1,")

    def test_5_fuse_batchnorm(self):
        self.check_fused_batchnorm(lambda extra: conv_net("conv2d", [6, 5, 2], 3, [3, 2], [1, 1], extra=extra),
                                   [6, 5, 2], "conv", "conv2d",
                                   lambda x, kern, b: ref_conv.conv_float(x, kern, b, [1, 1]))

    def test_6_same_padding_chain(self):
        # Keras padding="same" as nnsim writes it: zero_padding2d, then a valid conv2d (and a relu), under
        # io_stream: numpy on the padded input, and the RTL against the model with back-pressure.
        net, kern, b = conv_net("conv2d", [6, 6, 2], 3, [3, 3], [1, 1], seed=4)
        net["layers"].insert(0, {"name": "pad", "kind": "zero_padding2d", "padding": [1, 1, 1, 1]})
        net["io_type"] = "io_stream"
        path = os.path.abspath(self.write("same", net))
        x, xin = self.inputs("same", [6, 6, 2], n=6)
        t = parse_precision("fixed<16,6>")
        out = os.path.join(self.tmp, "same_out.dat")
        nets.run("run", "--net", path, "--input", xin, "--output", out)
        xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
        exp = ref_conv.conv_fixed(xp, kern, b, [1, 1], t, t, t, t, t).reshape(len(x), -1)
        self.assertTrue(np.array_equal(np.round(nets.read_dat(out) * 2.0 ** t.F).astype(np.int64), exp))
        cache = os.path.join(self.tmp, "verify_cache")
        os.makedirs(cache, exist_ok=True)
        r = nets.run("verify", "--net", path, "--samples", "5", "--reuse-factor", "2", *STALLS, check=False, cwd=cache)
        self.assertTrue(r.returncode == 0 and SUCCESS.search(r.stdout), r.stdout[-500:] + r.stderr[-500:])


if __name__ == "__main__":
    unittest.main()
