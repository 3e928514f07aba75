"""`import nnsim` (python/nnsim_module.cpp), from build/python:
  - run() equals the command line's `nnsim run --output` bit for bit, on the jet tagger and on a skip
    network (configs/resnet_block.json), and run(trace=True) equals `nnsim run --trace` per layer;
  - float_run() equals the command line's float trace; timing() and estimate() equal `nnsim timing --json`;
  - simulate(), sweep(), gen() and verify() run the command line's model, sweep, generator and Verilator
    check on the network (their reports as dicts and rows), with its errors as nnsim.Error;
  - load() takes every `--net` input with Model-level overrides (reuse factor, strategy, precision);
  - bad input raises nnsim.Error with the command line's one-line message;
  - run() releases the GIL: the main thread keeps running Python while another thread is inside run()
    (a mutation that keeps the GIL makes this test fail)."""
import json
import os
import shutil
import sys
import tempfile
import threading
import unittest

import numpy as np

import nets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(nets.NNSIM)), "python"))
import nnsim  # noqa: E402

RESNET = os.path.join(os.environ.get("NNSIM_SOURCE_DIR", "."), "configs", "resnet_block.json")


class PythonModule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_py_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def samples(self, net, n, seed):
        x = np.random.RandomState(seed).randn(n, net.inputs) * 1.5
        path = self.path(f"in_{seed}.dat")
        np.savetxt(path, x, fmt="%.17g")
        return x, path

    def check_against_cli(self, net_path, *overrides, **kw):
        net = nnsim.load(net_path, **kw)
        x, data = self.samples(net, 60, 4)
        out, trace = self.path("out.dat"), self.path("trace")
        nets.run("run", "--net", net_path, "--input", data, "--output", out, "--trace", trace, *overrides)
        y, layers = net.run(x, trace=True)
        np.testing.assert_array_equal(y, np.loadtxt(out, ndmin=2))
        _, float_layers = net.float_run(x, trace=True)
        for layer in net.layers:
            name = layer["name"]
            np.testing.assert_array_equal(layers[name], np.loadtxt(os.path.join(trace, name + ".dat"), ndmin=2), name)
            np.testing.assert_array_equal(float_layers[name],
                                          np.loadtxt(os.path.join(trace, name + ".float.dat"), ndmin=2), name)
        return net

    def test_run_equals_cli_jet_tagger(self):
        self.check_against_cli(nets.KERAS_3LAYER)

    def test_run_equals_cli_with_overrides(self):
        net = self.check_against_cli(nets.KERAS_3LAYER, "--precision", "fixed<10,4,RND,SAT>", "--reuse-factor", "4",
                                     "--strategy", "Resource", precision="fixed<10,4,RND,SAT>", reuse_factor=4,
                                     strategy="Resource")
        self.assertTrue(all(l["reuse_factor"] == 4 for l in net.layers))
        self.assertEqual(net.layers[0]["precision"]["weight"], "fixed<10,4,RND,SAT>")

    def test_per_layer_overrides(self):
        net = nnsim.load(nets.KERAS_3LAYER, reuse_factor=2,
                         layers={"fc1_relu": {"reuse_factor": 4, "strategy": "Resource",
                                              "precision": {"weight": "fixed<8,3>"}},
                                 "fc2_relu": {"precision": "fixed<12,5>"}})
        layers = {l["name"]: l for l in net.layers}
        self.assertEqual((layers["fc1_relu"]["reuse_factor"], layers["fc1_relu"]["strategy"]), (4, "Resource"))
        self.assertEqual(layers["fc2_relu"]["reuse_factor"], 2)
        self.assertEqual(layers["fc1_relu"]["precision"]["weight"], "fixed<8,3>")
        self.assertEqual(layers["fc2_relu"]["precision"]["accum"], "fixed<12,5>")
        self.assertEqual(net.timing()["layers"][0]["ii"], 4)
        # The same through the command line: a description edited the same way runs to the same outputs.
        saved = self.path("per_layer.json")
        net.save(saved)
        x, data = self.samples(net, 30, 6)
        out = self.path("per_layer.dat")
        nets.run("run", "--net", saved, "--input", data, "--output", out)
        np.testing.assert_array_equal(net.run(x), np.loadtxt(out, ndmin=2))
        with self.assertRaisesRegex(nnsim.Error, "layers: no layer 'nope'"):
            nnsim.load(nets.KERAS_3LAYER, layers={"nope": {"reuse_factor": 2}})
        with self.assertRaisesRegex(nnsim.Error, r"unknown setting 'colour'"):
            nnsim.load(nets.KERAS_3LAYER, layers={"fc1_relu": {"colour": 2}})

    def test_run_equals_cli_skip_network(self):
        self.check_against_cli(RESNET)

    def test_run_takes_keras_shaped_inputs(self):
        """run() takes [samples, <input shape>] as Keras does, with the same results as flat rows."""
        net = nnsim.load(RESNET)
        x = np.random.default_rng(7).standard_normal((3, 8, 8, 4))
        self.assertTrue(np.array_equal(net.run(x), net.run(x.reshape(3, -1))))

    def test_timing_and_estimate_equal_cli(self):
        net = nnsim.load(nets.KERAS_3LAYER, reuse_factor=4, strategy="Resource")
        cli = nets.timing(nets.KERAS_3LAYER, "--reuse-factor", "4", "--strategy", "Resource")
        t = net.timing()
        self.assertEqual((t["latency"], t["ii"]), (cli["latency"], cli["ii"]))
        self.assertEqual([(l["name"], l["ii"], l["latency"]) for l in t["layers"]],
                         [(l["name"], l["ii"], l["latency"]) for l in cli["layers"]])
        e = net.estimate()
        for l in cli["layers"]:
            self.assertEqual(e["layers"][l["name"]]["dsp"], l["resources"]["dsp"], l["name"])
            self.assertAlmostEqual(e["layers"][l["name"]]["lut"], l["resources"]["lut"], delta=0.5)

    def test_simulate_sweep_gen_verify(self):
        net = nnsim.load(nets.KERAS_3LAYER, reuse_factor=4, strategy="Resource")
        x, _ = self.samples(net, 30, 5)
        report = net.simulate(x)
        self.assertEqual(report["samples"], 30)
        self.assertEqual(report["measured"]["latency_first_sample"], net.timing()["latency"])
        rows = net.sweep("strategy")
        self.assertEqual(sorted(r["strategy"] for r in rows), ["Latency", "Resource"])
        self.assertTrue(all(r["status"] == "ok" and r["dsp"] > 0 for r in rows))
        files = net.gen(self.path("rtl"))
        self.assertIn("KERAS_3layer_top.v", files)
        result = net.verify(samples=20, ready_ratio=0.7)
        self.assertTrue(result["passed"], result)
        with self.assertRaisesRegex(nnsim.Error, "--ready-ratio: must be in"):
            net.simulate(ready_ratio=2)

    def test_every_call_on_the_skip_network(self):
        net = nnsim.load(RESNET)
        cli = nets.timing(RESNET)
        self.assertEqual((net.timing()["latency"], net.timing()["ii"]), (cli["latency"], cli["ii"]))
        self.assertEqual(set(net.estimate()["layers"]), {l["name"] for l in net.layers})
        report = net.simulate(samples=5)
        self.assertEqual(report["measured"]["latency_first_sample"], cli["latency"])
        self.assertEqual(len(net.sweep("strategy")), 2)
        self.assertTrue(any(f.endswith("_top.v") for f in net.gen(self.path("resnet_rtl"))))
        self.assertTrue(net.verify(samples=5, ready_ratio=0.6)["passed"])

    def test_save_round_trip(self):
        net = nnsim.load(nets.KERAS_3LAYER)
        saved = self.path("saved.json")
        net.save(saved)
        x, _ = self.samples(net, 20, 9)
        np.testing.assert_array_equal(nnsim.load(saved).run(x), net.run(x))

    def test_errors(self):
        with self.assertRaisesRegex(nnsim.Error, "nope.json: file not found"):
            nnsim.load(self.path("nope.json"))
        bad = self.path("bad.json")
        with open(bad, "w") as f:
            f.write('{"format": "nnsim-network", "layers": [}')
        with self.assertRaisesRegex(nnsim.Error, "bad.json"):
            nnsim.load(bad)
        net = nnsim.load(nets.KERAS_3LAYER)
        with self.assertRaisesRegex(nnsim.Error, r"expected an array of shape \[samples, 16\]"):
            net.run(np.zeros((3, 7)))
        with self.assertRaisesRegex(nnsim.Error, "reuse-factor: must be a positive integer"):
            nnsim.load(nets.KERAS_3LAYER, reuse_factor=-3)
        with self.assertRaisesRegex(nnsim.Error, "strategy"):
            nnsim.load(nets.KERAS_3LAYER, strategy="Fast")

    def test_run_releases_the_gil(self):
        """With the interpreter's switch interval made huge, a thread gives up the GIL only when it
        blocks or native code releases it. The main thread starts a run() in another thread and then
        does some pure Python work: if run() releases the GIL, that work happens while the run is
        still inside native code; if it held the GIL, the main thread could only continue once the
        whole run had returned. No clocks are read, so a loaded machine cannot make this fail."""
        net = nnsim.load(nets.KERAS_3LAYER)
        x = np.random.RandomState(1).randn(200000, net.inputs)
        state = {"done": False}

        def worker():
            net.run(x)
            state["done"] = True

        old = sys.getswitchinterval()
        sys.setswitchinterval(1000.0)
        try:
            t = threading.Thread(target=worker)
            t.start()  # waits (GIL released) until the worker runs; the worker then keeps the GIL until run() drops it
            busy = sum(i * i for i in range(20000))  # pure Python: needs the GIL throughout
            seen_done = state["done"]
        finally:
            sys.setswitchinterval(old)
        t.join()
        self.assertGreater(busy, 0)
        self.assertFalse(seen_done, "the main thread ran only after run() had returned: run() keeps the GIL")

    def test_threads_share_nothing(self):
        """Two networks run() at once from two threads give exactly what each gives alone (no state
        shared between loaded networks, no data race on the outputs)."""
        nets_ = [nnsim.load(nets.KERAS_3LAYER) for _ in range(2)]
        xs = [np.random.RandomState(seed).randn(20000, nets_[0].inputs) for seed in (2, 3)]
        alone = [n.run(x) for n, x in zip(nets_, xs)]
        together = [None, None]

        def worker(k):
            together[k] = nets_[k].run(xs[k])

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for k in range(2):
            np.testing.assert_array_equal(together[k], alone[k])

if __name__ == "__main__":
    unittest.main()
