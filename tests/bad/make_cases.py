#!/usr/bin/env python3
"""Writes the golden error corpus: one JSON file per bad input in tests/bad/, holding the files the case
needs, the command line, and the exact exit code and stderr nnsim gives. tests/cli/test_bad_inputs.py
replays every case and requires the same exit code and the same message.

  NNSIM=build/nnsim python3 tests/bad/make_cases.py [--update]

Without --update only new cases are written; --update rewrites every expected message (review the diff:
a changed message is a changed user interface). In arguments and file contents, {tmp} is the case's
scratch folder, {shared} the ../shared folder and {src} the source tree; stderr is stored with {tmp}
and {shared} put back."""
import base64
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("NNSIM_SHARED_DIR", os.path.join(SRC, "..", "shared"))
NNSIM = os.environ.get("NNSIM", os.path.join(SRC, "build", "nnsim"))
K3 = "{shared}/external_models/keras/KERAS_3layer.json"
Q3 = "{shared}/external_models/keras/qkeras_3layer.json"

DENSE = {"name": "fc", "kind": "dense", "inputs": ["x"], "n_out": 2,
         "weights": {"kernel": {"shape": [3, 2], "data": [0.5, -0.25, 0.125, 1, -1, 0.75]},
                     "bias": {"shape": [2], "data": [0, 0.5]}}}


def net(layers=None, **top):
    d = {"format": "nnsim-network", "name": "bad", "inputs": [{"name": "x", "shape": [3]}],
         "layers": [DENSE] if layers is None else layers, "outputs": ["fc"]}
    d.update(top)
    return json.dumps(d)


def with_layer(**changes):
    layer = dict(DENSE)
    layer.update(changes)
    return net([{k: v for k, v in layer.items() if v is not None}])


def gru(**changes):
    """A GRU(2) on [4, 3] inputs with the given parameters changed (None removes one)."""
    layer = {"name": "rnn", "kind": "gru", "inputs": ["x"], "units": 2,
             "weights": {"kernel": {"shape": [3, 6], "data": [0.25] * 18},
                         "recurrent_kernel": {"shape": [2, 6], "data": [-0.5] * 12}}}
    layer.update(changes)
    d = json.loads(net([{k: v for k, v in layer.items() if v is not None}], outputs=["rnn"]))
    d["inputs"][0]["shape"] = [4, 3]
    return json.dumps(d)


def huge_h5():
    """A weights file whose fc kernel claims [2^20, 2^20] float32 values (no storage allocated)."""
    import h5py
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "w.h5")
        with h5py.File(path, "w") as f:
            f.attrs["layer_names"] = [b"fc"]
            g = f.create_group("fc")
            g.attrs["weight_names"] = [b"fc/kernel:0"]
            g.create_group("fc").create_dataset("kernel:0", shape=(1 << 20, 1 << 20), dtype="f4")
        with open(path, "rb") as fh:
            return base64.b64encode(fh.read()).decode()


def onnx_no_input():
    """An ONNX model whose Transpose node lists no input."""
    import onnx
    from onnx import TensorProto, helper
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Transpose", [], ["y"])],
                          "g", [x], [y])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    return base64.b64encode(m.SerializeToString()).decode()


def onnx_model(nodes, shape=(1, 4), out_shape=(1, 4), initializers=()):
    """An ONNX model (opset 13) of `nodes` from input x to output y."""
    import onnx  # noqa: F401
    from onnx import TensorProto, helper
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, list(out_shape))
    g = helper.make_graph(nodes, "g", [x], [y], initializer=list(initializers))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    return "@base64 " + base64.b64encode(m.SerializeToString()).decode()


