# Waveforms of `nnsim sim --vcd` on the jet tagger (KERAS_3layer, 20 samples): the VCD declares the
# FIFO and layer signals of sim/trace.hpp and they change as the run report says; the .gtkw beside it
# names the VCD and only signals that exist in it; and GTKWave, headless under Xvfb, opens it onto a
# view with every signal shown, the run's cycles visible, and traces drawn (checked on a screenshot).
#
# Run by ctest as `python3 test_waveforms.py` with NNSIM (the nnsim binary), NNSIM_SOURCE_DIR and
# NNSIM_SHARED_DIR set. gtkwave, xvfb-run, xauth and ImageMagick are required (scripts/setup.sh
# installs them): when one is missing the tests fail, they do not skip.
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

NNSIM = os.environ.get("NNSIM", "")
SHARED = os.environ.get("NNSIM_SHARED_DIR", "")
MODEL = os.path.join(SHARED, "external_models", "keras", "KERAS_3layer.json")
SAMPLES = 20
TOOLS = ["gtkwave", "xvfb-run", "xauth", "import", "identify", "convert"]
INSTALL = ("apt-get install -y --no-install-recommends gtkwave xvfb xauth imagemagick x11-utils "
           "(scripts/setup.sh installs them)")
FIFO_SIGNALS = {"wr": 1, "rd": 1, "count": None, "sample": None, "data0": None}  # name -> width (None: any)
LAYER_SIGNALS = ["pending", "state"]
# Printed by the GTKWave Tcl script below once the save file is loaded.
TCL = """set sigs [gtkwave::getDisplayedSignals]
puts "NNSIM_DISPLAYED [llength $sigs]"
puts "NNSIM_WINDOW [gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime]"
flush stdout
"""
# Start GTKWave on the save file under Xvfb, wait until the Tcl script has reported (the file is
# loaded), give it time to draw, take a screenshot of the screen and stop it (toolchain.md section 6).
SHOT = ("gtkwave -S view.tcl -a k3.gtkw k3.vcd >gtkwave.log 2>&1 & "
        "i=0; while [ $i -lt 60 ] && ! grep -q NNSIM_WINDOW gtkwave.log; do sleep 0.5; i=$((i+1)); done; "
        "sleep 2; import -window root shot.png; kill $!")


class Var:
    """One VCD variable: full dotted name, width, declared range, and its changes [(time, value)]."""

    def __init__(self, path, width, rng):
        self.path, self.width, self.range = path, width, rng
        self.changes = []

    def gtkwave_name(self):
        return self.path + (self.range or "")


def parse_vcd(path):
    """Returns (timescale in ps, end time, {full dotted name: Var}, set of scope paths)."""
    with open(path) as f:
        text = f.read()
    head, sep, body = text.partition("$enddefinitions")
    if not sep:
        raise AssertionError(f"{path}: no $enddefinitions")
    units = {"s": 10**12, "ms": 10**9, "us": 10**6, "ns": 10**3, "ps": 1, "fs": 1e-3}
    m = re.search(r"\$timescale\s+(\d+)\s*(s|ms|us|ns|ps|fs)\s+\$end", head)
    if not m:
        raise AssertionError(f"{path}: no $timescale")
    timescale = int(m.group(1)) * units[m.group(2)]
    scopes, all_scopes, by_id, by_name = [], set(), {}, {}
    tokens = head.split()
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "$scope":
            scopes.append(tokens[i + 2])
            all_scopes.add(".".join(scopes))
            i += 4
        elif t == "$upscope":
            scopes.pop()
            i += 2
        elif t == "$var":
            end = tokens.index("$end", i)
            _, _, width, ident, name, *rest = tokens[i:end]
            v = Var(".".join(scopes + [name]), int(width), rest[0] if rest else None)
            by_id.setdefault(ident, []).append(v)
            by_name[v.path] = v
            i = end + 1
        else:
            i += 1
    now, end_time, in_comment = 0, 0, False
    for tok_line in body.splitlines()[1:]:
        line = tok_line.strip()
        if not line:
            continue
        if in_comment:
            in_comment = "$end" not in line
            continue
        if line.startswith("$comment"):
            in_comment = "$end" not in line
            continue
        if line.startswith("$"):
            continue
        if line[0] == "#":
            now = int(line[1:])
            end_time = max(end_time, now)
            continue
        if line[0] in "bBrR":
            value, ident = line[1:].split()
        else:
            value, ident = line[0], line[1:].strip()
        for v in by_id.get(ident, []):
            v.changes.append((now, value))
    return timescale, end_time, by_name, all_scopes


