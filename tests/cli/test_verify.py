"""`nnsim verify`: the generated Verilog under Verilator against the SystemC model.
  - KERAS_3layer and every kind's small network verify (every output word, every output and input
    handshake cycle identical), without and with random back-pressure, and a few other configurations;
  - a second run of the same design reuses the Verilator build (says so, builds nothing), a changed design
    builds afresh;
  - with --vcd, both waveforms and a merged view are written, and every signal of the GTKWave view
    exists in the merged dump;
  - mutations of the RTL (hidden flag --rtl-dir: verify a hand-edited copy of the generated Verilog) are
    caught: (a) one pipeline register on a layer output moves a handshake by one cycle, (b) a rounding
    mode flipped on the RTL side only changes an output word. verify exits 1 and names the first
    differing sample, word and cycle.
Verilator builds are content-addressed, so the runs work in a cache folder kept between test runs
(NNSIM_VERIFY_CACHE, default verify_cache/ beside the nnsim binary; folders a full run did not use and
no verify touched for an hour are pruned at its end): a rerun with an unchanged generator and harness rebuilds nothing. The build and
rebuild checks use a fresh --work folder of their own."""
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import nets

KERAS_3LAYER = os.path.abspath(nets.KERAS_3LAYER)  # verify runs in CACHE
STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
CACHE = os.environ.get("NNSIM_VERIFY_CACHE") or os.path.join(os.path.dirname(os.path.abspath(nets.NNSIM)),
                                                              "verify_cache")
