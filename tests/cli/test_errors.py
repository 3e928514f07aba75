"""Bad input through the command line: each case must end with exit code 2 and one line per problem on
stderr, "nnsim: error: <file>: <where>: <what was expected>", never a crash or a hang."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

NNSIM = os.environ["NNSIM"]
SHARED = os.environ["NNSIM_SHARED_DIR"]
KERAS = os.path.join(SHARED, "external_models", "keras")


def tiny_net(**layer_extra):
    dense = {"name": "fc", "kind": "dense", "n_out": 2,
             "weights": {"kernel": {"shape": [2, 2], "data": [0.5, -1.0, 2.0, 0.25]},
                         "bias": {"shape": [2], "data": [0.125, 0.0]}}}
    dense.update(layer_extra)
    return {"format": "nnsim-network", "inputs": [{"name": "x", "shape": [2]}],
            "layers": [dense, {"name": "act", "kind": "relu"}]}


class CliErrors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nnsim_err_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, content, binary=False):
        path = os.path.join(self.tmp, name)
        with open(path, "wb" if binary else "w") as f:
            f.write(content)
        return path

    def run_nnsim(self, *args):
        return subprocess.run([NNSIM, *args], capture_output=True, text=True, timeout=60)

    def expect_error(self, args, *fragments):
        r = self.run_nnsim(*args)
        self.assertEqual(r.returncode, 2, f"exit code {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}")
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertTrue(lines, "no error message")
        for l in lines:
            self.assertTrue(l.startswith("nnsim: error: "), f"not an error line: {l!r}")
        for frag in fragments:
            self.assertIn(frag, r.stderr)
        return r.stderr

    def test_malformed_json(self):
        p = self.write("bad.json", '{"format": "nnsim-network",\n  "inputs": [}\n')
        self.expect_error(["validate", "--net", p], p + ": malformed JSON: parse error at line 2")

    def test_unknown_layer_kind(self):
        net = tiny_net()
        net["layers"][1]["kind"] = "swish"
        p = self.write("net.json", json.dumps(net))
        self.expect_error(["validate", "--net", p], p + ": /layers/1/kind: unknown layer kind 'swish' (layer act)")

    def test_shape_mismatch_between_layers(self):
        net = tiny_net()
        net["layers"].append({"name": "fc2", "kind": "dense", "n_out": 1,
                              "weights": {"kernel": {"shape": [3, 1], "data": [1, 2, 3]}}})
        p = self.write("net.json", json.dumps(net))
        self.expect_error(["validate", "--net", p],
                          p + ": /layers/2 (layer fc2): kernel has shape [3,1], expected [2,1]")

    def test_missing_hdf5_dataset(self):
        net = tiny_net()
        net["weights_file"] = os.path.join(KERAS, "KERAS_3layer_weights.h5")
        net["layers"][0]["weights"]["kernel"] = {"h5": "/fc1_relu/fc1_relu/kernel:7"}
        p = self.write("net.json", json.dumps(net))
        self.expect_error(["validate", "--net", p], "/layers/0/weights/kernel:", "dataset /fc1_relu/fc1_relu/kernel:7 not found")

    def test_truncated_hdf5(self):
        with open(os.path.join(KERAS, "KERAS_3layer_weights.h5"), "rb") as f:
            head = f.read(3000)
        h5 = self.write("cut_weights.h5", head, binary=True)
        net = tiny_net()
        net["weights_file"] = h5
        net["layers"][0]["weights"]["kernel"] = {"h5": "/fc1_relu/fc1_relu/kernel:0"}
        p = self.write("net.json", json.dumps(net))
        err = self.expect_error(["validate", "--net", p], h5)
        self.assertTrue("truncated" in err or "corrupt" in err, err)

    def test_truncated_keras_weights(self):
        with open(os.path.join(KERAS, "KERAS_3layer_weights.h5"), "rb") as f:
            head = f.read(5000)
        h5 = self.write("cut.h5", head, binary=True)
        self.expect_error(["validate", "--net", os.path.join(KERAS, "KERAS_3layer.json"), "--weights", h5], h5)

    def test_data_file_wrong_columns(self):
        p = self.write("net.json", json.dumps(tiny_net()))
        d = self.write("in.dat", "1 2\n3 4 5\n")
        self.expect_error(["run", "--net", p, "--input", d], d + ":2: expected 2 values per sample, got 3")

    def test_data_file_not_a_number(self):
        p = self.write("net.json", json.dumps(tiny_net()))
        d = self.write("in.dat", "1 2\n3 x\n")
        self.expect_error(["run", "--net", p, "--input", d], d + ":2: 'x' is not a finite number")

    def test_bad_precision_string(self):
        p = self.write("net.json", json.dumps(tiny_net(precision={"weight": "fixed<4,8,XYZ>"})))
        self.expect_error(["validate", "--net", p],
                          p + ": /layers/0/precision/weight: unknown rounding mode 'XYZ' in 'fixed<4,8,XYZ>'")
        self.expect_error(["run", "--net", p, "--random-samples", "2", "--precision", "fixed<4,8,XYZ>"],
                          "unknown rounding mode 'XYZ'")

    def test_zero_and_negative_reuse_factor(self):
        for rf in (0, -1):
            p = self.write(f"net{rf}.json", json.dumps(tiny_net(reuse_factor=rf)))
            self.expect_error(["validate", "--net", p],
                              p + f": /layers/0/reuse_factor: must be a positive integer, got {rf} (layer fc)")

    def test_every_problem_reported(self):
        p = self.write("net.json", json.dumps(tiny_net(reuse_factor=0, precision="fixed<4,8,XYZ>")))
        err = self.expect_error(["validate", "--net", p], "reuse_factor", "XYZ")
        self.assertGreaterEqual(len(err.strip().splitlines()), 2)

    def test_missing_file(self):
        self.expect_error(["validate", "--net", os.path.join(self.tmp, "nope.json")], "nope.json")

    def test_bad_command_line(self):
        self.expect_error(["run", "--net"])
        self.expect_error(["frobnicate"])


if __name__ == "__main__":
    unittest.main()
