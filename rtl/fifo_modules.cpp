// The FIFO modules between layers (fifo_modules.hpp): their Verilog text and the choice between them.
// Both implement the channel of the timing contract; nnsim_fifo_bram only moves the storage into a
// synchronously read memory so that a deep FIFO becomes block RAM instead of LUT RAM.
#include "rtl/fifo_modules.hpp"

#include <algorithm>
#include <sstream>

#include "core/diag.hpp"
#include "core/resources.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

const char* const kFifoModule = R"(// nnsim_fifo: synchronous FIFO with registered flags, the channel of the timing contract.
// A word written in cycle t is readable from cycle t+1; a slot freed by a read in cycle t is writable
// from cycle t+1 (full and empty come from the registered count). Writers check full, readers empty.
module nnsim_fifo #(
    parameter WIDTH = 8,
    parameter DEPTH = 2,
    parameter AW = 1,
    parameter CW = 2
) (
    input wire clk,
    input wire rst,
    input wire wr_en,
    input wire [WIDTH-1:0] wr_data,
    input wire rd_en,
    output wire [WIDTH-1:0] rd_data,
    output wire full,
    output wire empty,
    output wire [CW-1:0] count
);
    reg [WIDTH-1:0] mem [0:DEPTH-1];
    reg [AW-1:0] wr_ptr;
    reg [AW-1:0] rd_ptr;
    reg [CW-1:0] cnt;
    wire [AW-1:0] last = DEPTH[AW-1:0] - {{(AW-1){1'b0}}, 1'b1};
    always @(posedge clk) begin
        if (wr_en) mem[wr_ptr] <= wr_data;
    end
    always @(posedge clk) begin
        if (rst) begin
            wr_ptr <= {AW{1'b0}};
            rd_ptr <= {AW{1'b0}};
            cnt <= {CW{1'b0}};
        end else begin
            if (wr_en) wr_ptr <= (wr_ptr == last) ? {AW{1'b0}} : wr_ptr + {{(AW-1){1'b0}}, 1'b1};
            if (rd_en) rd_ptr <= (rd_ptr == last) ? {AW{1'b0}} : rd_ptr + {{(AW-1){1'b0}}, 1'b1};
            cnt <= cnt + {{(CW-1){1'b0}}, wr_en} - {{(CW-1){1'b0}}, rd_en};
        end
    end
    assign rd_data = mem[rd_ptr];
    assign full = (cnt == DEPTH[CW-1:0]);
    assign empty = (cnt == {CW{1'b0}});
    assign count = cnt;
endmodule
)";

const char* const kFifoBramModule = R"(// nnsim_fifo_bram: nnsim_fifo (same ports and cycles), its words in block RAM.
// The oldest word sits in a head register whenever count > 0: the memory's read register mem_q
// (loaded by a read issued in the cycle the previous head left) or the bypass register (a word written
// while no word waited behind the head and the head was free). The count - 1 words behind the head
// wait in the memory, oldest at rd_ptr; the read is synchronous with an enable, which Yosys maps to
// RAMB18/RAMB36. A write goes to the memory unless it goes to the bypass register. Before a write the
// memory holds at most DEPTH - 2 words (nobody writes a full FIFO), so when a read and a write of the
// memory fall in one cycle, wr_ptr = rd_ptr + (1 .. DEPTH - 2) modulo DEPTH: never the read address.
module nnsim_fifo_bram #(
    parameter WIDTH = 8,
    parameter DEPTH = 2,
    parameter AW = 1,
    parameter CW = 2
) (
    input wire clk,
    input wire rst,
    input wire wr_en,
    input wire [WIDTH-1:0] wr_data,
    input wire rd_en,
    output wire [WIDTH-1:0] rd_data,
    output wire full,
    output wire empty,
    output wire [CW-1:0] count
);
    reg [WIDTH-1:0] mem [0:DEPTH-1];
    reg [WIDTH-1:0] mem_q;
    reg [WIDTH-1:0] bypass;
    reg head_from_mem;
    reg [AW-1:0] wr_ptr;
    reg [AW-1:0] rd_ptr;
    reg [CW-1:0] cnt;
    wire [AW-1:0] last = DEPTH[AW-1:0] - {{(AW-1){1'b0}}, 1'b1};
    wire head_free = rd_en | (cnt == {CW{1'b0}});          // the head leaves this cycle, or there is none
    wire behind = (cnt > {{(CW-1){1'b0}}, 1'b1});          // words wait in the memory
    wire mem_re = head_free & behind;                      // the oldest of them is the next head
    wire to_bypass = wr_en & head_free & ~behind;          // the written word is the next head
    wire mem_we = wr_en & ~to_bypass;
    always @(posedge clk) begin
        if (mem_we) mem[wr_ptr] <= wr_data;
    end
    always @(posedge clk) begin
        if (mem_re) mem_q <= mem[rd_ptr];
    end
    always @(posedge clk) begin
        if (to_bypass) bypass <= wr_data;
    end
    always @(posedge clk) begin
        if (rst) begin
            wr_ptr <= {AW{1'b0}};
            rd_ptr <= {AW{1'b0}};
            cnt <= {CW{1'b0}};
            head_from_mem <= 1'b0;
        end else begin
            if (mem_we) wr_ptr <= (wr_ptr == last) ? {AW{1'b0}} : wr_ptr + {{(AW-1){1'b0}}, 1'b1};
            if (mem_re) rd_ptr <= (rd_ptr == last) ? {AW{1'b0}} : rd_ptr + {{(AW-1){1'b0}}, 1'b1};
            if (head_free) head_from_mem <= behind;
            cnt <= cnt + {{(CW-1){1'b0}}, wr_en} - {{(CW-1){1'b0}}, rd_en};
        end
    end
    assign rd_data = head_from_mem ? mem_q : bypass;
    assign full = (cnt == DEPTH[CW-1:0]);
    assign empty = (cnt == {CW{1'b0}});
    assign count = cnt;
endmodule
)";

}  // namespace

std::string fifo_module_name(int depth, int width) {
    return fifo_in_block_ram(depth, width) ? "nnsim_fifo_bram" : "nnsim_fifo";
}

const char* fifo_module_text(const std::string& name) {
    if (name == "nnsim_fifo") return kFifoModule;
    NNSIM_ASSERT(name == "nnsim_fifo_bram", "unknown FIFO module " + name);
    return kFifoBramModule;
}

std::string fifo_params(int depth, int width) {
    const int aw = std::max(1, bits_for(uint64_t(depth - 1)));
    const int cw = bits_for(uint64_t(depth));
    std::ostringstream o;
    o << "#(.WIDTH(" << width << "), .DEPTH(" << depth << "), .AW(" << aw << "), .CW(" << cw << "))";
    return o.str();
}

}  // namespace nnsim
