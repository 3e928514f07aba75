"""The two schedulers of the SystemC model give the same run, cycle for cycle: `nnsim sim --scheduler
calendar` (the default where it applies) and `--scheduler kernel` (every process an SC_METHOD woken by
SystemC's kernel) must write identical reports (every handshake cycle, layer counters, FIFO occupancies,
the cycle count, deadlock reports), apart from the wall time and the scheduler's name. Networks: the jet
tagger under both I/O types and several reuse factors, the CNN, skip/concat and recurrent examples, a
repacking skip network, every layer kind, with and without random stalls, and a deadlock."""
import json
import os
import unittest

import nets

SOURCE = os.environ.get("NNSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
STALLS = ["--input-ratio", "0.7", "--ready-ratio", "0.55", "--stall-seed", "3"]


class SchedulersAgree(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_sched_"

    def sim(self, net, tag, scheduler, *args, check=True):
        rep = self.path(f"{tag}_{scheduler}.json")
        r = nets.run("sim", "--net", net, "--report", rep, "--scheduler", scheduler, *args, check=check)
        with open(rep) as f:
            return json.load(f), r

    def agree(self, net, tag, *args, returncode=0):
        """Run both schedulers; return the calendar's report after checking the two agree."""
        cal, rc = self.sim(net, tag, "calendar", *args, check=False)
        ker, rk = self.sim(net, tag, "kernel", *args, check=False)
        self.assertEqual(rc.returncode, returncode, rc.stdout + rc.stderr)
        self.assertEqual(rk.returncode, returncode, rk.stdout + rk.stderr)
        self.assertEqual((cal["scheduler"], ker["scheduler"]), ("calendar", "kernel"))
        for rep in (cal, ker):
            del rep["wall_seconds"], rep["scheduler"]
        self.assertEqual(cal, ker, tag)
        self.assertEqual(rc.stderr, rk.stderr, tag)
        return cal

    def test_jet_tagger(self):
        for io in ("io_parallel", "io_stream"):
            for cfg in (["--reuse-factor", "1"], ["--strategy", "Resource", "--reuse-factor", "16"],
                        ["--strategy", "Resource", "--reuse-factor", "4"]):
                for stalls in ([], STALLS):
                    with self.subTest(io=io, cfg=cfg, stalls=bool(stalls)):
                        tag = f"jet_{io}_{cfg[-1]}_{len(stalls)}"
                        rep = self.agree(nets.KERAS_3LAYER, tag, "--io-type", io, *cfg, "--samples", "60", *stalls)
                        self.assertTrue(rep["completed"])
                        self.assertEqual(len(rep["handshakes"]["outputs"]), 60)

    def test_example_networks(self):
        for name in ("svhn_cnn", "resnet_block", "concat_block", "gru_top_tagger", "lstm_tagger"):
            for stalls in ([], STALLS):
                with self.subTest(net=name, stalls=bool(stalls)):
                    net = os.path.join(SOURCE, "configs", name + ".json")
                    rep = self.agree(net, f"{name}_{len(stalls)}", "--samples", "4", *stalls)
                    self.assertTrue(rep["completed"])

    def test_repacking_skip_network(self):
        net = nets.write_json(self.path("skip.json"), nets.skip_net(branch_depth=16))
        for stalls in ([], STALLS):
            with self.subTest(stalls=bool(stalls)):
                self.agree(net, f"skip_{len(stalls)}", "--samples", "12", *stalls)

    def test_every_kind(self):
        for kind in nets.KINDS:
            with self.subTest(kind=kind):
                net = nets.write_json(self.path(f"k_{kind}.json"), nets.kind_net(kind))
                self.agree(net, f"k_{kind}".replace(":", "_"), "--samples", "9", "--io-type", "io_stream", *STALLS)

    def test_deadlock(self):
        net = nets.write_json(self.path("dl.json"), nets.skip_net(input_depth=2, branch_depth=2))
        rep = self.agree(net, "dl", "--samples", "20", "--deadlock-cycles", "300", returncode=3)
        self.assertIn("no transfer for 300 cycles", rep["deadlock"])
        self.assertEqual(rep["cycles"] % 300, 0)  # a progress check ends the run

    def test_defaults_and_errors(self):
        # The calendar by default; the kernel where SystemC time must follow the model (waveforms).
        rep = self.path("d.json")
        nets.run("sim", "--net", nets.KERAS_3LAYER, "--samples", "3", "--report", rep)
        with open(rep) as f:
            self.assertEqual(json.load(f)["scheduler"], "calendar")
        nets.run("sim", "--net", nets.KERAS_3LAYER, "--samples", "3", "--report", rep, "--vcd", self.path("w.vcd"))
        with open(rep) as f:
            self.assertEqual(json.load(f)["scheduler"], "kernel")
        r = nets.run("sim", "--net", nets.KERAS_3LAYER, "--samples", "3", "--scheduler", "calendar",
                     "--vcd", self.path("w2.vcd"), check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("--scheduler calendar: not with waveforms", r.stderr)
        r = nets.run("sim", "--net", nets.KERAS_3LAYER, "--scheduler", "fast", check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--scheduler", r.stderr)


if __name__ == "__main__":
    unittest.main()
