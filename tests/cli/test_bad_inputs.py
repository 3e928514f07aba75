"""The golden error corpus (tests/bad/, written by tests/bad/make_cases.py): every case's files and
command line give exactly its recorded exit code (2) and one-line message naming the file and the JSON
pointer, line or layer."""
import glob
import json
import os
import sys
import unittest

import nets  # noqa: F401  (sets NNSIM and the shared folder like every CLI test)

BAD = os.path.join(os.environ.get("NNSIM_SOURCE_DIR", "."), "tests", "bad")
sys.path.insert(0, BAD)
import make_cases  # noqa: E402


class BadInputs(unittest.TestCase):
    def test_corpus(self):
        cases = sorted(glob.glob(os.path.join(BAD, "*.json")))
        self.assertGreaterEqual(len(cases), 60)
        problems = []
        for path in cases:
            with open(path) as f:
                case = json.load(f)
            code, stderr = make_cases.run_case(case)
            name = os.path.basename(path)
            if case["exit"] != 2:
                problems.append(f"{name}: the corpus holds bad inputs only (exit 2), it records {case['exit']}")
            if (code, stderr) != (case["exit"], case["stderr"]):
                problems.append(f"{name}: exit {code}, stderr\n  {stderr!r}\nexpected exit {case['exit']}, stderr\n"
                                f"  {case['stderr']!r}")
            if not stderr.startswith("nnsim: error: "):
                problems.append(f"{name}: the message does not start with 'nnsim: error: '")
        self.assertEqual(problems, [], "\n".join(problems))


if __name__ == "__main__":
    unittest.main()
