"""A simulated sweep killed with SIGKILL (its whole process group: the sweep and its worker processes) at
random moments, 20 times in a row, then run to the end: no point finished before a kill is lost or
computed again, none is stored twice or half-written, and the final rows equal those of a sweep that
was never interrupted."""
import json
import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import shutil
import time
import unittest

import nets

SPEC = """grid:
  reuse: valid
  strategy: [Latency, Resource]
  io: [io_parallel, io_stream]
  precision: ["fixed<16,6>", "fixed<10,4>", "fixed<8,3,RND,SAT>"]
"""
SWEEP = ["--net", nets.KERAS_3LAYER, "--simulate", "--samples", "10000", "--no-plot", "-j", "2"]
RESULT_COLUMNS = "key, idx, status, error, latency, ii, dsp, lut, ff, bram18, accuracy, result"


def stored(db):
    if not os.path.exists(db):
        return {}
    con = sqlite3.connect(db)
    try:
        rows = con.execute(f"SELECT {RESULT_COLUMNS}, compute_count FROM points").fetchall()
    except sqlite3.OperationalError:  # killed before the tables existed
        return {}
    finally:
        con.close()
    # The stored result JSON without when and how fast the point was computed.
    volatile = ("seconds", "run", "compute_count")
    return {r[0]: r[:-2] + (json.dumps({k: v for k, v in json.loads(r[-2]).items() if k not in volatile},
                                       sort_keys=True), r[-1]) for r in rows}


class SweepKill(unittest.TestCase):
    def test_killed_twenty_times(self):
        tmp = tempfile.mkdtemp(prefix="nnsim_kill_")
        spec = os.path.join(tmp, "spec.yml")
        with open(spec, "w") as f:
            f.write(SPEC)
        sweep = SWEEP + ["--sweep", spec]
        try:
            clean = os.path.join(tmp, "clean")
            nets.run(*sweep, "--out", clean)
            expected = stored(os.path.join(clean, "sweep.db"))
            self.assertGreater(len(expected), 20)

            out = os.path.join(tmp, "killed")
            db = os.path.join(out, "sweep.db")
            rng = random.Random(7)
            before = {}
            kills = 0
            for attempt in range(20):
                p = subprocess.Popen([nets.NNSIM, *sweep, "--out", out], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
                time.sleep(rng.uniform(0.05, 0.3))
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
                    kills += 1
                p.wait()
                now = stored(db)
                for key, row in before.items():  # nothing finished is lost or changed
                    self.assertEqual(now.get(key), row, f"kill {attempt}: point {key}")
                for key, row in now.items():
                    self.assertEqual(row[-1], 1, f"kill {attempt}: point {key} computed {row[-1]} times")
                    self.assertEqual(row[:-1], expected[key][:-1], f"kill {attempt}: point {key} differs")
                before = now
            self.assertGreaterEqual(kills, 15)  # most attempts were killed mid-way
            nets.run(*sweep, "--out", out)
            final = stored(db)
            self.assertEqual({k: r[:-1] for k, r in final.items()}, {k: r[:-1] for k, r in expected.items()})
            self.assertTrue(all(r[-1] == 1 for r in final.values()), "a finished point was computed again")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
