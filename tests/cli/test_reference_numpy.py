"""nnsim run vs an independent numpy implementation of hls4ml's C simulation (tests/cli/refimpl.py).

Written from shared/docs/hls4ml_reference.md section 9. Checks, on 1,000 seeded standard-normal inputs:
  1. the float trace of every node (KERAS_3layer, KERAS_1layer, KERAS_3layer_batch_norm) against float64 numpy;
  2. the fixed trace of every node of KERAS_3layer bit for bit at fixed<16,6> and fixed<8,3> (plus: wraps
     really happen at <8,3>, in the emulation and in nnsim's report; the default precision is fixed<16,6>);
  3. the same at ap_fixed<10,4,AP_RND,AP_SAT>;
  4. argmax agreement with the float model (>= 0.9 at <16,6>, lower at <8,3>, equal to nnsim's report);
  5. KERAS_1layer bit for bit at fixed<16,6>, including the sigmoid table.

Run with Debian's python: /usr/bin/python3 tests/cli/test_reference_numpy.py (needs numpy and h5py).
Environment: NNSIM (nnsim binary), NNSIM_SOURCE_DIR, NNSIM_SHARED_DIR; NNSIM_KEEP_TMP=1 keeps the temp folder.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

sys.dont_write_bytecode = True     # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refimpl as R  # noqa: E402

SOURCE_DIR = os.environ.get("NNSIM_SOURCE_DIR",
                            os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SHARED_DIR = os.environ.get("NNSIM_SHARED_DIR", os.path.join(SOURCE_DIR, "..", "shared"))
KERAS_DIR = os.path.join(SHARED_DIR, "external_models", "keras")
NNSIM = os.environ.get("NNSIM") or os.path.join(SOURCE_DIR, "build", "nnsim")

N_SAMPLES = 1000
SEED = 20240601
FLOAT_TOL = 1e-5
P16 = "fixed<16,6>"
P8 = "fixed<8,3>"
PRS = "ap_fixed<10,4,AP_RND,AP_SAT>"

_TMP = None
_RUNS = {}
_MODELS = {}


def setUpModule():
    global _TMP
    if not os.path.exists(NNSIM):
        if "NNSIM" in os.environ:
            raise RuntimeError("NNSIM=%s does not exist" % NNSIM)
        raise unittest.SkipTest("nnsim binary not found (set NNSIM)")
    _TMP = tempfile.mkdtemp(prefix="nnsim_refnumpy_")


def tearDownModule():
    if _TMP and not os.environ.get("NNSIM_KEEP_TMP"):
        shutil.rmtree(_TMP, ignore_errors=True)
    elif _TMP:
        print("kept temp folder", _TMP)


def model(name):
    """(nodes, n_inputs, inputs, input file) of a Keras example model, cached."""
    if name not in _MODELS:
        nodes, n_in = R.load_keras(os.path.join(KERAS_DIR, name + ".json"))
        x = R.make_inputs(N_SAMPLES, n_in, SEED)
        path = os.path.join(_TMP, name + "_input.dat")
        R.write_inputs(path, x)
        _MODELS[name] = (nodes, n_in, x, path)
    return _MODELS[name]


def nnsim_run(name, precision=None):
    """Run `nnsim run` with --trace/--report/--output once per (model, precision); cached."""
    key = (name, precision)
    if key in _RUNS:
        return _RUNS[key]
    _, _, _, in_path = model(name)
    tag = "%s_%s" % (name, "".join(c if c.isalnum() else "_" for c in (precision or "default")))
    d = os.path.join(_TMP, tag)
    os.makedirs(d)
    cmd = [NNSIM, "run", "--net", os.path.join(KERAS_DIR, name + ".json"), "--input", in_path,
           "--trace", os.path.join(d, "trace"), "--output", os.path.join(d, "out.dat"),
           "--report", os.path.join(d, "report.json")]
    if precision is not None:
        cmd += ["--precision", precision]
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError("nnsim failed (exit %d): %s\nstdout:\n%s\nstderr:\n%s"
                             % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    with open(os.path.join(d, "report.json")) as f:
        report = json.load(f)
    run = {"dir": os.path.join(d, "trace"), "report": report, "stdout": p.stdout, "seconds": time.time() - t0,
           "cmd": cmd}
    _RUNS[key] = run
    return run


def trace_nodes(run):
    """Node names present in a trace folder (from the fixed files)."""
    names = []
    for fn in sorted(os.listdir(run["dir"])):
        if fn.endswith(".float.dat"):
            continue
        if fn.endswith(".dat"):
            names.append(fn[:-4])
    return names


def load_trace(run, node, float_trace):
    path = os.path.join(run["dir"], node + (".float.dat" if float_trace else ".dat"))
    with open(path) as f:
        rows = [line.split() for line in f if line.strip()]
    return np.array([[float(v) for v in r] for r in rows], dtype=np.float64).reshape(len(rows), -1)


def to_raw(vals, F, node):
    """Traced decimals -> raw integers value*2^F, and a mask of values that are not multiples of 2^-F."""
    scaled = vals * (2.0 ** F)
    rounded = np.round(scaled)
    inexact = scaled != rounded
    return rounded.astype(np.int64), inexact


class ReferenceNumpyTest(unittest.TestCase):
    maxDiff = None

    # ------------------------------------------------------------------ helpers
    def check_float_node(self, label, node, got, exp):
        self.assertEqual(got.shape, exp.shape,
                         "%s: node %s float trace shape %s, expected %s" % (label, node, got.shape, exp.shape))
        err = np.abs(got - exp)
        bad = ~(err <= FLOAT_TOL)
        if bad.any():
            s, e = np.argwhere(bad)[0]
            self.fail("%s: node %s float trace differs from float64 numpy at sample %d element %d: "
                      "nnsim %.17g, numpy %.17g (|diff| %.3g > %g; %d samples differ, max |diff| %.3g)"
                      % (label, node, s, e, got[s, e], exp[s, e], err[s, e], FLOAT_TOL,
                         int(bad.any(axis=1).sum()), float(np.nanmax(err))))
        return float(err.max()) if err.size else 0.0

    def check_fixed_node(self, label, node, run, exp_raw, F):
        vals = load_trace(run, node, False)
        self.assertEqual(vals.shape, exp_raw.shape,
                         "%s: node %s fixed trace shape %s, expected %s" % (label, node, vals.shape, exp_raw.shape))
        got_raw, inexact = to_raw(vals, F, node)
        if inexact.any():
            s, e = np.argwhere(inexact)[0]
            self.fail("%s: node %s sample %d element %d: traced value %.17g is not a multiple of 2^-%d "
                      "(reference %.17g)" % (label, node, s, e, vals[s, e], F, exp_raw[s, e] / 2.0 ** F))
        bad = got_raw != exp_raw
        if bad.any():
            s, e = np.argwhere(bad)[0]
            self.fail("%s: node %s differs at sample %d, first element %d: nnsim %.17g (raw %d), "
                      "reference %.17g (raw %d); %d of %d samples differ, %d values"
                      % (label, node, s, e, got_raw[s, e] / 2.0 ** F, got_raw[s, e], exp_raw[s, e] / 2.0 ** F,
                         exp_raw[s, e], int(bad.any(axis=1).sum()), bad.shape[0], int(bad.sum())))

    def compare_fixed_model(self, name, precision, run=None, label=None):
        """Every node of the nnsim fixed trace equals the emulation. Returns (raws, types, stats)."""
        nodes, _, x, _ = model(name)
        run = run or nnsim_run(name, precision)
        label = label or "%s @ %s" % (name, precision)
        stats = R.OverflowStats()
        raws, types = R.run_fixed(nodes, x, precision, stats)
        traced = set(trace_nodes(run))
        for nd in nodes:
            if nd.kind == "input" and nd.name not in traced:
                continue    # the input need not be a traced node
            with self.subTest(model=name, precision=precision, node=nd.name):
                self.assertIn(nd.name, traced, "%s: node %s missing from the trace (traced: %s)"
                              % (label, nd.name, sorted(traced)))
                self.check_fixed_node(label, nd.name, run, raws[nd.name], types[nd.name].F)
        extra = traced - {nd.name for nd in nodes}
        self.assertFalse(extra, "%s: nnsim traces nodes the reference does not have: %s" % (label, sorted(extra)))
        return raws, types, stats

    def check_dense_overflow_counts(self, label, stats, report, key):
        """Where nnsim's report has a Dense point named 'product' or 'accum', its `key` count
        ('wrapped' or 'saturated') equals the emulation's. Returns how many points were compared."""
        nn = {(L["layer"], p["point"]): p for L in report["layers"] for p in L.get("overflow", [])}
        compared = 0
        for k, d in sorted(stats.points.items()):
            layer, point = k.rsplit(".", 1)
            if point in ("product", "accum") and (layer, point) in nn:
                compared += 1
                self.assertEqual(int(nn[(layer, point)][key]), d[key],
                                 "%s: %s %s %s count: nnsim %s, reference %d"
                                 % (label, layer, point, key, nn[(layer, point)][key], d[key]))
        if not compared:
            print("[note] %s: nnsim's report has no dense 'product'/'accum' points to compare" % label)
        return compared

    # ------------------------------------------------------------------ 1. float evaluator
    def test_1_float_evaluator(self):
        for name in ("KERAS_3layer", "KERAS_1layer", "KERAS_3layer_batch_norm"):
            nodes, _, x, _ = model(name)
            run = nnsim_run(name)
            exp = R.run_float(nodes, x)
            by_name = {nd.name: nd for nd in nodes}
            traced = trace_nodes(run)
            for nd in nodes:
                if nd.kind != "input":
                    self.assertIn(nd.name, traced, "%s: node %s missing from the trace (traced: %s)"
                                  % (name, nd.name, traced))
            worst = 0.0
            for tn in traced:
                if tn in by_name:
                    ref = exp[tn]
                elif tn.endswith("_linear") and tn[:-len("_linear")] in exp:
                    ref = exp[tn[:-len("_linear")]]     # a linear activation node, if nnsim keeps one
                else:
                    self.fail("%s: nnsim traces node %s the reference does not know" % (name, tn))
                with self.subTest(model=name, node=tn):
                    worst = max(worst, self.check_float_node(name, tn, load_trace(run, tn, True), ref))
            print("\n[float] %s: %d nodes, max |nnsim - numpy| = %.3g" % (name, len(traced), worst))

    # ------------------------------------------------------------------ 2. bit-exact, TRN/WRAP
    def test_2_bitexact_3layer_trn_wrap(self):
        name = "KERAS_3layer"
        _, _, stats16 = self.compare_fixed_model(name, P16)
        # The default precision is fixed<16,6>: the run without --precision gives the same bits.
        self.compare_fixed_model(name, P16, run=nnsim_run(name, None), label="%s @ default precision" % name)
        _, _, stats8 = self.compare_fixed_model(name, P8)

        acc_wraps8 = sum(d["wrapped"] for k, d in stats8.points.items() if k.endswith(".accum"))
        prod_wraps8 = sum(d["wrapped"] for k, d in stats8.points.items() if k.endswith(".product"))
        acc_wraps16 = sum(d["wrapped"] for k, d in stats16.points.items() if k.endswith(".accum"))
        print("\n[wrap] reference: accumulator wraps %d at %s, %d at %s; product wraps %d at %s"
              % (acc_wraps16, P16, acc_wraps8, P8, prod_wraps8, P8))
        self.assertGreater(acc_wraps8, 100, "the fixed<8,3> run should exercise accumulator wrap-around")

        rep = nnsim_run(name, P8)["report"]
        nn_wrapped = sum(int(p.get("wrapped", 0)) for L in rep["layers"] for p in L.get("overflow", []))
        print("[wrap] nnsim report at %s: %d wrapped values in total" % (P8, nn_wrapped))
        for L in rep["layers"]:
            for p in L.get("overflow", []):
                if p.get("wrapped") or p.get("saturated"):
                    print("    nnsim %-24s %-13s wrapped %7d saturated %7d casts %9d"
                          % (L["layer"], p["point"], p["wrapped"], p["saturated"], p["casts"]))
        for k, d in sorted(stats8.points.items()):
            if d["wrapped"] or d["saturated"]:
                print("    ref   %-38s wrapped %7d saturated %7d casts %9d" % (k, d["wrapped"], d["saturated"],
                                                                             d["casts"]))
        self.assertGreater(nn_wrapped, 0, "nnsim's report shows no wrapped value at %s" % P8)
        self.check_dense_overflow_counts("%s @ %s" % (name, P8), stats8, rep, "wrapped")
        self.check_dense_overflow_counts("%s @ %s" % (name, P16), stats16, nnsim_run(name, P16)["report"], "wrapped")

    # ------------------------------------------------------------------ 3. bit-exact, RND/SAT
    def test_3_bitexact_3layer_rnd_sat(self):
        _, _, stats = self.compare_fixed_model("KERAS_3layer", PRS)
        sat = stats.total("saturated")
        print("\n[rnd/sat] reference: %d saturations at %s" % (sat, PRS))
        self.assertGreater(sat, 0, "the %s run should exercise saturation" % PRS)
        self.check_dense_overflow_counts("KERAS_3layer @ %s" % PRS, stats, nnsim_run("KERAS_3layer", PRS)["report"],
                                         "saturated")

    # ------------------------------------------------------------------ 4. argmax agreement
    def test_4_argmax_agreement(self):
        name = "KERAS_3layer"
        nodes, _, x, _ = model(name)
        fl = R.run_float(nodes, x)
        last = nodes[-1].name
        agree = {}
        for prec in (P16, P8, PRS):
            raws, types = R.run_fixed(nodes, x, prec)
            fx = R.raw_to_float(raws[last], types[last].F)
            mine = R.argmax_agreement(fx, fl[last])
            mine_diff = float(np.max(np.abs(fx - fl[last])))
            rep = nnsim_run(name, prec)["report"]["vs_float"]
            agree[prec] = mine
            print("\n[argmax] %s: reference %.4f, nnsim %.4f; max |fixed - float| reference %.6g, nnsim %.6g"
                  % (prec, mine, rep["argmax_agreement"], mine_diff, rep["max_abs_diff"]), end="")
            with self.subTest(precision=prec):
                if "argmax_same" in rep:
                    self.assertEqual(int(rep["argmax_same"]), int(round(mine * N_SAMPLES)),
                                     "%s: argmax agreement count, nnsim %s vs reference %d"
                                     % (prec, rep["argmax_same"], round(mine * N_SAMPLES)))
                self.assertAlmostEqual(float(rep["argmax_agreement"]), mine, places=12,
                                       msg="%s: argmax agreement nnsim %r vs reference %r"
                                       % (prec, rep["argmax_agreement"], mine))
                self.assertAlmostEqual(float(rep["max_abs_diff"]), mine_diff, delta=1e-9,
                                       msg="%s: vs_float.max_abs_diff nnsim %r vs reference %r"
                                       % (prec, rep["max_abs_diff"], mine_diff))
        print()
        self.assertGreaterEqual(agree[P16], 0.9, "argmax agreement at %s is only %.4f" % (P16, agree[P16]))
        self.assertLess(agree[P8], agree[P16], "argmax agreement at %s (%.4f) not below %s (%.4f)"
                        % (P8, agree[P8], P16, agree[P16]))

    # ------------------------------------------------------------------ 5. sigmoid model
    def test_5_bitexact_1layer_sigmoid(self):
        tab = R.sigmoid_table()
        # Sanity of the reference table itself (section 9): largest entry 1023/1024, never 1.0.
        self.assertEqual(int(tab.max()), 1023, "sigmoid table max raw %d" % tab.max())
        self.assertEqual(int(tab[512]), 512)
        raws, types, _ = self.compare_fixed_model("KERAS_1layer", P16)
        out = raws["output_sigmoid_sigmoid"]
        print("\n[sigmoid] KERAS_1layer @ %s: %d distinct sigmoid outputs over %d samples"
              % (P16, len(np.unique(out)), out.shape[0]))
        # Make sure the run exercises truncation toward zero: negative inputs not on a 1/64 grid point.
        pre = raws["output_sigmoid"]
        tricky = int(np.count_nonzero((pre < 0) & (pre % (1 << (types["output_sigmoid"].F - 6)) != 0)
                                      & (pre > -8 * 2 ** types["output_sigmoid"].F)))
        print("[sigmoid] %d samples where trunc-toward-zero and floor give different indices" % tricky)
        self.assertGreater(tricky, 0, "no sample exercises the truncation toward zero of the sigmoid index")


if __name__ == "__main__":
    t0 = time.time()
    prog = unittest.main(exit=False, verbosity=2)
    print("total %.1f s (nnsim runs: %s)" % (time.time() - t0,
                                            ", ".join("%.1f s" % r["seconds"] for r in _RUNS.values())))
    sys.exit(0 if prog.result.wasSuccessful() else 1)
