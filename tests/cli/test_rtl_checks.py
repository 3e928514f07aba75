"""Generated Verilog is deterministic, passes `verilator --lint-only -Wall` without a single warning and
Yosys `synth_xilinx -family xc7 -flatten -noiopad` followed by `check -assert`, for every layer kind
(both strategies, several reuse factors) and for KERAS_3layer at reuse factor 16."""
import concurrent.futures
import filecmp
import os
import shutil
import subprocess
import tempfile
import unittest

import nets


def files_of(d):
    with open(os.path.join(d, "filelist.f")) as f:
        return [l.strip() for l in f if l.strip()]


def top_of(d):
    return [f for f in files_of(d) if f.endswith("_top.v")][0][:-2]


def lint(d):
    r = subprocess.run(["verilator", "--lint-only", "-Wall", "--top-module", top_of(d), *files_of(d)], cwd=d,
                       capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout + r.stderr


def synth(d):
    script = (f"read_verilog {' '.join(files_of(d))}; synth_xilinx -family xc7 -top {top_of(d)} -flatten -noiopad; "
              "check -assert; stat")
    r = subprocess.run(["yosys", "-p", script], cwd=d, capture_output=True, text=True, timeout=1200)
    return r.returncode, r.stdout + r.stderr


class RtlChecks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_rtl_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def gen(self, net, tag, *overrides):
        out = os.path.join(self.tmp, tag)
        nets.run("gen", "--net", net, "-o", out, *overrides)
        return out

    def test_lint_and_synth_every_kind(self):
        designs, synthesized = [], []
        for kind in nets.KINDS:
            path = nets.write_json(os.path.join(self.tmp, kind.replace(":", "_") + ".json"), nets.kind_net(kind))
            valid = nets.timing(path)["layers"][0]["valid_reuse_factors"]
            for strategy, rf in (("Latency", valid[0]), ("Resource", valid[len(valid) // 2]), ("Latency", valid[-1])):
                tag = f"{kind.replace(':', '_')}_{strategy}_{rf}"
                designs.append(self.gen(path, tag, "--strategy", strategy, "--reuse-factor", str(rf)))
                if strategy == "Resource":
                    synthesized.append(designs[-1])  # Yosys takes seconds per design: one per kind
        # A narrow saturating precision exercises the rounding and saturation logic too.
        path = os.path.join(self.tmp, "relu.json")
        designs.append(self.gen(path, "relu_narrow", "--precision", "fixed<8,3,RND,SAT>"))
        synthesized.append(designs[-1])
        problems = []
        for d in designs:
            rc, out = lint(d)
            if rc != 0 or out.strip():
                problems.append(f"lint {d}: {out[:2000]}")
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            for d, (rc, out) in zip(synthesized, ex.map(synth, synthesized)):
                if rc != 0:
                    problems.append(f"yosys {d}: {out[-2000:]}")
        self.assertEqual(problems, [], "\n".join(problems))

    def test_keras_3layer_rf16(self):
        d = self.gen(nets.KERAS_3LAYER, "k3_rf16", "--strategy", "Resource", "--reuse-factor", "16")
        rc, out = lint(d)
        self.assertEqual((rc, out.strip()), (0, ""), out)
        rc, out = synth(d)
        self.assertEqual(rc, 0, out[-3000:])
        self.assertIn("DSP48E1", out)

    def test_deterministic(self):
        a = self.gen(nets.KERAS_3LAYER, "det_a", "--reuse-factor", "4")
        b = self.gen(nets.KERAS_3LAYER, "det_b", "--reuse-factor", "4")
        names = sorted(os.listdir(a))
        self.assertEqual(names, sorted(os.listdir(b)))
        match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
        self.assertEqual((mismatch, errors), ([], []))


if __name__ == "__main__":
    unittest.main()
