"""`nnsim import` of the Keras examples with the hls4ml config keras-config.yml: the written descriptions
validate, name every weight by HDF5 reference, and run to exactly the same predictions as the Keras
files themselves; inline weights give the same result again."""
import json
import os
import shutil
import tempfile
import unittest

import nets

MODELS = ["KERAS_3layer", "KERAS_1layer", "KERAS_3layer_batch_norm"]
CONFIG = os.path.join(nets.SHARED, "external_models", "keras-config.yml")


class Import(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nnsim_import_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def predictions(self, net, *extra):
        out = os.path.join(self.tmp, "p.dat")
        nets.run("run", "--net", net, "--random-samples", "200", "--seed", "3", "--output", out, *extra)
        with open(out) as f:
            return f.read()

    def test_models_with_keras_config(self):
        for model in MODELS:
            keras_json = os.path.join(nets.SHARED, "external_models", "keras", model + ".json")
            desc = os.path.join(self.tmp, model + ".json")
            nets.run("import", "--net", keras_json, "--config", CONFIG, "-o", desc)
            with open(desc) as f:
                d = json.load(f)
            self.assertEqual(d["format"], "nnsim-network")
            self.assertEqual(d["defaults"]["precision"], "fixed<16,6>")
            self.assertEqual(d["part"], "xcku115-flvb2104-2-i")
            refs = [w for l in d["layers"] for w in l.get("weights", {}).values()]
            self.assertTrue(refs and all("h5" in w for w in refs), model)
            # The weights file path is relative to the description and resolves.
            self.assertTrue(os.path.exists(os.path.join(self.tmp, d["weights_file"])), d["weights_file"])
            nets.run("validate", "--net", desc)
            self.assertEqual(self.predictions(desc), self.predictions(keras_json, "--config", CONFIG), model)
            inline = os.path.join(self.tmp, model + "_inline.json")
            nets.run("import", "--net", desc, "-o", inline, "--inline-weights")
            self.assertEqual(self.predictions(inline), self.predictions(desc), model)

    def test_config_names_its_model(self):
        # keras-config.yml names KERAS_3layer itself; --net accepts the config directly.
        desc = os.path.join(self.tmp, "k3.json")
        nets.run("import", "--net", CONFIG, "-o", desc)
        with open(desc) as f:
            d = json.load(f)
        self.assertEqual([l["kind"] for l in d["layers"]],
                         ["dense", "relu", "dense", "relu", "dense", "relu", "dense", "softmax"])
        self.assertEqual(d["layers"][-1]["name"], "output_softmax_softmax")


if __name__ == "__main__":
    unittest.main()
