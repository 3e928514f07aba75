"""`nnsim verify`: the generated Verilog under Verilator against the SystemC model.
  - KERAS_3layer and every kind's small network verify (every output word, every output and input
    handshake cycle identical), without and with random back-pressure, and a few other configurations;
  - a second run of the same design reuses the Verilator build (and is much faster), a changed design
    builds afresh;
  - with --vcd, both waveforms and a merged view are written, and every signal of the GTKWave view
    exists in the merged dump;
  - mutations of the RTL (hidden flag --rtl-dir: verify a hand-edited copy of the generated Verilog) are
    caught: (a) one pipeline register on a layer output moves a handshake by one cycle, (b) a rounding
    mode flipped on the RTL side only changes an output word. verify exits 1 and names the first
    differing sample, word and cycle."""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import nets

STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
SUCCESS = re.compile(r"^verify: (\S+): (\d+) samples, (\d+) output words and (\d+) handshake cycles identical "
                     r"\(RTL vs model\)$", re.M)


def add_pipeline_register(top_path, layer):
    """Mutation (a): register the output (valid and data) of `layer` once more in the generated top."""
    with open(top_path) as f:
        s = f.read()
    decl = re.search(r"\n(\s*)wire \[(\d+):0\] %s_out_data;\n" % re.escape(layer), s)
    if not decl:
        raise AssertionError(f"{top_path}: no {layer}_out_data wire to mutate")
    ind, msb = decl.group(1), decl.group(2)
    extra = (f"{ind}wire {layer}_out_wr_pre;\n{ind}wire [{msb}:0] {layer}_out_data_pre;\n"
             f"{ind}reg {layer}_out_wr_q;\n{ind}reg [{msb}:0] {layer}_out_data_q;\n"
             f"{ind}always @(posedge clk) begin\n"
             f"{ind}    {layer}_out_wr_q <= rst ? 1'b0 : {layer}_out_wr_pre;\n"
             f"{ind}    {layer}_out_data_q <= {layer}_out_data_pre;\n{ind}end\n"
             f"{ind}assign {layer}_out_wr = {layer}_out_wr_q;\n"
             f"{ind}assign {layer}_out_data = {layer}_out_data_q;\n")
    s = s[:decl.end()] + extra + s[decl.end():]
    for port in ("out_data", "out_wr"):
        old = f".{port}({layer}_{port})"
        if old not in s:
            raise AssertionError(f"{top_path}: no port connection {old} to mutate")
        s = s.replace(old, f".{port}({layer}_{port}_pre)")
    with open(top_path, "w") as f:
        f.write(s)


def vcd_names(path):
    """Full dotted names (with the range suffix of vectors) of every variable of a VCD."""
    names, scope = set(), []
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "$scope":
                scope.append(w[2])
            elif w[0] == "$upscope":
                scope.pop()
            elif w[0] == "$var":
                ref = w[4] + (w[5] if len(w) > 6 and w[5].startswith("[") else "")
                names.add(".".join(scope + [ref]))
            elif w[0] == "$enddefinitions":
                break
    return names


