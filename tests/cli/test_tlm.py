"""The TLM-2.0 example host drives the model through b_transport and gets the same results as
`nnsim sim` on the same samples."""
import os
import shutil
import subprocess
import tempfile
import unittest

import nets

TLM_HOST = os.environ["NNSIM_TLM_HOST"]


class TlmBoundary(unittest.TestCase):
    def test_same_outputs_as_sim(self):
        tmp = tempfile.mkdtemp(prefix="nnsim_tlm_")
        try:
            sim_out, tlm_out = os.path.join(tmp, "sim.dat"), os.path.join(tmp, "tlm.dat")
            nets.run("sim", "--net", nets.KERAS_3LAYER, "--samples", "50", "--seed", "9", "--output", sim_out)
            r = subprocess.run([TLM_HOST, "--net", nets.KERAS_3LAYER, "--samples", "50", "--seed", "9",
                                "--output", tlm_out], capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("50 samples through b_transport", r.stdout)
            # Values travel as float32 through the socket; every fixed<16,6> value is exact in float32.
            with open(sim_out) as a, open(tlm_out) as b:
                sim_rows = [[float(x) for x in l.split()] for l in a]
                tlm_rows = [[float(x) for x in l.split()] for l in b]
            self.assertEqual(len(sim_rows), 50)
            self.assertEqual(sim_rows, tlm_rows)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
