"""The block-RAM FIFO (nnsim_fifo_bram, rtl/fifo_modules.cpp): deep FIFOs in block RAM, same cycles.

A FIFO is nnsim_fifo_bram when Yosys would put a synchronously read memory of its size into block RAM
(fifo_in_block_ram, core/resources.hpp), else the LUT-RAM nnsim_fifo; the generator and the estimate
decide by the same predicate. Network: io_stream, x [8,8,2] -> conv2d 3x3, 8 filters -> relu (128-bit
words after the conv); with --fifo-depth 260 the conv's and relu's FIFOs are block RAM (260 x 128, not a
power of two, so the pointers wrap early), x's FIFO (64 x 32) stays nnsim_fifo.
  - the generated top instantiates nnsim_fifo_bram for exactly the deep FIFOs, lint is clean; with the
    default depths the design is unchanged (nnsim_fifo only);
  - the two modules alone, driven by the same random writes and reads (respecting full and empty) under
    Verilator: flags and count equal every cycle, rd_data equal whenever the FIFO holds a word, at
    depths 1, 2, 5 and 260, through phases that fill and drain them;
  - `nnsim verify` (RTL vs model, every word and handshake cycle) without stalls, with random
    back-pressure, and with a slow sink under which both block-RAM FIFOs fill up (checked on the model's
    occupancy report);
  - the estimate: those FIFOs count block RAMs (4 BRAM18 each) and a few hundred LUTs; a 256x256x4 image
    network (default depths: 65,536 words per FIFO) estimates its FIFOs in BRAM18 with far fewer LUTs
    than a LUT RAM of that size needs, so its Verilog is generated (it was refused as millions of LUTs)
    and verified;
  - Yosys maps the deep FIFOs to RAMB18/RAMB36 and `nnsim synth` reports the FIFOs' BRAM18 equal to the
    estimate.
Environment: NNSIM (binary), NNSIM_SHARED_DIR; verilator and yosys on PATH."""
import json
import os
import random
import re
import subprocess
import unittest

import nets

STALLS = ["--input-ratio", "0.6", "--ready-ratio", "0.4", "--stall-seed", "7"]
SLOW_SINK = ["--input-ratio", "1", "--ready-ratio", "0.15", "--stall-seed", "3"]
DEPTH = ["--fifo-depth", "260"]
SUCCESS = re.compile(r"^verify: \S+: (\d+) samples, (\d+) output words and (\d+) handshake cycles identical "
                     r"\(RTL vs model\)$", re.M)
CACHE = os.environ.get("NNSIM_VERIFY_CACHE") or os.path.join(os.path.dirname(os.path.abspath(nets.NNSIM)),
                                                              "verify_cache")
INSTANCE = re.compile(r"^\s*(nnsim_fifo\w*) #\(\.WIDTH\((\d+)\), \.DEPTH\((\d+)\), \.AW\(\d+\), \.CW\(\d+\)\) (\w+) \(",
                      re.M)

# Both modules side by side, driven from the registered flags of nnsim_fifo at the falling edge.
TESTBENCH = r"""
module tb;
    parameter WIDTH = 12, DEPTH = 5, AW = 3, CW = 3;
    reg clk = 1'b0;
    reg rst = 1'b1;
    reg wr_en = 1'b0, rd_en = 1'b0;
    reg [WIDTH-1:0] wr_data = 0;
    wire [WIDTH-1:0] a_data, b_data;
    wire a_full, b_full, a_empty, b_empty;
    wire [CW-1:0] a_cnt, b_cnt;
    nnsim_fifo #(.WIDTH(WIDTH), .DEPTH(DEPTH), .AW(AW), .CW(CW)) a (.clk(clk), .rst(rst), .wr_en(wr_en),
        .wr_data(wr_data), .rd_en(rd_en), .rd_data(a_data), .full(a_full), .empty(a_empty), .count(a_cnt));
    nnsim_fifo_bram #(.WIDTH(WIDTH), .DEPTH(DEPTH), .AW(AW), .CW(CW)) b (.clk(clk), .rst(rst), .wr_en(wr_en),
        .wr_data(wr_data), .rd_en(rd_en), .rd_data(b_data), .full(b_full), .empty(b_empty), .count(b_cnt));
    integer cyc = 0, errors = 0, reads = 0, fulls = 0, wp, rp;
    always #5 clk = ~clk;
    always @(negedge clk) begin
        cyc = cyc + 1;
        if (cyc > 3) rst = 1'b0;
        if (!rst) begin
            if (a_full != b_full || a_empty != b_empty || a_cnt != b_cnt) begin
                if (errors < 5) $display("flags differ in cycle %0d", cyc);
                errors = errors + 1;
            end
            if (!a_empty && a_data != b_data) begin
                if (errors < 5) $display("rd_data differs in cycle %0d: %h vs %h", cyc, a_data, b_data);
                errors = errors + 1;
            end
            if (a_full) fulls = fulls + 1;
            // phases of 600 cycles: filling, draining, balanced
            wp = (cyc / 600) % 3 == 0 ? 80 : (cyc / 600) % 3 == 1 ? 20 : 50;
            rp = (cyc / 600) % 3 == 0 ? 20 : (cyc / 600) % 3 == 1 ? 80 : 50;
            wr_en = !a_full && ($urandom % 100) < wp;
            rd_en = !a_empty && ($urandom % 100) < rp;
            wr_data = $urandom;
            if (rd_en) reads = reads + 1;
        end
        if (cyc == 60000) begin
            $display("done: %0d reads, %0d cycles full, %0d errors", reads, fulls, errors);
            $finish;
        end
    end
endmodule
"""


