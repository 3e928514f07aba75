// `nnsim synth`: generate the network's Verilog, synthesize it with Yosys and print, per layer and in
// total, the resource estimate (core/resources.hpp) next to Yosys's cell counts and the error, plus
// the use of an FPGA part.
//
// Flow: `read_verilog <files>; setattr -mod -set keep_hierarchy 1 <layer wrappers>;
//        synth_xilinx -family xc7 -top <top> -flatten -noiopad; check -assert; stat`.
// Everything is flattened except the layer wrappers (shell + core of one layer), which stay modules
// so that `stat` counts each layer on its own; the top's own cells are the FIFOs and the glue. A
// layer wrapper is synthesized exactly as under a full flatten (no logic crosses its ports), so the
// totals are the flattened design's up to optimizations across a layer's ports. Large designs are
// split over two Yosys processes (each keeps its share of the layers and blackboxes the others),
// balanced by the estimate, to use both cores.
//
// Counting (docs/resources.md): DSP = DSP48E1; LUT = LUT1..LUT6 + LUT memories weighted by the LUTs
// they occupy (RAM32M/RAM64M 4, RAM32X1D/RAM64X1D 2, RAM128X1D 4, RAM256X1S 4, RAM32X1S/RAM64X1S 1,
// RAM128X1S 2, SRL16E/SRLC32E 1); FF = FDRE + FDSE + FDCE + FDPE; BRAM18 = RAMB18E1 + 2 x RAMB36E1.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "core/diag.hpp"
#include "core/resources.hpp"
#include "rtl/generator.hpp"
#include "rtl/verilator_harness.hpp"
#include "tools/nnsim/commands.hpp"
#include "tools/nnsim/resource_report.hpp"

namespace nnsim {

namespace {

namespace fs = std::filesystem;

using Cells = std::map<std::string, long>;

/// Cell counts per module from Yosys `stat` output.
std::map<std::string, Cells> parse_stat(const std::string& text) {
    std::map<std::string, Cells> mods;
    std::string cur;
    std::istringstream is(text);
    std::string line;
    static const std::regex head(R"(^=== (.*) ===\s*$)");
    static const std::regex cell(R"(^\s+(\S+)\s+(\d+)\s*$)");
    std::smatch m;
    while (std::getline(is, line)) {
        if (std::regex_match(line, m, head)) {
            cur = m[1];
            mods[cur];
            continue;
        }
        if (!cur.empty() && line.find("Number of") == std::string::npos && std::regex_match(line, m, cell))
            mods[cur][m[1]] += std::stol(m[2]);
    }
    return mods;
}

/// Cells of a module in the Resources convention (docs/resources.md).
Resources count(const Cells& c) {
    static const std::map<std::string, double> lutram = {
        {"RAM32M", 4},   {"RAM64M", 4},    {"RAM32X1D", 2},  {"RAM64X1D", 2},  {"RAM128X1D", 4}, {"RAM256X1S", 4},
        {"RAM32X1S", 1}, {"RAM64X1S", 1},  {"RAM128X1S", 2}, {"SRL16E", 1},    {"SRLC32E", 1},   {"RAM32X16DR8", 8},
        {"RAM64X8SW", 8}};
    Resources r;
    for (const auto& [name, n] : c) {
        if (name == "DSP48E1") r.dsp += double(n);
        else if (name.size() == 4 && name.compare(0, 3, "LUT") == 0 && std::isdigit(static_cast<unsigned char>(name[3])))
            r.lut += double(n);
        else if (lutram.count(name)) r.lut += lutram.at(name) * double(n);
        else if (name == "FDRE" || name == "FDSE" || name == "FDCE" || name == "FDPE") r.ff += double(n);
        else if (name == "RAMB18E1") r.bram18 += double(n);
        else if (name == "RAMB36E1") r.bram18 += 2.0 * double(n);
    }
    return r;
}

std::string err_pct(double est, double real) {
    char buf[32];
    if (real == 0 && est == 0) return "0%";
    if (real == 0) return "n/a";
    std::snprintf(buf, sizeof buf, "%+.0f%%", 100.0 * (est - real) / real);
    return buf;
}

std::string read_file_text(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

bool on_path(const std::string& prog) {
    const char* path = std::getenv("PATH");
    if (!path) return false;
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':'))
        if (!dir.empty() && access((fs::path(dir) / prog).c_str(), X_OK) == 0) return true;
    return false;
}

}  // namespace

