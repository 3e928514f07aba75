#!/usr/bin/env python3
"""Calibration of the resource estimator against Yosys: runs a fixed grid of networks and
configurations through `nnsim synth` (estimate + Yosys synth_xilinx -family xc7 on the generated RTL)
and writes the error table of docs/resources.md.

    python3 bench/calibrate.py                       # build/nnsim, 2 jobs, prints the table
    python3 bench/calibrate.py --doc docs/resources.md   # also rewrites the table in the doc
    python3 bench/calibrate.py --grid recurrent --doc docs/resources.md   # the recurrent layers' grid

The grid (GRID below) is fixed: four small networks covering every layer kind (dense with 0 % and
50 % zero weights, batchnorm, relu, clipped_relu, leaky_relu, linear, sigmoid, tanh, softmax
stable/latency/argmax), three precisions (ap_fixed<16,6>, ap_fixed<8,3>, ap_fixed<12,4,RND,SAT>), both
strategies and four reuse factors: 4 x 3 x 4 = 48 points, ~10-15 minutes on 2 cores. Networks use
seeded random weights different from those the coefficients were fitted on. Errors are per grid point,
on the network totals (all layers, FIFOs and glue): |estimate - yosys| / yosys. DSP and BRAM18 are
reported as exact matches.

The recurrent grid (`--grid recurrent`) is separate: lstm, gru (reset_after both ways) and simple_rnn
layers of 5 steps x 4 inputs -> 6 units, static and non-static, at ap_fixed<16,6> and ap_fixed<8,3>,
Latency RF 1 and Resource RF 3: 4 x 2 x 2 x 2 = 32 points, ~30 minutes on 2 cores (the non-static
Latency designs hold five cells of about 250 DSPs each).
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def tensor(rng, shape, lo=-1.0, hi=1.0, prune=0.0):
    n = 1
    for d in shape:
        n *= d
    data = [round(rng.uniform(lo, hi), 6) for _ in range(n)]
    if prune:
        data = [0.0 if rng.random() < prune else v for v in data]
    return {"shape": list(shape), "data": data}


def dense(rng, name, n_in, n_out, prune=0.0):
    return {"name": name, "kind": "dense", "n_out": n_out,
            "weights": {"kernel": tensor(rng, [n_in, n_out], prune=prune),
                        "bias": tensor(rng, [n_out], -0.5, 0.5)}}


def network(name, n_in, layers):
    return {"format": "nnsim-network", "name": name, "inputs": [{"name": "x", "shape": [n_in]}], "layers": layers}


def grid_networks(seed=101, grow=0):
    """The four calibration networks (fixed seeds). The fit set (--grid fit) is the same four shapes
    with other seeds and every width `grow` larger: the coefficients are fitted there, so the grid
    stays an out-of-sample check."""
    nets = {}
    g = grow
    rng = random.Random(seed)
    nets["mlp"] = network("cal_mlp", 12 + g, [
        dense(rng, "fc1", 12 + g, 10 + g), {"name": "relu1", "kind": "relu"},
        dense(rng, "fc2", 10 + g, 5 + g), {"name": "softmax", "kind": "softmax", "implementation": "stable"}])
    rng = random.Random(seed + 1)
    nets["bn"] = network("cal_bn", 10 + g, [
        dense(rng, "fc1", 10 + g, 8 + g),
        {"name": "bn", "kind": "batchnorm", "epsilon": 0.001, "weights": {
            "gamma": tensor(rng, [8 + g], 0.5, 1.5), "beta": tensor(rng, [8 + g], -0.5, 0.5),
            "moving_mean": tensor(rng, [8 + g], -0.5, 0.5), "moving_variance": tensor(rng, [8 + g], 0.5, 2.0)}},
        {"name": "sig", "kind": "sigmoid"}])
    rng = random.Random(seed + 2)
    nets["act"] = network("cal_act", 8 + g, [
        dense(rng, "fc1", 8 + g, 8 + g), {"name": "lrelu", "kind": "leaky_relu", "alpha": 0.2},
        dense(rng, "fc2", 8 + g, 6 + g), {"name": "tanh", "kind": "tanh", "table_size": 512},
        dense(rng, "fc3", 6 + g, 4 + g), {"name": "lin", "kind": "linear"}])
    rng = random.Random(seed + 3)
    nets["pruned"] = network("cal_pruned", 16 + g, [
        dense(rng, "fc1", 16 + g, 8 + g, prune=0.5), {"name": "crelu", "kind": "clipped_relu", "max_value": 1.5},
        dense(rng, "fc2", 8 + g, 5 + g, prune=0.5), {"name": "smax", "kind": "softmax", "implementation": "latency"},
        {"name": "amax", "kind": "softmax", "implementation": "argmax"}])
    return nets


def recurrent_networks():
    """The recurrent calibration networks: one layer each, static and non-static (fixed seeds)."""
    gates = {"lstm": 4, "gru": 3, "simple_rnn": 1}
    nets = {}
    for i, (key, kind, reset_after) in enumerate([("lstm", "lstm", True), ("gru", "gru", True),
                                                  ("gru_ra0", "gru", False), ("rnn", "simple_rnn", True)]):
        for static in (True, False):
            rng = random.Random(201 + i)
            g = gates[kind] * 6
            w = {"kernel": tensor(rng, [4, g], -0.8, 0.8), "recurrent_kernel": tensor(rng, [6, g], -0.6, 0.6),
                 "bias": tensor(rng, [g], -0.3, 0.3)}
            if reset_after:
                w["recurrent_bias"] = tensor(rng, [g], -0.3, 0.3)
            layer = {"name": "rnn", "kind": kind, "units": 6, "static": static, "weights": w}
            if kind == "gru":
                layer["reset_after"] = reset_after
            name = f"{key}_{'static' if static else 'nonstatic'}"
            nets[name] = {"format": "nnsim-network", "name": "cal_" + name,
                          "inputs": [{"name": "x", "shape": [5, 4]}], "layers": [layer]}
    return nets


# grid name -> (networks, precisions, strategy/RF configurations, doc markers, what the grid is)
GRIDS = {
    "layers": (grid_networks, ["fixed<16,6>", "fixed<8,3>", "fixed<12,4,RND,SAT>"],
               [("Latency", 1), ("Latency", 4), ("Resource", 2), ("Resource", 8)], "calibration table",
               "4 networks x 3 precisions x 4 strategy/RF configurations"),
    "fit": (lambda: grid_networks(seed=301, grow=2), ["fixed<16,6>", "fixed<8,3>", "fixed<12,4,RND,SAT>"],
            [("Latency", 1), ("Latency", 4), ("Resource", 2), ("Resource", 8)], "fit table",
            "the fit set: the grid's shapes 2 wider, other seeds"),
    "recurrent": (recurrent_networks, ["fixed<16,6>", "fixed<8,3>"], [("Latency", 1), ("Resource", 3)],
                  "recurrent calibration table",
                  "4 cell types x static/non-static x 2 precisions x 2 strategy/RF configurations"),
}


def grid(name):
    """(tag, network key, overrides) for every point of a grid."""
    networks, precisions, configs = GRIDS[name][0](), GRIDS[name][1], GRIDS[name][2]
    points = []
    for key in networks:
        for prec in precisions:
            for strategy, rf in configs:
                tag = f"{key} {prec} {strategy} RF{rf}"
                points.append((tag, key, ["--precision", prec, "--strategy", strategy, "--reuse-factor", str(rf)]))
    return points


def run_point(nnsim, work, tag, key, overrides):
    path = os.path.join(work, key + ".json")
    out = os.path.join(work, re.sub(r"[^A-Za-z0-9]+", "_", tag) + ".json")
    t0 = time.time()
    r = subprocess.run([nnsim, "synth", "--net", path, "--json", out, *overrides], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{tag}: nnsim synth exited {r.returncode}\n{r.stdout}\n{r.stderr}")
    with open(out) as f:
        j = json.load(f)
    j["tag"] = tag
    j["wall_seconds"] = time.time() - t0
    return j


def pct(e, y):
    return abs(e - y) / y * 100.0 if y else (0.0 if e == 0 else float("inf"))


def quantile(v, q):
    v = sorted(v)
    if not v:
        return float("nan")
    i = q * (len(v) - 1)
    lo = int(i)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (i - lo)


def table(results, what):
    lines = []
    n = len(results)
    lines.append(f"Grid: {n} points ({what}); errors on network totals.")
    lines.append("")
    lines.append("| resource | exact matches | median abs. error | 90th percentile | worst case |")
    lines.append("|---|---|---|---|---|")
    for res in ("dsp", "bram18", "lut", "ff"):
        errs = []
        exact = 0
        worst = (0.0, "")
        for r in results:
            e, y = r["total"]["estimate"][res], r["total"]["yosys"][res]
            if round(e) == round(y):
                exact += 1
            p = pct(e, y)
            errs.append(p)
            if p > worst[0]:
                worst = (p, f"{r['tag']}: {e:.0f} vs {y:.0f}")
        name = {"dsp": "DSP48E1", "bram18": "BRAM18", "lut": "LUT", "ff": "FF"}[res]
        w = f"{worst[0]:.1f} % ({worst[1]})" if worst[0] > 0 else "0 %"
        lines.append(f"| {name} | {exact}/{n} | {quantile(errs, 0.5):.1f} % | {quantile(errs, 0.9):.1f} % | {w} |")
    # Per layer, for information.
    lerr = {"lut": [], "ff": []}
    lexact = {"dsp": [0, 0], "bram18": [0, 0]}
    for r in results:
        for l in r["layers"]:
            for res in ("dsp", "bram18"):
                lexact[res][1] += 1
                lexact[res][0] += int(round(l["estimate"][res]) == round(l["yosys"][res]))
            for res in ("lut", "ff"):
                if l["yosys"][res] > 0:
                    lerr[res].append(pct(l["estimate"][res], l["yosys"][res]))
    lines.append("")
    lines.append(f"Per layer ({lexact['dsp'][1]} layers): DSP exact {lexact['dsp'][0]}/{lexact['dsp'][1]}, "
                 f"BRAM18 exact {lexact['bram18'][0]}/{lexact['bram18'][1]}, "
                 f"LUT median {quantile(lerr['lut'], 0.5):.1f} % / 90th {quantile(lerr['lut'], 0.9):.1f} %, "
                 f"FF median {quantile(lerr['ff'], 0.5):.1f} % / 90th {quantile(lerr['ff'], 0.9):.1f} %.")
    return "\n".join(lines)


def points_table(results):
    lines = ["| point | DSP est/yosys | BRAM18 est/yosys | LUT est/yosys (err) | FF est/yosys (err) | Yosys s |",
             "|---|---|---|---|---|---|"]
    for r in sorted(results, key=lambda r: r["tag"]):
        e, y = r["total"]["estimate"], r["total"]["yosys"]
        lines.append(f"| {r['tag']} | {e['dsp']:.0f}/{y['dsp']:.0f} | {e['bram18']:.0f}/{y['bram18']:.0f} | "
                     f"{e['lut']:.0f}/{y['lut']:.0f} ({(e['lut'] - y['lut']) / y['lut'] * 100:+.1f} %) | "
                     f"{e['ff']:.0f}/{y['ff']:.0f} ({(e['ff'] - y['ff']) / y['ff'] * 100:+.1f} %) | "
                     f"{r['yosys']['seconds']:.0f} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nnsim", default=os.path.join(ROOT, "build", "nnsim"))
    ap.add_argument("--jobs", type=int, default=2, help="grid points synthesized at once")
    ap.add_argument("--doc", help="markdown file whose calibration section is rewritten")
    ap.add_argument("--json", help="write every point's `nnsim synth --json` result here")
    ap.add_argument("--only", help="run only the points whose tag contains this text")
    ap.add_argument("--grid", choices=sorted(GRIDS), default="layers", help="which grid (default: layers)")
    ap.add_argument("--reestimate", metavar="JSON",
                    help="no synthesis: take Yosys's counts from an earlier --json and estimate again (after an "
                         "estimator change); the minutes in the doc are those of the earlier run")
    args = ap.parse_args()
    marker, what = GRIDS[args.grid][3], GRIDS[args.grid][4]
    begin, end = f"<!-- {marker}: begin -->", f"<!-- {marker}: end -->"

    work = tempfile.mkdtemp(prefix="nnsim_calibrate_")
    for key, net in GRIDS[args.grid][0]().items():
        with open(os.path.join(work, key + ".json"), "w") as f:
            json.dump(net, f)
    points = [p for p in grid(args.grid) if not args.only or args.only in p[0]]
    t0 = time.time()
    results = []
    if args.reestimate:
        with open(args.reestimate) as f:
            earlier = {r["tag"]: r for r in json.load(f)}
        points = [p for p in points if p[0] in earlier]
        for tag, key, overrides in points:
            r = earlier[tag]
            out = os.path.join(work, "timing.json")
            subprocess.run([args.nnsim, "timing", "--net", os.path.join(work, key + ".json"), "--json", out, *overrides],
                           check=True, capture_output=True)
            with open(out) as f:
                t = json.load(f)
            r["total"]["estimate"] = t["resources"]["total"]
            by_name = {l["name"]: l["resources"] for l in t["layers"]}
            for layer in r["layers"]:
                if layer["name"] in by_name:
                    layer["estimate"] = by_name[layer["name"]]
            results.append(r)
        t0 -= sum(r.get("wall_seconds", 0) for r in results) / max(1, args.jobs)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        futs = [ex.submit(run_point, args.nnsim, work, *p) for p in points if not args.reestimate]
        for f in concurrent.futures.as_completed(futs):
            r = f.result()
            results.append(r)
            e, y = r["total"]["estimate"], r["total"]["yosys"]
            print(f"{r['tag']:40s} DSP {e['dsp']:.0f}/{y['dsp']:.0f} BRAM18 {e['bram18']:.0f}/{y['bram18']:.0f} "
                  f"LUT {e['lut']:.0f}/{y['lut']:.0f} FF {e['ff']:.0f}/{y['ff']:.0f} ({r['wall_seconds']:.0f} s)",
                  flush=True)
    minutes = (time.time() - t0) / 60
    summary = table(results, what)
    print()
    print(summary)
    print(f"\n{len(results)} points in {minutes:.1f} min with {args.jobs} jobs")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if args.doc:
        with open(args.doc) as f:
            doc = f.read()
        block = (f"{begin}\n{summary}\n\n<details><summary>Every grid point</summary>\n\n{points_table(results)}\n\n"
                 f"</details>\n\nRegenerated by `python3 bench/calibrate.py "
                 f"{'' if args.grid == 'layers' else '--grid ' + args.grid + ' '}--doc docs/resources.md` "
                 f"({len(results)} points, {minutes:.0f} min with {args.jobs} jobs).\n{end}")
        if begin in doc and end in doc:
            doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
        else:
            doc += "\n" + block + "\n"
        with open(args.doc, "w") as f:
            f.write(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
