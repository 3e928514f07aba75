"""The cycle model against its contracts, for every layer kind and for KERAS_3layer, under Latency and
Resource, io_parallel and io_stream, reuse factors {1, a middle valid value, the largest valid value},
with and without random back-pressure:
  - every output word equals `nnsim run` (the bit-exact evaluator), compared as files;
  - without back-pressure, the first sample's latency and the steady-state II equal the timing model
    (`nnsim timing`) exactly;
  - with back-pressure, every sample still arrives and the first latency is never below the model's."""
import concurrent.futures
import json
import os
import shutil
import tempfile
import unittest

import nets

STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]


def rf_choices(valid):
    return sorted({valid[0], valid[len(valid) // 2], valid[-1]})


class SimContracts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_sim_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def check_point(self, net, label, overrides, samples, reference):
        """Run one configuration without and with stalls; return a failure message or None."""
        problems = []
        for stalled in (False, True):
            tag = f"{label}{'_bp' if stalled else ''}".replace(" ", "_").replace("/", "_")
            rep, out = os.path.join(self.tmp, tag + ".json"), os.path.join(self.tmp, tag + ".dat")
            args = ["sim", "--net", net, "--samples", str(samples), "--seed", "5", "--report", rep, "--output", out,
                    *overrides]
            if stalled:
                args += STALLS
            r = nets.run(*args, check=False)
            if r.returncode != 0:
                problems.append(f"{tag}: exit {r.returncode}: {r.stderr.strip()}")
                continue
            with open(rep) as f:
                j = json.load(f)
            with open(out) as f:
                got = f.read()
            if got != reference:
                problems.append(f"{tag}: output differs from nnsim run")
            if not j["completed"] or j["check"]["mismatches"] != 0:
                problems.append(f"{tag}: completed={j['completed']} mismatches={j['check']['mismatches']}")
            m, model = j["measured"], j["model"]
            if not stalled:
                if m["latency_first_sample"] != model["latency"]:
                    problems.append(f"{tag}: latency {m['latency_first_sample']} != model {model['latency']}")
                if m["ii"] != model["ii"]:
                    problems.append(f"{tag}: II {m['ii']} != model {model['ii']}")
            elif m["latency_first_sample"] < model["latency"]:
                problems.append(f"{tag}: stalled latency {m['latency_first_sample']} below model {model['latency']}")
        return problems

    def sweep(self, name, net_path, rf_sets, samples):
        ref = os.path.join(self.tmp, name + "_ref.dat")
        nets.run("run", "--net", net_path, "--random-samples", str(samples), "--seed", "5", "--output", ref)
        with open(ref) as f:
            reference = f.read()
        jobs = []
        for strategy in ("Latency", "Resource"):
            for io in ("io_parallel", "io_stream"):
                for rf_label, overrides in rf_sets(strategy):
                    label = f"{name}_{strategy}_{io}_rf{rf_label}"
                    jobs.append((label, overrides + ["--strategy", strategy, "--io-type", io]))
        problems = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            for p in ex.map(lambda jb: self.check_point(net_path, jb[0], jb[1], samples, reference), jobs):
                problems += p
        self.assertEqual(problems, [], "\n".join(problems))
        return len(jobs)

    def test_every_kind(self):
        points = 0
        for kind in nets.KINDS:
            path = nets.write_json(os.path.join(self.tmp, kind.replace(":", "_") + ".json"), nets.kind_net(kind))
            first = nets.timing(path)["layers"][0]
            valid = first["valid_reuse_factors"]

            def rf_sets(strategy, valid=valid):
                return [(str(rf), ["--reuse-factor", str(rf)]) for rf in rf_choices(valid)]

            points += self.sweep(kind.replace(":", "_"), path, rf_sets, 40)
        self.assertGreaterEqual(points, len(nets.KINDS) * 4)

    def test_keras_3layer(self):
        base = os.path.join(self.tmp, "k3.json")
        nets.run("import", "--net", nets.KERAS_3LAYER, "-o", base)
        with open(base) as f:
            desc = json.load(f)
        layers = nets.timing(base)["layers"]
        valid = {l["name"]: l["valid_reuse_factors"] for l in layers}
        per_rf = {}
        for choice in ("mid", "max"):
            d = json.loads(json.dumps(desc))
            for layer in d["layers"]:
                v = valid[layer["name"]]
                layer["reuse_factor"] = v[len(v) // 2] if choice == "mid" else v[-1]
            per_rf[choice] = nets.write_json(os.path.join(self.tmp, f"k3_{choice}.json"), d)

        ref = os.path.join(self.tmp, "k3_ref.dat")
        nets.run("run", "--net", base, "--random-samples", "60", "--seed", "5", "--output", ref)
        with open(ref) as f:
            reference = f.read()
        problems = []
        jobs = []
        for strategy in ("Latency", "Resource"):
            for io in ("io_parallel", "io_stream"):
                common = ["--strategy", strategy, "--io-type", io]
                jobs.append((base, f"k3_{strategy}_{io}_rf1", common))
                for choice, path in per_rf.items():
                    jobs.append((path, f"k3_{strategy}_{io}_rf{choice}", common))
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            for p in ex.map(lambda jb: self.check_point(jb[0], jb[1], jb[2], 60, reference), jobs):
                problems += p
        self.assertEqual(problems, [], "\n".join(problems))

    def test_input_file_runs_every_sample(self):
        """--input simulates every sample of the file (the default of --samples is for random samples
        only); --samples still limits it; without --input the default is 100 random samples."""
        data = os.path.join(self.tmp, "in250.dat")
        with open(data, "w") as f:
            for s in range(250):
                f.write(" ".join(f"{((s * 16 + i) % 23 - 11) / 7:.4f}" for i in range(16)) + "\n")
        for args, expected in ((["--input", data], 250), (["--input", data, "--samples", "7"], 7), ([], 100)):
            rep = os.path.join(self.tmp, f"in_{expected}.json")
            nets.run("sim", "--net", nets.KERAS_3LAYER, "--report", rep, *args)
            with open(rep) as f:
                self.assertEqual(json.load(f)["samples"], expected, args)

    def test_no_progress_is_reported_not_hung(self):
        # An output that is (practically) never ready: nothing moves while work is pending. The run
        # must stop within the bound, exit 3 and name the waiting modules and the full FIFOs.
        r = nets.run("sim", "--net", nets.KERAS_3LAYER, "--samples", "50", "--ready-ratio", "0.000001",
                     "--deadlock-cycles", "400", check=False)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("nnsim: deadlock: no transfer for 400 cycles", r.stderr)
        self.assertIn("output_softmax_softmax waits for space in full FIFO fifo_output_softmax_softmax__out", r.stderr)
        self.assertIn("FIFO fifo_input_1__fc1_relu is full (2)", r.stderr)


if __name__ == "__main__":
    unittest.main()
