"""QKeras quantized import (frontends/qkeras.cpp):
  - qkeras_3layer imported from its files alone has, for every layer its hls4ml config names, the
    weight, bias and result precisions hls4ml derived from the quantizers (config-files/);
  - its weights are QKeras's quantized_bits(6,0,alpha=1) values (numpy, round half to even, clip),
    stored exactly;
  - every relu output is QKeras's quantized_relu(6,0) of the dense output before it (numpy);
  - a quantizer's precision wins over a config that names another one for the same variable;
  - qkeras_mnist_dense's quantized_po2(4,1) kernel: every stored weight is QKeras's power of two of
    the HDF5 value (numpy), held exactly in fixed<10,2>, and the dense outputs are hls4ml's arithmetic
    on them bit for bit (numpy); the products are shifts, so the estimate counts no DSP for the layer;
  - QKeras binary and ternary as kernel quantizers (int<2> weights by hls4ml's rules, no DSP) and as
    QActivations (hls4ml's binary_tanh: x > 0 ? 1 : -1; ternary_tanh: x > 1 ? 1 : (x <= -1 ? -1 : 0)),
    against numpy;
  - QBatchNormalization without quantizers gives the outputs of BatchNormalization; with one, one line;
  - unsupported quantizers, alpha other than 1 and unknown arguments are one line, exit 2."""
import json
import os
import shutil
import tempfile
import unittest

import h5py
import numpy as np

import nets

KERAS = os.path.join(nets.SHARED, "external_models", "keras")
CONFIGS = os.path.join(nets.SHARED, "external_models", "config-files")
Q3 = os.path.join(KERAS, "qkeras_3layer.json")


def normalize(type_text):
    """hls4ml's ap_fixed<7,1,AP_RND_CONV,AP_SAT> as nnsim writes it: fixed<7,1,RND_CONV,SAT>."""
    return type_text.replace(" ", "").replace("ap_", "").replace("AP_", "")


def quantized_bits(x, bits, integer, keep_negative=True):
    m = 2.0 ** (bits - (1 if keep_negative else 0))
    m_i = 2.0 ** integer
    lo = -m if keep_negative else 0.0
    return m_i * np.clip(np.round(x * m / m_i), lo, m - 1) / m


def quantized_relu(x, bits, integer):
    scale = 2.0 ** (bits - integer)
    return np.minimum(np.round(np.maximum(x, 0.0) * scale) / scale, 2.0 ** integer - 1.0 / scale)


def quantized_po2(x, bits, max_value=None):
    """QKeras's quantized_po2 at inference (no quadratic approximation, log2 rounded half to even)."""
    need_sign = 1 if max_value is None or max_value > 1 else 0
    k = bits - 1 - need_sign
    lo, hi = -2 ** k, 2 ** k - 1
    a = np.abs(x)
    f = np.where(a < 1e-7, 1e-7, a)
    if max_value is not None:
        f = np.where(f >= max_value, max_value, f)
    e = np.clip(np.round(np.log2(f)), lo, hi)
    e = np.where(a < 1e-7, lo, e)
    return np.where(x < 0, -1.0, 1.0) * 2.0 ** e


def qkeras_alpha(w, bits, integer, po2):
    """QKeras quantized_bits(bits, integer, alpha='auto_po2' or 'auto') of a kernel, per output channel,
    in float32 as TensorFlow computes it: (grid values m_i * z / m, channel scale * m)."""
    f = np.float32
    m, m_i = f(2.0 ** (bits - 1)), f(2.0 ** integer)
    levels = f((2 ** (bits - 1) - 1) * 2)
    x = (w.astype(np.float32) / m_i).reshape(-1, w.shape[-1])
    eps = f(1e-7)

    def po2_round(s):
        return np.power(f(2), np.round(np.log(s + eps) / f(np.log(2.0)))).astype(np.float32)

    def quantize(scale):
        v = np.floor(np.abs(x) / scale + f(0.5))
        return (np.sign(x) * np.where(v < levels / 2, v, levels / 2)).astype(np.float32)

    scale = (np.max(np.abs(x), axis=0) * f(2) / levels).astype(np.float32)
    if po2:
        scale = po2_round(scale)
        for _ in range(5):
            z = quantize(scale)
            qx = f(np.mean((x * z).astype(np.float64), axis=0))
            qq = f(np.mean((z * z).astype(np.float64), axis=0))
            scale = po2_round((qx / (qq + eps)).astype(np.float32))
    z = quantize(scale)
    return (m_i * z / m).reshape(w.shape).astype(np.float64), (scale * m).astype(np.float64)


