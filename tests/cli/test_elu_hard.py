"""ELU, SELU and the hard activations (models/elu, models/hard_activation) against an independent numpy
emulation of hls4ml's C code (nnet_activation.h), bit for bit, on every raw value of the input type:
  - elu: x >= 0: result_t(x); x < 0: result_t(result_t(alpha) * table[i]), the table of exp(x) - 1
    over [-8, 0) in table_t, i = min(floor(-x * N / 8), N - 1);
  - selu: x >= 0: result_t(result_t(1.0507...) * x); x < 0: result_t(table[i]) of the SELU table;
  - hard_sigmoid/hard_tanh: clip(slope_t(slope) * x + shift_t(shift), 0, 1) exactly, hard_tanh 2s - 1.
Also: Keras's elu/selu/hard_sigmoid activations and ELU layer map to these kinds, and a non-standard
ONNX Selu is refused with one line."""
import json
import os

import h5py
import numpy as np

import nets
from refimpl import FixedType, cast_raw, quantize

X_T = FixedType(12, 5)   # every raw value of fixed<12,5>: x in [-16, 16)
N_IN = 16


def table(kind, size, table_t):
    i = np.arange(size)
    in_val = (-8.0 * i / np.float64(np.float32(size))).astype(np.float32)
    e = np.exp(in_val.astype(np.float64)) - 1.0
    if kind == "selu":
        e = 1.0507009873554804934193349852946 * (1.6732632423543772848170429916717 * e)
    return quantize(e.astype(np.float32).astype(np.float64), table_t)


def index(x_raw, size):
    # floor(-x * N / 8) for x < 0, with x = raw * 2^-F.
    return np.clip((-x_raw * size) // (8 << X_T.F), 0, size - 1)


class EluHardTest(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_elu_"

    LAYERS = [
        ("elu1", {"kind": "elu"}, FixedType(12, 5)),
        ("elu2", {"kind": "elu", "alpha": 0.3, "precision": {"result": "fixed<10,3,RND,SAT>"}},
         FixedType(10, 3, rnd=True, sat=True)),
        ("selu1", {"kind": "selu", "table_size": 256, "precision": {"table": "fixed<14,4>"}}, FixedType(12, 5)),
        ("hsig", {"kind": "hard_activation", "precision": {"result": "ufixed<8,0,RND,SAT>"}},
         FixedType(8, 0, signed=False, rnd=True, sat=True)),
        ("htanh", {"kind": "hard_activation", "function": "hard_tanh", "slope": 0.5,
                   "precision": {"slope": "ufixed<2,0>", "result": "fixed<8,1,RND,SAT>"}},
         FixedType(8, 1, rnd=True, sat=True)),
    ]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        layers = [dict(name=n, inputs=["x"], **spec) for n, spec, _ in cls.LAYERS]
        net = {"format": "nnsim-network", "name": "elu_hard", "defaults": {"precision": "fixed<12,5>"},
               "inputs": [{"name": "x", "shape": [N_IN]}], "layers": layers}
        cls.net = nets.write_json(os.path.join(cls.tmp, "net.json"), net)
        cls.x_raw = np.arange(X_T.min_raw, X_T.max_raw + 1).reshape(-1, N_IN)
        inp = os.path.join(cls.tmp, "x.dat")
        np.savetxt(inp, cls.x_raw / 2.0 ** X_T.F, fmt="%.10g")
        cls.trace = os.path.join(cls.tmp, "trace")
        nets.run("run", "--net", cls.net, "--input", inp, "--trace", cls.trace)

    def got(self, name, res_t):
        y = nets.read_dat(os.path.join(self.trace, name + ".dat"))
        return np.round(y * 2.0 ** res_t.F).astype(np.int64)

    def test_elu(self):
        x = self.x_raw
        for name, alpha, res_t in (("elu1", 1.0, self.LAYERS[0][2]), ("elu2", 0.3, self.LAYERS[1][2])):
            tab = table("elu", 1024, FixedType(18, 8))
            a = int(quantize(alpha, res_t))
            neg = cast_raw(a * tab[index(x, 1024)], res_t.F + 10, res_t)
            pos = cast_raw(x, X_T.F, res_t)
            np.testing.assert_array_equal(self.got(name, res_t), np.where(x >= 0, pos, neg), name)

    def test_selu(self):
        x, res_t = self.x_raw, self.LAYERS[2][2]
        tab = table("selu", 256, FixedType(14, 4))
        lam = int(quantize(1.0507009873554804934193349852946, res_t))
        want = np.where(x >= 0, cast_raw(lam * x, X_T.F + res_t.F, res_t), cast_raw(tab[index(x, 256)], 10, res_t))
        np.testing.assert_array_equal(self.got("selu1", res_t), want)

    def test_hard_activations(self):
        x = self.x_raw
        # hard_sigmoid: slope 0.2 in ufixed<16,0> (TRN), shift 0.5; frac F = 7 + 16.
        slope = int(np.floor(0.2 * 2 ** 16))
        s = np.clip(x * slope + (1 << (7 + 16 - 1)), 0, 1 << (7 + 16))
        np.testing.assert_array_equal(self.got("hsig", self.LAYERS[3][2]), cast_raw(s, 23, self.LAYERS[3][2]))
        # hard_tanh with slope 0.5 (ufixed<2,0>): frac 7 + 2.
        s = np.clip(x * 2 + (1 << 8), 0, 1 << 9)
        np.testing.assert_array_equal(self.got("htanh", self.LAYERS[4][2]), cast_raw(2 * s - (1 << 9), 9,
                                                                                      self.LAYERS[4][2]))

    def test_keras_mapping(self):
        model = {"class_name": "Sequential", "config": {"name": "m", "layers": [
            {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [None, 4]}},
            {"class_name": "Activation", "config": {"name": "a1", "activation": "elu"}},
            {"class_name": "Activation", "config": {"name": "a2", "activation": "selu"}},
            {"class_name": "Activation", "config": {"name": "a3", "activation": "hard_sigmoid"}},
            {"class_name": "ELU", "config": {"name": "a4", "alpha": 0.7}}]}}
        path = nets.write_json(os.path.join(self.tmp, "keras.json"), model)
        h5py.File(os.path.join(self.tmp, "keras_weights.h5"), "w").close()  # no layer has weights
        out = os.path.join(self.tmp, "keras_net.json")
        nets.run("import", "--net", path, "-o", out)
        with open(out) as f:
            layers = json.load(f)["layers"]
        self.assertEqual([l["kind"] for l in layers], ["elu", "selu", "hard_activation", "elu"])
        self.assertEqual(layers[3]["alpha"], 0.7)

    def test_nonstandard_onnx_selu_refused(self):
        import onnx
        from onnx import TensorProto, helper
        node = helper.make_node("Selu", ["x"], ["y"], name="s", alpha=2.0)
        graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
        path = os.path.join(self.tmp, "selu.onnx")
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
        r = nets.run("import", "--net", path, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("node 's' (Selu): Selu with alpha 2", lines[0])


if __name__ == "__main__":
    import unittest
    unittest.main()
