"""Pooling kinds (pooling1d, pooling2d, global_pooling1d, global_pooling2d) through every part of nnsim:
  1. `nnsim run` bit for bit against the numpy reference tests/cli/ref_pool.py at fixed<16,6> and
     ap_fixed<10,4,AP_RND,AP_SAT> (max and average, pool sizes 2 and 3, strides 1, 2 and 3, 1D and 2D,
     global), plus narrow accumulators that wrap and saturate (the overflow counts agree too); the
     float trace within 1e-6 of float64 numpy;
  2. `nnsim sim` writes what `nnsim run` writes; its measured first-sample latency and II equal the
     timing model (`nnsim timing`) and the closed form of docs/timing.md (last needed beat + L + 1);
     with back-pressure the outputs are unchanged;
  3. `nnsim verify` (Verilator against the model) on a small covering grid, without and with
     back-pressure (--input-ratio 0.6 --ready-ratio 0.4 --stall-seed 7);
  4. one design through `verilator --lint-only -Wall` and Yosys synth_xilinx + check -assert;
  5. bad input (pool larger than the input, stride 0, unknown op or padding, wrong rank, wrong
     pool_size length) ends with exit 2 and one error line.
  6. Keras import of Max/AveragePooling1D/2D and GlobalMax/AveragePooling1D/2D gives the same outputs
     as the hand-written description (and the imported description reads back); channels_first and
     keepdims are rejected.
"same" padding (Keras: max ignores the pad, average divides by the real pixels) is covered by 1-3.
Run with Debian's python: /usr/bin/python3 tests/cli/test_pooling.py (needs numpy).
Environment: NNSIM (nnsim binary); NNSIM_KEEP_TMP=1 keeps the temp folder."""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refimpl as R  # noqa: E402
import ref_pool as RP  # noqa: E402
from test_rtl_checks import lint, synth  # noqa: E402

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NNSIM = os.environ.get("NNSIM") or os.path.join(SOURCE_DIR, "build", "nnsim")
STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
P16 = "fixed<16,6>"
PRS = "ap_fixed<10,4,AP_RND,AP_SAT>"
N_SAMPLES = 60
FLOAT_TOL = 1e-6


