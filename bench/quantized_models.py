#!/usr/bin/env python3
"""The quantized and imported models of ../shared/external_models through the whole flow: for each, `nnsim
run` (argmax agreement and largest output difference against the quantized float reference where the
model has quantizers, else against the float model), `nnsim sim` (the model's first-sample latency and
II equal to `nnsim timing`'s, and no output differing from the evaluator) and `nnsim verify` (every
output word and handshake cycle of the RTL equal to the model's), and prints the table of
docs/quantized_import.md.

    python3 bench/quantized_models.py [--nnsim build/nnsim] [--shared ../shared] [--only NAME ...]

Large CNNs verify under io_stream (one pixel per beat): their io_parallel designs unroll every
convolution output and take Verilator tens of minutes to compile. Samples are seeded standard-normal
values; the run uses 300 (10 for the two large-image CNNs), sim and verify a few. Takes about half an
hour on 2 cores.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# name, path below external_models, extra options for sim and verify, verify samples
MODELS = [
    ("qkeras_3layer", "keras/qkeras_3layer.json", [], 20),
    ("qkeras-v3_3layer.keras", "keras/qkeras-v3_3layer.keras", [], 20),
    ("qkeras_mnist_dense", "keras/qkeras_mnist_dense.json", ["--strategy", "Resource", "--reuse-factor", "112"], 5),
    ("qkeras_mnist_cnn", "keras/qkeras_mnist_cnn.json", ["--io-type", "io_stream"], 2),
    # with the hls4ml configs of ../shared/external_models/config-files
    ("qkeras_3layer + config", "keras/qkeras_3layer.json", ["--config", "config-files/qkeras_3layer_config.yml"], 20),
    ("qkeras_mnist_dense + config", "keras/qkeras_mnist_dense.json",
     ["--config", "config-files/qkeras_mnist_dense_config.yml"], 5),
    ("qkeras_mnist_cnn + config", "keras/qkeras_mnist_cnn.json",
     ["--config", "config-files/qkeras_mnist_cnn_config.yml", "--io-type", "io_stream"], 2),
    ("KERAS_3layer_binary_smaller", "keras/KERAS_3layer_binary_smaller.json", [], 20),
    ("KERAS_3layer_ternary_small", "keras/KERAS_3layer_ternary_small.json", [], 20),
    ("KERAS_3layer_binarydense_relu_max", "keras/KERAS_3layer_binarydense_relu_max.json", [], 20),
    ("keras_bnn", "keras/keras_bnn.json", [], 20),
    ("hgq_jet_classifier.h5", "keras/hgq_jet_classifier.h5", [], 20),
    ("two_layer_keras.onnx", "onnx/two_layer_keras.onnx", [], 20),
    ("two_layer_pytorch.onnx", "onnx/two_layer_pytorch.onnx", [], 20),
    ("three_layer_keras.onnx", "onnx/three_layer_keras.onnx", [], 20),
    ("three_layer_pytorch.onnx", "onnx/three_layer_pytorch.onnx", [], 20),
    ("three_layer_bn_keras.onnx", "onnx/three_layer_bn_keras.onnx", [], 20),
    ("three_layer_bn_pytorch.onnx", "onnx/three_layer_bn_pytorch.onnx", [], 20),
    ("dense_big_keras.onnx", "onnx/dense_big_keras.onnx", ["--strategy", "Resource", "--reuse-factor", "64"], 3),
    ("conv1d_small_keras.onnx", "onnx/conv1d_small_keras.onnx", ["--io-type", "io_stream"], 3),
    ("conv2d_small_keras.onnx", "onnx/conv2d_small_keras.onnx", ["--io-type", "io_stream"], 2),
    ("conv2d_small_mp_keras.onnx", "onnx/conv2d_small_mp_keras.onnx", ["--io-type", "io_stream"], 2),
    ("bnn_model_fc_1layer.onnx", "onnx/bnn_model_fc_1layer.onnx", [], 20),
    # 512 x 512 x 3 and 256 x 256 x 3 images: seconds per sample in the evaluator.
    ("separable_conv_model_ch_last.onnx", "onnx/separable_conv_model_ch_last.onnx", ["--io-type", "io_stream"], 1),
    ("branched_model_ch_last.onnx", "onnx/branched_model_ch_last.onnx", ["--io-type", "io_stream"], 1),
]


def run(nnsim, *args):
    t0 = time.time()
    r = subprocess.run([nnsim, *args], capture_output=True, text=True)
    return r, time.time() - t0


def one(nnsim, shared, name, rel, extra, vsamples, work):
    path = os.path.join(shared, "external_models", rel)
    row = {"name": name}
    # --config applies to every command; the other options (hardware choices) to sim and verify.
    config = []
    if "--config" in extra:
        i = extra.index("--config")
        config = ["--config", os.path.join(shared, "external_models", extra[i + 1])]
        extra = extra[:i] + extra[i + 2:]
    row["options"] = " ".join((["--config " + os.path.basename(config[1])] if config else []) + extra)
    rep = os.path.join(work, name.replace(" ", "_") + ".run.json")
    samples = "300" if vsamples > 1 else "10"
    r, _ = run(nnsim, "run", "--net", path, "--random-samples", samples, "--seed", "1", "--report", rep, *config)
    if r.returncode != 0:
        row["run"] = "fails: " + r.stderr.strip().splitlines()[-1][:120]
        return row
    with open(rep) as f:
        j = json.load(f)
    ref = "vs_quantized_float" if "vs_quantized_float" in j else "vs_float"
    row["ref"] = "quantized float" if ref == "vs_quantized_float" else "float"
    row["agree"] = j[ref]["argmax_agreement"]
    row["samples"] = samples
    row["diff"] = j[ref]["max_abs_diff"]
    r, _ = run(nnsim, "sim", "--net", path, "--samples", str(vsamples), *config, *extra)
    m = re.search(r"latency: first sample (\d+) cycles \(model (\d+)\)", r.stdout)
    ok = r.returncode == 0 and m and m.group(1) == m.group(2) and " 0 differ from the bit-exact evaluator" in r.stdout
    row["sim"] = "ok" if ok else "FAILS"
    r, secs = run(nnsim, "verify", "--net", path, "--samples", str(vsamples), "--work",
                  os.path.join(work, name.replace(" ", "_") + ".verify"), *config, *extra)
    m = re.search(r"(\d+) output words and (\d+) handshake cycles identical", r.stdout)
    row["verify"] = f"{m.group(1)} words, {m.group(2)} cycles identical" if r.returncode == 0 and m else "FAILS"
    row["verify_s"] = secs
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nnsim", default=os.path.join(HERE, "..", "build", "nnsim"))
    ap.add_argument("--shared", default=os.environ.get("NNSIM_SHARED_DIR", os.path.join(HERE, "..", "..", "shared")))
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="nnsim_qmodels_")
    print("| model | argmax agreement (samples) | max abs. difference | sim | verify (options; time) |")
    print("|---|---|---|---|---|")
    for name, rel, extra, vs in MODELS:
        if a.only and name not in a.only:
            continue
        row = one(a.nnsim, a.shared, name, rel, extra, vs, work)
        if "agree" not in row:
            print(f"| `{name}` | {row['run']} | | | |")
        else:
            print(f"| `{name}` | {100 * row['agree']:.1f} % vs the {row['ref']} model ({row['samples']}) | {row['diff']:.3g} | "
                  f"{row['sim']} | {row['verify']} ({row['options'] or 'io_parallel'}; {row['verify_s']:.0f} s) |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
