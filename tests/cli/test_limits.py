"""Resource limits: a design whose estimate exceeds four times the largest known part is refused by
gen, verify and synth before any Verilog is written (one line naming the file, with a hint, exit 2);
timing and the estimate still work on it. (NNSIM_NO_SIZE_LIMIT lifts the check; not exercised here, as
the design would then be written.)
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


if __name__ == "__main__":
    unittest.main()
