#!/usr/bin/env python3
"""Fits the resource estimator's LUT coefficients (res::coefficients(), core/resources.cpp) to Yosys
on the fit set, a grid of its own (bench/calibrate.py --grid fit: the calibration grid's shapes, wider,
with other seeds), so that the calibration grid stays an out-of-sample check.

    python3 bench/calibrate.py --grid fit --json fit.json      # Yosys once per point (~5 min)
    python3 bench/fit_coefficients.py fit.json round_adder_lut_per_bit=0:1:0.25 slot_update_lut_factor=1:2:0.25

Every combination of the listed values is tried: each point is re-estimated by `nnsim timing --json`
with NNSIM_RESOURCE_COEFFS set (no synthesis), and the combinations are ranked by the sum of squared
relative LUT errors on the network totals. Prints the best few with their median and worst errors.
"""
import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import calibrate  # noqa: E402


def frange(spec):
    lo, hi, step = (float(v) for v in spec.split(":"))
    n = int(round((hi - lo) / step))
    return [round(lo + i * step, 6) for i in range(n + 1)]


def estimate(nnsim, work, point, coeffs):
    tag, key, overrides = point
    out = os.path.join(work, "t.json")
    env = dict(os.environ, NNSIM_RESOURCE_COEFFS=",".join(f"{k}={v}" for k, v in coeffs.items()))
    subprocess.run([nnsim, "timing", "--net", os.path.join(work, key + ".json"), "--json", out, *overrides],
                   check=True, capture_output=True, env=env)
    with open(out) as f:
        return json.load(f)["resources"]["total"]["lut"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("yosys_json", help="bench/calibrate.py --grid fit --json output")
    ap.add_argument("ranges", nargs="+", help="coefficient=lo:hi:step")
    ap.add_argument("--nnsim", default=os.path.join(calibrate.ROOT, "build", "nnsim"))
    ap.add_argument("--grid", default="fit")
    args = ap.parse_args()
    with open(args.yosys_json) as f:
        yosys = {r["tag"]: r["total"]["yosys"]["lut"] for r in json.load(f)}
    work = tempfile.mkdtemp(prefix="nnsim_fit_")
    for key, net in calibrate.GRIDS[args.grid][0]().items():
        with open(os.path.join(work, key + ".json"), "w") as f:
            json.dump(net, f)
    points = [p for p in calibrate.grid(args.grid) if p[0] in yosys]
    names = [r.split("=")[0] for r in args.ranges]
    values = [frange(r.split("=")[1]) for r in args.ranges]
    ranked = []
    for combo in itertools.product(*values):
        coeffs = dict(zip(names, combo))
        errs = [(estimate(args.nnsim, work, p, coeffs) - yosys[p[0]]) / yosys[p[0]] for p in points]
        ranked.append((sum(e * e for e in errs), coeffs, errs))
        print(f"{coeffs}: rms {100 * (ranked[-1][0] / len(errs)) ** 0.5:.1f} %", flush=True)
    ranked.sort(key=lambda r: r[0])
    print("\nbest:")
    for sq, coeffs, errs in ranked[:5]:
        a = [abs(e) * 100 for e in errs]
        print(f"  {coeffs}: rms {100 * (sq / len(errs)) ** 0.5:.1f} %, median {statistics.median(a):.1f} %, "
              f"worst {max(a):.1f} %, mean signed {100 * statistics.mean(errs):+.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
