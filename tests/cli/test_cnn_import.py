"""Keras CNN import: the exact layer structure of the Keras CNNs of ../shared, QKeras models refused with
the layers named, Conv groups, channels_first, 'causal' padding and dilation refused with one line,
hls4ml configs applied to the CNN kinds (LayerType Conv2D, LayerName entries, separable layers'
depthwise_/pointwise_ keys, padding following its input's type), configs/make_examples.py writing the
committed examples, and batchnorm on an [H, W, C] image per channel (bit-exact against numpy, float
within 1e-6, io_stream simulation equal to the evaluator, Verilog verified under io_parallel and
io_stream).

End-to-end runs of the imported models and of configs/*.json are in test_cnn_models.py."""
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nets  # noqa: E402

KERAS = os.path.join(nets.SHARED, "external_models", "keras")
CACHE = os.environ.get("NNSIM_VERIFY_CACHE") or os.path.join(os.path.dirname(os.path.abspath(nets.NNSIM)),
                                                              "verify_cache")

# name, kind and the parameters that matter, per imported layer (weights left out).
CONV2D_MODEL = [
    ("conv2d_1_pad", "zero_padding2d", {"padding": None}),
    ("conv2d_1", "conv2d", {}), ("conv2d_1_relu", "relu", {}),
    ("flatten_1", "reshape", {}), ("dense_1", "dense", {}), ("dense_1_softmax", "softmax", {})]
JET_NO_BN = [
    ("cnn2D_1_relu_pad", "zero_padding2d", {"padding": [1, 1, 1, 1]}),
    ("cnn2D_1_relu", "conv2d", {"filters": 5, "kernel_size": [3, 3], "strides": [3, 3]}),
    ("cnn2D_1_relu_relu", "relu", {}),
    ("cnn2D_2_relu_pad", "zero_padding2d", {}),
    ("cnn2D_2_relu", "conv2d", {}), ("cnn2D_2_relu_relu", "relu", {}),
    ("flatten_1", "reshape", {}), ("dense_1_relu", "dense", {}), ("dense_1_relu_relu", "relu", {}),
    ("output_softmax", "dense", {}), ("output_softmax_softmax", "softmax", {})]
JET_BN = ([("batch_normalization_1", "batchnorm", {})] + JET_NO_BN[:3] +
          [("batch_normalization_2", "batchnorm", {})] + JET_NO_BN[3:])