def nnsim(*args, check=True):
    r = subprocess.run([NNSIM, *args], capture_output=True, text=True, timeout=900)
    if check and r.returncode != 0:
        raise AssertionError(f"nnsim {' '.join(args)} exited {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def pool_layer(kind, op, pool=None, stride=None, name="pool", **extra):
    layer = {"name": name, "kind": kind, "op": op}
    if pool is not None:
        layer["pool_size"] = list(pool)
    if stride is not None:
        layer["strides"] = list(stride)
    layer.update(extra)
    return layer


def network(name, shape, layers, io="io_parallel"):
    return {"format": "nnsim-network", "name": name, "io_type": io, "inputs": [{"name": "x", "shape": list(shape)}],
            "layers": layers}


def kind_of(shape, global_):
    return ("global_" if global_ else "") + "pooling%dd" % (len(shape) - 1)


# (label, input shape, op, pool, stride, padding); pool None = global pooling.
CASES = []
for _op in ("max", "average"):
    for _p in (2, 3):
        for _s in (1, 2):
            CASES.append(("p1_%s_k%d_s%d" % (_op, _p, _s), [10, 3], _op, [_p], [_s], "valid"))
            CASES.append(("p2_%s_k%d_s%d" % (_op, _p, _s), [7, 6, 2], _op, [_p, _p], [_s, _s], "valid"))
            CASES.append(("p1_%s_k%d_s%d_same" % (_op, _p, _s), [9, 2], _op, [_p], [_s], "same"))
            CASES.append(("p2_%s_k%d_s%d_same" % (_op, _p, _s), [7, 6, 2], _op, [_p, _p], [_s, _s], "same"))
    CASES.append(("p2_%s_k23_s12" % _op, [7, 6, 2], _op, [2, 3], [1, 2], "valid"))
    CASES.append(("p1_%s_k2_s3" % _op, [10, 3], _op, [2], [3], "valid"))  # stride above the pool: gaps
    CASES.append(("p2_%s_k2_s3" % _op, [8, 7, 2], _op, [2, 2], [3, 3], "valid"))
    CASES.append(("p2_%s_k32_s21_same" % _op, [5, 6, 2], _op, [3, 2], [2, 1], "same"))
    CASES.append(("p2_%s_k2_default" % _op, [6, 5, 2], _op, [2, 2], None, "valid"))
    CASES.append(("g1_%s" % _op, [10, 3], _op, None, None, "valid"))
    CASES.append(("g2_%s" % _op, [5, 4, 2], _op, None, None, "valid"))


class PoolingTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(NNSIM):
            raise unittest.SkipTest("nnsim binary not found (set NNSIM)")
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_pool_")
        cls.inputs = {}

    @classmethod
    def tearDownClass(cls):
        if os.environ.get("NNSIM_KEEP_TMP"):
            print("kept temp folder", cls.tmp)
        else:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def input_file(self, shape, lo=-7.0, hi=7.0):
        """Seeded uniform samples for an input shape (float32 values, exact in the file)."""
        key = (tuple(shape), lo, hi)
        if key not in self.inputs:
            rng = random.Random(hash(key) & 0xffff)
            n = int(np.prod(shape))
            x = np.array([[round(rng.uniform(lo, hi), 4) for _ in range(n)] for _ in range(N_SAMPLES)])
            x = x.astype(np.float32).astype(np.float64)  # the file holds float32 values (refimpl.write_inputs)
            p = self.path("in_%s_%d.dat" % ("x".join(map(str, shape)), len(self.inputs)))
            R.write_inputs(p, x)
            self.inputs[key] = (p, x)
        return self.inputs[key]

    def write_net(self, net):
        p = self.path(net["name"] + ".json")
        with open(p, "w") as f:
            json.dump(net, f)
        return p

    def run_case(self, net, in_path, precision):
        """nnsim run: (raw outputs as floats, float trace of node 'pool', report)."""
        tag = net["name"] + "_" + "".join(c if c.isalnum() else "_" for c in precision)
        out, tr, rep = self.path(tag + ".dat"), self.path(tag + "_trace"), self.path(tag + "_report.json")
        net = dict(net, defaults={"precision": precision})  # --precision would override the layer's own
        nnsim("run", "--net", self.write_net(net), "--input", in_path, "--output", out, "--trace", tr, "--report", rep)
        with open(rep) as f:
            report = json.load(f)
        return np.loadtxt(out, ndmin=2), np.loadtxt(os.path.join(tr, "pool.float.dat"), ndmin=2), report

    def check_case(self, label, shape, op, pool, stride, precision, layer_precision=None, padding="valid"):
        in_path, x = self.input_file(shape)
        kind = kind_of(shape, pool is None)
        extra = {"precision": layer_precision} if layer_precision else {}
        if padding != "valid":
            extra["padding"] = padding
        net = network(label, shape, [pool_layer(kind, op, pool, stride, **extra)])
        got, got_float, report = self.run_case(net, in_path, precision)
        p = R.parse_precision(precision)
        lp = layer_precision or {}
        accum_t = R.parse_precision(lp.get("accum", precision))
        result_t = R.parse_precision(lp.get("result", precision))
        stats = R.OverflowStats()
        exp = RP.pool_fixed(R.quantize(x, p), shape, p, accum_t, result_t, op, pool, stride, stats, padding)
        got_raw = got * 2.0 ** result_t.F
        self.assertTrue(np.array_equal(got_raw, np.round(got_raw)), f"{label} @ {precision}: off-grid output")
        bad = got_raw.astype(np.int64) != exp
        if bad.any():
            s, e = np.argwhere(bad)[0]
            self.fail(f"{label} @ {precision}: sample {s} value {e}: nnsim raw {int(got_raw[s, e])}, "
                      f"reference {exp[s, e]} ({int(bad.sum())} values differ)")
        fl = RP.pool_float(x, shape, op, pool, stride, padding)
        err = np.abs(got_float - fl).max()
        self.assertLessEqual(err, FLOAT_TOL, f"{label}: float trace differs from numpy by {err}")
        points = {p["point"]: p for L in report["layers"] for p in L.get("overflow", [])}
        if op == "average" and "accum" in stats.points:
            ref = stats.points["accum"]
            self.assertEqual((points["accum"]["wrapped"], points["accum"]["saturated"]),
                             (ref["wrapped"], ref["saturated"]), f"{label} @ {precision}: accum overflow counts")
            return ref["wrapped"] + ref["saturated"]
        return 0

    # ------------------------------------------------------------------ 1. bit-exact and float
    def test_1_bit_exact_vs_numpy(self):
        for label, shape, op, pool, stride, padding in CASES:
            for precision in (P16, PRS):
                with self.subTest(case=label, precision=precision):
                    self.check_case(label, shape, op, pool, stride, precision, padding=padding)

    def test_1b_narrow_accumulators(self):
        """Accumulators that wrap (TRN/WRAP) and saturate (RND/SAT) on ordinary inputs."""
        events = 0
        for label, shape, pool, stride in (("nw_p2", [7, 6, 2], [3, 3], [1, 1]), ("nw_p1", [10, 3], [3], [2]),
                                           ("nw_g2", [5, 4, 2], None, None), ("nw_g1", [10, 3], None, None)):
            for acc, res in (("fixed<8,4>", "fixed<10,4>"), ("ap_fixed<7,3,AP_RND,AP_SAT>", "ap_fixed<8,3,AP_RND,AP_SAT>"),
                             ("fixed<12,6>", "ap_fixed<6,2,AP_RND,AP_SAT>")):
                with self.subTest(case=label, accum=acc):
                    events += self.check_case(label, shape, "average", pool, stride, P16,
                                              {"accum": acc, "result": res})
        self.assertGreater(events, 0, "no accumulator overflow happened: the narrow cases test nothing")

    # ------------------------------------------------------------------ 2. sim == run, timing
    def test_2_sim_and_timing(self):
        chain = [pool_layer("pooling2d", "average", [2, 2], [1, 1], name="p"),
                 pool_layer("global_pooling2d", "max", name="pool")]
        cases = [
            ("s_p2avg", [5, 6, 2], [pool_layer("pooling2d", "average", [3, 2], [2, 1])], "io_stream", PRS, 2),
            ("s_p1max", [9, 3], [pool_layer("pooling1d", "max", [3], [2])], "io_stream", P16, 1),
            ("s_g2avg", [4, 4, 3], [pool_layer("global_pooling2d", "average")], "io_stream", PRS, 2),
            ("s_g1max", [7, 2], [pool_layer("global_pooling1d", "max")], "io_stream", P16, 1),
            ("s_p2max_par", [6, 6, 2], [pool_layer("pooling2d", "max", [2, 2])], "io_parallel", P16, 1),
            ("s_g1avg_par", [7, 2], [pool_layer("global_pooling1d", "average")], "io_parallel", P16, 2),
            ("s_p2max_same", [5, 5, 2], [pool_layer("pooling2d", "max", [3, 3], [2, 2], padding="same")], "io_stream",
             PRS, 1),
            ("s_p2avg_same", [5, 6, 2], [pool_layer("pooling2d", "average", [3, 3], [1, 2], padding="same")],
             "io_stream", P16, None),
            ("s_chain", [6, 6, 2], chain, "io_stream", P16, None),
        ]
        for label, shape, layers, io, precision, lat in cases:
            with self.subTest(case=label):
                in_path, _ = self.input_file(shape)
                net = self.write_net(network(label, shape, layers, io))
                ref = self.path(label + "_run.dat")
                nnsim("run", "--net", net, "--input", in_path, "--precision", precision, "--output", ref)
                tj = self.path(label + "_timing.json")
                nnsim("timing", "--net", net, "--precision", precision, "--json", tj)
                with open(tj) as f:
                    model = json.load(f)
                for stalled in (False, True):
                    rep, out = self.path(label + "_sim%d.json" % stalled), self.path(label + "_sim%d.dat" % stalled)
                    nnsim("sim", "--net", net, "--input", in_path, "--precision", precision, "--report", rep,
                          "--output", out, *(STALLS if stalled else []))
                    with open(rep) as f:
                        j = json.load(f)
                    with open(out) as f, open(ref) as g:
                        self.assertEqual(f.read(), g.read(), f"{label}: sim output differs from run (stalls {stalled})")
                    self.assertTrue(j["completed"])
                    self.assertEqual(j["check"]["mismatches"], 0)
                    m = j["measured"]
                    if stalled:
                        self.assertGreaterEqual(m["latency_first_sample"], model["latency"])
                        continue
                    self.assertEqual((m["latency_first_sample"], m["ii"]), (model["latency"], model["ii"]),
                                     f"{label}: measured latency/II vs nnsim timing")
                    self.assertEqual((j["model"]["latency"], j["model"]["ii"]), (model["latency"], model["ii"]))
                if lat is None:
                    continue
                # Closed form of docs/timing.md for one layer: the last needed input beat (index n - 1) is
                # written by the source in cycle n - 1 and read in n, its output written at n + L and read
                # by the sink one cycle later. II: the input's beats.
                beats = int(np.prod(shape[:-1])) if io == "io_stream" else 1
                layer = layers[0]
                if "pool_size" in layer and io == "io_stream":
                    needed = RP.last_needed(shape, layer["pool_size"], layer.get("strides"),
                                            layer.get("padding", "valid"))
                else:
                    needed = beats
                self.assertEqual(model["latency"], needed + lat + 1, f"{label}: closed-form latency")
                self.assertEqual(model["ii"], beats, f"{label}: closed-form II")

    # ------------------------------------------------------------------ 3. verify
    def test_3_verify_grid(self):
        designs = [
            ("v_p2max", [6, 6, 2], [pool_layer("pooling2d", "max", [2, 2])], "io_stream", P16),
            ("v_p2avg", [5, 6, 2], [pool_layer("pooling2d", "average", [3, 3], [1, 1])], "io_stream", PRS),
            ("v_p1avg", [9, 3], [pool_layer("pooling1d", "average", [3], [2], precision={"accum": "fixed<8,4>"})],
             "io_stream", P16),
            ("v_p1max", [8, 2], [pool_layer("pooling1d", "max", [2], [1])], "io_stream", PRS),
            ("v_p2avg_s3", [8, 7, 2], [pool_layer("pooling2d", "average", [2, 2], [3, 3])], "io_stream", P16),
            ("v_g2avg", [4, 4, 3], [pool_layer("global_pooling2d", "average")], "io_stream", PRS),
            ("v_g1max", [7, 2], [pool_layer("global_pooling1d", "max")], "io_stream", P16),
            ("v_p2max_same", [5, 5, 2], [pool_layer("pooling2d", "max", [3, 3], [2, 2], padding="same")],
             "io_stream", PRS),
            ("v_p2avg_same_str", [5, 6, 2], [pool_layer("pooling2d", "average", [3, 3], [1, 2], padding="same")],
             "io_stream", PRS),
            ("v_p2avg_same_par", [5, 6, 2], [pool_layer("pooling2d", "average", [3, 3], [1, 2], padding="same")],
             "io_parallel", PRS),
            ("v_chain_par", [6, 6, 2], [pool_layer("pooling2d", "average", [2, 2], name="p"),
                                        pool_layer("global_pooling2d", "max", name="g")], "io_parallel", P16),
            ("v_chain_str", [6, 6, 2], [pool_layer("pooling2d", "average", [2, 2], [1, 1], name="p"),
                                        pool_layer("global_pooling2d", "average", name="g")], "io_stream", PRS),
        ]
        ok = []
        for label, shape, layers, io, precision in designs:
            net = self.write_net(network(label, shape, layers, io))
            in_path, _ = self.input_file(shape)
            for stalled in (False, True):
                with self.subTest(design=label, stalls=stalled):
                    r = nnsim("verify", "--net", net, "--input", in_path, "--samples", "25", "--precision", precision,
                              "--work", self.path("work_" + label), *(STALLS if stalled else []), check=False)
                    self.assertEqual(r.returncode, 0, f"{label} (stalls {stalled}): {r.stdout}\n{r.stderr}")
                    self.assertRegex(r.stdout, r"verify: \S+: 25 samples, \d+ output words and \d+ handshake cycles "
                                               r"identical")
                    ok.append(label)
        self.assertEqual(len(ok), 2 * len(designs))

    # ------------------------------------------------------------------ 4. lint and synthesis
    def test_4_lint_and_synth(self):
        net = self.write_net(network("ls_pool", [6, 6, 2], [
            pool_layer("pooling2d", "average", [2, 2], [1, 1], name="p"),
            pool_layer("pooling2d", "max", [2, 2], name="m"),
            pool_layer("global_pooling2d", "average", name="g")], "io_stream"))
        d = self.path("gen_ls")
        nnsim("gen", "--net", net, "--precision", PRS, "--out", d)
        rc, log = lint(d)
        self.assertEqual(rc, 0, log)
        self.assertNotIn("%Warning", log)
        rc, log = synth(d)
        self.assertEqual(rc, 0, log[-3000:])

    # ------------------------------------------------------------------ 5. errors
    def test_5_errors(self):
        cases = [
            ("e_big", [3, 3, 1], pool_layer("pooling2d", "max", [4, 2]), "larger than the input"),
            ("e_stride0", [6, 6, 1], pool_layer("pooling2d", "max", [2, 2], [0, 1]), "strides"),
            ("e_op", [6, 2], pool_layer("pooling1d", "min", [2]), "op"),
            ("e_gop", [6, 2], pool_layer("global_pooling1d", "median"), "op"),
            ("e_pad", [6, 2], pool_layer("pooling1d", "max", [2], padding="full"), "padding"),
            ("e_rank", [8, 2], pool_layer("pooling2d", "max", [2, 2]), "[H, W, C]"),
            ("e_grank", [8], pool_layer("global_pooling1d", "max"), "[W, C]"),
            ("e_len", [8, 2], pool_layer("pooling1d", "max", [2, 2]), "pool_size"),
            ("e_slen", [8, 8, 2], pool_layer("pooling2d", "max", [2, 2], [2]), "strides"),
        ]
        for label, shape, layer, fragment in cases:
            with self.subTest(case=label):
                r = nnsim("validate", "--net", self.write_net(network(label, shape, [layer])), check=False)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                lines = [l for l in r.stderr.splitlines() if l.strip()]
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith("nnsim: error: "), lines[0])
                self.assertIn("layer pool", lines[0])
                self.assertIn(fragment, lines[0])


    # ------------------------------------------------------------------ 6. Keras import
    def keras_model(self, name, shape, layers):
        import h5py
        model = {"class_name": "Sequential", "config": {"name": name, "layers": [
            {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [None] + list(shape)}}] + [
            {"class_name": cls, "config": dict(name=lname, **cfg)} for cls, lname, cfg in layers]}}
        p = self.path(name + ".json")
        with open(p, "w") as f:
            json.dump(model, f)
        h5py.File(self.path(name + "_weights.h5"), "w").close()  # no weights
        return p

    def test_6_keras_import(self):
        cl = {"data_format": "channels_last"}
        cases = [
            ("k2", [7, 6, 2], [("MaxPooling2D", "mp", dict(pool_size=[2, 2], strides=None, padding="valid", **cl)),
                               ("AveragePooling2D", "ap", dict(pool_size=2, strides=[1, 1], padding="same", **cl)),
                               ("GlobalMaxPooling2D", "pool", dict(keepdims=False, **cl))],
             [pool_layer("pooling2d", "max", [2, 2], name="mp"),
              pool_layer("pooling2d", "average", [2, 2], [1, 1], name="ap", padding="same"),
              pool_layer("global_pooling2d", "max")]),
            ("k1", [10, 3], [("AveragePooling1D", "ap", dict(pool_size=[3], strides=[2], padding="valid", **cl)),
                             ("MaxPooling1D", "mp", dict(pool_size=2, strides=1, padding="same", **cl)),
                             ("GlobalAveragePooling1D", "pool", dict(**cl))],
             [pool_layer("pooling1d", "average", [3], [2], name="ap"),
              pool_layer("pooling1d", "max", [2], [1], name="mp", padding="same"),
              pool_layer("global_pooling1d", "average")]),
        ]
        for name, shape, klayers, layers in cases:
            with self.subTest(model=name):
                in_path, _ = self.input_file(shape)
                outs = []
                imported = self.path(name + "_imported.json")
                nnsim("import", "--net", self.keras_model(name, shape, klayers), "-o", imported)
                for net in (self.path(name + ".json"), imported, self.write_net(network(name + "_hand", shape, layers))):
                    out = self.path(name + "_%d.dat" % len(outs))
                    nnsim("run", "--net", net, "--input", in_path, "--output", out)
                    with open(out) as f:
                        outs.append(f.read())
                self.assertEqual(outs[0], outs[2], f"{name}: Keras import differs from the description")
                self.assertEqual(outs[1], outs[2], f"{name}: the imported description differs")
        for cls, cfg, fragment in (("MaxPooling2D", dict(pool_size=2, data_format="channels_first"), "channels_last"),
                                   ("GlobalAveragePooling2D", dict(keepdims=True), "keepdims")):
            with self.subTest(reject=cls):
                r = nnsim("timing", "--net", self.keras_model("kbad", [4, 4, 2], [(cls, "bad", cfg)]), check=False)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(fragment, r.stderr)


if __name__ == "__main__":
    unittest.main()