def bram_net():
    rng = random.Random(5)
    kshape = [3, 3, 2, 8]
    conv = {"name": "conv", "kind": "conv2d", "filters": 8, "kernel_size": [3, 3], "strides": [1, 1],
            "weights": {"kernel": {"shape": kshape, "data": nets.grid_values(rng, 3 * 3 * 2 * 8, -1, 1)},
                        "bias": {"shape": [8], "data": nets.grid_values(rng, 8, -0.5, 0.5)}}}
    return {"format": "nnsim-network", "name": "t_bram_fifo", "io_type": "io_stream",
            "inputs": [{"name": "x", "shape": [8, 8, 2]}], "layers": [conv, {"name": "act", "kind": "relu"}]}


def big_image_net():
    rng = random.Random(6)
    conv = {"name": "conv", "kind": "conv2d", "filters": 4, "kernel_size": [1, 1], "strides": [1, 1],
            "weights": {"kernel": {"shape": [1, 1, 4, 4], "data": nets.grid_values(rng, 16, -1, 1)}}}
    return {"format": "nnsim-network", "name": "t_big_image", "io_type": "io_stream",
            "inputs": [{"name": "x", "shape": [256, 256, 4]}], "layers": [conv, {"name": "act", "kind": "relu"}]}


class FifoBram(nets.TmpDirTest):
    TMP_PREFIX = "nnsim_fifo_bram_"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        os.makedirs(CACHE, exist_ok=True)
        cls.net = nets.write_json(os.path.join(cls.tmp, "bram_fifo.json"), bram_net())
        cls.big = nets.write_json(os.path.join(cls.tmp, "big_image.json"), big_image_net())

    def gen(self, net, tag, *overrides):
        out = os.path.join(self.tmp, tag)
        r = nets.run("gen", "--net", net, "-o", out, "--lint", *overrides)
        self.assertIn("lint: clean", r.stdout + r.stderr)
        with open(os.path.join(out, "filelist.f")) as f:
            files = f.read().split()
        top = [f for f in files if f.endswith("_top.v")][0]
        with open(os.path.join(out, top)) as f:
            instances = {m.group(4): (m.group(1), int(m.group(2)), int(m.group(3)))
                         for m in INSTANCE.finditer(f.read())}
        return out, files, instances

    def verify(self, net, *args):
        r = nets.run("verify", "--net", net, *args, check=False, cwd=CACHE)
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        m = SUCCESS.search(out)
        self.assertIsNotNone(m, out)
        return int(m.group(1)), int(m.group(2))

    def test_generated_modules(self):
        _, files, inst = self.gen(self.net, "deep", *DEPTH)
        self.assertEqual(inst, {"fifo_x__conv": ("nnsim_fifo", 32, 64),
                                "fifo_conv__act": ("nnsim_fifo_bram", 128, 260),
                                "fifo_act__out": ("nnsim_fifo_bram", 128, 260)})
        self.assertEqual(files[:2], ["nnsim_fifo.v", "nnsim_fifo_bram.v"])
        # Default depths (the 36 pixels of the conv's output): small FIFOs, the design as before.
        _, files, inst = self.gen(self.net, "default")
        self.assertEqual({v[0] for v in inst.values()}, {"nnsim_fifo"})
        self.assertNotIn("nnsim_fifo_bram.v", files)

    def test_modules_cycle_equivalent(self):
        out, _, _ = self.gen(self.net, "modules", *DEPTH)
        tb = os.path.join(self.tmp, "tb.v")
        with open(tb, "w") as f:
            f.write(TESTBENCH)
        for depth in (1, 2, 5, 260):
            aw = max(1, (depth - 1).bit_length())
            cw = depth.bit_length()
            obj = os.path.join(self.tmp, f"tb_{depth}")
            subprocess.run(["verilator", "--binary", "--timing", "-Wno-fatal", "-Wno-lint", "-Wno-style",
                            f"-GDEPTH={depth}", f"-GAW={aw}", f"-GCW={cw}", "--top-module", "tb", "-Mdir", obj, tb,
                            os.path.join(out, "nnsim_fifo.v"), os.path.join(out, "nnsim_fifo_bram.v")],
                           check=True, capture_output=True, timeout=600)
            r = subprocess.run([os.path.join(obj, "Vtb")], capture_output=True, text=True, timeout=300)
            m = re.search(r"done: (\d+) reads, (\d+) cycles full, (\d+) errors", r.stdout)
            self.assertIsNotNone(m, r.stdout + r.stderr)
            self.assertEqual(int(m.group(3)), 0, f"depth {depth}:\n{r.stdout}")
            self.assertGreater(int(m.group(1)), 10000, r.stdout)
            self.assertGreater(int(m.group(2)), 100, f"depth {depth}: never full\n{r.stdout}")

    def test_verify(self):
        for stalls in ([], STALLS, SLOW_SINK):
            samples, words = self.verify(self.net, "--samples", "30", *DEPTH, *stalls)
            self.assertEqual((samples, words), (30, 30 * 36 * 8))
        # Under the slow sink the model fills both block-RAM FIFOs (so the RTL run above did too).
        rep = os.path.join(self.tmp, "slow_sink.json")
        nets.run("sim", "--net", self.net, "--samples", "30", *DEPTH, *SLOW_SINK, "--report", rep)
        with open(rep) as f:
            occ = {f["name"]: (f["max_occupancy"], f["depth"]) for f in json.load(f)["fifos"]}
        for name in ("fifo_conv__act", "fifo_act__out"):
            self.assertEqual(occ[name], (260, 260), occ)

    def test_estimate(self):
        fifos = nets.timing(self.net, *DEPTH)["resources"]["fifos"]
        self.assertEqual(fifos["bram18"], 8)  # 260 x 128: one RAMB36 pair (512 x 72) per FIFO
        self.assertLess(fifos["lut"], 600)
        # The image network: three FIFOs of 65,536 pixels of 64 bits. A LUT RAM holds 48 bits per LUT
        # (RAM64M: 64 x 3 in 4 LUTs), so LUT RAM would need 3 x 65536 x 64 / 48 = 262,144 LUTs.
        t = nets.timing(self.big)
        self.assertEqual({f["depth"] for f in t["fifos"]}, {65536})
        fifos = t["resources"]["fifos"]
        bits = 3 * 65536 * 64
        self.assertGreaterEqual(fifos["bram18"], bits / 18432)
        self.assertLessEqual(fifos["bram18"], 2 * bits / 18432)
        self.assertLess(fifos["lut"], 0.01 * bits / 48)
        # So its Verilog is generated (it was refused as too large), and it verifies.
        _, _, inst = self.gen(self.big, "big")
        self.assertEqual({v[0] for v in inst.values()}, {"nnsim_fifo_bram"})
        samples, words = self.verify(self.big, "--samples", "2", *STALLS)
        self.assertEqual((samples, words), (2, 2 * 65536 * 4))

    def test_yosys_block_ram(self):
        out = os.path.join(self.tmp, "synth")
        js = os.path.join(self.tmp, "synth.json")
        # --out relative to the working folder (Yosys runs inside it).
        nets.run("synth", "--net", os.path.abspath(self.net), *DEPTH, "--out", "synth", "--json", js, cwd=self.tmp)
        with open(js) as f:
            fifos = json.load(f)["fifos"]
        self.assertEqual(fifos["yosys"]["bram18"], fifos["estimate"]["bram18"])
        self.assertEqual(fifos["yosys"]["bram18"], 8)
        with open(os.path.join(out, "yosys0.log")) as f:
            log = f.read()
        for name in ("fifo_conv__act", "fifo_act__out"):
            self.assertRegex(log, r"mapping memory \S+\.%s\.mem via \$__XILINX_BLOCKRAM" % name)


if __name__ == "__main__":
    unittest.main()
