"""Resource limits: a design whose estimate exceeds four times the largest known part is refused by
gen, verify and synth before any Verilog is written (one line naming the file, with a hint, exit 2);
timing and the estimate still work on it. (NNSIM_NO_SIZE_LIMIT lifts the check; not exercised here, as
the design would then be written.) Waveforms whose estimated size exceeds the bound are refused by sim
and verify before any sample is made; a small traced run stays inside the estimate.
Environment: NNSIM (binary)."""
import os
import random
import unittest

import nets


class LimitsTest(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_limits_"

    def test_enormous_design_is_refused_up_front(self):
        rng = random.Random(1)
        n = 250  # 62,500 products at RF 1: more DSPs than four of the largest part
        net = {"format": "nnsim-network", "name": "huge", "inputs": [{"name": "x", "shape": [n]}],
               "layers": [nets.dense_layer(rng, "fc", n, n)]}
        path = nets.write_json(self.path("huge.json"), net)
        for cmd in (["gen", "-o", self.path("out")], ["verify", "--samples", "1"], ["synth"]):
            r = nets.run(cmd[0], "--net", path, *cmd[1:], check=False)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            lines = r.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn(path + ": the Verilog of this design needs an estimated", lines[0])
            self.assertIn("--reuse-factor", lines[0])
        self.assertFalse(os.path.exists(self.path("out")))
        r = nets.run("timing", "--net", path)  # the estimate itself is cheap and allowed
        self.assertIn("total (estimate)", r.stdout)

    def test_waveforms_beyond_the_bound_are_refused(self):
        rng = random.Random(2)
        net = {"format": "nnsim-network", "name": "small", "inputs": [{"name": "x", "shape": [8]}],
               "layers": [nets.dense_layer(rng, "fc", 8, 4), {"name": "act", "kind": "relu"}]}
        path = nets.write_json(self.path("small.json"), net)
        per_sample = {}
        for cmd, wave in (("sim", self.path("w.vcd")), ("verify", self.path("waves"))):
            r = nets.run(cmd, "--net", path, "--samples", "2000000000", "--vcd", wave, check=False)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            lines = r.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertRegex(lines[0], r"the waveforms of 2000000000 samples \(about \d+ cycles\) may take up to "
                                       r"[0-9.]+ GB, more than .*--samples (\d+) fits")
            self.assertFalse(os.path.exists(wave))
            fits = int(lines[0].split("--samples ")[1].split()[0])
            self.assertGreater(fits, 1000)
            per_sample[cmd] = float(lines[0].split("may take up to ")[1].split()[0]) * 1e9 / 2e9
        # A traced run is written, and its file stays below the estimate (an upper bound).
        nets.run("sim", "--net", path, "--samples", "200", "--vcd", self.path("w.vcd"))
        size = os.path.getsize(self.path("w.vcd"))
        self.assertGreater(size, 0)
        self.assertLess(size, 200 * per_sample["sim"])


if __name__ == "__main__":
    unittest.main()
