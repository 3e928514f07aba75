"""A verify killed (SIGKILL, with its Verilator and compiler children) during its Verilator build leaves
no cache entry a rerun would trust: the build happens in a temporary folder published by a rename only
when complete, so the rerun builds again (it does not say "reusing"), removes the abandoned folder and
passes. Environment: NNSIM (binary), NNSIM_SHARED_DIR."""
import glob
import os
import signal
import subprocess
import time
import unittest

import nets

OVER = ["--reuse-factor", "16", "--strategy", "Resource"]


class VerifyKillTest(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_verify_kill_"

    def test_kill_during_build_then_rerun(self):
        work = self.path("work")
        args = [nets.NNSIM, "verify", "--net", nets.KERAS_3LAYER, "--samples", "3", "--work", work, *OVER]
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.time() + 120
        building = []
        while time.time() < deadline and p.poll() is None:
            building = glob.glob(os.path.join(work, "**", "*.tmp-*"), recursive=True)
            if building and glob.glob(os.path.join(building[0], "*")):
                time.sleep(1.0)  # well into the build: Verilator has written files
                break
            time.sleep(0.05)
        self.assertIsNone(p.poll(), "verify finished before it could be killed during its build")
        self.assertTrue(building, "no build folder appeared")
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        # Nothing published: no stamp outside the temporary folders.
        stamps = [s for s in glob.glob(os.path.join(work, "**", "nnsim_build.stamp"), recursive=True)
                  if ".tmp-" not in s]
        self.assertEqual(stamps, [], "a killed build left a trusted cache entry")
        r = nets.run("verify", "--net", nets.KERAS_3LAYER, "--samples", "3", "--work", work, *OVER)
        self.assertNotIn("reusing", r.stdout)
        self.assertRegex(r.stdout, r"verify: \S+: 3 samples, \d+ output words and \d+ handshake cycles identical")
        self.assertEqual(glob.glob(os.path.join(work, "**", "*.tmp-*"), recursive=True), [],
                         "the abandoned build folder was not removed")
        r = nets.run("verify", "--net", nets.KERAS_3LAYER, "--samples", "3", "--work", work, *OVER)
        self.assertIn("reusing", r.stdout)


if __name__ == "__main__":
    unittest.main()
