"""ONNX import of models exported from PyTorch inside the test (fixed seeds): an MLP and a small CNN with
non-square kernels, a non-square image, batch norm, a depthwise convolution, max and average pooling and
a flatten before the dense layers. nnsim's float model must give torch's outputs within 1e-5 (a wrongly
transposed layout or kernel would not), with the input given channels-last as nnsim reads it; the
imported networks then run, simulate and verify (Verilog against the model) at fixed-point precisions."""
import os
import sys
import unittest

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nets  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402


def mlp():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 12), nn.LeakyReLU(0.125),
                         nn.Linear(12, 8), nn.Tanh(), nn.Linear(8, 5), nn.Softmax(dim=1))


def cnn():
    torch.manual_seed(2)
    bn = nn.BatchNorm2d(4)
    model = nn.Sequential(
        nn.Conv2d(3, 4, (3, 2), padding=(1, 0)), nn.ReLU(), bn,   # [3,6,9] -> [4,6,8] (bn not fused)
        nn.MaxPool2d(2),                                         # -> [4,3,4]
        nn.Conv2d(4, 4, (2, 1), groups=4), nn.Sigmoid(),          # depthwise -> [4,2,4]
        nn.AvgPool2d((1, 2)),                                    # -> [4,2,2]
        nn.Conv2d(4, 5, (1, 2)), nn.ReLU(),                      # -> [5,2,1]
        nn.Flatten(), nn.Linear(10, 6))
    with torch.no_grad():  # non-trivial running statistics
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
    return model


class OnnxTorchTest(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_onnx_torch_"

    def export(self, name, model, shape):
        model.eval()
        path = self.path(name + ".onnx")
        torch.onnx.export(model, torch.zeros([1] + shape), path, input_names=["x"], output_names=["y"])
        return path

    def check_float(self, name, model, shape, n=16):
        """nnsim's float outputs equal torch's within 1e-5; returns the ONNX path."""
        onnx_path = self.export(name, model, shape)
        rng = np.random.default_rng(5)
        x = rng.uniform(-2, 2, size=[n] + shape).astype(np.float32)
        with torch.no_grad():
            want = model(torch.from_numpy(x)).numpy()
        # nnsim reads an image channels-last: [H, W, C] for torch's [C, H, W].
        x_nnsim = np.moveaxis(x, 1, -1) if len(shape) > 1 else x
        inp = self.path(name + "_in.dat")
        with open(inp, "w") as f:
            for row in x_nnsim.reshape(n, -1):
                f.write(" ".join(repr(float(v)) for v in row) + "\n")
        net = self.path(name + ".json")
        nets.run("import", "--net", onnx_path, "-o", net)
        with open(net) as f:
            out_node = nets.json.load(f)["outputs"][0]
        trace = self.path(name + "_trace")
        nets.run("run", "--net", onnx_path, "--input", inp, "--trace", trace)
        got = nets.read_dat(os.path.join(trace, out_node + ".float.dat"))
        self.assertEqual(got.shape, want.reshape(n, -1).shape)
        err = np.max(np.abs(got - want.reshape(n, -1)))
        self.assertLess(err, 1e-5, f"{name}: max |nnsim float - torch| = {err}")
        return onnx_path

    def check_fixed(self, onnx_path, *overrides):
        r = nets.run("run", "--net", onnx_path, "--random-samples", "50", "--seed", "3", *overrides)
        self.assertIn("vs float model", r.stdout)
        r = nets.run("sim", "--net", onnx_path, "--samples", "3", *overrides)
        self.assertNotIn("MISMATCH", r.stdout.upper())
        r = nets.run("verify", "--net", onnx_path, "--samples", "3", "--input-ratio", "0.7", "--ready-ratio", "0.6",
                     "--stall-seed", "4", *overrides)
        self.assertIn("identical", r.stdout + r.stderr)

    def test_mlp(self):
        path = self.check_float("mlp", mlp(), [10])
        self.check_fixed(path, "--precision", "fixed<18,8>")

    def test_cnn(self):
        path = self.check_float("cnn", cnn(), [3, 6, 9])
        self.check_fixed(path, "--precision", "fixed<18,8>", "--io-type", "io_stream")


if __name__ == "__main__":
    unittest.main()
