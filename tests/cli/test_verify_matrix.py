"""`nnsim verify` over the configuration matrix of the Verilog issue, for KERAS_3layer and
KERAS_3layer_batch_norm: Latency and Resource, io_parallel and io_stream, reuse factors 1, a middle
valid value and each layer's largest valid value, two precisions (fixed<16,6> and fixed<8,3,RND,SAT>),
each with and without random back-pressure. Every Verilator build costs tens of seconds, so the test
runs a covering set: every strategy meets every reuse-factor choice, both io types and both
precisions (6 designs per model); stimulus variations reuse the build (content-addressed cache,
NNSIM_VERIFY_CACHE or verify_cache/ beside the binary). Every point must report identical output
words and handshake cycles."""
import json
import os
import re
import shutil
import tempfile
import unittest

import nets

CACHE = os.environ.get("NNSIM_VERIFY_CACHE") or os.path.join(os.path.dirname(os.path.abspath(nets.NNSIM)),
                                                              "verify_cache")
STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
SUCCESS = re.compile(r"^verify: \S+: \d+ samples, \d+ output words and \d+ handshake cycles identical", re.M)
MODELS = ["KERAS_3layer", "KERAS_3layer_batch_norm"]


class VerifyMatrix(unittest.TestCase):
    def test_matrix(self):
        tmp = tempfile.mkdtemp(prefix="nnsim_vmatrix_")
        os.makedirs(CACHE, exist_ok=True)
        problems, points = [], 0
        try:
            for model in MODELS:
                base = os.path.join(tmp, model + ".json")
                nets.run("import", "--net", os.path.join(nets.SHARED, "external_models", "keras", model + ".json"),
                         "-o", base)
                with open(base) as f:
                    desc = json.load(f)
                valid = {l["name"]: l["valid_reuse_factors"] for l in nets.timing(base)["layers"]}
                variants = {"rf1": base}
                for choice in ("mid", "max"):
                    d = json.loads(json.dumps(desc))
                    for layer in d["layers"]:
                        v = valid[layer["name"]]
                        layer["reuse_factor"] = v[len(v) // 2] if choice == "mid" else v[-1]
                    variants["rf" + choice] = nets.write_json(os.path.join(tmp, f"{model}_{choice}.json"), d)
                narrow = "fixed<8,3,RND,SAT>"
                covering = [("Latency", "io_parallel", "rf1", "fixed<16,6>"),
                            ("Latency", "io_stream", "rfmid", narrow),
                            ("Latency", "io_parallel", "rfmax", narrow),
                            ("Resource", "io_stream", "rf1", "fixed<16,6>"),
                            ("Resource", "io_parallel", "rfmid", "fixed<16,6>"),
                            ("Resource", "io_stream", "rfmax", narrow)]
                for strategy, io, label, prec in covering:
                    for stalled in (False, True):
                        args = ["verify", "--net", os.path.abspath(variants[label]), "--samples", "40",
                                "--strategy", strategy, "--io-type", io, "--precision", prec]
                        args += STALLS if stalled else []
                        r = nets.run(*args, check=False, cwd=CACHE)
                        points += 1
                        if r.returncode != 0 or not SUCCESS.search(r.stdout):
                            problems.append(f"{model} {label} {strategy} {io} {prec} stalls={stalled}: "
                                            f"exit {r.returncode}: {r.stdout[-500:]} {r.stderr[-500:]}")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertEqual(points, len(MODELS) * 6 * 2)


if __name__ == "__main__":
    unittest.main()