def same_pad(n, k, s):
    """hls4ml's split of Keras 'same' padding on one axis: (before, after)."""
    total = max((-(-n // s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def norm(t):
    return t.replace("ap_", "")


class CnnImport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_cnn_import_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def imported(self, net, *extra, tag="imp"):
        out = self.path(tag + ".json")
        nets.run("import", "--net", net, "-o", out, *extra)
        with open(out) as f:
            return json.load(f)

    # --- structure ---------------------------------------------------------------------------------

    def test_keras_cnn_structure(self):
        for model, expected in (("KERAS_conv2d_model", CONV2D_MODEL), ("jetTagger_Conv2D_Small", JET_BN),
                                ("jetTagger_Conv2D_Small_NoBatchNorm", JET_NO_BN)):
            with self.subTest(model=model):
                d = self.imported(os.path.join(KERAS, model + ".json"), tag=model)
                layers = d["layers"]
                self.assertEqual([(l["name"], l["kind"]) for l in layers], [(n, k) for n, k, _ in expected])
                for l, (_, _, params) in zip(layers, expected):
                    for key, value in params.items():
                        if value is not None:
                            self.assertEqual(l[key], value, (model, l["name"], key))
                # Every padding is hls4ml's split of Keras 'same' for the conv after it.
                with open(os.path.join(KERAS, model + ".json")) as f:
                    top = json.load(f)["config"]  # old Sequential files hold the layer list itself
                    keras = {l["config"]["name"]: l["config"] for l in (top["layers"] if isinstance(top, dict) else top)}
                shape = {d["inputs"][0]["name"]: d["inputs"][0]["shape"]}
                for l in layers:
                    src = shape[l["inputs"][0]]
                    if l["kind"] == "zero_padding2d":
                        conv = keras[l["name"][:-len("_pad")]]
                        k, s = conv["kernel_size"], conv["strides"]
                        self.assertEqual(conv["padding"], "same")
                        self.assertEqual(l["padding"], [*same_pad(src[0], k[0], s[0]), *same_pad(src[1], k[1], s[1])])
                        t, b, lft, r = l["padding"]
                        shape[l["name"]] = [src[0] + t + b, src[1] + lft + r, src[2]]
                    elif l["kind"] == "conv2d":
                        conv = keras[l["name"]]
                        self.assertEqual((l["filters"], l["kernel_size"], l["strides"]),
                                         (conv["filters"], conv["kernel_size"], conv["strides"]))
                        kh, kw = l["kernel_size"]
                        sh, sw = l["strides"]
                        shape[l["name"]] = [(src[0] - kh) // sh + 1, (src[1] - kw) // sw + 1, l["filters"]]
                    else:
                        shape[l["name"]] = src
                nets.run("timing", "--net", self.path(model + ".json"))  # the description validates

    def test_qkeras_cnn_takes_its_precisions_from_the_quantizers(self):
        nets.run("import", "--net", os.path.join(KERAS, "qkeras_mnist_cnn.json"), "-o", self.path("q.json"))
        with open(self.path("q.json")) as f:
            layers = {l["name"]: l for l in json.load(f)["layers"]}
        for conv in ("q_conv2d", "q_conv2d_1", "q_dense"):  # quantized_bits(6,0,alpha=1) kernels and biases
            self.assertEqual(layers[conv]["precision"]["weight"], "fixed<6,1>", conv)
            self.assertEqual(layers[conv]["precision"]["bias"], "fixed<6,1>", conv)
        for act in ("q_activation", "q_activation_1"):  # quantized_relu(6,0)
            self.assertEqual(layers[act]["kind"], "relu")
            self.assertEqual(layers[act]["precision"]["result"], "fixed<7,1,RND_CONV,SAT>", act)
        nets.run("timing", "--net", self.path("q.json"), "--io-type", "io_stream")

    def keras_conv(self, cls="Conv2D", **extra):
        """A Keras model x[6,6,2] -> <cls>(2 filters, 3x3) with weights as Keras writes them."""
        import h5py
        import numpy as np
        rng = np.random.default_rng(5)
        cfg = dict(name="cv", filters=2, kernel_size=[3, 3], strides=[1, 1], padding="valid",
                   data_format="channels_last", activation="linear", use_bias=True)
        cfg.update(extra)
        model = {"class_name": "Sequential", "config": {"name": "kconv", "layers": [
            {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [None, 6, 6, 2]}},
            {"class_name": cls, "config": cfg}]}}
        path = nets.write_json(self.path("kconv.json"), model)
        with h5py.File(self.path("kconv_weights.h5"), "w") as f:
            g = f.create_group("cv").create_group("cv")
            g.create_dataset("kernel:0", data=rng.normal(0, 0.5, (3, 3, 2, 2)).astype(np.float32))
            g.create_dataset("bias:0", data=rng.normal(0, 0.1, 2).astype(np.float32))
            f["cv"].attrs["weight_names"] = [b"cv/kernel:0", b"cv/bias:0"]
        return path

    def test_conv_errors(self):
        nets.run("timing", "--net", self.keras_conv(groups=1, dilation_rate=[1, 1]))  # the defaults are fine
        for cls, extra, field, fragment in (
                ("Conv2D", {"groups": 2}, "/config/groups", "groups 2 is not supported (only 1)"),
                ("Conv2D", {"data_format": "channels_first"}, "/config/data_format", "only channels_last"),
                ("Conv2D", {"padding": "causal"}, "/config/padding", "'valid' or 'same', got 'causal'"),
                ("DepthwiseConv2D", {"dilation_rate": [1, 2]}, "/config/dilation_rate", "(only 1)")):
            with self.subTest(cls=cls, field=field):
                r = nets.run("timing", "--net", self.keras_conv(cls, **extra), check=False)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertIn("layer cv", r.stderr)
                self.assertIn(field, r.stderr)
                self.assertIn(fragment, r.stderr)

    # --- hls4ml configs ----------------------------------------------------------------------------

    def test_config_applies_to_conv_kinds(self):
        cfg = nets.write_json(self.path("jet_cfg.json"), {"IOType": "io_stream", "HLSConfig": {
            "Model": {"Precision": "ap_fixed<16,6>", "ReuseFactor": 1},
            "LayerType": {"Conv2D": {"ReuseFactor": 3, "Precision": {"accum": "ap_fixed<24,10>"}}},
            "LayerName": {"batch_normalization_1": {"Precision": {"result": "ap_fixed<12,4>"}},
                          "cnn2D_2_relu": {"Precision": {"weight": "ap_fixed<8,2>"}}}}})
        d = self.imported(os.path.join(KERAS, "jetTagger_Conv2D_Small.json"), "--config", cfg, tag="jet_cfg")
        self.assertEqual(d["io_type"], "io_stream")
        by = {l["name"]: l for l in d["layers"]}
        for conv in ("cnn2D_1_relu", "cnn2D_2_relu"):
            self.assertEqual(by[conv]["reuse_factor"], 3)
            self.assertEqual(norm(by[conv]["precision"]["accum"]), "fixed<24,10>")
        self.assertEqual(norm(by["cnn2D_2_relu"]["precision"]["weight"]), "fixed<8,2>")
        self.assertEqual(norm(by["cnn2D_1_relu"]["precision"]["weight"]), "fixed<16,6>")
        self.assertEqual(by["dense_1_relu"]["reuse_factor"], 1)
        # hls4ml gives a zero padding layer its input's type: the model default does not override it.
        self.assertEqual(norm(by["cnn2D_1_relu_pad"]["precision"]["result"]), "fixed<12,4>")
        nets.run("timing", "--net", self.path("jet_cfg.json"))

    def test_separable_config_keys(self):
        import h5py
        import numpy as np
        model = {"class_name": "Sequential", "config": {"name": "ksep", "layers": [
            {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [None, 6, 6, 2]}},
            {"class_name": "SeparableConv2D", "config": dict(
                name="sep", filters=3, kernel_size=[3, 3], strides=[1, 1], padding="valid",
                data_format="channels_last", depth_multiplier=1, activation="linear", use_bias=True)}]}}
        path = nets.write_json(self.path("ksep.json"), model)
        rng = np.random.default_rng(4)
        with h5py.File(self.path("ksep_weights.h5"), "w") as f:
            g = f.create_group("sep").create_group("sep")
            for name, shape in (("depthwise_kernel", (3, 3, 2, 1)), ("pointwise_kernel", (1, 1, 2, 3)), ("bias", (3,))):
                g.create_dataset(name + ":0", data=rng.normal(0, 0.5, shape).astype(np.float32))
        by_name = {"Precision": {"depthwise": "ap_fixed<10,2>", "pointwise": "ap_fixed<11,3>",
                                 "depthwise_accum": "ap_fixed<20,8>", "pointwise_accum": "ap_fixed<22,9>",
                                 "depthwise_result": "ap_fixed<14,5>", "bias": "ap_fixed<12,4>",
                                 "result": "ap_fixed<15,6>"}}
        by_type = {"Precision": {"depthwise": "ap_fixed<9,2>", "result": "ap_fixed<13,5>"}}
        cases = [({"LayerName": {"sep": by_name}},
                  {"weight": "10,2", "accum": "20,8", "result": "14,5", "bias": "12,4"},
                  {"weight": "11,3", "accum": "22,9", "result": "15,6", "bias": "12,4"}),
                 ({"LayerType": {"SeparableConv2D": by_type}},
                  {"weight": "9,2", "accum": "16,6", "result": "13,5"},
                  {"weight": "16,6", "accum": "16,6", "result": "13,5"})]
        for i, (levels, dw, pw) in enumerate(cases):
            with self.subTest(config=list(levels)):
                hls = {"Model": {"Precision": "ap_fixed<16,6>", "ReuseFactor": 1}}
                hls.update(levels)
                cfg = nets.write_json(self.path(f"sep_cfg{i}.json"), {"IOType": "io_parallel", "HLSConfig": hls})
                out = self.path(f"sep_imp{i}.json")
                r = nets.run("import", "--net", path, "--config", cfg, "-o", out)
                self.assertNotIn("no layer", r.stderr)  # the separable name and class are known
                self.assertNotIn("no precision variable", r.stderr)
                with open(out) as f:
                    by = {l["name"]: l for l in json.load(f)["layers"]}
                for part, want in (("sep_depthwise", dw), ("sep_pointwise", pw)):
                    got = {k: norm(v) for k, v in by[part]["precision"].items()}
                    for var, t in want.items():
                        self.assertEqual(got[var], f"fixed<{t}>", (part, var))
                nets.run("timing", "--net", out)

    # --- configs/ -----------------------------------------------------------------------------------

    def test_examples_regenerate_identically(self):
        src = os.path.join(os.environ.get("NNSIM_SOURCE_DIR", "."), "configs")
        work = self.path("configs")
        os.makedirs(work, exist_ok=True)
        shutil.copy(os.path.join(src, "make_examples.py"), work)
        import subprocess
        subprocess.run([sys.executable, os.path.join(work, "make_examples.py")], check=True, capture_output=True,
                       cwd=work)
        for name in ("svhn_cnn", "resnet_block", "concat_block"):
            with open(os.path.join(src, name + ".json")) as f, open(os.path.join(work, name + ".json")) as g:
                self.assertEqual(f.read(), g.read(), name + ": configs/make_examples.py no longer writes it")

    # --- batchnorm on images -----------------------------------------------------------------------

    def test_batchnorm_per_channel_on_images(self):
        import numpy as np
        rng = np.random.default_rng(11)
        H, W, C = 4, 5, 3
        f32 = {k: rng.uniform(lo, hi, C).astype(np.float32) for k, lo, hi in
               (("gamma", 0.5, 1.5), ("beta", -0.5, 0.5), ("moving_mean", -0.5, 0.5), ("moving_variance", 0.5, 2.0))}
        net = {"format": "nnsim-network", "name": "bn_img", "inputs": [{"name": "x", "shape": [H, W, C]}],
               "layers": [{"name": "bn", "kind": "batchnorm", "epsilon": 0.001, "weights": {
                   k: {"shape": [C], "data": [float(v) for v in a]} for k, a in f32.items()}}]}
        path = nets.write_json(self.path("bn_img.json"), net)
        x = rng.normal(0, 2, (6, H, W, C))
        inp = self.path("bn_in.dat")
        with open(inp, "w") as f:
            for s in x:
                f.write(" ".join(repr(float(v)) for v in s.ravel()) + "\n")
        trace = self.path("bn_trace")
        nets.run("run", "--net", path, "--input", inp, "--trace", trace)
        got = np.loadtxt(os.path.join(trace, "bn.dat"), ndmin=2)
        got_f = np.loadtxt(os.path.join(trace, "bn.float.dat"), ndmin=2)

        # Reference from hls4ml's rules: scale and bias folded in float32 and quantized (fixed<16,6>,
        # TRN, WRAP), the input likewise, x * scale + bias exact, one cast to the result type.
        def q(v, frac=10, width=16):
            raw = np.floor(np.asarray(v, dtype=np.float64) * 2.0 ** frac).astype(np.int64)
            return ((raw + (1 << (width - 1))) % (1 << width)) - (1 << (width - 1))
        scale32 = f32["gamma"] / np.sqrt(f32["moving_variance"] + np.float32(0.001))
        bias32 = f32["beta"] - scale32 * f32["moving_mean"]
        acc = q(x) * q(scale32) + (q(bias32) << 10)  # fraction 20, channels on the last axis
        exp = q(acc / 2.0 ** 20) / 2.0 ** 10
        self.assertTrue(np.array_equal(got, exp.reshape(len(x), -1)), np.abs(got - exp.reshape(len(x), -1)).max())
        s = f32["gamma"].astype(np.float64) / np.sqrt(f32["moving_variance"].astype(np.float64) + 0.001)
        b = f32["beta"].astype(np.float64) - s * f32["moving_mean"].astype(np.float64)
        self.assertLess(np.abs(got_f - (x * s + b).reshape(len(x), -1)).max(), 1e-6)

        # io_stream (one pixel per beat): the simulation equals the evaluator at the timing model's
        # latency; the Verilog equals the model under both io types.
        ref, out, rep = self.path("bn_run.dat"), self.path("bn_sim.dat"), self.path("bn_sim.json")
        nets.run("run", "--net", path, "--random-samples", "4", "--seed", "2", "--output", ref, "--io-type", "io_stream")
        nets.run("sim", "--net", path, "--samples", "4", "--seed", "2", "--output", out, "--report", rep,
                 "--io-type", "io_stream")
        with open(ref) as f, open(out) as g:
            self.assertEqual(f.read(), g.read())
        with open(rep) as f:
            self.assertEqual(json.load(f)["measured"]["latency_first_sample"],
                             nets.timing(path, "--io-type", "io_stream")["latency"])
        os.makedirs(CACHE, exist_ok=True)
        for io in ("io_parallel", "io_stream"):
            with self.subTest(io=io):
                r = nets.run("verify", "--net", path, "--samples", "3", "--work", CACHE, "--io-type", io, check=False)
                self.assertEqual(r.returncode, 0, (r.stdout + r.stderr)[-3000:])


if __name__ == "__main__":
    unittest.main()