class Verify(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_verify_")
        cls.nets = {}
        for kind in nets.KINDS:
            name = kind.replace(":", "_")
            cls.nets[kind] = nets.write_json(os.path.join(cls.tmp, name + ".json"), nets.kind_net(kind))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def verify(self, *args, cwd=None):
        """Run `nnsim verify` in the test folder (its nnsim_work/ lives there); returns (exit, output, seconds)."""
        t0 = time.monotonic()
        r = subprocess.run([nets.NNSIM, "verify", *args], capture_output=True, text=True, timeout=900,
                           cwd=cwd or self.tmp)
        return r.returncode, r.stdout + r.stderr, time.monotonic() - t0

    def assert_verified(self, out, rc, samples, words=None):
        self.assertEqual(rc, 0, out)
        m = SUCCESS.search(out)
        self.assertIsNotNone(m, out)
        self.assertEqual(int(m.group(2)), samples, out)
        if words is not None:
            self.assertEqual(int(m.group(3)), words, out)
        # one input and one output handshake per sample (single-input, single-output networks)
        self.assertEqual(int(m.group(4)), 2 * samples, out)

    def test_keras_3layer_and_build_reuse(self):
        # Cold (or cached from an earlier run) build, then certainly reused.
        rc, out, first = self.verify("--net", nets.KERAS_3LAYER, "--samples", "100")
        self.assert_verified(out, rc, 100, 500)
        self.assertTrue("building with Verilator" in out or "reusing Verilator build" in out, out)
        rc, out2, second = self.verify("--net", nets.KERAS_3LAYER, "--samples", "100")
        self.assert_verified(out2, rc, 100, 500)
        self.assertIn("reusing Verilator build", out2)
        if "building with Verilator" in out:
            self.assertLess(second, first / 3, f"reused run took {second:.1f} s, the build {first:.1f} s")
        self.assertLess(second, 10, out2)
        # The same design under back-pressure: same build, every cycle still identical.
        rc, out, _ = self.verify("--net", nets.KERAS_3LAYER, "--samples", "100", *STALLS)
        self.assert_verified(out, rc, 100, 500)
        self.assertIn("reusing Verilator build", out)

    def test_every_kind_with_and_without_backpressure(self):
        jobs = [(kind, stalled) for kind in nets.KINDS for stalled in (False, True)]

        def one(job):
            kind, stalled = job
            rc, out, _ = self.verify("--net", self.nets[kind], "--samples", "40", "--seed", "3",
                                     *(STALLS if stalled else []))
            m = SUCCESS.search(out)
            if rc != 0 or not m or int(m.group(2)) != 40:
                return f"{kind}{' (stalls)' if stalled else ''}: exit {rc}: {out.strip()}"
            return None

        # Unstalled runs first so that each build happens once; the stalled run of a kind reuses it.
        problems = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            for stalled in (False, True):
                problems += [p for p in ex.map(one, [j for j in jobs if j[1] == stalled]) if p]
        self.assertEqual(problems, [], "\n".join(problems))

    def test_other_configurations(self):
        dense = self.nets["dense"]
        configs = [["--strategy", "Resource", "--reuse-factor", "4"],
                   ["--io-type", "io_stream"],
                   ["--fifo-depth", "1"]]
        for cfg in configs:
            for stalls in ([], STALLS):
                rc, out, _ = self.verify("--net", dense, "--samples", "30", *cfg, *stalls)
                self.assert_verified(out, rc, 30, 30 * 6)

    def test_changed_design_rebuilds_and_work_folder(self):
        work = os.path.join(self.tmp, "work_relu")
        args = ["--net", self.nets["relu"], "--samples", "10", "--work", work]
        rc, out, _ = self.verify(*args)
        self.assert_verified(out, rc, 10)
        self.assertIn("building with Verilator in " + work, out)
        self.assertTrue(os.path.isfile(os.path.join(work, "harness.cpp")))
        rc, out, _ = self.verify(*args)
        self.assert_verified(out, rc, 10)
        self.assertIn("reusing Verilator build " + work, out)
        # Another reuse factor is another design: the same work folder is rebuilt.
        rc, out, _ = self.verify(*args, "--reuse-factor", "2")
        self.assert_verified(out, rc, 10)
        self.assertIn("building with Verilator", out)
        # Default folders are named by hash: both designs keep their builds side by side.
        rc, out, _ = self.verify("--net", self.nets["relu"], "--samples", "10", "--reuse-factor", "2")
        self.assert_verified(out, rc, 10)
        folder = re.search(r"(?:building with Verilator in|reusing Verilator build) (\S+)", out).group(1)
        self.assertRegex(os.path.basename(folder), r"^t_relu-[0-9a-f]{16}$")

    def test_waveforms(self):
        wave_dir = os.path.join(self.tmp, "waves")
        rc, out, _ = self.verify("--net", self.nets["relu"], "--samples", "5", "--vcd", wave_dir)
        self.assert_verified(out, rc, 5)
        for suffix in ("_rtl.vcd", "_model.vcd", "_verify.vcd", "_verify.gtkw"):
            path = os.path.join(wave_dir, "t_relu" + suffix)
            self.assertTrue(os.path.getsize(path) > 0, path)
        merged = vcd_names(os.path.join(wave_dir, "t_relu_verify.vcd"))
        with open(os.path.join(wave_dir, "t_relu_verify.gtkw")) as f:
            shown = [line.split("} ", 1)[1].strip() for line in f if line.startswith("+{")]
        self.assertGreaterEqual(len(shown), 12, shown)
        missing = [s for s in shown if s not in merged]
        self.assertEqual(missing, [], f"signals of the view missing from the merged dump: {missing}")
        self.assertTrue(any(s.startswith("model.") for s in shown) and any(s.startswith("rtl.") for s in shown))

    def test_mutation_pipeline_register(self):
        net = self.nets["dense"]
        gen = os.path.join(self.tmp, "gen_dense")
        nets.run("gen", "--net", net, "-o", gen)
        mutant = os.path.join(self.tmp, "mutant_register")
        shutil.copytree(gen, mutant)
        top = [f for f in os.listdir(mutant) if f.endswith("_top.v")][0]
        add_pipeline_register(os.path.join(mutant, top), "fc")
        latency = nets.timing(net)["latency"]
        wave_dir = os.path.join(self.tmp, "waves_mutant")
        rc, out, _ = self.verify("--net", net, "--samples", "10", "--rtl-dir", mutant, "--vcd", wave_dir)
        self.assertEqual(rc, 1, out)
        # Sample 0 leaves the model in cycle `latency`, the mutant one cycle later.
        self.assertIn(f"MISMATCH at cycle {latency}: output fc sample 0 handshake: RTL in cycle {latency + 1}, "
                      f"model in cycle {latency}", out)
        self.assertIn(os.path.join(wave_dir, "t_dense_rtl.vcd"), out)
        self.assertIn(os.path.join(wave_dir, "t_dense_model.vcd"), out)
        # The unmodified copy passes through the same path.
        rc, out, _ = self.verify("--net", net, "--samples", "10", "--rtl-dir", gen)
        self.assert_verified(out, rc, 10)

    def test_mutation_rounding_mode(self):
        base = nets.kind_net("dense")
        base["layers"][0]["precision"] = {"result": "fixed<12,4>"}
        flipped = json.loads(json.dumps(base))
        flipped["layers"][0]["precision"] = {"result": "fixed<12,4,RND>"}
        net = nets.write_json(os.path.join(self.tmp, "dense_trn.json"), base)
        mutant = os.path.join(self.tmp, "mutant_rounding")
        nets.run("gen", "--net", nets.write_json(os.path.join(self.tmp, "dense_rnd.json"), flipped), "-o", mutant)
        rc, out, _ = self.verify("--net", net, "--samples", "20", "--rtl-dir", mutant)
        self.assertEqual(rc, 1, out)
        m = re.search(r"MISMATCH at cycle (\d+): output fc sample (\d+) word (\d+): RTL (-?\d+) \(0x[0-9a-f]+, "
                      r"cycle (\d+)\), model (-?\d+) \(0x[0-9a-f]+, cycle (\d+)\)", out)
        self.assertIsNotNone(m, out)
        # RND adds half an LSB before truncating: one LSB above TRN (modulo the 12-bit wrap).
        self.assertEqual((int(m.group(4)) - int(m.group(6))) % 4096, 1, out)
        self.assertEqual(m.group(5), m.group(7), "the handshake itself is on time")

    def test_bad_options(self):
        rc, out, _ = self.verify("--net", self.nets["dense"], "--ready-ratio", "0")
        self.assertEqual(rc, 2, out)
        self.assertIn("--ready-ratio", out)
        rc, out, _ = self.verify("--net", self.nets["dense"], "--rtl-dir", os.path.join(self.tmp, "nowhere"))
        self.assertEqual(rc, 2, out)
        self.assertIn("--rtl-dir", out)


if __name__ == "__main__":
    unittest.main()