def onnx_flatten_axis():
    from onnx import helper
    return onnx_model([helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Flatten", ["r"], ["y"], axis=91)])


def onnx_reshape_huge():
    from onnx import helper, numpy_helper
    import numpy as np
    shape = numpy_helper.from_array(np.array([1, 2**62], dtype=np.int64), "shape")
    return onnx_model([helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Reshape", ["r", "shape"], ["y"])],
                      initializers=[shape])


def keras(layers):
    return json.dumps({"class_name": "Sequential", "config": {"name": "m", "layers": layers}})


def dense_keras(**cfg):
    c = {"name": "fc1_relu", "units": 64, "activation": "linear", "use_bias": True, "batch_input_shape": [None, 16]}
    c.update(cfg)
    return {"class_name": "Dense", "config": {k: v for k, v in c.items() if v is not None}}


def qkeras_with(quantizer):
    with open(os.path.join(SHARED, "external_models", "keras", "qkeras_3layer.json")) as f:
        m = json.load(f)
    m["config"]["layers"][1]["config"]["kernel_quantizer"] = quantizer
    return json.dumps(m)


GOOD = net()
CASES = {
    # --- network descriptions -------------------------------------------------------------------
    "desc_empty": ({"n.json": ""}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_not_json": ({"n.json": "hello"}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_truncated": ({"n.json": GOOD[: len(GOOD) // 2]}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_array": ({"n.json": "[1, 2]"}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_wrong_format": ({"n.json": GOOD.replace("nnsim-network", "other")}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_layers_not_array": ({"n.json": net(layers={})}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_unknown_kind": ({"n.json": with_layer(kind="densest")}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_missing_param": ({"n.json": with_layer(n_out=None)}, ["validate", "--net", "{tmp}/n.json"]),
    # binary_input reads +-1, which an input type of [0, 1) cannot hold.
    "desc_binary_input_type": ({"n.json": net([dict(DENSE, binary_input=True)],
                                              inputs=[{"name": "x", "shape": [3], "precision": "ufixed<4,0>"}])},
                               ["validate", "--net", "{tmp}/n.json"]),
    # A threshold layer whose gamma is 0 in one channel: its threshold -b/s is not a number.
    "desc_threshold_gamma_zero": ({"n.json": net([DENSE, {
        "name": "bq", "kind": "batchnorm_quantized_tanh", "inputs": ["fc"],
        "weights": {"gamma": {"shape": [2], "data": [1, 0]}, "moving_mean": {"shape": [2], "data": [0, 0]},
                    "moving_variance": {"shape": [2], "data": [1, 1]}}}], outputs=["bq"])},
        ["validate", "--net", "{tmp}/n.json"]),
    "desc_param_type": ({"n.json": with_layer(n_out="two")}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_param_zero": ({"n.json": with_layer(n_out=0)}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_bad_precision_width": ({"n.json": with_layer(precision="fixed<0,3>")}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_bad_precision_text": ({"n.json": with_layer(precision="ap_fixed<16>")}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_bad_precision_mode": ({"n.json": with_layer(precision={"weight": "fixed<8,3,FOO>"})},
                                ["validate", "--net", "{tmp}/n.json"]),
    "desc_unknown_input": ({"n.json": with_layer(inputs=["y"])}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_duplicate_names": ({"n.json": net([DENSE, dict(DENSE, inputs=["fc"])])}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_kernel_shape": ({"n.json": with_layer(weights={"kernel": {"shape": [2, 2], "data": [1, 2, 3, 4]}})},
                          ["validate", "--net", "{tmp}/n.json"]),
    "desc_kernel_data_count": ({"n.json": with_layer(weights={"kernel": {"shape": [3, 2], "data": [1, 2]}})},
                               ["validate", "--net", "{tmp}/n.json"]),
    "desc_missing_kernel": ({"n.json": with_layer(weights={})}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_weights_file_missing": ({"n.json": with_layer(weights={"kernel": {"h5": "/fc/kernel"}})},
                                  ["validate", "--net", "{tmp}/n.json"]),
    "desc_reuse_zero": ({"n.json": with_layer(reuse_factor=0)}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_bad_strategy": ({"n.json": with_layer(strategy="Fast")}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_bad_io_type": ({"n.json": net(io_type="io_serial")}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_bad_input_shape": ({"n.json": net(inputs=[{"name": "x", "shape": [-3]}])}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_no_layers": ({"n.json": net(layers=[])}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_unknown_output": ({"n.json": net(outputs=["nope"])}, ["validate", "--net", "{tmp}/n.json"]),
    "desc_missing_file": ({}, ["validate", "--net", "{tmp}/absent.json"]),
    # --- Keras ---------------------------------------------------------------------------------
    "keras_unknown_class": ({"m.json": keras([{"class_name": "Fancy", "config": {"name": "f"}}])},
                            ["import", "--net", "{tmp}/m.json"]),
    "keras_no_weights": ({"m.json": keras([dense_keras()])}, ["import", "--net", "{tmp}/m.json"]),
    "keras_weights_not_hdf5": ({"m.json": keras([dense_keras()]), "m_weights.h5": "not hdf5"},
                               ["import", "--net", "{tmp}/m.json"]),
    "keras_weights_truncated": ({"m.json": "@copy {shared}/external_models/keras/KERAS_3layer.json",
                                 "m_weights.h5": "@head 3000 {shared}/external_models/keras/KERAS_3layer_weights.h5"},
                                ["import", "--net", "{tmp}/m.json"]),
    "keras_weights_other_model": ({"m.json": keras([dense_keras(name="other")]),
                                   "m_weights.h5": "@copy {shared}/external_models/keras/KERAS_1layer_weights.h5"},
                                  ["import", "--net", "{tmp}/m.json"]),
    "keras_no_layers": ({"m.json": json.dumps({"class_name": "Sequential", "config": {"name": "m"}})},
                        ["import", "--net", "{tmp}/m.json"]),
    "keras_dense_no_units": ({"m.json": keras([dense_keras(units=None)]), "m_weights.h5": "@copy {shared}/external_models/keras/KERAS_1layer_weights.h5"}, ["import", "--net", "{tmp}/m.json"]),
    "keras_conv_channels_first": ({"m.json": keras([{"class_name": "Conv2D", "config": {
        "name": "fc1_relu", "filters": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
        "data_format": "channels_first", "activation": "linear", "use_bias": True,
        "batch_input_shape": [None, 1, 8, 8]}}]), "m_weights.h5": "@copy {shared}/external_models/keras/KERAS_1layer_weights.h5"}, ["import", "--net", "{tmp}/m.json"]),
    "keras_conv_dilation": ({"m.json": keras([{"class_name": "Conv2D", "config": {
        "name": "fc1_relu", "filters": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
        "data_format": "channels_last", "dilation_rate": [2, 2], "activation": "linear", "use_bias": True,
        "batch_input_shape": [None, 8, 8, 1]}}]), "m_weights.h5": "@copy {shared}/external_models/keras/KERAS_1layer_weights.h5"}, ["import", "--net", "{tmp}/m.json"]),
    "keras_bad_activation": ({"m.json": keras([dense_keras(activation="swishy")]), "m_weights.h5": "@copy {shared}/external_models/keras/KERAS_1layer_weights.h5"},
                             ["import", "--net", "{tmp}/m.json"]),
    # --- QKeras --------------------------------------------------------------------------------
    "qkeras_relu_po2": ({"q.json": qkeras_with("quantized_relu_po2(4,1)"),
                    "q_weights.h5": "@copy {shared}/external_models/keras/qkeras_3layer_weights.h5"},
                   ["import", "--net", "{tmp}/q.json"]),
    "qkeras_alpha_unknown": ({"q.json": qkeras_with("quantized_bits(6,0,alpha='best')"),
                           "q_weights.h5": "@copy {shared}/external_models/keras/qkeras_3layer_weights.h5"},
                          ["import", "--net", "{tmp}/q.json"]),
    "qkeras_unknown_argument": ({"q.json": qkeras_with({"class_name": "quantized_bits", "config": {"bits": 6, "width": 2}}),
                                 "q_weights.h5": "@copy {shared}/external_models/keras/qkeras_3layer_weights.h5"},
                                ["import", "--net", "{tmp}/q.json"]),
    "qkeras_bits_range": ({"q.json": qkeras_with("quantized_bits(40,0)"),
                           "q_weights.h5": "@copy {shared}/external_models/keras/qkeras_3layer_weights.h5"},
                          ["import", "--net", "{tmp}/q.json"]),
    "qkeras_not_a_quantizer": ({"q.json": qkeras_with(12),
                                "q_weights.h5": "@copy {shared}/external_models/keras/qkeras_3layer_weights.h5"},
                               ["import", "--net", "{tmp}/q.json"]),
    # --- hls4ml configs --------------------------------------------------------------------------
    "config_yaml_syntax": ({"c.yml": "HLSConfig:\n  Model: [unclosed\n"}, ["import", "--net", K3, "--config", "{tmp}/c.yml"]),
    "config_bad_strategy": ({"c.yml": "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n    ReuseFactor: 1\n    Strategy: Fast\n"},
                            ["import", "--net", K3, "--config", "{tmp}/c.yml"]),
    "config_bad_precision": ({"c.yml": "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6,WHAT>\n    ReuseFactor: 1\n"},
                             ["import", "--net", K3, "--config", "{tmp}/c.yml"]),
    "config_bad_reuse": ({"c.yml": "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n    ReuseFactor: -4\n"},
                         ["import", "--net", K3, "--config", "{tmp}/c.yml"]),
    "config_bad_iotype": ({"c.yml": "IOType: io_serial\nHLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n    ReuseFactor: 1\n"},
                          ["import", "--net", K3, "--config", "{tmp}/c.yml"]),
    "config_missing_model": ({"c.yml": "KerasJson: {tmp}/absent.json\nHLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"},
                             ["import", "--net", "{tmp}/c.yml"]),
    "config_twice": ({"c.yml": "KerasJson: " + K3 + "\nHLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"},
                     ["import", "--net", "{tmp}/c.yml", "--config", "{tmp}/c.yml"]),
    "config_missing_file": ({}, ["import", "--net", K3, "--config", "{tmp}/absent.yml"]),
    # --- data files ------------------------------------------------------------------------------
    "data_columns": ({"in.dat": "1 2 3\n"}, ["run", "--net", K3, "--input", "{tmp}/in.dat"]),
    "data_token": ({"in.dat": " ".join(["0.5"] * 15) + " x\n"}, ["run", "--net", K3, "--input", "{tmp}/in.dat"]),
    "data_empty": ({"in.dat": ""}, ["run", "--net", K3, "--input", "{tmp}/in.dat"]),
    "data_missing": ({}, ["run", "--net", K3, "--input", "{tmp}/absent.dat"]),
    "data_reference_short": ({"in.dat": (" ".join(["0.5"] * 16) + "\n") * 3, "ref.dat": "0 0 0 0 1\n"},
                             ["run", "--net", K3, "--input", "{tmp}/in.dat", "--reference", "{tmp}/ref.dat"]),
    "data_sim_columns": ({"in.dat": "1 2\n"}, ["sim", "--net", K3, "--input", "{tmp}/in.dat"]),
    "run_no_samples": ({}, ["run", "--net", K3]),
    # --- overrides and options -------------------------------------------------------------------
    "override_precision_short": ({}, ["timing", "--net", K3, "--precision", "fixed<8>"]),
    "override_precision_mode": ({}, ["timing", "--net", K3, "--precision", "fixed<8,3,FOO>"]),
    "override_reuse_negative": ({}, ["timing", "--net", K3, "--reuse-factor", "-1"]),
    "override_strategy": ({}, ["timing", "--net", K3, "--strategy", "Fast"]),
    "override_io_type": ({}, ["timing", "--net", K3, "--io-type", "io_serial"]),
    "option_unknown_part": ({}, ["timing", "--net", K3, "--part", "xc9nothing"]),
    "option_input_ratio": ({}, ["sim", "--net", K3, "--input-ratio", "0"]),
    "option_ready_ratio": ({}, ["sim", "--net", K3, "--ready-ratio", "1.5"]),
    "option_fifo_margin": ({}, ["fifo", "--net", K3, "--margin", "-1"]),
    "option_no_net": ({}, ["timing"]),
    # --- found by fuzzing (bench/fuzz.sh) --------------------------------------------------------
    # A YAML config with a byte that is not UTF-8 in a precision: the message quoting it used to throw.
    "fuzz_config_not_utf8": ({"c.yml": "@base64 " + base64.b64encode(
        b"KerasJson: m.json\nHLSConfig:\n  Model:\n    Precision: ap_fi\xffxed<16,6>\n").decode()},
                             ["import", "--net", "{tmp}/c.yml"]),
    # A number too large for a double in a JSON config or description: the parser's out_of_range error
    # was not turned into an input error.
    "fuzz_config_number_overflow": ({"c.json": '{"KerasJson": "m.json", "HLSConfig": {"Model": {"ReuseFactor": 770E667}}}'},
                                    ["import", "--net", "{tmp}/c.json"]),
    "fuzz_desc_number_overflow": ({"n.json": '{"format": "nnsim-network", "name": "n", "clock_period_ns": 1E999}'},
                                  ["validate", "--net", "{tmp}/n.json"]),
    # An HDF5 dataset whose header claims 2^40 values: the element count overflowed and the read wrote
    # past its buffer.
    "fuzz_h5_huge_dataset": ({"m.json": keras([{"class_name": "Dense", "config": {
        "name": "fc", "units": 2, "batch_input_shape": [None, 3]}}]), "m_weights.h5": "@base64 " + huge_h5()},
                             ["import", "--net", "{tmp}/m.json"]),
    # An ONNX node without inputs: the Transpose mapper read input 0 of an empty list.
    "fuzz_onnx_node_without_input": ({"m.onnx": "@base64 " + onnx_no_input()}, ["import", "--net", "{tmp}/m.onnx"]),
    # Flatten with an axis beyond the tensor's rank: the mapper read past its shape.
    "fuzz_onnx_flatten_axis": ({"m.onnx": onnx_flatten_axis()}, ["import", "--net", "{tmp}/m.onnx"]),
    # Reshape to a shape with a huge or fractional value: the conversion to an integer was undefined.
    "fuzz_onnx_reshape_huge": ({"m.onnx": onnx_reshape_huge()}, ["import", "--net", "{tmp}/m.onnx"]),
    # A YAML config with NUL and control bytes that yaml-cpp reads as another encoding: its strings came
    # out as bytes that are not UTF-8 (the message quoting one threw).
    "fuzz_config_yaml_not_utf8_strings": ({"c.yml": "@base64 " + "T25ueHBlOiBhb19zdHJlYW0KCktlcmFzSnNvbjoKICBNAEw6ID9wX2ZpeGVkPC1fc3RyZWFtCgpLZXJhc0pzb246CiAgTQBMOiA/cF9maXhlZDwtAQBydT9wX2ZpeGVkPC1fc3RyZWFtCgpLZXJhc0pzb246CiAgTQBMOiA/cF9maXhlZDwtAQBfZml4ZWQ8LQEAcnUyAQBydV9maXhlZDwteGVkPDJlCg=="},
                                          ["import", "--net", K3, "--config", "{tmp}/c.yml"]),
    # UTF-8 with an encoded surrogate (ED A6 A6), which the JSON library refuses: the UTF-8 check let it
    # through and the message quoting the string threw.
    "fuzz_config_utf8_surrogate": ({"c.yml": "@base64 " + "T3dueHBlOiBpRkFMU0UKS2VyYXNKc29uOgogIE1bKG9fcGFyYWzvpqY0NGztpqY0NGwvaVsyb19wYWlPZTNmICBNbzlkbjogYXBfZml4ZWQ8LQEAcnVJT1R5cGU8LQEAcnUyZQo="},
                                   ["import", "--net", K3, "--config", "{tmp}/c.yml"]),
    # A description whose name is not a string: reading it threw the JSON library's type error.
    "fuzz_desc_name_not_string": ({"n.json": net(name=["x"])}, ["validate", "--net", "{tmp}/n.json"]),
    # --- recurrent layers --------------------------------------------------------------------------
    "rnn_sequence_zero": ({"n.json": gru().replace("[4, 3]", "[0, 3]")}, ["validate", "--net", "{tmp}/n.json"]),
    "rnn_flat_input": ({"n.json": gru().replace("[4, 3]", "[12]")}, ["validate", "--net", "{tmp}/n.json"]),
    "rnn_state_mismatch": ({"n.json": gru(units=3)}, ["validate", "--net", "{tmp}/n.json"]),
    "rnn_recurrent_kernel": ({"n.json": gru(weights={"kernel": {"shape": [3, 6], "data": [0.25] * 18},
                                                     "recurrent_kernel": {"shape": [3, 6], "data": [0.5] * 18}})},
                             ["validate", "--net", "{tmp}/n.json"]),
    "rnn_activation": ({"n.json": gru(activation="relu")}, ["validate", "--net", "{tmp}/n.json"]),
    "rnn_static_sweep_dense": ({}, ["--net", K3, "--sweep", "static", "--out", "{tmp}/s"]),
    # --- sweeps ----------------------------------------------------------------------------------
    "sweep_unknown_kind": ({}, ["--net", K3, "--sweep", "colour", "--out", "{tmp}/s"]),
    "sweep_spec_yaml": ({"s.yml": "grid: [unclosed\n"}, ["--net", K3, "--sweep", "{tmp}/s.yml", "--out", "{tmp}/s"]),
    "sweep_spec_key": ({"s.yml": "grids:\n  reuse: [1, 2]\n"}, ["--net", K3, "--sweep", "{tmp}/s.yml", "--out", "{tmp}/s"]),
    "sweep_spec_setting": ({"s.yml": "grid:\n  colour: [1, 2]\n"}, ["--net", K3, "--sweep", "{tmp}/s.yml", "--out", "{tmp}/s"]),
    "sweep_shard": ({}, ["--net", K3, "--sweep", "reuse", "--shard", "2/2", "--out", "{tmp}/s"]),
    "sweep_merge_missing": ({}, ["--net", K3, "--sweep", "reuse", "--merge", "{tmp}/none", "--out", "{tmp}/s"]),
    # --- ONNX and Keras 3 ------------------------------------------------------------------------
    "onnx_truncated": ({"m.onnx": "@head 200 {shared}/external_models/onnx/three_layer_keras.onnx"},
                       ["import", "--net", "{tmp}/m.onnx"]),
    "onnx_text": ({"m.onnx": "not a protobuf at all"}, ["import", "--net", "{tmp}/m.onnx"]),
    "keras3_not_zip": ({"m.keras": "PK but not a zip"}, ["import", "--net", "{tmp}/m.keras"]),
}


def materialize(files, tmp):
    for name, content in files.items():
        path = os.path.join(tmp, name)
        content = content.replace("{tmp}", tmp).replace("{shared}", SHARED)
        if content.startswith("@copy "):
            with open(content[6:], "rb") as f:
                data = f.read()
        elif content.startswith("@base64 "):
            data = base64.b64decode(content[8:])
        elif content.startswith("@head "):
            n, src = content[6:].split(" ", 1)
            with open(src, "rb") as f:
                data = f.read(int(n))
        else:
            data = content.encode()
        with open(path, "wb") as f:
            f.write(data)


def run_case(case):
    with tempfile.TemporaryDirectory(prefix="nnsim_bad_") as tmp:
        materialize(case["files"], tmp)
        args = [a.replace("{tmp}", tmp).replace("{shared}", SHARED).replace("{src}", SRC) for a in case["args"]]
        r = subprocess.run([NNSIM, *args], capture_output=True, text=True, timeout=120, cwd=tmp)
        stderr = r.stderr.replace(tmp, "{tmp}").replace(SHARED, "{shared}")
        return r.returncode, stderr


def main():
    update = "--update" in sys.argv
    for name, (files, args) in CASES.items():
        path = os.path.join(HERE, name + ".json")
        if os.path.exists(path) and not update:
            continue
        case = {"files": files, "args": args}
        case["exit"], case["stderr"] = run_case(case)
        with open(path, "w") as f:
            json.dump(case, f, indent=1)
            f.write("\n")
        print(f"{name}: exit {case['exit']}: {case['stderr'].strip()}")


if __name__ == "__main__":
    main()