def find_var(variables, *suffix):
    """The variable whose dotted name ends with the given components (e.g. "top", fifo, "wr")."""
    want = "." + ".".join(suffix)
    hits = [v for name, v in variables.items() if ("." + name).endswith(want)]
    return hits[0] if len(hits) == 1 else None


def value_at(var, time):
    """Value of a variable at a time (the last change at or before it)."""
    value = None
    for t, x in var.changes:
        if t > time:
            break
        value = x
    return value


def value_int(value):
    return int(value, 2) if re.fullmatch(r"[01]+", value) else None


def parse_gtkw(path):
    """Returns (dumpfile, [treeopen scopes], [signal names]) of a GTKWave save file."""
    dumpfile, treeopen, names = None, [], []
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line:
                continue
            if line.startswith("[dumpfile]"):
                dumpfile = line[len("[dumpfile]"):].strip().strip('"')
            elif line.startswith("[treeopen]"):
                treeopen.append(line[len("[treeopen]"):].strip())
            elif line[0] in "[*@-#":
                continue  # settings, zoom/markers, display flags, comment rows
            else:
                names.append(line)
    return dumpfile, treeopen, names


class WaveformTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="nnsim_wave_")
        cls.dir = cls.tmp.name
        cls.vcd = os.path.join(cls.dir, "k3.vcd")
        cls.gtkw = os.path.join(cls.dir, "k3.gtkw")
        cls.problem = None
        if not NNSIM or not os.access(NNSIM, os.X_OK):
            cls.problem = f"NNSIM must name the nnsim binary (got '{NNSIM}')"
            return
        cls.sim = subprocess.run(
            [NNSIM, "sim", "--net", MODEL, "--samples", str(SAMPLES), "--vcd", cls.vcd,
             "--report", os.path.join(cls.dir, "report.json")],
            capture_output=True, text=True, timeout=120)
        if cls.sim.returncode != 0:
            cls.problem = f"nnsim sim failed ({cls.sim.returncode}):\n{cls.sim.stdout}{cls.sim.stderr}"
            return
        with open(os.path.join(cls.dir, "report.json")) as f:
            cls.report = json.load(f)
        cls.period = cls.report["clock_period_ns"] * 1000  # ps
        if os.path.exists(cls.vcd):
            cls.timescale, cls.end, cls.vars, cls.scopes = parse_vcd(cls.vcd)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        if self.problem:
            self.fail(self.problem)
        self.assertTrue(os.path.isfile(self.vcd), f"nnsim sim --vcd wrote no {self.vcd}")

    def var(self, *suffix):
        v = find_var(self.vars, "top", *suffix)
        self.assertIsNotNone(v, f"no single VCD variable named ...top.{'.'.join(suffix)} in {sorted(self.vars)}")
        return v

    def cycles_high(self, v):
        """Cycles in which a 1-bit signal was 1. The sampler records each cycle at its middle
        (sim/trace.hpp), so every cycle whose middle lies within the VCD is read there."""
        period = self.period / self.timescale  # in VCD time units
        cycles = int((self.end - period / 2) // period) + 1
        return sum(1 for c in range(cycles) if value_at(v, c * period + period / 2) == "1")

    def test_vcd_declares_the_fifo_and_layer_signals(self):
        self.assertEqual(self.report["samples"], SAMPLES)
        self.assertTrue(self.report["completed"])
        clk = self.var("clk")
        self.assertEqual(clk.width, 1)
        self.assertGreater(len(self.report["fifos"]), 0)
        for fifo in self.report["fifos"]:
            for name, width in FIFO_SIGNALS.items():
                v = self.var(fifo["name"], name)
                if width is not None:
                    self.assertEqual(v.width, width, v.path)
        self.assertEqual(len(self.report["layers"]), 8)
        for layer in self.report["layers"]:
            for name in LAYER_SIGNALS:
                self.var(layer["name"], name)

    def test_signals_change_during_the_run(self):
        clk = self.var("clk")
        # clk rises at every cycle start and falls at its middle.
        toggles = [t for t, _ in clk.changes if t > 0]
        self.assertGreaterEqual(len(toggles), 2 * self.report["cycles"] - 2, "clk does not toggle every half cycle")
        for fifo in self.report["fifos"]:
            for name in ["wr", "rd", "count", "sample"]:
                v = self.var(fifo["name"], name)
                self.assertGreater(len([c for c in v.changes if c[0] > 0]), 0, f"{v.path} never changes")
            last = self.var(fifo["name"], "sample").changes[-1][1]
            self.assertEqual(value_int(last), SAMPLES - 1, f"{fifo['name']}.sample does not reach the last sample")
        for layer in self.report["layers"]:
            for name in LAYER_SIGNALS:
                v = self.var(layer["name"], name)
                self.assertGreater(len([c for c in v.changes if c[0] > 0]), 0, f"{v.path} never changes")
        # The first value of the input and output words differs between samples.
        for fifo in [self.report["fifos"][0]["name"], self.report["fifos"][-1]["name"]]:
            values = {value_int(x) for _, x in self.var(fifo, "data0").changes}
            self.assertGreater(len(values), 2, f"{fifo}.data0 barely changes: {values}")

    def test_handshakes_match_the_report(self):
        # Every word written is read before the run ends, and the VCD covers the run up to its last
        # handshake: wr (rd) is 1 in exactly as many cycles as the FIFO saw writes (reads).
        for fifo in self.report["fifos"]:
            self.assertEqual(fifo["writes"], SAMPLES, fifo["name"])
            self.assertEqual(self.cycles_high(self.var(fifo["name"], "wr")), fifo["writes"], f"{fifo['name']}.wr")
            self.assertEqual(self.cycles_high(self.var(fifo["name"], "rd")), fifo["writes"], f"{fifo['name']}.rd")
            counts = {value_int(x) for _, x in self.var(fifo["name"], "count").changes}
            self.assertLessEqual(max(counts), fifo["depth"], f"{fifo['name']}.count above the FIFO depth")
            self.assertGreaterEqual(max(counts), 1, f"{fifo['name']}.count never shows a word held")

    def test_gtkw_names_the_vcd_and_existing_signals(self):
        self.assertTrue(os.path.isfile(self.gtkw), "no .gtkw beside the VCD")
        dumpfile, treeopen, names = parse_gtkw(self.gtkw)
        self.assertIsNotNone(dumpfile, "the .gtkw has no [dumpfile]")
        self.assertEqual(os.path.realpath(os.path.join(self.dir, dumpfile)), os.path.realpath(self.vcd))
        known = {v.gtkwave_name() for v in self.vars.values()}
        missing = [n for n in names if n not in known]
        self.assertEqual(missing, [], f"signals of the .gtkw not in the VCD (VCD has e.g. {sorted(known)[:3]})")
        for scope in treeopen:
            self.assertIn(scope.rstrip("."), self.scopes, f"[treeopen] {scope} is not a VCD scope")
        # The view shows the clock and every FIFO's handshakes.
        shown = {n.split("[")[0] for n in names}
        self.assertIn(self.var("clk").path, shown)
        for fifo in self.report["fifos"]:
            for name in ["wr", "rd"]:
                self.assertIn(self.var(fifo["name"], name).path, shown)

    def test_gtkwave_opens_a_readable_view(self):
        absent = [t for t in TOOLS if shutil.which(t) is None]
        self.assertEqual(absent, [], f"missing tools {absent}: install with {INSTALL}")
        self.assertTrue(os.path.isfile(self.gtkw), "no .gtkw beside the VCD")
        _, _, names = parse_gtkw(self.gtkw)
        with open(os.path.join(self.dir, "view.tcl"), "w") as f:
            f.write(TCL)
        proc = subprocess.Popen(["xvfb-run", "-a", "-s", "-screen 0 1400x800x24", "sh", "-c", SHOT],
                                cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            self.fail("gtkwave under xvfb-run did not finish within 90 s")
        with open(os.path.join(self.dir, "gtkwave.log")) as f:
            log = f.read()
        context = f"\n--- xvfb-run ---\n{out}\n--- gtkwave ---\n{log}"
        bad = [l for l in log.splitlines() if re.search(r"error|warning|could not|cannot|invalid|not found", l, re.I)]
        self.assertEqual(bad, [], "gtkwave complained" + context)

        # Every signal of the save file is displayed: GTKWave drops unknown names silently.
        m = re.search(r"NNSIM_DISPLAYED (\d+)", log)
        self.assertIsNotNone(m, "the GTKWave Tcl script did not run" + context)
        self.assertEqual(int(m.group(1)), len(names), "GTKWave did not find every signal of the .gtkw" + context)
        # The initial window starts before the first transfer and shows between 8 and 400 cycles, of
        # which the run fills at least a quarter.
        m = re.search(r"NNSIM_WINDOW (\d+) (\d+)", log)
        self.assertIsNotNone(m, "the GTKWave Tcl script did not report the window" + context)
        start, end = int(m.group(1)) * self.timescale, int(m.group(2)) * self.timescale
        first_write = min(t for f in self.report["fifos"] for t, x in self.var(f["name"], "wr").changes if x == "1")
        first_write *= self.timescale
        cycles = (end - start) / self.period
        self.assertLessEqual(start, first_write, "the view starts after the first transfer")
        self.assertTrue(8 <= cycles <= 400, f"the view spans {cycles:.0f} cycles (want 8..400): zoom of the .gtkw")
        run_end = self.end * self.timescale
        self.assertGreaterEqual(min(run_end, end) - start, 0.25 * (end - start),
                                f"the run ({run_end} ps) fills less than a quarter of the view ({start}..{end} ps)")

        shot = os.path.join(self.dir, "shot.png")
        self.assertTrue(os.path.isfile(shot), "no screenshot" + context)
        with open(shot, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG")
        ident = subprocess.run(["identify", "-format", "%m %w %h %k", shot], capture_output=True, text=True)
        self.assertEqual(ident.returncode, 0, ident.stderr)
        fmt, w, h, colours = ident.stdout.split()
        self.assertEqual((fmt, int(w), int(h)), ("PNG", 1400, 800))
        self.assertGreater(int(colours), 16, "the screenshot is blank")
        # GTKWave draws traces in green: a view with waveforms has thousands of such pixels.
        green = subprocess.run(["convert", shot, "-fuzz", "10%", "-fill", "black", "+opaque", "#00ff00",
                                "-fill", "white", "-opaque", "#00ff00", "-format", "%[fx:round(mean*w*h)]", "info:"],
                               capture_output=True, text=True)
        self.assertEqual(green.returncode, 0, green.stderr)
        self.assertGreater(int(green.stdout.strip()), 2000, "no waveforms drawn in the screenshot" + context)


if __name__ == "__main__":
    unittest.main(verbosity=2)
