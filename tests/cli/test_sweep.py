"""Design-space sweeps (issue 7, docs/sweeps.md):
  - `nnsim --net KERAS_3layer --sweep reuse`, exactly as documented, prints the ranked table and writes
    CSV, JSON and a non-empty Pareto plot (PNG and SVG); every point's reuse factor is valid for every
    layer (global sweep: the intersection; reuse:layer: each layer's own list); `nnsim sweep` agrees;
  - the analytical figures (timing model, closed-form FIFO occupancy, resource estimates, accuracy and
    overflow counts) equal the simulated ones (SystemC model, one worker process per point) on sampled
    points of every sweep kind, on KERAS_3layer and on small networks of other layer kinds;
  - a sweep interrupted with SIGINT and then killed with SIGKILL, then rerun, ends with every point in
    the store exactly once, and no point that was stored before a kill is computed again (its run
    number, finish time and compute count are unchanged);
  - points that fail (a reuse factor that is not valid, a malformed precision, a crashing worker) are
    recorded as failed with their reason while the sweep finishes; --retry-failed computes them again;
  - the spec file example with --input/--labels reports accuracy, per-layer overflow counts and the
    accuracy-resources front."""
import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

import nets

SOURCE = os.environ.get("NNSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
K3 = os.path.abspath(nets.KERAS_3LAYER)
COMPARED = ["status", "error", "latency", "ii", "throughput_per_s", "latency_max", "run_cycles", "fifo_depth",
            "fifo_max_occupancy", "resources", "utilisation_percent", "max_abs_error", "argmax_agreement",
            "accuracy", "wrapped", "saturated"]


def nnsim(*args, env=None, cwd=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([nets.NNSIM, *args], capture_output=True, text=True, timeout=600, env=e, cwd=cwd)


def results(out):
    with open(os.path.join(out, "results.json")) as f:
        return json.load(f)


def by_key(out):
    return {p["key"]: p for p in results(out)["points"]}


def stored(db):
    """key -> (status, run, finished, compute_count) of every stored point."""
    con = sqlite3.connect(db, timeout=30)
    try:
        rows = con.execute("SELECT key, status, run, finished, compute_count FROM points").fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def stored_count(db):
    if not os.path.exists(db):
        return 0
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM points").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0  # tables not created yet


class Sweeps(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_sweep_")
        timing = os.path.join(cls.tmp, "timing.json")
        nets.run("timing", "--net", K3, "--json", timing)
        with open(timing) as f:
            t = json.load(f)
        cls.valid = {l["name"]: l["valid_reuse_factors"] for l in t["layers"]}
        # 200 samples and noisy labels (the float model's class 80 % of the time).
        rng = random.Random(11)
        cls.input = os.path.join(cls.tmp, "in.dat")
        with open(cls.input, "w") as f:
            for _ in range(200):
                f.write(" ".join(f"{rng.gauss(0, 1):.6f}" for _ in range(16)) + "\n")
        pred = os.path.join(cls.tmp, "pred.dat")
        nets.run("run", "--net", K3, "--input", cls.input, "--output", pred, "--precision", "fixed<32,12>")
        cls.labels = os.path.join(cls.tmp, "labels.dat")
        with open(pred) as f, open(cls.labels, "w") as out:
            for line in f:
                v = [float(x) for x in line.split()]
                out.write(f"{v.index(max(v)) if rng.random() < 0.8 else rng.randrange(5)}\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def out(self, name):
        return os.path.join(self.tmp, name)

    def check_ok(self, r, what):
        self.assertEqual(r.returncode, 0, f"{what} exited {r.returncode}\n{r.stdout}\n{r.stderr}")

    # ---------------------------------------------------------------------------------------------

    def test_reuse_sweep_as_documented(self):
        cwd = self.out("documented")
        os.makedirs(cwd)
        r = nnsim("--net", K3, "--sweep", "reuse", cwd=cwd)  # exactly as the documentation writes it
        self.check_ok(r, "nnsim --net KERAS_3layer --sweep reuse")
        out = os.path.join(cwd, "nnsim_sweep")
        header = [l for l in r.stdout.splitlines() if l.split()[:2] == ["rank", "latency"]]
        self.assertEqual(len(header), 1, r.stdout)
        for col in ("II", "DSP", "LUT", "FF", "BRAM18", "util%", "point"):
            self.assertIn(col, header[0])
        reusable = [v for v in self.valid.values() if len(v) > 1]
        common = sorted(set.intersection(*(set(v) for v in reusable)))
        res = results(out)
        pts = res["points"]
        self.assertEqual(sorted(int(p["settings"]["reuse"]) for p in pts), common)
        for p in pts:
            self.assertEqual(p["status"], "ok", p)
            for v in reusable:
                self.assertIn(int(p["settings"]["reuse"]), v, "reuse factor not valid for every layer")
        rows = [l for l in r.stdout.splitlines() if l.strip().split(" ")[0].isdigit()]
        self.assertEqual(len(rows), len(common), r.stdout)
        with open(os.path.join(out, "results.csv")) as f:
            self.assertEqual(len(list(csv.DictReader(f))), len(common))
        self.assertTrue(res["pareto"]["latency_dsp"] and res["pareto"]["latency_lut"])
        with open(os.path.join(out, "pareto.png"), "rb") as f:
            png = f.read()
        self.assertTrue(png.startswith(b"\x89PNG") and len(png) > 2000, "pareto.png is empty or not a PNG")
        with open(os.path.join(out, "pareto.svg")) as f:
            svg = f.read()
        self.assertTrue("<svg" in svg and "<path" in svg, "pareto.svg is empty")
        # The subcommand form computes the same figures.
        r2 = nnsim("sweep", "--net", K3, "--sweep", "reuse", "--out", self.out("subcommand"), "-j", "1")
        self.check_ok(r2, "nnsim sweep")
        a, b = by_key(out), by_key(self.out("subcommand"))
        self.assertEqual(set(a), set(b))
        for k in a:
            for f in COMPARED:
                self.assertEqual(a[k].get(f), b[k].get(f), f"{k} {f}")

    def test_reuse_per_layer_valid(self):
        out = self.out("per_layer")
        r = nnsim("--net", K3, "--sweep", "reuse:layer", "--out", out, "--no-plot", "--top", "3")
        self.check_ok(r, "--sweep reuse:layer")
        reusable = {n: v for n, v in self.valid.items() if len(v) > 1}
        expected = 1
        for v in reusable.values():
            expected *= len(v)
        pts = results(out)["points"]
        self.assertEqual(len(pts), expected)
        self.assertEqual(len({p["key"] for p in pts}), expected)
        for p in pts:
            self.assertEqual(p["status"], "ok")
            self.assertEqual(set(p["settings"]), {"reuse." + n for n in reusable})
            for n, v in reusable.items():
                self.assertIn(int(p["settings"]["reuse." + n]), v)

    # ---------------------------------------------------------------------------------------------

    def compare_modes(self, net, spec, name, extra=()):
        a, s = self.out(name + "_analytical"), self.out(name + "_simulated")
        self.check_ok(nnsim("--net", net, "--sweep", spec, "--out", a, "--no-plot", *extra), "analytical")
        self.check_ok(nnsim("--net", net, "--sweep", spec, "--out", s, "--no-plot", "--simulate", "-j", "2", *extra),
                      "simulated")
        pa, ps = by_key(a), by_key(s)
        self.assertEqual(set(pa), set(ps))
        for k in pa:
            for f in COMPARED:
                self.assertEqual(pa[k].get(f), ps[k].get(f), f"{name}: point {k}: {f} differs")
        return pa

    def sampled_spec(self, net, kinds, count, seed, path, extra_points=()):
        """A spec whose points are `count` points sampled from each kind's full grid (plus extras)."""
        points = list(extra_points)
        rng = random.Random(seed)
        for kind in kinds:
            out = self.out(f"grid_{os.path.basename(path)}_{kind.replace(':', '_').replace(',', '_')}")
            self.check_ok(nnsim("--net", net, "--sweep", kind, "--out", out, "--no-plot"), f"--sweep {kind}")
            grid = [p["settings"] for p in results(out)["points"]]
            points += rng.sample(grid, min(count, len(grid)))
        with open(path, "w") as f:
            json.dump({"points": points}, f)
        return path

    def test_analytical_equals_simulated(self):
        kinds = ["reuse", "reuse:layer", "precision", "strategy", "io", "fifo", "reuse,strategy,io,fifo"]
        spec = self.sampled_spec(K3, kinds, 4, 3, self.out("k3_spec.json"), [
            # A slow layer behind fast ones (FIFOs fill up), and one-deep FIFOs (II 2).
            {"reuse.fc1_relu": "1", "reuse.fc2_relu": "2048", "reuse.output_softmax": "1"},
            {"strategy": "Resource", "fifo_depth": "1"}, {"fifo_depth": "1", "reuse.fc3_relu": "4"}])
        pts = self.compare_modes(K3, spec, "k3", ["--input", self.input, "--labels", self.labels])
        self.assertGreaterEqual(len(pts), 20)
        self.assertTrue(any(max(p["fifo_max_occupancy"]) > 1 for p in pts.values() if p["status"] == "ok"))
        self.assertTrue(any(p.get("ii") == 2 and p["settings"].get("fifo_depth") == "1" for p in pts.values()))
        for kind in ["batchnorm", "sigmoid", "leaky_relu", "softmax:stable"]:
            net = nets.write_json(self.out(f"net_{kind.replace(':', '_')}.json"), nets.kind_net(kind, seed=4))
            spec = self.sampled_spec(net, ["reuse,strategy,io,fifo", "precision"], 3, 5,
                                     self.out(f"spec_{kind.replace(':', '_')}.json"))
            self.compare_modes(net, spec, kind.replace(":", "_"))

    # ---------------------------------------------------------------------------------------------

    def start_and_stop(self, cmd, db, at_least, sig):
        """Start a sweep, send `sig` once at least `at_least` points are stored; return its exit code."""
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while stored_count(db) < at_least and p.poll() is None and time.time() < deadline:
            time.sleep(0.01)
        self.assertIsNone(p.poll(), "the sweep ended before it could be interrupted")
        p.send_signal(sig)
        out, err = p.communicate(timeout=60)
        return p.returncode, out

    def test_kill_and_resume(self):
        out = self.out("killed")
        db = os.path.join(out, "sweep.db")
        # 500 samples per point make each worker run long enough to interrupt the sweep in the middle.
        cmd = [nets.NNSIM, "--net", K3, "--sweep", "reuse,strategy,io,fifo", "--simulate", "-j", "2", "--out", out,
               "--no-plot", "--samples", "500"]
        total = 6 * 2 * 2 * 4
        rc, text = self.start_and_stop(cmd, db, 5, signal.SIGINT)
        self.assertEqual(rc, 130, text)
        self.assertIn("interrupted", text)
        first = stored(db)
        self.assertTrue(0 < len(first) < total, len(first))
        rc, _ = self.start_and_stop(cmd, db, len(first) + 8, signal.SIGKILL)
        self.assertEqual(rc, -signal.SIGKILL)
        second = stored(db)
        self.assertTrue(len(first) < len(second) < total, (len(first), len(second)))
        for k, v in first.items():
            self.assertEqual(second[k], v, f"point {k} was computed again")
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        self.check_ok(r, "rerun")
        self.assertIn(f"{len(second)} stored, {total - len(second)} to compute", r.stdout)
        final = stored(db)
        self.assertEqual(len(final), total)
        con = sqlite3.connect(db)
        n, distinct = con.execute("SELECT count(*), count(DISTINCT key) FROM points").fetchone()
        runs = [r[0] for r in con.execute("SELECT id FROM runs ORDER BY id")]
        con.close()
        self.assertEqual((n, distinct), (total, total), "every point exactly once")
        self.assertEqual(len(runs), 3)
        for k, v in final.items():
            self.assertEqual(v[3], 1, f"point {k} computed {v[3]} times")
            self.assertEqual(v[0], "ok")
            if k in second:
                self.assertEqual(v, second[k], f"point {k} was computed again")
            else:
                self.assertEqual(v[1], runs[2])
        self.assertEqual(len(results(out)["points"]), total)
        # A fourth run computes nothing.
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        self.assertIn(f"{total} stored, 0 to compute", r.stdout)

    # ---------------------------------------------------------------------------------------------

    def test_failing_points(self):
        spec = self.out("failing.yaml")
        with open(spec, "w") as f:
            f.write("grid:\n  reuse: [1, 4]\npoints:\n"
                    "  - {strategy: Resource, reuse.fc1_relu: 7}\n"
                    "  - {precision: 'fixed<8,3,FOO>'}\n"
                    "  - {reuse: 2}\n")
        reasons = {"strategy=Resource reuse.fc1_relu=7": "reuse factor 7 is not valid for layer fc1_relu",
                   "precision=fixed<8,3,FOO>": "precision 'fixed<8,3,FOO>'"}
        out = self.out("failing_analytical")
        r = nnsim("--net", K3, "--sweep", spec, "--out", out)
        self.check_ok(r, "analytical sweep with failing points")
        self.assertIn("failed points: 2", r.stdout)
        pts = by_key(out)
        self.assertEqual(len(pts), 5)
        for k, p in pts.items():
            if k in reasons:
                self.assertEqual(p["status"], "failed")
                self.assertIn(reasons[k], p["error"])
            else:
                self.assertEqual(p["status"], "ok", p)
        # Simulated, with the worker of "reuse=2" crashing (a test hook of the worker process).
        out = self.out("failing_simulated")
        crash = {"NNSIM_SWEEP_CRASH_KEY": "reuse=2"}
        cmd = ["--net", K3, "--sweep", spec, "--out", out, "--simulate", "-j", "2", "--no-plot"]
        r = nnsim(*cmd, env=crash)
        self.check_ok(r, "simulated sweep with failing points")
        self.assertIn("failed points: 3", r.stdout)
        pts = by_key(out)
        self.assertEqual(pts["reuse=2"]["status"], "failed")
        self.assertIn("killed by signal 6", pts["reuse=2"]["error"])
        for k in reasons:
            self.assertIn(reasons[k], pts[k]["error"])
        self.assertEqual(pts["reuse=1"]["status"], "ok")
        # Failed points are finished points: a rerun keeps them; --retry-failed computes them again.
        r = nnsim(*cmd)
        self.assertIn("5 stored, 0 to compute", r.stdout)
        r = nnsim(*cmd, "--retry-failed")
        self.check_ok(r, "--retry-failed")
        self.assertIn("5 stored, 3 to compute", r.stdout)
        counts = stored(os.path.join(out, "sweep.db"))
        self.assertEqual(counts["reuse=2"][0], "ok")
        self.assertEqual(counts["reuse=2"][3], 2)
        self.assertEqual(counts["reuse=1"][3], 1)
        for k in reasons:
            self.assertEqual(counts[k][:1] + counts[k][3:], ("failed", 2))

    def test_spec_example_accuracy(self):
        out = self.out("example")
        spec = os.path.join(SOURCE, "configs", "sweep_example.yaml")
        r = nnsim("--net", K3, "--sweep", spec, "--input", self.input, "--labels", self.labels, "--out", out)
        self.check_ok(r, "spec example")
        self.assertIn("float model accuracy on the labels", r.stdout)
        res = results(out)
        self.assertTrue(res["accuracy_measured"])
        self.assertEqual(res["samples"], 200)
        layers = res["layers"]
        pts = res["points"]
        self.assertTrue(all(p["status"] == "ok" for p in pts))
        for p in pts:
            self.assertEqual(len(p["wrapped"]), len(layers))
            self.assertTrue(0 <= p["accuracy"] <= 1 and 0 <= p["argmax_agreement"] <= 1)
        low = [p for p in pts if p["settings"].get("precision") == "fixed<8,1>" and len(p["settings"]) == 4]
        high = [p for p in pts if p["settings"].get("precision") == "fixed<16,6>"]
        self.assertTrue(low and high)
        fc1 = layers.index("fc1_relu")
        self.assertTrue(all(p["wrapped"][fc1] + p["saturated"][fc1] > 0 for p in low), "fc1 overflows at <8,1>")
        self.assertGreater(min(p["argmax_agreement"] for p in high), max(p["argmax_agreement"] for p in low))
        self.assertTrue(res["pareto"]["accuracy_resources"])
        with open(os.path.join(out, "results.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertIn("wrapped.fc1_relu", rows[0])
        self.assertIn("accuracy", rows[0])
        self.assertEqual([int(r["rank"]) for r in rows], list(range(1, len(rows) + 1)))


if __name__ == "__main__":
    unittest.main()
