// Verilog writing helpers (verilog_util.hpp).
#include "rtl/verilog_util.hpp"

#include <sstream>

namespace nnsim {

int bits_for(uint64_t n) {
    int b = 1;
    while (b < 64 && (uint64_t(1) << b) <= n) ++b;
    return b;
}

void emit_case_rom(std::ostream& os, const std::string& name, int addr_bits, int width,
                   const std::vector<int64_t>& values) {
    os << "    function [" << width - 1 << ":0] " << name << ";\n        input [" << addr_bits - 1
       << ":0] a;\n        begin\n            case (a)\n";
    for (size_t i = 0; i < values.size(); ++i)
        os << "                " << vconst(addr_bits, int64_t(i)) << ": " << name << " = " << vconst(width, values[i])
           << ";\n";
    os << "                default: " << name << " = " << vconst(width, 0) << ";\n            endcase\n        end\n"
       << "    endfunction\n";
}

std::string vconst(int width, int64_t value) {
    std::string bits;
    for (int i = width - 1; i >= 0; --i) bits += (i < 64 && ((uint64_t(value) >> i) & 1)) ? '1' : '0';
    if (width > 64 && value < 0)
        for (int i = width - 1; i >= 64; --i) bits[size_t(width - 1 - i)] = '1';
    return std::to_string(width) + "'b" + bits;
}

std::string elem(const std::string& vec, int i, int width) {
    return vec + "[" + std::to_string(i * width) + " +: " + std::to_string(width) + "]";
}

std::string bit_of(const std::string& expr, int bit) {
    const size_t open = expr.rfind('[');
    const size_t plus = expr.find(" +: ", open == std::string::npos ? 0 : open);
    if (open != std::string::npos && plus != std::string::npos && expr.back() == ']') {
        const int off = std::stoi(expr.substr(open + 1, plus - open - 1));
        return expr.substr(0, open) + "[" + std::to_string(off + bit) + "]";
    }
    return expr + "[" + std::to_string(bit) + "]";
}

std::string extend(const std::string& x, int w, int to, bool is_signed) {
    if (to == w) return x;
    if (is_signed) return "{{" + std::to_string(to - w) + "{" + bit_of(x, w - 1) + "}}, " + x + "}";
    return "{" + vconst(to - w, 0) + ", " + x + "}";
}

std::string top_bits(std::ostream& os, const std::string& wire, int width, int bits, const std::string& uniq) {
    const std::string top = uniq + "_top";
    os << "    wire [" << bits - 1 << ":0] " << top << ";\n";
    if (bits == width) {
        os << "    assign " << top << " = " << wire << ";\n";
        return top;
    }
    os << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire [" << width - bits - 1 << ":0] " << uniq
       << "_low;\n    /* verilator lint_on UNUSEDSIGNAL */\n    assign {" << top << ", " << uniq << "_low} = " << wire
       << ";\n";
    return top;
}

void emit_core_header(std::ostream& os, const RtlCoreSpec& s, const std::string& comment, bool take_port) {
    os << "// " << comment << "\n"
       << "// II " << s.timing.ii << ", latency " << s.timing.latency << " cycles (docs/timing.md).\n"
       << "module " << s.module << " (\n"
       << "    input wire clk,\n    input wire rst,\n    input wire in_valid,\n"
       << "    input wire [" << s.in_width - 1 << ":0] in_data,\n"
       << "    output wire out_valid,\n"
       << "    output wire [" << s.out_width - 1 << ":0] out_data" << (take_port ? ",\n    input wire out_take" : "")
       << "\n);\n";
    if (take_port) return;
    const int l = s.timing.latency;
    os << "    reg [" << l - 1 << ":0] vld;\n"
       << "    always @(posedge clk) begin\n"
       << "        if (rst) vld <= " << vconst(l, 0) << ";\n";
    if (l == 1) os << "        else vld <= in_valid;\n";
    else os << "        else vld <= {vld[" << l - 2 << ":0], in_valid};\n";
    os << "    end\n    assign out_valid = vld[" << l - 1 << "];\n";
}

void emit_result_register(std::ostream& os, int out_width, int width, const std::vector<std::string>& y,
                          const std::string& enable) {
    os << "    reg [" << out_width - 1 << ":0] res;\n    assign out_data = res;\n"
       << "    always @(posedge clk) begin\n        if (" << enable << ") begin\n";
    for (size_t i = 0; i < y.size(); ++i) os << "            " << elem("res", int(i), width) << " <= " << y[i] << ";\n";
    os << "        end\n    end\nendmodule\n";
}

}  // namespace nnsim
