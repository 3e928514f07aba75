"""Small networks for command-line tests: one per layer kind, with seeded random inline weights, and the
KERAS_3layer jet tagger imported from ../shared. Shared by the simulation and (later) RTL tests."""
import json
import os
import random
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

NNSIM = os.environ.get("NNSIM", "nnsim")
SHARED = os.environ.get("NNSIM_SHARED_DIR", "../shared")
KERAS_3LAYER = os.path.join(SHARED, "external_models", "keras", "KERAS_3layer.json")


def _tensor(rng, shape, lo=-1.0, hi=1.0):
    n = 1
    for d in shape:
        n *= d
    return {"shape": list(shape), "data": [round(rng.uniform(lo, hi), 6) for _ in range(n)]}


def dense_layer(rng, name, n_in, n_out, **extra):
    layer = {"name": name, "kind": "dense", "n_out": n_out,
             "weights": {"kernel": _tensor(rng, [n_in, n_out]), "bias": _tensor(rng, [n_out], -0.5, 0.5)}}
    layer.update(extra)
    return layer


def kind_net(kind, seed=1, n_in=8):
    """A network exercising `kind`: the kind itself, after a dense layer where it is an activation."""
    rng = random.Random(seed)
    net = {"format": "nnsim-network", "name": f"t_{kind}", "inputs": [{"name": "x", "shape": [n_in]}],
           "layers": []}
    if kind == "dense":
        net["layers"].append(dense_layer(rng, "fc", n_in, 6))
    elif kind == "batchnorm":
        net["layers"].append({"name": "bn", "kind": "batchnorm", "epsilon": 0.001, "weights": {
            "gamma": _tensor(rng, [n_in], 0.5, 1.5), "beta": _tensor(rng, [n_in], -0.5, 0.5),
            "moving_mean": _tensor(rng, [n_in], -0.5, 0.5), "moving_variance": _tensor(rng, [n_in], 0.5, 2.0)}})
    else:
        act = {"name": "act", "kind": kind}
        if kind == "clipped_relu":
            act["max_value"] = 1.5
        if kind == "leaky_relu":
            act["alpha"] = 0.2
        if kind == "elu":
            act["alpha"] = 0.7
        if kind == "fixed_point_quantizer":  # per element: a signed, a pruned, an unsigned, ... type
            act.update(keep_negative=[1, 1, 0, 1, 1, 1], bits=[6, 0, 5, 8, 4, 7], integers=[3, 0, 2, 4, 1, 3])
        if kind.startswith("softmax"):
            act = {"name": "act", "kind": "softmax", "implementation": kind.split(":")[1]}
        if kind.startswith("batchnorm_quantized_tanh"):  # thresholds from a batchnorm over the 6 outputs
            act = {"name": "act", "kind": "batchnorm_quantized_tanh", "quantize": kind.split(":")[1],
                   "weights": {"gamma": _tensor(rng, [6], 0.5, 1.5), "beta": _tensor(rng, [6], -0.5, 0.5),
                               "moving_mean": _tensor(rng, [6], -0.5, 0.5),
                               "moving_variance": _tensor(rng, [6], 0.5, 2.0)}}
        net["layers"] += [dense_layer(rng, "fc", n_in, 5 if kind.startswith("softmax") else 6), act]
    return net


KINDS = ["dense", "batchnorm", "relu", "clipped_relu", "leaky_relu", "linear", "sigmoid", "tanh",
         "softmax:stable", "softmax:latency", "softmax:argmax", "elu", "selu", "hard_activation",
         "fixed_point_quantizer", "batchnorm_quantized_tanh:binary", "batchnorm_quantized_tanh:ternary"]


def run(*args, check=True, cwd=None):
    r = subprocess.run([NNSIM, *args], capture_output=True, text=True, timeout=1800, cwd=cwd)
    if check and r.returncode != 0:
        raise AssertionError(f"nnsim {' '.join(args)} exited {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
    return path


def timing(net_path, *overrides):
    """The timing model's figures (nnsim timing --json), written to a temporary file (never beside the
    network: it may be in the source tree or in ../shared)."""
    fd, out = tempfile.mkstemp(prefix="nnsim_timing_", suffix=".json")
    os.close(fd)
    try:
        run("timing", "--net", net_path, "--json", out, *overrides)
        with open(out) as f:
            return json.load(f)
    finally:
        os.remove(out)


def skip_net(seed=3, input_depth=None, branch_depth=None, io_type="io_stream"):
    """The skip-connection network of the deadlock tests: input x [8,4] feeds branch A (relu, per pixel)
    and branch B (reshape to [32], dense 32->32, reshape back to [8,4]); add merges them. Branch B cannot
    give its first pixel before it has the whole sample, so branch A must buffer it. `input_depth` and
    `branch_depth` override the FIFO depths of x's FIFOs and of relu's output FIFO."""
    rng = random.Random(seed)
    x = {"name": "x", "shape": [8, 4]}
    if input_depth:
        x["fifo_depth"] = input_depth
    relu = {"name": "branch_a", "kind": "relu", "inputs": ["x"]}
    if branch_depth:
        relu["fifo_depth"] = branch_depth
    return {"format": "nnsim-network", "name": "skip", "io_type": io_type, "inputs": [x],
            "layers": [relu,
                       {"name": "flatten", "kind": "reshape", "target_shape": [32], "inputs": ["x"]},
                       dense_layer(rng, "fc", 32, 32, inputs=["flatten"]),
                       {"name": "unflatten", "kind": "reshape", "target_shape": [8, 4], "inputs": ["fc"]},
                       {"name": "merge", "kind": "add", "inputs": ["branch_a", "unflatten"]}]}


def grid_values(rng, n, lo, hi):
    """Values on a 2^-12 grid (exact in float32 and double)."""
    return [rng.randint(int(lo * 4096), int(hi * 4096)) / 4096.0 for _ in range(n)]


def read_dat(path):
    """A .dat file (one sample a line, values separated by spaces) as a 2D array."""
    with open(path) as f:
        return np.array([[float(v) for v in line.split()] for line in f if line.strip()])


class TmpDirTest(unittest.TestCase):
    """A test case with one temporary folder for the whole class (`cls.tmp`, prefix TMP_PREFIX), removed at
    the end."""
    TMP_PREFIX = "nnsim_"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix=cls.TMP_PREFIX)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def expect_error(self, net, *fragments):
        """`nnsim validate` of `net` exits 2 with one error line naming the file and holding every fragment."""
        p = write_json(self.path("bad.json"), net)
        r = run("validate", "--net", p, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("nnsim: error: " + p), lines[0])
        for frag in fragments:
            self.assertIn(frag, lines[0])


class GridInputTest(TmpDirTest):
    """TmpDirTest that writes networks as <tag>.json and random inputs on the 2^-12 grid as <tag>_in.dat."""

    def write(self, tag, net):
        return write_json(self.path(tag + ".json"), net)

    def inputs(self, tag, shape, n=12, seed=3):
        """n random samples of `shape` in [-4, 4]: (array [n, *shape], path of the .dat file)."""
        rng = random.Random(seed)
        x = np.array([grid_values(rng, int(np.prod(shape)), -4, 4) for _ in range(n)])
        path = self.path(tag + "_in.dat")
        with open(path, "w") as f:
            for row in x:
                f.write(" ".join(repr(v) for v in row) + "\n")
        return x.reshape([n] + list(shape)), path