int cmd_synth(const NetOptions& opt, const std::string& part, const std::string& out, const std::string& json_out) {
    Graph g = load_for_command(opt);
    const PartInfo* pi = resolve_part(g, part, nullptr);
    if (!on_path("yosys")) throw UserError("synth: yosys not found on PATH (apt-get install yosys)");

    // Work folder: --out, or a temporary one removed at the end.
    // Absolute: Yosys runs inside the folder and is handed paths below it.
    std::string dir = out.empty() ? out : fs::absolute(out).string();
    bool temporary = false;
    if (dir.empty()) {
        std::string tmpl = (fs::temp_directory_path() / "nnsim-synth-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw UserError("synth: cannot create a temporary folder");
        dir = tmpl;
        temporary = true;
    }
    struct Cleanup {
        std::string dir;
        bool on;
        ~Cleanup() {
            std::error_code ec;
            if (on) fs::remove_all(dir, ec);
        }
    } cleanup{dir, temporary};

    const RtlDesign d = generate_rtl(g, dir);
    const NetworkResources est = estimate_network(g);
    const std::string net = verilog_name(g.name.empty() ? "net" : g.name);
    std::vector<std::string> layer_mod;
    for (const auto& n : g.nodes) layer_mod.push_back(net + "_" + verilog_name(n.name));

    // One Yosys process for small designs; two for large ones, balancing the estimated LUTs.
    const double kSplitLuts = 20000;
    const int procs = (est.total.lut > kSplitLuts && g.nodes.size() > 1) ? 2 : 1;
    std::vector<int> group(g.nodes.size(), 0);
    if (procs == 2) {
        std::vector<size_t> order(g.nodes.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return est.layers[a].lut > est.layers[b].lut; });
        double load[2] = {est.fifos.lut, 0};  // group 0 also synthesizes the top's own logic
        for (size_t i : order) {
            const int gi = load[0] <= load[1] ? 0 : 1;
            group[i] = gi;
            load[gi] += est.layers[i].lut;
        }
    }
    std::string files;
    for (const auto& f : d.files) files += " " + f;
    std::vector<std::string> stat_files;
    std::vector<std::vector<std::string>> cmds;
    for (int p = 0; p < procs; ++p) {
        std::string keep, black;
        for (size_t i = 0; i < g.nodes.size(); ++i) (group[i] == p ? keep : black) += " " + layer_mod[i];
        const std::string stat = "yosys_stat" + std::to_string(p) + ".txt";
        std::ostringstream s;
        s << "read_verilog" << files << "\n";
        if (!black.empty()) s << "blackbox" << black << "\n";
        if (!keep.empty()) s << "setattr -mod -set keep_hierarchy 1" << keep << "\n";
        s << "synth_xilinx -family xc7 -top " << d.top << " -flatten -noiopad\n"
          << "check -assert\n"
          << "tee -q -o " << stat << " stat\n";
        const std::string script = "yosys_synth" + std::to_string(p) + ".ys";
        std::ofstream(fs::path(dir) / script) << s.str();
        stat_files.push_back(stat);
        cmds.push_back({"yosys", "-q", "-l", (fs::path(dir) / ("yosys" + std::to_string(p) + ".log")).string(), "-s",
                        (fs::path(dir) / script).string()});
    }
    // Yosys needs about 3.5 ms of CPU per estimated LUT on this flow (KERAS_3layer RF 16: 29.6 k LUTs,
    // 100 s of CPU); say so before a long run rather than leaving the user to wonder.
    const double expect_s = 3.5e-3 * est.total.lut / procs;
    if (expect_s > 120)
        std::fprintf(stderr, "nnsim: synth: the design is estimated at %.0f LUTs; Yosys will take roughly %.0f min "
                             "(a larger reuse factor makes it smaller)\n",
                     est.total.lut, expect_s / 60);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<int> rcs(size_t(procs), 0);
    {
        // Yosys reads the files relative to the design folder.
        const fs::path cwd = fs::current_path();
        fs::current_path(dir);
        std::vector<std::thread> th;
        for (int p = 0; p < procs; ++p)
            th.emplace_back([&, p] { rcs[size_t(p)] = run_program(cmds[size_t(p)], "/dev/null"); });
        for (auto& t : th) t.join();
        fs::current_path(cwd);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (int p = 0; p < procs; ++p)
        if (rcs[size_t(p)] != 0) {
            const std::string log = (fs::path(dir) / ("yosys" + std::to_string(p) + ".log")).string();
            std::string tail = read_file_text(log);
            if (tail.size() > 1500) tail = tail.substr(tail.size() - 1500);
            std::fprintf(stderr, "nnsim: yosys failed (exit %d)%s\n%s\n", rcs[size_t(p)],
                         temporary ? "" : (", log: " + log).c_str(), tail.c_str());
            return 1;
        }

    // Per-layer and top counts.
    std::vector<Resources> real(g.nodes.size());
    std::vector<Cells> real_cells(g.nodes.size());
    Resources real_top;
    for (int p = 0; p < procs; ++p) {
        const auto mods = parse_stat(read_file_text((fs::path(dir) / stat_files[size_t(p)]).string()));
        for (size_t i = 0; i < g.nodes.size(); ++i) {
            if (group[i] != p) continue;
            auto it = mods.find(layer_mod[i]);
            if (it == mods.end()) throw UserError("synth: no statistics for module " + layer_mod[i]);
            real_cells[i] = it->second;
            real[i] = count(it->second);
        }
        if (p == 0) {
            auto it = mods.find(d.top);
            if (it == mods.end()) throw UserError("synth: no statistics for module " + d.top);
            real_top = count(it->second);
        }
    }
    Resources real_total = real_top;
    for (const auto& r : real) real_total += r;

    std::printf("%s: Yosys synth_xilinx -family xc7 -flatten -noiopad (layer wrappers kept as modules), %d process%s, "
                "%.1f s\n",
                g.name.c_str(), procs, procs > 1 ? "es" : "", seconds);
    std::printf("  %-24s %-10s %13s %6s %15s %6s %15s %6s %11s\n", "layer", "kind", "DSP est/yosys", "err",
                "LUT est/yosys", "err", "FF est/yosys", "err", "BRAM18 e/y");
    auto row = [](const char* name, const char* kind, const Resources& e, const Resources& y) {
        char a[32], b[32], c[32], dd[32];
        std::snprintf(a, sizeof a, "%.0f/%.0f", e.dsp, y.dsp);
        std::snprintf(b, sizeof b, "%.0f/%.0f", e.lut, y.lut);
        std::snprintf(c, sizeof c, "%.0f/%.0f", e.ff, y.ff);
        std::snprintf(dd, sizeof dd, "%.0f/%.0f", e.bram18, y.bram18);
        std::printf("  %-24s %-10s %13s %6s %15s %6s %15s %6s %11s\n", name, kind, a, err_pct(e.dsp, y.dsp).c_str(), b,
                    err_pct(e.lut, y.lut).c_str(), c, err_pct(e.ff, y.ff).c_str(), dd);
    };
    nlohmann::json j;
    j["network"] = g.name;
    j["yosys"] = {{"seconds", seconds},
                  {"processes", procs},
                  {"flow", "synth_xilinx -family xc7 -flatten -noiopad; check -assert; stat (layer wrappers kept)"}};
    j["layers"] = nlohmann::json::array();
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& n = g.nodes[i];
        row(n.name.c_str(), n.kind->name(), est.layers[i], real[i]);
        j["layers"].push_back({{"name", n.name},
                               {"kind", n.kind->name()},
                               {"module", layer_mod[i]},
                               {"estimate", resources_json(est.layers[i])},
                               {"yosys", resources_json(real[i])},
                               {"cells", real_cells[i]}});
    }
    row("fifos+top", "", est.fifos, real_top);
    row("total", "", est.total, real_total);
    j["fifos"] = {{"estimate", resources_json(est.fifos)}, {"yosys", resources_json(real_top)}};
    j["total"] = {{"estimate", resources_json(est.total)}, {"yosys", resources_json(real_total)}};
    if (pi) {
        const Utilisation ue = utilisation(est.total, *pi), uy = utilisation(real_total, *pi);
        std::printf("  estimate: %s\n  yosys:    %s\n", utilisation_line(ue).c_str(), utilisation_line(uy).c_str());
        j["utilisation"] = {{"estimate", utilisation_json(est.total, *pi)}, {"yosys", utilisation_json(real_total, *pi)}};
    }
    if (!temporary) std::printf("  design and Yosys logs in %s\n", dir.c_str());
    if (!json_out.empty()) {
        std::ofstream f(json_out);
        if (!f || !(f << j.dump(2) << "\n")) throw UserError(json_out + ": cannot write");
    }
    return 0;
}

}  // namespace nnsim
