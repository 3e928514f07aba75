"""Bad ONNX input, each written in the test with python3-onnx: an unsupported operator, an unsupported
opset, a truncated protobuf, a missing initializer, a file named .onnx that is not ONNX, a Conv reading
a tensor it cannot take channels-last, a QONNX quantizer with a scale that is not a power of two, and a
sign activation with a scale other than 1. Each ends with one line naming the file (and the node with its op_type where there is
one) and exit code 2."""
import os
import sys
import unittest

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nets  # noqa: E402

import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402


def mlp_model(op="Relu", opset=13, drop_initializer=False, extra_nodes=(), extra_inits=()):
    """x [1, 4] -> Gemm (W [3, 4], B [3]) -> `op` -> y."""
    rng = np.random.default_rng(1)
    inits = [numpy_helper.from_array(rng.uniform(-1, 1, (3, 4)).astype(np.float32), "W"),
             numpy_helper.from_array(rng.uniform(-1, 1, 3).astype(np.float32), "B"), *extra_inits]
    if drop_initializer:
        inits = inits[:1]
    nodes = [helper.make_node("Gemm", ["x", "W", "B"], ["h"], name="fc", transB=1),
             helper.make_node(op, ["h"], ["a"], name="act"), *extra_nodes]
    out = nodes[-1].output[0]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def single_node(node, x_shape, inits=(), extra_inputs=()):
    """One node reading graph input x (and `extra_inputs`) and initializers `inits` {name: array}."""
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape), *extra_inputs]
    tensors = [numpy_helper.from_array(np.asarray(v, np.float32 if k != "shape" else np.int64), k)
               for k, v in dict(inits).items()]
    graph = helper.make_graph([node], "g", inputs, [helper.make_tensor_value_info(node.output[0], TensorProto.FLOAT,
                                                                                  None)], tensors)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                    helper.make_opsetid("qonnx.custom_op.general", 1)])
    return model


W44 = {"W": np.ones((4, 4))}
K = {"K": np.ones((4, 2, 3, 3))}
# name -> (node, input shape, initializers, fragment of the message)
BAD_NODES = {
    "gemm_trans_a": (helper.make_node("Gemm", ["x", "W"], ["y"], name="n", transA=1), [1, 4], W44, "transA=1"),
    "conv_dilation": (helper.make_node("Conv", ["x", "K"], ["y"], name="n", dilations=[2, 2]), [1, 2, 8, 8], K,
                      "dilations other than 1"),
    "conv_groups": (helper.make_node("Conv", ["x", "K"], ["y"], name="n", group=2), [1, 4, 8, 8], K,
                    "group 2 is supported only"),
    "pool_ceil": (helper.make_node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[2, 2], ceil_mode=1),
                  [1, 2, 8, 8], {}, "ceil_mode=1"),
    "pool_pads": (helper.make_node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[2, 2], pads=[1, 1, 1, 1]),
                  [1, 2, 8, 8], {}, "padded pooling"),
    "softmax_image": (helper.make_node("Softmax", ["x"], ["y"], name="n", axis=1), [1, 2, 4, 4], {},
                      "softmax is supported over the features"),
    "add_constant": (helper.make_node("Add", ["x", "W"], ["y"], name="n"), [1, 4], {"W": np.ones(4)},
                     "only as the bias of the MatMul"),
    "concat_three": (helper.make_node("Concat", ["x", "x", "x"], ["y"], name="n", axis=1), [1, 4], {},
                     "only two inputs"),
    "resize_linear": (helper.make_node("Resize", ["x", "", "S"], ["y"], name="n", mode="linear"), [1, 2, 4, 4],
                      {"S": [1, 1, 2, 2]}, "only mode 'nearest'"),
    "transpose_batch": (helper.make_node("Transpose", ["x"], ["y"], name="n", perm=[1, 0, 2, 3]), [1, 2, 4, 4], {},
                        "moves the batch axis"),
    "reshape_batch": (helper.make_node("Reshape", ["x", "shape"], ["y"], name="n"), [1, 4], {"shape": [2, -1]},
                      "batch axis of 1"),
    "pad_reflect": (helper.make_node("Pad", ["x", "shape"], ["y"], name="n", mode="reflect"), [1, 2, 4, 4],
                    {"shape": [0, 0, 1, 1, 0, 0, 1, 1]}, "only mode 'constant'"),
    "quant_zero_point": (helper.make_node("Quant", ["x", "s", "z", "b"], ["y"], name="n",
                                          domain="qonnx.custom_op.general"), [1, 4],
                         {"s": 0.5, "z": 1.0, "b": 8.0}, "non-zero zero point"),
    "foreign_domain": (helper.make_node("Relu", ["x"], ["y"], name="n", domain="com.example"), [1, 4], {},
                       "domain 'com.example'"),
    "weights_from_tensor": (helper.make_node("MatMul", ["x", "x2"], ["y"], name="n"), [1, 4], {},
                            "must be an initializer"),
}


