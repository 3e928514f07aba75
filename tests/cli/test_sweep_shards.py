"""Sweeps split over machines (tools/nnsim/sweep_shards.cpp):
  - N shards (--shard K/N) merged (--merge) give exactly the rows of the unsharded sweep, N = 1, 3, 7;
  - --backend slurm writes a job-array script; running its tasks by hand (SLURM_ARRAY_TASK_ID = 0..N-1,
    as Slurm would) and then the merge command it prints gives the same rows;
  - a point stored twice, points no store holds, a bad --shard: one line, exit 2."""
import csv
import os
import shutil
import subprocess
import tempfile
import unittest

import nets

SWEEP = ["--net", nets.KERAS_3LAYER, "--sweep", "reuse,strategy", "--no-plot", "-j", "2"]
VOLATILE = ("run", "compute_count", "seconds")  # when and how fast a point was computed


def rows(folder):
    with open(os.path.join(folder, "results.csv")) as f:
        return sorted([{k: v for k, v in r.items() if k not in VOLATILE} for r in csv.DictReader(f)],
                      key=lambda r: int(r["index"]))


class SweepShards(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_shards_")
        cls.full = os.path.join(cls.tmp, "full")
        nets.run(*SWEEP, "--out", cls.full)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, *names):
        return os.path.join(self.tmp, *names)

    def shards(self, n, tag):
        dirs = [self.path(f"{tag}{n}_{k}") for k in range(n)]
        for k, d in enumerate(dirs):
            nets.run(*SWEEP, "--shard", f"{k}/{n}", "--out", d)
        return dirs

    def test_merged_shards_equal_the_whole_sweep(self):
        expected = rows(self.full)
        self.assertEqual(len(expected), 12)
        for n in (1, 3, 7):
            dirs = self.shards(n, "s")
            merged = self.path(f"merged{n}")
            nets.run(*SWEEP, "--out", merged, "--merge", *dirs)
            self.assertEqual(rows(merged), expected, f"{n} shards")
            self.assertEqual(sum(len(rows(d)) for d in dirs), 12)  # every point in exactly one shard

    def test_slurm_array_script_run_by_hand(self):
        out = self.path("slurm")
        r = nets.run(*SWEEP, "--backend", "slurm", "--tasks", "4", "--partition", "cpu", "--out", out)
        script = os.path.join(out, "slurm_array.sh")
        with open(script) as f:
            text = f.read()
        for line in ("#SBATCH --array=0-3", "#SBATCH --partition=cpu", "--shard \"${SLURM_ARRAY_TASK_ID}/4\""):
            self.assertIn(line, text)
        for k in range(4):  # what the array's tasks do
            subprocess.run(["bash", script], check=True, capture_output=True, env={**os.environ, "SLURM_ARRAY_TASK_ID": str(k)})
        merge = next(l for l in r.stdout.splitlines() if l.startswith("merge:"))[len("merge:"):].strip()
        subprocess.run(merge, shell=True, check=True, capture_output=True)
        self.assertEqual(rows(out), rows(self.full))

    def expect_error(self, args, fragment):
        r = nets.run(*SWEEP, *args, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(fragment, lines[0])

    def test_bad_merges_and_shards(self):
        dirs = self.shards(3, "e")
        self.expect_error(["--out", self.path("m1"), "--merge", dirs[0], dirs[1]], "4 of 12 points are in none of the stores")
        self.expect_error(["--out", self.path("m2"), "--merge", *dirs, dirs[0]], "is in both")
        self.expect_error(["--out", self.path("m3"), "--merge", self.path("nowhere")], "no sweep store (sweep.db) to merge")
        self.expect_error(["--out", self.path("m4"), "--shard", "3/3"], "--shard: expected K/N with 0 <= K < N")
        self.expect_error(["--out", self.path("m5"), "--shard", "0/2", "--merge", dirs[0]], "give one of them")


if __name__ == "__main__":
    unittest.main()
