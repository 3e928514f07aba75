#!/usr/bin/env python3
"""Writes a heavier variant of the SVHN-sized streaming CNN for the speed benchmarks
(bench/run_cnn_bench.sh NET): input 32x32x3; three blocks of conv2d 3x3 + batchnorm + relu + a 2x2
stride-2 downsampling stage, with 16, 16, 24 filters; flatten; dense 42, 64, 10; softmax; io_stream;
every layer at reuse factor 1 (configs/svhn_cnn.json is the reference, its reuse factors balanced for
an II of 1,024). The downsampling stage is a 2x2 stride-2 conv2d by default (`--pool conv`, the same
stream shape as pooling but with a multiplier array in every stage), or max pooling (`--pool max`).
Weights are pseudo-random on a 2^-8 grid (speed only depends on shapes).
    python3 bench/make_cnn_net.py [out.json] [--small] [--pool conv|max]"""
import json
import random
import sys


def tensor(rng, shape, lo=-0.5, hi=0.5):
    n = 1
    for d in shape:
        n *= d
    return {"shape": list(shape), "data": [rng.randint(int(lo * 256), int(hi * 256)) / 256.0 for _ in range(n)]}


def main():
    args = [a for a in sys.argv[1:]]
    small = "--small" in args
    pool = "conv"
    if "--pool" in args:
        pool = args[args.index("--pool") + 1]
        del args[args.index("--pool"):args.index("--pool") + 2]
    args = [a for a in args if not a.startswith("--")]
    out = args[0] if args else "svhn_cnn.json"
    rng = random.Random(1)
    h, c = (16, 3) if small else (32, 3)
    layers = []
    for b, f in enumerate([16, 16] if small else [16, 16, 24]):
        layers.append({"name": f"conv{b}", "kind": "conv2d", "filters": f, "kernel_size": [3, 3],
                       "strides": [1, 1], "weights": {"kernel": tensor(rng, [3, 3, c, f]), "bias": tensor(rng, [f])}})
        layers.append({"name": f"bn{b}", "kind": "batchnorm",
                       "weights": {"gamma": tensor(rng, [f], 0.5, 1.5), "beta": tensor(rng, [f]),
                                   "moving_mean": tensor(rng, [f]), "moving_variance": tensor(rng, [f], 0.5, 1.5)}})
        layers.append({"name": f"relu{b}", "kind": "relu"})
        h -= 2
        if pool == "max":
            layers.append({"name": f"pool{b}", "kind": "pooling2d", "op": "max", "pool_size": [2, 2]})
        else:
            layers.append({"name": f"pool{b}", "kind": "conv2d", "filters": f, "kernel_size": [2, 2],
                           "strides": [2, 2], "weights": {"kernel": tensor(rng, [2, 2, f, f]), "bias": tensor(rng, [f])}})
        h //= 2
        c = f
    n = h * h * c
    layers.append({"name": "flatten", "kind": "reshape", "target_shape": [n]})
    for i, units in enumerate([42, 64, 10]):
        layers.append({"name": f"fc{i}", "kind": "dense", "n_out": units,
                       "weights": {"kernel": tensor(rng, [n, units]), "bias": tensor(rng, [units])}})
        if i < 2:
            layers.append({"name": f"fc{i}_relu", "kind": "relu"})
        n = units
    layers.append({"name": "softmax", "kind": "softmax"})
    net = {"format": "nnsim-network", "name": "svhn_cnn_small" if small else "svhn_cnn", "io_type": "io_stream",
           "defaults": {"precision": "fixed<16,6>", "reuse_factor": 1, "strategy": "Latency"},
           "inputs": [{"name": "x", "shape": [16 if small else 32, 16 if small else 32, 3]}], "layers": layers}
    with open(out, "w") as f:
        json.dump(net, f)


if __name__ == "__main__":
    main()