class OnnxErrorsTest(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_onnx_errors_"

    def save(self, name, model):
        path = self.path(name)
        onnx.save(model, path)
        return path

    def expect(self, path, *fragments):
        r = nets.run("import", "--net", path, "-o", self.path("out.json"), check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("nnsim: error: " + path + ": "), lines[0])
        for frag in fragments:
            self.assertIn(frag, lines[0])

    def test_bad_nodes(self):
        for name, (node, shape, inits, fragment) in BAD_NODES.items():
            with self.subTest(name):
                extra = [helper.make_tensor_value_info("x2", TensorProto.FLOAT, [1, 4])] if "x2" in node.input else []
                path = self.save(name + ".onnx", single_node(node, shape, inits, extra))
                self.expect(path, f"node 'n' ({node.op_type}): ", fragment)

    def test_bad_inputs_and_initializers(self):
        node = helper.make_node("Relu", ["x"], ["y"], name="n")
        self.expect(self.save("symbolic.onnx", single_node(node, ["batch", "features"])),
                    "graph input 'x'", "not a fixed positive size")
        model = mlp_model()
        w = model.graph.initializer[0]
        w.ClearField("raw_data")
        w.data_location = TensorProto.EXTERNAL
        w.external_data.add(key="location", value="weights.bin")
        self.expect(self.save("external.onnx", model), "initializer 'W'", "external file")

    def test_good_model_imports(self):
        nets.run("import", "--net", self.save("good.onnx", mlp_model()), "-o", self.path("good.json"))

    def test_unsupported_op(self):
        self.expect(self.save("op.onnx", mlp_model(op="Celu")), "node 'act' (Celu)", "not supported", "supported: Gemm")

    def test_unsupported_opset(self):
        self.expect(self.save("opset.onnx", mlp_model(opset=99)), "opset 99", "node 'fc' (Gemm)", "supported: 6 to 18")

    def test_truncated_protobuf(self):
        with open(self.save("full.onnx", mlp_model()), "rb") as f:
            data = f.read()
        path = self.path("truncated.onnx")
        with open(path, "wb") as f:
            f.write(data[: len(data) * 2 // 3])
        self.expect(path, "truncated or malformed")

    def test_missing_initializer(self):
        self.expect(self.save("noinit.onnx", mlp_model(drop_initializer=True)), "node 'fc' (Gemm)", "'B'",
                    "missing initializer")

    def test_not_onnx(self):
        path = self.path("text.onnx")
        with open(path, "w") as f:
            f.write("hello\n")
        self.expect(path, "not a valid ONNX model")

    def test_conv_needs_transpose(self):
        # A [1, 4] vector reshaped to [1, 1, 2, 2] and convolved: fine; the same after a Transpose that
        # swaps the channel and a spatial axis of an image input is not expressible.
        w = numpy_helper.from_array(np.ones((1, 2, 1, 1), np.float32), "K")
        nodes = [helper.make_node("Transpose", ["x"], ["t"], name="swap", perm=[0, 2, 1, 3]),
                 helper.make_node("Conv", ["t", "K"], ["y"], name="conv")]
        graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 2, 5])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        self.expect(self.save("conv.onnx", model), "node 'conv' (Conv)", "channels-last")

    def quant_model(self, scale):
        consts = [numpy_helper.from_array(np.array(v, np.float32), n)
                  for n, v in (("s", scale), ("z", 0.0), ("bits", 8.0))]
        quant = helper.make_node("Quant", ["a", "s", "z", "bits"], ["q"], name="q_act",
                                 domain="qonnx.custom_op.general", signed=1, narrow=0, rounding_mode="ROUND")
        model = mlp_model(extra_nodes=[quant], extra_inits=consts)
        model.opset_import.append(helper.make_opsetid("qonnx.custom_op.general", 1))
        return model

    def test_quant_power_of_two_folds(self):
        out = self.path("q.json")
        nets.run("import", "--net", self.save("q.onnx", self.quant_model(0.125)), "-o", out)
        with open(out) as f:
            act = [layer for layer in nets.json.load(f)["layers"] if layer["name"] == "act"][0]
        self.assertEqual(act["precision"]["result"], "fixed<8,5,RND_CONV,SAT>")

    def test_quant_not_expressible(self):
        self.expect(self.save("q3.onnx", self.quant_model(0.3)), "node 'q_act' (Quant)", "not one power of two")

    def test_scaled_sign_activation(self):
        s = numpy_helper.from_array(np.array(2.0, np.float32), "s")
        sign = helper.make_node("BipolarQuant", ["a", "s"], ["q"], name="sign", domain="qonnx.custom_op.general")
        model = mlp_model(extra_nodes=[sign], extra_inits=[s])
        model.opset_import.append(helper.make_opsetid("qonnx.custom_op.general", 1))
        self.expect(self.save("sign.onnx", model), "node 'sign' (BipolarQuant)", "scale other than 1")


if __name__ == "__main__":
    unittest.main()