FOLDER = re.compile(r"(?:building with Verilator in|reusing Verilator build) (\S+)")
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
        os.makedirs(CACHE, exist_ok=True)
        cls.used = set()
        cls.ran = 0
        cls.nets = {}
        for kind in nets.KINDS:
            name = kind.replace(":", "_")
            cls.nets[kind] = nets.write_json(os.path.join(cls.tmp, name + ".json"), nets.kind_net(kind))

    def setUp(self):
        type(self).ran += 1

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        # Prune the cache only after a full run (a single test uses only a few of the folders), and only
        # folders no verify has touched for an hour: other tests (test_verify_matrix, ...) run at the
        # same time and build or reuse folders of their own in the same cache (verify touches a folder
        # whenever it uses it).
        work = os.path.join(CACHE, "nnsim_work")
        if cls.ran == len([m for m in dir(cls) if m.startswith("test_")]) and os.path.isdir(work):
            stale = time.time() - 3600
            for d in os.listdir(work):
                path = os.path.join(work, d)
                try:
                    old = os.path.getmtime(path) < stale
                except OSError:
                    continue
                if path not in cls.used and old:
                    shutil.rmtree(path, ignore_errors=True)

    def verify(self, *args):
        """Run `nnsim verify` in the cache folder (its nnsim_work/ lives there); returns (exit, output, seconds)."""
        t0 = time.monotonic()
        r = subprocess.run([nets.NNSIM, "verify", *args], capture_output=True, text=True, timeout=900, cwd=CACHE)
        out = r.stdout + r.stderr
        m = FOLDER.search(out)
        if m:
            self.used.add(m.group(1))
        return r.returncode, out, time.monotonic() - t0

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
        rc, out, _ = self.verify("--net", KERAS_3LAYER, "--samples", "100")
        self.assert_verified(out, rc, 100, 500)
        self.assertTrue("building with Verilator" in out or "reusing Verilator build" in out, out)
        rc, out2, _ = self.verify("--net", KERAS_3LAYER, "--samples", "100")
        self.assert_verified(out2, rc, 100, 500)
        self.assertIn("reusing Verilator build", out2)
        # The same design under back-pressure: same build, every cycle still identical.
        rc, out, _ = self.verify("--net", KERAS_3LAYER, "--samples", "100", *STALLS)
        self.assert_verified(out, rc, 100, 500)
        self.assertIn("reusing Verilator build", out)

    def test_every_kind_with_and_without_backpressure(self):
        jobs = [(kind, stalled) for kind in nets.KINDS for stalled in (False, True)]

        def one(job):
            kind, stalled = job
            rc, out, _ = self.verify("--net", self.nets[kind], "--samples", "40", "--seed", "3",
                                     *(STALLS if stalled else []))
            m, folder = SUCCESS.search(out), FOLDER.search(out)
            if rc != 0 or not m or int(m.group(2)) != 40:
                return f"{kind}{' (stalls)' if stalled else ''}: exit {rc}: {out.strip()}"
            # Default work folders are named <network>-<16 hex digits of the design hash>.
            if not folder or not re.match(r"^t_%s-[0-9a-f]{16}$" % kind.replace(":", "_"),
                                       os.path.basename(folder.group(1))):
                return f"{kind}: unexpected work folder in: {out.strip()}"
            if stalled and "reusing Verilator build" not in out:
                return f"{kind}: the stalled run rebuilt the same design: {out.strip()}"
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

    def test_narrow_ports_and_input_file(self):
        # Ports of up to 64 bits are integers in Verilated C++ (8, 16, 32 and 64-bit types), wider ones
        # VlWide arrays: 3 x 16 = 48-bit input (uint64_t), 2 x 16 = 32-bit output (uint32_t); at 8 bits,
        # 1 x 8 = 8-bit ports (uint8_t) and 3 x 8 = 24 bits.
        rng = random.Random(4)
        paths = []
        for i, (n_in, n_out, precision) in enumerate(((3, 2, None), (1, 1, "fixed<8,3>"), (3, 2, "fixed<8,3>"))):
            net = {"format": "nnsim-network", "name": f"t_narrow{i}", "inputs": [{"name": "x", "shape": [n_in]}],
                   "layers": [nets.dense_layer(rng, "fc", n_in, n_out)]}
            path = nets.write_json(os.path.join(self.tmp, f"narrow_{i}.json"), net)
            paths.append(path)
            extra = ["--precision", precision] if precision else []
            rc, out, _ = self.verify("--net", path, "--samples", "50", *extra, *STALLS)
            self.assert_verified(out, rc, 50, 50 * n_out)
        # Samples from a file (the hls4ml testbench format), limited by --samples.
        data = os.path.join(self.tmp, "narrow_input.dat")
        with open(data, "w") as f:
            for i in range(12):
                f.write(" ".join(str(round(rng.uniform(-4, 4), 4)) for _ in range(3)) + "\n")
        rc, out, _ = self.verify("--net", paths[0], "--input", data, "--samples", "9")
        self.assert_verified(out, rc, 9, 18)
        self.assertIn("reusing Verilator build", out)

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
        # FST: the RTL's waveform and the merged one (a separate cached build variant).
        fst_dir = os.path.join(self.tmp, "waves_fst")
        rc, out, _ = self.verify("--net", self.nets["relu"], "--samples", "5", "--vcd", fst_dir, "--fst")
        self.assert_verified(out, rc, 5)
        for suffix in ("_rtl.fst", "_model.vcd", "_verify.fst", "_verify.gtkw"):
            path = os.path.join(fst_dir, "t_relu" + suffix)
            self.assertTrue(os.path.getsize(path) > 0, path)
        with open(os.path.join(fst_dir, "t_relu_verify.gtkw")) as f:
            self.assertIn("t_relu_verify.fst", f.read())

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

    def test_broken_rtl_keeps_its_build_log(self):
        """Verilog that does not build: exit 2 naming a log kept apart from the design's build log (a
        rerun rewrites that one), which holds Verilator's error."""
        gen = os.path.join(self.tmp, "gen_broken")
        nets.run("gen", "--net", self.nets["dense"], "-o", gen)
        top = [f for f in os.listdir(gen) if f.endswith("_top.v")][0]
        with open(os.path.join(gen, top), "a") as f:
            f.write("\nmodule broken (; endmodule\n")
        rc, out, _ = self.verify("--net", self.nets["dense"], "--samples", "2", "--rtl-dir", gen)
        self.assertEqual(rc, 2, out)
        m = re.search(r"Verilator build failed \(exit \d+\), log (\S+\.failed-\d+):", out)
        self.assertIsNotNone(m, out)
        with open(m.group(1)) as f:
            self.assertIn("%Error", f.read())

    def test_bad_options(self):
        rc, out, _ = self.verify("--net", self.nets["dense"], "--ready-ratio", "0")
        self.assertEqual(rc, 2, out)
        self.assertIn("--ready-ratio", out)
        rc, out, _ = self.verify("--net", self.nets["dense"], "--rtl-dir", os.path.join(self.tmp, "nowhere"))
        self.assertEqual(rc, 2, out)
        self.assertIn("--rtl-dir", out)


if __name__ == "__main__":
    unittest.main()
