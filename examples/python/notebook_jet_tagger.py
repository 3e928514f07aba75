#!/usr/bin/env python3
"""Notebook-style tour of `import nnsim` on the jet tagger (KERAS_3layer): fixed point against float,
per-layer error through the trace, a precision x reuse sweep and its Pareto front.

    PYTHONPATH=build/python python3 examples/python/notebook_jet_tagger.py [OUT_DIR]

Plots go to OUT_DIR (default: out/notebook) when python3-matplotlib is installed; the figures are
printed either way. Every cell is a few lines that work the same in a Jupyter notebook."""
import os
import sys

import numpy as np

import nnsim

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "..", "..", "..", "shared", "external_models", "keras", "KERAS_3layer.json")
OUT = sys.argv[1] if len(sys.argv) > 1 else "out/notebook"
os.makedirs(OUT, exist_ok=True)

# Cell 1: the model as hls4ml would build it, and a data set (seeded standard-normal jets' features).
net = nnsim.load(MODEL)
x = np.random.RandomState(0).randn(5000, net.inputs)
print(f"{net.name}: {net.inputs} inputs, {net.outputs} outputs, {len(net.layers)} layers")

# Cell 2: fixed point against float, for a few model precisions.
float_out, float_trace = net.float_run(x, trace=True)
for precision in ("fixed<16,6>", "fixed<12,5>", "fixed<10,4>", "fixed<8,3>"):
    y = nnsim.load(MODEL, precision=precision).run(x)
    agree = np.mean(y.argmax(1) == float_out.argmax(1))
    print(f"  {precision:>12}: argmax agreement {100 * agree:6.2f} %, max |diff| {np.abs(y - float_out).max():.4f}")

# Cell 3: where the error comes from: mean |fixed - float| per layer at fixed<8,3>.
_, trace = nnsim.load(MODEL, precision="fixed<8,3>").run(x, trace=True)
layer_error = {name: float(np.abs(trace[name] - float_trace[name]).mean()) for name in trace}
for name, err in layer_error.items():
    print(f"  {name:>24}: mean |error| {err:.4f}")

# Cell 4: a reuse x strategy sweep (analytical, seconds) and its Pareto front of latency against LUTs.
rows = net.sweep("reuse,strategy")
front = [r for r in rows if r["pareto_latency_lut"] == 1]
print(f"  sweep: {len(rows)} points, {len(front)} on the latency/LUT Pareto front")
for r in sorted(front, key=lambda r: r["latency"]):
    print(f"    {r['key']:>32}: latency {r['latency']:>4} cycles, II {r['ii']}, {r['lut']:.0f} LUT, {r['dsp']} DSP")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("python3-matplotlib is not installed: no plots")
    sys.exit(0)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.bar(range(len(layer_error)), list(layer_error.values()))
ax.set_xticks(range(len(layer_error)), list(layer_error), rotation=30, ha="right", fontsize=7)
ax.set_ylabel("mean |fixed - float|")
ax.set_title(f"{net.name} at fixed<8,3>: error per layer")
fig.tight_layout()
fig.savefig(os.path.join(OUT, "layer_error.png"), dpi=120)

fig, ax = plt.subplots(figsize=(5, 4))
ax.scatter([r["lut"] for r in rows], [r["latency"] for r in rows], s=12, label="design points")
f = sorted(front, key=lambda r: r["lut"])
ax.plot([r["lut"] for r in f], [r["latency"] for r in f], "r.-", label="Pareto front")
ax.set_xscale("log")
ax.set_xlabel("LUTs (estimate)")
ax.set_ylabel("latency (cycles)")
ax.legend()
fig.tight_layout()
fig.savefig(os.path.join(OUT, "pareto.png"), dpi=120)
print(f"plots: {OUT}/layer_error.png, {OUT}/pareto.png")
