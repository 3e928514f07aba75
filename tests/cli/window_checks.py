"""Checks shared by the window-kind tests (test_conv.py, test_depthwise.py)."""
import json
import os
import random

import numpy as np

import nets
from refimpl import parse_precision


class WindowKindTest(nets.GridInputTest):
    """GridInputTest with the checks of a network of one window layer: values against numpy, and the
    simulation against run and the timing model."""

    def check_values(self, tag, path, x, xin, layer, precisions, fixed_of, exp_float):
        """For each precision string p: `nnsim run --precision p` on inputs `xin` (the values `x`) equals
        fixed_of(parse_precision(p)) bit for bit, and the float trace of `layer` is within 1e-6 of
        `exp_float`. Returns the number of cases checked."""
        for prec in precisions:
            t = parse_precision(prec)
            out, trace = self.path(tag + "_out.dat"), self.path(tag + "_trace")
            nets.run("run", "--net", path, "--input", xin, "--precision", prec, "--output", out, "--trace", trace)
            got = np.round(nets.read_dat(out) * 2.0 ** t.F).astype(np.int64)
            exp = fixed_of(t).reshape(len(x), -1)
            self.assertEqual(got.shape, exp.shape, tag)
            bad = np.argwhere(got != exp)
            self.assertEqual(len(bad), 0, f"{tag} {prec}: {len(bad)} values differ, first at "
                             f"{bad[:1].tolist()}: nnsim {got[tuple(bad[0])] if len(bad) else ''} "
                             f"numpy {exp[tuple(bad[0])] if len(bad) else ''}")
            fl = nets.read_dat(self.path(f"{tag}_trace/{layer}.float.dat"))
            err = np.max(np.abs(fl - exp_float.reshape(len(x), -1)))
            self.assertLess(err, 1e-6, f"{tag}: float evaluator off by {err}")
        return len(precisions)

    def check_sim_and_timing(self, tag, path, shape, k, s, strategy, rf, io):
        """`nnsim sim` output == `nnsim run` output, first-sample latency and II == `nnsim timing`, and the
        closed forms of docs/timing.md ("Windows") for a network of one window layer (input `shape`,
        kernel `k`, strides `s`)."""
        over = ["--strategy", strategy, "--reuse-factor", str(rf), "--io-type", io]
        ref = self.path(tag + "_ref.dat")
        nets.run("run", "--net", path, "--random-samples", "6", "--seed", "5", "--output", ref, *over)
        tm = nets.timing(path, *over)
        rep, out = self.path(tag + ".json"), self.path(tag + ".dat")
        nets.run("sim", "--net", path, "--samples", "6", "--seed", "5", "--report", rep, "--output", out, *over)
        with open(rep) as f:
            j = json.load(f)
        with open(out) as f, open(ref) as g:
            self.assertEqual(f.read(), g.read(), f"{tag}: sim output != run output")
        self.assertEqual(j["measured"]["latency_first_sample"], tm["latency"], tag)
        self.assertEqual(j["measured"]["ii"], tm["ii"], tag)
        ld = rf + (2 if strategy == "Resource" else 1)
        rank = len(shape) - 1
        h, w = (shape[0], shape[1]) if rank == 2 else (1, shape[0])
        kh, kw = (k[0], k[1]) if rank == 2 else (1, k[0])
        sh, sw = (s[0], s[1]) if rank == 2 else (1, s[0])
        oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
        if io == "io_stream":
            need_last = ((oh - 1) * sh + kh - 1) * w + (ow - 1) * sw + kw
            self.assertEqual(tm["latency"], (need_last - 1) * rf + ld + 2, tag)
            self.assertEqual(tm["ii"], max(h * w * rf, oh * ow), tag)
        else:
            self.assertEqual(tm["layers"][0]["ii"], oh * ow * rf, tag)
            self.assertEqual(tm["layers"][0]["latency"], (oh * ow - 1) * rf + ld, tag)

    def check_fused_batchnorm(self, make_net, in_shape, layer, kind, float_of):
        """`--fuse-batchnorm` folds a batchnorm over 3 channels into the window layer `layer` of kind
        `kind`: make_net(extra_layers) returns (net, kernel, bias); float_of(x, kernel, bias) is the
        layer's float output in numpy. The fused float trace equals conv-then-batchnorm within 1e-4
        (folded in float32), and the timing model sees one layer."""
        rng = random.Random(9)
        bn = {"name": "bn", "kind": "batchnorm", "epsilon": 0.001, "weights": {
            k: {"shape": [3], "data": nets.grid_values(rng, 3, lo, hi)} for k, lo, hi in
            (("gamma", 0.5, 1.5), ("beta", -0.5, 0.5), ("moving_mean", -0.5, 0.5), ("moving_variance", 0.5, 2.0))}}
        net, kern, b = make_net([bn])
        path = self.write("fuse", net)
        x, xin = self.inputs("fuse", in_shape, n=4)
        trace = self.path("fuse_trace")
        r = nets.run("run", "--net", path, "--input", xin, "--fuse-batchnorm", "--trace", trace)
        self.assertFalse(os.path.exists(os.path.join(trace, "bn.float.dat")), r.stdout)
        w = bn["weights"]
        g, be, mu, var = (np.array(w[k]["data"]) for k in ("gamma", "beta", "moving_mean", "moving_variance"))
        scale = g / np.sqrt(var + 0.001)
        exp = float_of(x, kern, b) * scale + (be - scale * mu)
        got = nets.read_dat(os.path.join(trace, layer + ".float.dat"))
        self.assertLess(np.max(np.abs(got - exp.reshape(len(x), -1))), 1e-4)
        tm = nets.timing(path, "--fuse-batchnorm")
        self.assertEqual([l["kind"] for l in tm["layers"]], [kind])

    def check_edit_error(self, base, layer, tag, edit, message):
        """The network `base` with edit(its first layer, the network) applied is refused by `nnsim run`
        with exit 2 and one line naming layer `layer` and containing `message`."""
        net = json.loads(json.dumps(base))
        edit(net["layers"][0], net)
        r = nets.run("run", "--net", self.write(tag, net), "--random-samples", "1", check=False)
        self.assertEqual(r.returncode, 2, tag + ": " + r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(f"(layer {layer})", lines[0])
        self.assertIn(message, lines[0])
