#!/usr/bin/env python3
"""Writes the example CNN descriptions in configs/ with seeded random weights (no trained weights are
shipped for them; the structure, shapes, precisions and reuse factors are what matter for timing,
resources and equivalence):

  svhn_cnn.json       the SVHN digit classifier of the hls4ml tutorial's CNN: 32x32x3 input, three
                      blocks of conv2d 3x3 (valid) + batchnorm + relu + max pooling 2x2 with 16, 16
                      and 24 filters, flatten, dense 42 + relu, dense 64 + relu, dense 10, softmax;
                      io_stream, reuse factors balanced so that every layer keeps up with the 1,024
                      input pixels per image (II 1,024)
  resnet_block.json   a residual block on 8x8x4: conv 3x3 same + bn + relu + conv 3x3 same + bn on one
                      branch, the identity on the other, add, relu
  concat_block.json   two branches on 8x8x4 (1x1 conv + relu; 3x3 same conv + relu) concatenated on
                      the channels, then a 1x1 conv
  gru_top_tagger.json the jet top tagger with a GRU: 20 particles x 6 features, GRU(20), dense 64 +
                      relu, dense 1 + sigmoid; io_parallel, static GRU
  lstm_tagger.json    a jet flavour tagger with an LSTM: 15 tracks x 6 features, LSTM(16), dense 16 +
                      relu, dense 3 + softmax; io_parallel, static LSTM

Run from the repository root: /usr/bin/python3 configs/make_examples.py (numpy from Debian)
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


class Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.layers = []

    def tensor(self, shape, scale):
        data = np.round(self.rng.normal(0.0, scale, size=shape), 5)
        return {"shape": list(shape), "data": [float(v) for v in data.ravel()]}

    def add(self, layer, inputs=None):
        if inputs is not None:
            layer["inputs"] = inputs
        self.layers.append(layer)
        return layer["name"]

    def conv(self, name, c_in, filters, k, rf=1, inputs=None):
        fan_in = k * k * c_in
        return self.add({"name": name, "kind": "conv2d", "filters": filters, "kernel_size": [k, k],
                         "reuse_factor": rf,
                         "weights": {"kernel": self.tensor([k, k, c_in, filters], 1.0 / np.sqrt(fan_in)),
                                     "bias": self.tensor([filters], 0.1)}}, inputs)

    def batchnorm(self, name, c, inputs=None):
        return self.add({"name": name, "kind": "batchnorm", "epsilon": 0.001, "weights": {
            "gamma": {"shape": [c], "data": [float(v) for v in np.round(self.rng.uniform(0.7, 1.3, c), 5)]},
            "beta": self.tensor([c], 0.1), "moving_mean": self.tensor([c], 0.1),
            "moving_variance": {"shape": [c], "data": [float(v) for v in np.round(self.rng.uniform(0.5, 1.5, c), 5)]}}},
            inputs)

    def dense(self, name, n_in, n_out, rf=1, inputs=None):
        return self.add({"name": name, "kind": "dense", "n_out": n_out, "reuse_factor": rf,
                         "weights": {"kernel": self.tensor([n_in, n_out], 1.0 / np.sqrt(n_in)),
                                     "bias": self.tensor([n_out], 0.1)}}, inputs)

    def recurrent(self, name, kind, n_in, units, **params):
        gates = {"lstm": 4, "gru": 3, "simple_rnn": 1}[kind]
        weights = {"kernel": self.tensor([n_in, gates * units], 1.0 / np.sqrt(n_in)),
                   "recurrent_kernel": self.tensor([units, gates * units], 1.0 / np.sqrt(units)),
                   "bias": self.tensor([gates * units], 0.1)}
        if kind == "gru":
            weights["recurrent_bias"] = self.tensor([gates * units], 0.1)
        return self.add(dict({"name": name, "kind": kind, "units": units, "weights": weights}, **params))

    def network(self, name, shape, io="io_stream"):
        return {"format": "nnsim-network", "name": name, "io_type": io,
                "defaults": {"precision": "fixed<16,6>"},
                "inputs": [{"name": "x", "shape": shape}], "layers": self.layers}


def svhn_cnn():
    b = Builder(11)
    c, size = 3, 32
    # Reuse factors: a conv accepts one input pixel every RF cycles, so RF <= 1024 / (its input pixels)
    # keeps the image rate; the dense layers take one sample every RF cycles.
    for i, (filters, rf) in enumerate([(16, 1), (16, 4), (24, 24)]):
        b.conv(f"conv{i}", c, filters, 3, rf)
        b.batchnorm(f"bn{i}", filters)
        b.add({"name": f"relu{i}", "kind": "relu"})
        b.add({"name": f"pool{i}", "kind": "pooling2d", "op": "max", "pool_size": [2, 2]})
        c, size = filters, (size - 2) // 2
    b.add({"name": "flatten", "kind": "reshape", "target_shape": [size * size * c]})
    b.dense("fc0", size * size * c, 42, rf=96)
    b.add({"name": "fc0_relu", "kind": "relu"})
    b.dense("fc1", 42, 64, rf=42)
    b.add({"name": "fc1_relu", "kind": "relu"})
    b.dense("fc2", 64, 10, rf=64)
    b.add({"name": "softmax", "kind": "softmax"})
    return b.network("svhn_cnn", [32, 32, 3])


def same_conv(b, name, c_in, filters, k, inputs):
    p = (k - 1) // 2
    pad = b.add({"name": name + "_pad", "kind": "zero_padding2d", "padding": [p, k - 1 - p, p, k - 1 - p]}, inputs)
    return b.conv(name, c_in, filters, k, inputs=[pad])


def resnet_block():
    b = Builder(12)
    same_conv(b, "conv_a", 4, 4, 3, ["x"])
    b.batchnorm("bn_a", 4)
    b.add({"name": "relu_a", "kind": "relu"})
    same_conv(b, "conv_b", 4, 4, 3, ["relu_a"])
    b.batchnorm("bn_b", 4)
    b.add({"name": "merge", "kind": "add"}, ["bn_b", "x"])
    b.add({"name": "out", "kind": "relu"})
    return b.network("resnet_block", [8, 8, 4])


def concat_block():
    b = Builder(13)
    b.conv("branch_1x1", 4, 4, 1, inputs=["x"])
    b.add({"name": "relu_1x1", "kind": "relu"})
    same_conv(b, "branch_3x3", 4, 4, 3, ["x"])
    b.add({"name": "relu_3x3", "kind": "relu"})
    b.add({"name": "concat", "kind": "concatenate", "axis": -1}, ["relu_1x1", "relu_3x3"])
    b.conv("mix", 8, 4, 1)
    return b.network("concat_block", [8, 8, 4])


def gru_top_tagger():
    b = Builder(14)
    b.recurrent("gru", "gru", 6, 20)
    b.dense("fc1", 20, 64)
    b.add({"name": "fc1_relu", "kind": "relu"})
    b.dense("fc2", 64, 1)
    b.add({"name": "fc2_sigmoid", "kind": "sigmoid"})
    return b.network("gru_top_tagger", [20, 6], io="io_parallel")


def lstm_tagger():
    b = Builder(15)
    b.recurrent("lstm", "lstm", 6, 16)
    b.dense("fc1", 16, 16)
    b.add({"name": "fc1_relu", "kind": "relu"})
    b.dense("fc2", 16, 3)
    b.add({"name": "softmax", "kind": "softmax"})
    return b.network("lstm_tagger", [15, 6], io="io_parallel")


def main():
    for name, net in [("svhn_cnn", svhn_cnn()), ("resnet_block", resnet_block()), ("concat_block", concat_block()),
                      ("gru_top_tagger", gru_top_tagger()), ("lstm_tagger", lstm_tagger())]:
        path = os.path.join(HERE, name + ".json")
        with open(path, "w") as f:
            json.dump(net, f, separators=(",", ":"))
            f.write("\n")
        print("wrote", path)


if __name__ == "__main__":
    main()