def ternary_tanh_16_6(x):
    """hls4ml's ternary_tanh on fixed<16,6> inputs: d = 2x back in fixed<16,6> (wrapping), then
    d > 1 ? 1 : (d <= -1 ? -1 : 0)."""
    raw = np.round(np.asarray(x) * 2.0 ** 10).astype(np.int64)
    d = (2 * raw + 2 ** 15) % 2 ** 16 - 2 ** 15
    return np.where(d > 2 ** 10, 1.0, np.where(d <= -(2 ** 10), -1.0, 0.0))


class QKerasImport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_qkeras_")
        cls.net = os.path.join(cls.tmp, "q3.json")
        cls.import_stdout = nets.run("import", "--net", Q3, "-o", cls.net, "--inline-weights").stdout
        with open(cls.net) as f:
            cls.desc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def layer(self, name):
        return next(l for l in self.desc["layers"] if l["name"] == name)

    def edited_model(self, name, edit):
        """qkeras_3layer with `edit` applied to its layer list, written as <name>.json beside its weights."""
        with open(Q3) as f:
            model = json.load(f)
        edit(model["config"]["layers"])
        path = os.path.join(self.tmp, name + ".json")
        with open(path, "w") as f:
            json.dump(model, f)
        shutil.copy(os.path.join(KERAS, "qkeras_3layer_weights.h5"), os.path.join(self.tmp, name + "_weights.h5"))
        return path

    def test_precisions_equal_hls4ml_config(self):
        import yaml
        with open(os.path.join(CONFIGS, "qkeras_3layer_config.yml")) as f:
            cfg = yaml.safe_load(f)["HLSConfig"]["LayerName"]
        checked = 0
        for name, entry in cfg.items():
            prec = entry.get("Precision")
            if not isinstance(prec, dict) or not any(l["name"] == name for l in self.desc["layers"]):
                continue
            for var, text in prec.items():
                if var in ("weight", "bias") or (var == "result" and name.startswith("relu")):
                    self.assertEqual(self.layer(name)["precision"][var], normalize(text), f"{name} {var}")
                    checked += 1
        self.assertEqual(checked, 11)  # 4 dense x (weight, bias) + 3 relu results

    def test_import_reports_where_each_precision_came_from(self):
        lines = {l.split()[0].rstrip(":"): l for l in self.import_stdout.splitlines()[1:]}
        self.assertIn("weight fixed<6,1> (quantizer quantized_bits(6,0,1))", lines["fc1"])
        self.assertIn("accum fixed<16,6> (default)", lines["fc1"])
        self.assertIn("bias fixed<6,1> (quantizer quantized_bits(6,0,1))", lines["output"])
        self.assertIn("result fixed<7,1,RND_CONV,SAT> (quantizer quantized_relu(6,0))", lines["relu2"])
        self.assertNotIn("quantizer", lines["softmax"])
        # With hls4ml's config for the model: the config's keys, the quantizers still winning.
        out = nets.run("import", "--net", Q3, "--config", os.path.join(CONFIGS, "qkeras_3layer_config.yml"),
                       "-o", os.path.join(self.tmp, "q3_config.json")).stdout
        lines = {l.split()[0].rstrip(":"): l for l in out.splitlines()[1:]}
        self.assertRegex(lines["fc1"], r"accum \S+ \(config HLSConfig/(Model|LayerName/fc1)/Precision")
        self.assertIn("weight fixed<6,1> (quantizer quantized_bits(6,0,1))", lines["fc1"])

    def test_weights_are_qkeras_quantized(self):
        with h5py.File(os.path.join(KERAS, "qkeras_3layer_weights.h5"), "r") as f:
            for name in ("fc1", "fc2", "fc3", "output"):
                for var in ("kernel", "bias"):
                    raw = np.array(f[f"{name}/{name}/{var}:0"], dtype=np.float64)
                    want = quantized_bits(raw, 6, 0)
                    w = self.layer(name)["weights"][var]
                    got = np.array(w["data"], dtype=np.float64).reshape(w["shape"])
                    np.testing.assert_array_equal(got, want, f"{name} {var}")
                    self.assertTrue(np.all(got * 32 == np.round(got * 32)))  # exact on the 2^-5 grid

    def test_relu_outputs_are_quantized_relu(self):
        trace = os.path.join(self.tmp, "trace")
        nets.run("run", "--net", self.net, "--random-samples", "200", "--seed", "3", "--trace", trace)
        for dense, relu in (("fc1", "relu1"), ("fc2", "relu2"), ("fc3", "relu3")):
            x = np.loadtxt(os.path.join(trace, dense + ".dat"), ndmin=2)
            y = np.loadtxt(os.path.join(trace, relu + ".dat"), ndmin=2)
            np.testing.assert_array_equal(y, quantized_relu(x, 6, 0), relu)

    def test_quantized_bits_activation(self):
        """A QActivation with quantized_bits(6,2) is a linear layer whose result rounds half to even and
        saturates as QKeras does: numpy's quantized_bits of the dense output before it."""
        path = self.edited_model("qbits", lambda layers: layers[2]["config"].update(activation="quantized_bits(6,2)"))
        desc = os.path.join(self.tmp, "qbits_net.json")
        nets.run("import", "--net", path, "-o", desc)
        with open(desc) as f:
            relu1 = next(l for l in json.load(f)["layers"] if l["name"] == "relu1")
        self.assertEqual((relu1["kind"], relu1["precision"]["result"]), ("linear", "fixed<6,3,RND_CONV,SAT>"))
        trace = os.path.join(self.tmp, "qbits_trace")
        nets.run("run", "--net", desc, "--random-samples", "200", "--seed", "4", "--trace", trace)
        x = np.loadtxt(os.path.join(trace, "fc1.dat"), ndmin=2)
        y = np.loadtxt(os.path.join(trace, "relu1.dat"), ndmin=2)
        np.testing.assert_array_equal(y, quantized_bits(x, 6, 2))

    def test_quantizer_wins_over_config(self):
        cfg = os.path.join(self.tmp, "override.yml")
        with open(cfg, "w") as f:
            f.write("HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n    ReuseFactor: 1\n"
                    "  LayerName:\n    fc1:\n      Precision:\n        weight: ap_fixed<12,4>\n"
                    "        accum: ap_fixed<20,8>\n")
        out = os.path.join(self.tmp, "override.json")
        nets.run("import", "--net", Q3, "--config", cfg, "-o", out)
        with open(out) as f:
            fc1 = next(l for l in json.load(f)["layers"] if l["name"] == "fc1")
        self.assertEqual(fc1["precision"]["weight"], "fixed<6,1>")  # the quantizer's
        self.assertEqual(fc1["precision"]["accum"], "fixed<20,8>")  # the config's: no quantizer sets it

    def check_error(self, quantizer, *fragments):
        path = self.edited_model("bad", lambda layers: layers[1]["config"].update(kernel_quantizer=quantizer))
        r = nets.run("import", "--net", path, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("/config/layers/1/config/kernel_quantizer (layer 'fc1')", lines[0])
        for frag in fragments:
            self.assertIn(frag, lines[0])

    def test_quantized_float_reference(self):
        """`nnsim run` on a QKeras model also compares with the float model whose activation quantizers
        are applied (quantized_relu on the float relu outputs): the fixed-point network agrees with it
        far better than with the unquantized float model. A float model has no such line."""
        rep = os.path.join(self.tmp, "run.json")
        r = nets.run("run", "--net", Q3, "--random-samples", "500", "--seed", "3", "--report", rep)
        self.assertIn("vs float model with the activation quantizers applied", r.stdout)
        with open(rep) as f:
            j = json.load(f)
        q, fl = j["vs_quantized_float"], j["vs_float"]
        self.assertGreater(q["argmax_agreement"], 0.95)
        self.assertLess(q["max_abs_diff"], fl["max_abs_diff"])
        r = nets.run("run", "--net", nets.KERAS_3LAYER, "--random-samples", "5")
        self.assertNotIn("activation quantizers", r.stdout)

    def check_sign_quantizers(self, quantizer, weight_rule, act_rule, kind):
        """A QKeras sign quantizer as fc1's kernel quantizer and as the following QActivation (no batchnorm
        between them, so hls4ml keeps the activation as it is)."""
        def edit(layers):
            layers[1]["config"]["kernel_quantizer"] = {"class_name": quantizer, "config": {"alpha": None}}
            layers[2]["config"]["activation"] = quantizer
        path = self.edited_model("q" + quantizer, edit)
        desc = os.path.join(self.tmp, quantizer + "_net.json")
        out = nets.run("import", "--net", path, "-o", desc, "--inline-weights").stdout
        self.assertIn(f"weight int<2> (quantizer {quantizer}", out)
        with open(desc) as f:
            layers = {l["name"]: l for l in json.load(f)["layers"]}
        self.assertEqual(layers["relu1"]["kind"], kind)
        with h5py.File(os.path.join(KERAS, "qkeras_3layer_weights.h5"), "r") as f:
            raw = np.array(f["fc1/fc1/kernel:0"], dtype=np.float64)
        w = layers["fc1"]["weights"]["kernel"]
        np.testing.assert_array_equal(np.array(w["data"]).reshape(w["shape"]), weight_rule(raw))
        trace = os.path.join(self.tmp, quantizer + "_trace")
        nets.run("run", "--net", desc, "--random-samples", "200", "--seed", "6", "--trace", trace)
        x = np.loadtxt(os.path.join(trace, "fc1.dat"), ndmin=2)
        y = np.loadtxt(os.path.join(trace, "relu1.dat"), ndmin=2)
        np.testing.assert_array_equal(y, act_rule(x))
        timing = os.path.join(self.tmp, quantizer + "_timing.json")
        nets.run("timing", "--net", desc, "--json", timing)
        with open(timing) as f:
            fc1 = next(l for l in json.load(f)["layers"] if l["name"] == "fc1")
        self.assertEqual(fc1["resources"]["dsp"], 0)

    def test_binary_quantizers(self):
        # hls4ml's BinaryQuantizer and binary_tanh (1.2 and later): x >= 0 gives +1, as QKeras.
        self.check_sign_quantizers("binary", lambda w: np.where(w >= 0, 1.0, -1.0),
                                   lambda x: np.where(x >= 0, 1.0, -1.0), "bipolar")

    def test_ternary_quantizers(self):
        self.check_sign_quantizers("ternary", lambda w: np.where(w > 0.5, 1.0, np.where(w <= -0.5, -1.0, 0.0)),
                                   ternary_tanh_16_6, "ternary")

    def check_tanh_sigmoid(self, quantizer, kind, result, rule, verify=False):
        tag = "".join(c for c in quantizer if c.isalnum())
        path = self.edited_model(tag, lambda layers: layers[2]["config"].update(activation=quantizer))
        desc = os.path.join(self.tmp, tag + "_net.json")
        nets.run("import", "--net", path, "-o", desc)
        with open(desc) as f:
            act = next(l for l in json.load(f)["layers"] if l["name"] == "relu1")
        self.assertEqual((act["kind"], act["precision"]["result"]), (kind, result))
        trace = os.path.join(self.tmp, tag + "_trace")
        nets.run("run", "--net", desc, "--random-samples", "300", "--seed", "9", "--trace", trace)
        x = np.loadtxt(os.path.join(trace, "fc1.dat"), ndmin=2)
        y = np.loadtxt(os.path.join(trace, "relu1.dat"), ndmin=2)
        rule(x, y)
        if verify:
            r = nets.run("verify", "--net", desc, "--samples", "30", "--work", os.path.join(self.tmp, "work_" + tag))
            self.assertIn("identical (RTL vs model)", r.stdout)

    def test_quantized_tanh_and_sigmoid(self):
        """QKeras's quantized_tanh and quantized_sigmoid (hard by default) are hls4ml's HardActivation
        (slope and shift 0.5): bit for bit QKeras's round(clip(...) * m) / m, clipped (numpy)."""
        def qtanh(bits, symmetric=0):
            m = 2.0 ** (bits - 1)
            return lambda x, y: np.testing.assert_array_equal(
                y, np.clip(np.round(np.clip(x, -1, 1) * m) / m, -1 + symmetric / m, 1 - 1 / m))

        def qsigmoid(bits):
            m = 2.0 ** bits
            return lambda x, y: np.testing.assert_array_equal(
                y, np.clip(np.round(np.clip(0.5 * x + 0.5, 0, 1) * m) / m, 0, 1 - 1 / m))

        self.check_tanh_sigmoid("quantized_tanh(6)", "hard_activation", "fixed<6,1,RND_CONV,SAT>", qtanh(6),
                                verify=True)
        self.check_tanh_sigmoid("quantized_tanh(5,0,1)", "hard_activation", "fixed<5,1,RND_CONV,SAT_SYM>",
                                qtanh(5, symmetric=1))
        self.check_tanh_sigmoid("quantized_sigmoid(6)", "hard_activation", "ufixed<6,0,RND_CONV,SAT>", qsigmoid(6))

    def test_real_tanh_and_sigmoid_use_the_tables(self):
        """use_real_tanh/use_real_sigmoid: hls4ml's tanh and sigmoid tables with the quantizer's result
        type; not exact against QKeras (docs/quantized_import.md): within one step of the type plus the
        table's error."""
        def near(f, bits):
            return lambda x, y: self.assertLessEqual(np.abs(y - f(x)).max(), 2.0 ** -bits + 1.0 / 64)
        self.check_tanh_sigmoid("quantized_tanh(8,use_real_tanh=True)", "tanh", "fixed<8,1,RND_CONV,SAT>",
                                near(np.tanh, 7))
        self.check_tanh_sigmoid("quantized_sigmoid(8,0,1)", "sigmoid", "ufixed<8,0,RND_CONV,SAT>",
                                near(lambda x: 1 / (1 + np.exp(-x)), 8))

    def check_alpha(self, alpha):
        """quantized_bits(6,0,alpha=...) kernels: the weights on QKeras's grid and a rescale layer
        '<layer>_alpha' with QKeras's per-channel scale (numpy emulation of its algorithm) and the
        layer's quantized bias; its outputs are hls4ml's x * scale + bias on nnsim's dense outputs."""
        def edit(layers):
            for l in layers:
                if l["config"].get("name") in ("fc1", "fc2"):
                    l["config"]["kernel_quantizer"] = {"class_name": "quantized_bits",
                                                       "config": {"bits": 6, "integer": 0, "alpha": alpha}}
        path = self.edited_model("alpha_" + alpha, edit)
        desc = os.path.join(self.tmp, alpha + "_net.json")
        out = nets.run("import", "--net", path, "-o", desc, "--inline-weights").stdout
        self.assertIn(f"(quantizer quantized_bits(6,0,1,alpha={alpha}))", out)
        with open(desc) as f:
            layers = {l["name"]: l for l in json.load(f)["layers"]}
        self.assertEqual(layers["relu1"]["inputs"], ["fc1_alpha"])
        with h5py.File(os.path.join(KERAS, "qkeras_3layer_weights.h5"), "r") as f:
            raw = np.array(f["fc1/fc1/kernel:0"], dtype=np.float64)
            raw_bias = np.array(f["fc1/fc1/bias:0"], dtype=np.float64)
        grid, scale = qkeras_alpha(raw, 6, 0, alpha == "auto_po2")
        k = layers["fc1"]["weights"]["kernel"]
        np.testing.assert_array_equal(np.array(k["data"]).reshape(k["shape"]), grid)
        alpha_layer = layers["fc1_alpha"]
        np.testing.assert_array_equal(alpha_layer["weights"]["gamma"]["data"], scale.astype(np.float32))
        np.testing.assert_array_equal(alpha_layer["weights"]["beta"]["data"], quantized_bits(raw_bias, 6, 0))
        self.assertEqual(set(layers["fc1"]["weights"]["bias"]["data"]), {0.0})
        trace = os.path.join(self.tmp, alpha + "_trace")
        nets.run("run", "--net", desc, "--random-samples", "200", "--seed", "5", "--trace", trace)
        x = np.loadtxt(os.path.join(trace, "fc1.dat"), ndmin=2)
        y = np.loadtxt(os.path.join(trace, "fc1_alpha.dat"), ndmin=2)
        if alpha == "auto_po2":  # scales 2^e exactly (scale type ufixed): x * s + b exact, then truncated
            want = np.floor((x * scale + quantized_bits(raw_bias, 6, 0)) * 1024) / 1024
            np.testing.assert_array_equal(y, want)
        return desc

    def test_alpha_auto_po2(self):
        desc = self.check_alpha("auto_po2")
        r = nets.run("verify", "--net", desc, "--samples", "20", "--work", os.path.join(self.tmp, "work_alpha"))
        self.assertIn("identical (RTL vs model)", r.stdout)

    def test_alpha_auto(self):
        self.check_alpha("auto")

    def test_qbatchnormalization(self):
        src = os.path.join(KERAS, "KERAS_3layer_batch_norm")
        with open(src + ".json") as f:
            model = json.load(f)
        bn = [l for l in model["config"]["layers"] if l["class_name"] == "BatchNormalization"]
        self.assertTrue(bn)
        for l in bn:
            l["class_name"] = "QBatchNormalization"
            l["config"].update(gamma_quantizer=None, beta_quantizer=None, mean_quantizer=None, variance_quantizer=None)
        path = os.path.join(self.tmp, "qbn.json")
        with open(path, "w") as f:
            json.dump(model, f)
        shutil.copy(src + "_weights.h5", os.path.join(self.tmp, "qbn_weights.h5"))
        outs = []
        for net in (path, src + ".json"):
            out = os.path.join(self.tmp, f"qbn_out{len(outs)}.dat")
            nets.run("run", "--net", net, "--random-samples", "50", "--seed", "8", "--output", out)
            outs.append(np.loadtxt(out))
        np.testing.assert_array_equal(outs[0], outs[1])
        # With quantizers: gamma, beta, mean and variance are QKeras's quantized values (numpy), folded
        # by the batchnorm kind into its scale and bias.
        bn[0]["config"].update(gamma_quantizer="quantized_bits(8,2)", beta_quantizer="quantized_bits(8,2)",
                               mean_quantizer="quantized_bits(10,4)", variance_quantizer="quantized_bits(10,5,keep_negative=0)")
        with open(path, "w") as f:
            json.dump(model, f)
        desc = os.path.join(self.tmp, "qbn_net.json")
        nets.run("import", "--net", path, "-o", desc, "--inline-weights")
        with open(desc) as f:
            layer = next(l for l in json.load(f)["layers"] if l["name"] == bn[0]["config"]["name"])
        name = bn[0]["config"]["name"]
        with h5py.File(src + "_weights.h5", "r") as f:
            for var, (bits, integer, signed) in (("gamma", (8, 2, True)), ("beta", (8, 2, True)),
                                                 ("moving_mean", (10, 4, True)), ("moving_variance", (10, 5, False))):
                raw = np.array(f[f"{name}/{name}/{var}:0"], dtype=np.float64)
                np.testing.assert_array_equal(layer["weights"][var]["data"], quantized_bits(raw, bits, integer, signed),
                                              var)
        nets.run("run", "--net", path, "--random-samples", "20")
        bn[0]["config"]["gamma_quantizer"] = "binary"
        with open(path, "w") as f:
            json.dump(model, f)
        r = nets.run("import", "--net", path, check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("/gamma_quantizer (layer", r.stderr)
        self.assertIn("binary as a batch-normalization parameter quantizer is not supported", r.stderr)

    def test_bad_quantizers(self):
        self.check_error("binary(alpha='auto')", "binary alpha=", "not supported yet")
        self.check_error("binary(use_01=1)", "binary(use_01=1) is not supported yet")
        self.check_error("binary(wrong=1)", "binary: unknown argument 'wrong'")
        self.check_error("ternary(alpha='auto_po2')", "ternary alpha=", "not supported yet")
        self.check_error("quantized_po2(4,log2_rounding='floor')", "log2_rounding", "not supported yet")
        self.check_error("quantized_po2(4,-1)", "quantized_po2: max_value must be a positive number")
        self.check_error("quantized_tanh(6)", "quantized_tanh is an activation quantizer")
        self.check_error("quantized_bits(6,0,alpha='best')", "quantized_bits alpha=", "is not supported yet")
        self.check_error("quantized_bits(6,0,alpha='auto_po2',scale_axis=0)", "scale_axis is not supported yet")
        self.check_error("quantized_sigmoid(6,wrong=1)", "quantized_sigmoid: unknown argument 'wrong'")

    def test_po2_as_activation_is_refused(self):
        path = self.edited_model("po2act", lambda layers: layers[2]["config"].update(activation="quantized_po2(4)"))
        r = nets.run("import", "--net", path, check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("/config/layers/2/config/activation (layer 'relu1'): quantized_po2 as an activation is not "
                      "supported yet", lines[0])
        self.check_error("quantized_relu_po2(4,1)", "quantized_relu_po2 is not supported (hls4ml does not convert it either")
        self.check_error("quantized_po2(4,1,0,1)", "quantized_po2: quadratic_approximation is not supported yet")
        self.check_error("quantized_po2(12)", "quantized_po2: bits 12 (expected 2..8)")
        self.check_error("quantized_bits(6,0,alpha=0.5)", "alpha=0.5", "not supported yet")
        self.check_error({"class_name": "quantized_bits", "config": {"bits": 6, "integer": 0, "wrong": 1}},
                         "unknown argument 'wrong'")
        self.check_error("quantized_bits(6,9)", "expected 1 <= bits <= 32, 0 <= integer <= bits")
        self.check_error(7, "expected a QKeras quantizer")


class QKerasPo2(unittest.TestCase):
    """qkeras_mnist_dense: QActivation quantized_relu(2), QDense with a quantized_po2(4,1) kernel and a
    quantized_bits(2,0) bias, QActivation quantized_relu(3,1), QDense quantized_bits(4,0), softmax."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="nnsim_qkeras_po2_")
        cls.src = os.path.join(KERAS, "qkeras_mnist_dense.json")
        cls.net = os.path.join(cls.tmp, "mnist_dense.json")
        cls.import_stdout = nets.run("import", "--net", cls.src, "-o", cls.net, "--inline-weights").stdout
        with open(cls.net) as f:
            cls.desc = json.load(f)
        cls.dense = next(l for l in cls.desc["layers"] if l["name"] == "q_dense_2")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_weights_are_powers_of_two(self):
        self.assertIn("weight fixed<10,2> (quantizer quantized_po2(4,1", self.import_stdout)
        self.assertEqual(self.dense["precision"]["weight"], "fixed<10,2>")
        with h5py.File(os.path.join(KERAS, "qkeras_mnist_dense_weights.h5"), "r") as f:
            raw = np.array(f["q_dense_2/q_dense_2/kernel:0"], dtype=np.float64)
        w = self.dense["weights"]["kernel"]
        got = np.array(w["data"], dtype=np.float64).reshape(w["shape"])
        np.testing.assert_array_equal(got, quantized_po2(raw, 4, max_value=1))
        e = np.log2(np.abs(got))
        self.assertTrue(np.all(e == np.round(e)) and e.min() >= -8 and e.max() <= 0)

    def test_dense_outputs_bit_exact(self):
        """x (quantized_relu(2) outputs, 2 fraction bits) times +-2^e (e >= -8) is exact in the
        accumulator's 10 fraction bits; the sum plus the bias, truncated to fixed<16,6>, is the output."""
        trace = os.path.join(self.tmp, "trace")
        nets.run("run", "--net", self.net, "--random-samples", "100", "--seed", "5", "--trace", trace)
        x = np.loadtxt(os.path.join(trace, "q_activation_2.dat"), ndmin=2)
        y = np.loadtxt(os.path.join(trace, "q_dense_2.dat"), ndmin=2)
        w = self.dense["weights"]
        kernel = np.array(w["kernel"]["data"]).reshape(w["kernel"]["shape"])
        bias = np.array(w["bias"]["data"])
        want = np.floor((x @ kernel + bias) * 1024) / 1024
        self.assertLess(np.abs(want).max(), 32)  # no wrap in fixed<16,6>
        np.testing.assert_array_equal(y, want)

    def test_with_its_hls4ml_config(self):
        """The model's own hls4ml config (older hls4ml: the softmax implementation given as its Strategy,
        'Stable') imports and runs: q_dense_2 at Resource RF 112, the softmax stable."""
        out = os.path.join(self.tmp, "with_config.json")
        nets.run("import", "--net", self.src, "--config", os.path.join(CONFIGS, "qkeras_mnist_dense_config.yml"),
                 "-o", out)
        with open(out) as f:
            layers = {l["name"]: l for l in json.load(f)["layers"]}
        self.assertEqual((layers["q_dense_2"]["strategy"], layers["q_dense_2"]["reuse_factor"]), ("Resource", 112))
        self.assertEqual(layers["activation_3"]["implementation"], "stable")

    def test_products_are_shifts(self):
        out = os.path.join(self.tmp, "timing.json")
        nets.run("timing", "--net", self.net, "--json", out)
        with open(out) as f:
            layers = json.load(f)["layers"]
        dense = next(l for l in layers if l["name"] == "q_dense_2")
        self.assertEqual(dense["resources"]["dsp"], 0)

    def test_quantized_float_reference(self):
        rep = os.path.join(self.tmp, "run.json")
        nets.run("run", "--net", self.src, "--random-samples", "300", "--seed", "2", "--report", rep)
        with open(rep) as f:
            self.assertGreater(json.load(f)["vs_quantized_float"]["argmax_agreement"], 0.97)


if __name__ == "__main__":
    unittest.main()
