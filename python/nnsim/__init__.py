"""nnsim from Python: bit-exact hls4ml-style networks, their timing and resources (the compiled
module, python/nnsim_module.cpp), and the cycle-accurate model, sweeps, Verilog and its verification
through the nnsim command line (SystemC elaborates once per process, so each call is a process).

    import nnsim
    net = nnsim.load("KERAS_3layer.json", reuse_factor=4)
    y = net.run(x)                        # bit-exact, numpy in and out
    report = net.simulate(x)              # `nnsim sim` report as a dict
    rows = net.sweep("reuse,strategy")    # `nnsim --sweep` rows, ready for pandas.DataFrame(rows)
    files = net.gen("rtl/"); net.verify(samples=100)
"""
import csv
import json
import os
import subprocess
import tempfile

import numpy as _np

from ._nnsim import Error, Network, load  # noqa: F401
from ._paths import NNSIM_BINARY

__all__ = ["Error", "Network", "load"]


def _cli(args, cwd=None):
    """Runs the nnsim command line; its one-line error becomes nnsim.Error."""
    r = subprocess.run([NNSIM_BINARY, *args], capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        lines = [l for l in r.stderr.splitlines() if l.startswith("nnsim: error: ")]
        message = lines[0][len("nnsim: error: "):] if lines else (r.stderr.strip() or r.stdout.strip())
        raise Error(message)
    return r.stdout


def _with_description(net, body):
    with tempfile.TemporaryDirectory(prefix="nnsim_py_") as tmp:
        path = os.path.join(tmp, net.name + ".json")
        net.save(path)
        return body(tmp, path)


def _number(text):
    """A CSV cell as int or float where it is one, else the text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _samples_args(tmp, x, samples, seed):
    if x is None:
        return ["--samples", str(samples), "--seed", str(seed)]
    data = os.path.join(tmp, "input.dat")
    _np.savetxt(data, _np.asarray(x, dtype=float), fmt="%.17g")
    return ["--input", data]


def _simulate(self, x=None, samples=100, seed=1, input_ratio=1.0, ready_ratio=1.0, stall_seed=1):
    """Runs the cycle-accurate SystemC model (`nnsim sim`) on x (or seeded random samples) and returns
    its report: latency, II, per-layer activity, FIFO occupancy, resources."""
    def body(tmp, path):
        report = os.path.join(tmp, "report.json")
        _cli(["sim", "--net", path, "--report", report, "--input-ratio", str(input_ratio), "--ready-ratio",
              str(ready_ratio), "--stall-seed", str(stall_seed), *_samples_args(tmp, x, samples, seed)])
        with open(report) as f:
            return json.load(f)
    return _with_description(self, body)


def _sweep(self, spec, simulate=False, jobs=None, input=None, labels=None, samples=None):
    """A design-space sweep (`nnsim --sweep spec`: kinds such as "reuse,strategy" or a spec file); returns
    its rows (dicts), ready for pandas.DataFrame."""
    def body(tmp, path):
        out = os.path.join(tmp, "sweep")
        args = ["--net", path, "--sweep", spec, "--out", out, "--no-plot"]
        if simulate:
            args.append("--simulate")
        if jobs:
            args += ["-j", str(jobs)]
        for flag, value in (("--input", input), ("--labels", labels), ("--samples", samples)):
            if value is not None:
                args += [flag, str(value)]
        _cli(args)
        with open(os.path.join(out, "results.csv")) as f:  # flat columns, one row per point
            return [{k: _number(v) for k, v in row.items()} for row in csv.DictReader(f)]
    return _with_description(self, body)


def _gen(self, directory, lint=False):
    """Writes the network's Verilog into `directory` (`nnsim gen`); returns the files written."""
    directory = os.path.abspath(directory)
    _with_description(self, lambda tmp, path: _cli(["gen", "--net", path, "-o", directory] + (["--lint"] if lint else [])))
    return sorted(os.listdir(directory))


def _verify(self, samples=100, seed=1, input_ratio=1.0, ready_ratio=1.0, stall_seed=1):
    """Builds the Verilog with Verilator and compares it with the SystemC model on every output word and
    handshake cycle (`nnsim verify`); returns {"passed": True, "summary": line}, raises nnsim.Error on a
    mismatch or bad input."""
    def body(tmp, path):
        out = _cli(["verify", "--net", path, "--samples", str(samples), "--seed", str(seed), "--input-ratio",
                    str(input_ratio), "--ready-ratio", str(ready_ratio), "--stall-seed", str(stall_seed),
                    "--work", os.path.join(tmp, "work")])
        summary = next((l for l in out.splitlines() if l.startswith("verify:")), "")
        return {"passed": "identical" in summary, "summary": summary}
    return _with_description(self, body)


Network.simulate = _simulate
Network.sweep = _sweep
Network.gen = _gen
Network.verify = _verify
