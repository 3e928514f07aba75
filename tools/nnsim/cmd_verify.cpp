// `nnsim verify`: the generated Verilog, simulated by Verilator, against the SystemC model, on the same
// samples and under the same input and ready patterns. Every output word, every output handshake
// cycle and every input handshake cycle must be identical; the first difference is reported with
// its sample, word, cycle and both values, and the command exits 1.
//
// Flow: load and quantize the samples as `nnsim sim` does; generate the RTL; prepare the Verilator
// work folder (reused when the design, the harness and the flags hash the same); build it in a
// background thread while the SystemC model runs in this one (one elaboration per process); run the
// testbench on the same quantized samples and patterns; compare. With --vcd DIR both waveforms go
// to DIR, merged into one VCD with a GTKWave view of one layer's FIFOs, model next to RTL.
//
// Hidden flag --rtl-dir DIR (not in --help, for mutation tests and for trying a hand edit): verify the
// Verilog files of DIR instead of freshly generated ones. DIR must hold every file the generator
// writes for the network (same names; the generator still supplies the top's name and port widths);
// extra .v/.sv files in DIR are compiled too. Start from `nnsim gen` or <work folder>/rtl.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>

#include "core/diag.hpp"
#include "core/waveform_budget.hpp"
#include "core/evaluator.hpp"
#include "core/samples.hpp"
#include "core/timing_model.hpp"
#include "rtl/generator.hpp"
#include "rtl/verilator_harness.hpp"
#include "sim/network_sim.hpp"
#include "tools/nnsim/verify_args.hpp"

namespace nnsim {
namespace {

namespace fs = std::filesystem;

/// The samples of `nnsim sim` (core/samples.hpp: same file reading, same seeded RNG), quantized.
std::vector<std::vector<std::vector<int64_t>>> quantized_samples(const Graph& g, const VerifyArgs& a, size_t& n) {
    Evaluator ev(g);
    const auto samples = make_samples(a.input, default_sample_count(a.input, a.samples), a.seed, sample_columns(ev));
    n = samples.size();
    return quantize_samples(ev, samples);
}

/// The design to verify: generated into a scratch folder (removed by the caller), or, with
/// --rtl-dir, the Verilog of that folder with the generator's top name and port widths.
RtlDesign design_for(const Graph& g, const VerifyArgs& a, const std::string& scratch) {
    RtlDesign d = generate_rtl(g, scratch);
    if (a.rtl_dir.empty()) return d;
    if (!fs::is_directory(a.rtl_dir)) throw UserError(a.rtl_dir + ": --rtl-dir: not a folder");
    RtlDesign u = d;
    u.dir = a.rtl_dir;
    u.files.clear();
    for (const auto& f : d.files) {
        const std::string name = fs::path(f).filename().string();
        if (!fs::exists(fs::path(a.rtl_dir) / name))
            throw UserError(a.rtl_dir + ": --rtl-dir: " + name + " is missing (the generator writes it)");
        u.files.push_back(name);
    }
    std::vector<std::string> extra;  // hand-added modules
    for (const auto& e : fs::directory_iterator(a.rtl_dir)) {
        const std::string name = e.path().filename().string(), ext = e.path().extension().string();
        if ((ext == ".v" || ext == ".sv") && std::find(u.files.begin(), u.files.end(), name) == u.files.end())
            extra.push_back(name);
    }
    std::sort(extra.begin(), extra.end());
    u.files.insert(u.files.begin(), extra.begin(), extra.end());
    return u;
}

// ---- Waveforms: merge the model's and the RTL's VCD into one file, and a GTKWave view of it ----

/// A VCD's header and body, tokenized (VCD is whitespace-separated throughout).
struct VcdReader {
    std::ifstream in;
    double to_ps = 1;                     ///< multiply times by this to get ps
    struct Var { std::string id, path; int size; };
    std::vector<Var> vars;                ///< full dotted path (with range suffix) per declaration
    std::vector<std::string> header;      ///< scope/var/upscope lines, ids not yet remapped

    bool token(std::string& t) { return bool(in >> t); }
    /// Read the declarations up to $enddefinitions.
    void read_header(const std::string& path) {
        in.open(path);
        if (!in) throw UserError(path + ": cannot read waveform");
        std::vector<std::string> scope;
        std::string t;
        while (token(t)) {
            if (t == "$enddefinitions") {
                token(t);
                return;
            }
            std::vector<std::string> body;
            std::string x;
            while (token(x) && x != "$end") body.push_back(x);
            if (t == "$timescale") {
                std::string s;
                for (const auto& b : body) s += b;
                size_t i = 0;
                while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
                const double num = i ? std::stod(s.substr(0, i)) : 1;
                const std::string unit = s.substr(i);
                static const std::map<std::string, double> kPs = {{"s", 1e12}, {"ms", 1e9}, {"us", 1e6},
                                                                  {"ns", 1e3}, {"ps", 1},   {"fs", 1e-3}};
                to_ps = num * (kPs.count(unit) ? kPs.at(unit) : 1);
            } else if (t == "$scope" && body.size() >= 2) {
                scope.push_back(body[1]);
                header.push_back("$scope " + body[0] + " " + body[1] + " $end");
            } else if (t == "$upscope") {
                if (!scope.empty()) scope.pop_back();
                header.push_back("$upscope $end");
            } else if (t == "$var" && body.size() >= 4) {
                std::string p;
                for (const auto& s : scope) p += s + ".";
                p += body[3];
                if (body.size() >= 5 && body[4][0] == '[') p += body[4];
                vars.push_back(Var{body[2], p, std::atoi(body[1].c_str())});
                std::string l = "$var";
                for (const auto& b : body) l += " " + b;
                header.push_back(l + " $end");
            }
        }
    }
};

/// VCD identifier number n (printable ASCII '!'..'~', little-endian base 94).
std::string vcd_id(size_t n) {
    std::string s;
    do {
        s += char('!' + n % 94);
        n /= 94;
    } while (n);
    return s;
}

/// One file's changes, one timestamp at a time, with ids remapped.
struct VcdStream {
    VcdReader* r;
    std::map<std::string, std::string> ids;  ///< old id -> merged id
    uint64_t time = 0;                       ///< time (ps) of the pending block
    bool at_end = false;
    std::vector<std::string> block;          ///< changes of the pending block
    std::string next_time;                   ///< the '#' token that ends the pending block

    std::string map(const std::string& id) const {
        auto it = ids.find(id);
        return it == ids.end() ? std::string() : it->second;
    }
    /// Read the changes up to the next timestamp.
    void advance() {
        block.clear();
        if (!next_time.empty()) time = uint64_t(std::llround(std::stod(next_time.substr(1)) * r->to_ps));
        next_time.clear();
        std::string t;
        while (r->token(t)) {
            if (t[0] == '#') {
                next_time = t;
                return;
            }
            if (t == "$comment") {
                while (r->token(t) && t != "$end") {}
            } else if (t[0] == '$') {
                continue;  // $dumpvars, $dumpall, $end, ...: the values inside are plain changes
            } else if (t[0] == 'b' || t[0] == 'B' || t[0] == 'r' || t[0] == 'R' || t[0] == 's' || t[0] == 'S') {
                std::string id;
                r->token(id);
                const std::string m = map(id);
                if (!m.empty()) block.push_back(t + " " + m);
            } else {
                const std::string m = map(t.substr(1));
                if (!m.empty()) block.push_back(t.substr(0, 1) + m);
            }
        }
        at_end = next_time.empty();
    }
};

/// Merge two VCDs into `out` under top scopes `name_a` and `name_b` (each file's single root scope is
/// renamed; several roots are wrapped). Returns the merged full names of every variable.
std::vector<std::string> merge_vcd(const std::string& a, const std::string& name_a, const std::string& b,
                                   const std::string& name_b, const std::string& out) {
    VcdReader ra, rb;
    ra.read_header(a);
    rb.read_header(b);
    std::ofstream o(out);
    if (!o) throw UserError(out + ": cannot write");
    o << "$comment nnsim verify: " << name_a << " = " << a << ", " << name_b << " = " << b << " $end\n"
      << "$timescale 1ps $end\n";
    std::vector<std::string> names;
    size_t next = 0;
    VcdStream sa{&ra, {}, 0, false, {}, {}}, sb{&rb, {}, 0, false, {}, {}};
    for (auto* p : {&sa, &sb}) {
        VcdReader& r = *p->r;
        const std::string top = p == &sa ? name_a : name_b;
        int roots = 0, depth = 0;
        for (const auto& l : r.header) {
            if (l.rfind("$scope", 0) == 0 && depth++ == 0) ++roots;
            if (l.rfind("$upscope", 0) == 0) --depth;
        }
        const bool rename_root = roots == 1;
        if (!rename_root) o << "$scope module " << top << " $end\n";
        depth = 0;
        size_t v = 0;
        for (const auto& l : r.header) {
            if (l.rfind("$scope", 0) == 0) {
                o << (depth++ == 0 && rename_root ? "$scope module " + top + " $end" : l) << "\n";
            } else if (l.rfind("$upscope", 0) == 0) {
                --depth;
                o << l << "\n";
            } else {
                const auto& var = r.vars[v++];
                auto it = p->ids.find(var.id);
                if (it == p->ids.end()) it = p->ids.emplace(var.id, vcd_id(next++)).first;
                std::istringstream ls(l);
                std::string w, line;
                int i = 0;
                while (ls >> w) line += (i ? " " : "") + (i == 3 ? it->second : w), ++i;
                o << line << "\n";
                std::string path = var.path;
                if (rename_root) path = top + path.substr(std::min(path.size(), path.find('.')));
                else path = top + "." + path;
                names.push_back(path);
            }
        }
        if (!rename_root) o << "$upscope $end\n";
    }
    o << "$enddefinitions $end\n";
    sa.advance();
    sb.advance();
    // Both files start with their time-0 values, before any '#' or after '#0'.
    uint64_t written = UINT64_MAX;
    auto live = [](const VcdStream& p) { return !(p.block.empty() && p.at_end); };
    while (live(sa) || live(sb)) {
        uint64_t t = UINT64_MAX;
        for (auto* p : {&sa, &sb})
            if (live(*p)) t = std::min(t, p->time);
        for (auto* p : {&sa, &sb})
            if (live(*p) && p->time == t) {
                if (!p->block.empty() && written != t) {
                    o << "#" << t << "\n";
                    written = t;
                }
                for (const auto& c : p->block) o << c << "\n";
                p->block.clear();
                if (!p->at_end) p->advance();
            }
    }
    if (!o.flush()) throw UserError(out + ": cannot write");
    return names;
}

/// GTKWave view of the merged file: for one layer, each of its FIFOs' model signals next to the
/// RTL's (the generator names the RTL FIFO wires <fifo>_wr, _rd, _count, _wdata, as the model its
/// signals top.<fifo>.wr, .rd, .count, .data0), then the layer's shell state on both sides.
void write_gtkw(const std::string& path, const std::string& dump, const std::vector<std::string>& names,
                const Graph& g, const std::string& layer, uint64_t period_ps) {
    auto find = [&](const std::string& prefix, const std::string& suffix) {
        std::string best;
        for (const auto& n : names) {
            const std::string base = n.substr(0, n.find('['));
            if (n.rfind(prefix, 0) == 0 && base.size() >= suffix.size() &&
                base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                (best.empty() || n.size() < best.size()))
                best = n;
        }
        return best;
    };
    // Zoom so that about 40 cycles fill the wave pane: GTKWave shows about 2^(-zoom-8) time units
    // per pixel (measured with GTKWave 3.3.118) and the pane is about 1,000 pixels wide.
    int zoom = -8;
    while (zoom > -60 && std::ldexp(1.0, -zoom - 8) * 1000 < double(40 * period_ps)) --zoom;
    std::ofstream f(path);
    f << "[dumpfile] \"" << fs::absolute(dump).string() << "\"\n[timestart] 0\n[size] 1600 900\n[pos] -1 -1\n"
      << "*" << zoom << ".000000 0 -1\n[treeopen] model.\n[treeopen] rtl.\n[sst_width] 250\n[signals_width] 360\n";
    // One trace, labelled "model <what>" or "rtl <what>" (GTKWave alias syntax +{label} signal).
    auto add = [&](const std::string& name, const std::string& label) {
        if (name.empty()) return;
        const bool bit = name.find('[') == std::string::npos, value = label == "model data0";
        f << (bit ? "@28\n" : value ? "@420\n" : "@22\n") << "+{" << label << "} " << name << "\n";
    };
    add(find("model.", ".top.clk"), "model clk");
    add(find("rtl.", ".clk"), "rtl clk");
    add(find("rtl.", ".rst"), "rtl rst");
    std::vector<std::string> fifos;
    const Node* n = g.find(layer);
    for (const auto& in : n->inputs) fifos.push_back("fifo_" + in + "__" + layer);
    for (const auto& m : g.nodes)
        for (const auto& in : m.inputs)
            if (in == layer) fifos.push_back("fifo_" + layer + "__" + m.name);
    for (const auto& o : g.outputs)
        if (o == layer) fifos.push_back("fifo_" + layer + "__out");
    static const std::pair<const char*, const char*> kPairs[] = {
        {"wr", "_wr"}, {"rd", "_rd"}, {"count", "_count"}, {"data0", "_wdata"}};
    for (const auto& fifo : fifos) {
        f << "-" << fifo << " (model / RTL)\n";
        for (const auto& p : kPairs) {
            add(find("model.", "." + fifo + "." + p.first), std::string("model ") + p.first);
            add(find("rtl.", "." + fifo + p.second), std::string("rtl ") + (p.second + 1));
        }
    }
    f << "-" << layer << " shell (model / RTL)\n";
    add(find("model.", "." + layer + ".pending"), "model pending");
    add(find("model.", "." + layer + ".state"), "model state");
    for (const char* s : {"accept", "pop", "q_count", "skid_count"})
        add(find("rtl.", "." + verilog_name(layer) + "." + s), std::string("rtl ") + s);
    if (!f.flush()) throw UserError(path + ": cannot write");
}

/// How samples map onto AXI-Stream beats: one beat per sample under io_parallel, one pixel per beat
/// under io_stream (the port width is one beat).
struct BeatLayout {
    std::vector<size_t> in_beats;      ///< beats per sample of each input
    std::vector<size_t> in_per_beat;   ///< elements per beat of each input
    std::vector<size_t> out_beats;     ///< beats per sample of each output
    std::vector<size_t> out_per_beat;  ///< elements per beat of each output
};

BeatLayout beat_layout(const Graph& g, const RtlDesign& d) {
    BeatLayout l;
    for (size_t k = 0; k < g.inputs.size(); ++k) {
        const size_t elems = size_t(shape_size(g.inputs[k].shape));
        l.in_per_beat.push_back(size_t(std::max(1, d.input_widths[k] / g.inputs[k].precision.width)));
        l.in_beats.push_back((elems + l.in_per_beat[k] - 1) / l.in_per_beat[k]);
    }
    for (size_t o = 0; o < g.outputs.size(); ++o) {
        const Node* node = g.find(g.outputs[o]);
        const size_t elems = size_t(shape_size(node->shape));
        l.out_per_beat.push_back(size_t(std::max(1, d.output_widths[o] / node->type("result").width)));
        l.out_beats.push_back((elems + l.out_per_beat[o] - 1) / l.out_per_beat[o]);
    }
    return l;
}

/// The testbench's stimulus: the quantized samples packed into beats, the model's patterns.
HarnessStimulus stimulus(const Graph& g, const RtlDesign& d, const BeatLayout& l,
                         const std::vector<std::vector<std::vector<int64_t>>>& raw, size_t n, const SimOptions& opt) {
    HarnessStimulus st;
    st.input_pattern = opt.input_pattern;
    st.output_pattern = opt.output_pattern;
    st.period_ps = uint64_t(std::llround(g.clock_period_ns * 1000));
    for (size_t k = 0; k < g.inputs.size(); ++k) {
        const int e = g.inputs[k].precision.width;
        const size_t per = l.in_per_beat[k], elems = raw[k].empty() ? 0 : raw[k][0].size();
        st.input_beats.emplace_back();
        st.input_last.emplace_back();
        for (size_t s = 0; s < n; ++s)
            for (size_t b = 0; b < l.in_beats[k]; ++b) {
                st.input_beats[k].push_back(
                    pack_beat(raw[k][s], b * per, std::min(per, elems - b * per), e, d.input_widths[k]));
                st.input_last[k].push_back(b + 1 == l.in_beats[k]);
            }
    }
    for (size_t o = 0; o < g.outputs.size(); ++o) st.output_beats.push_back(n * l.out_beats[o]);
    // After the last expected beat, run long enough for a spurious extra one to show up.
    const NetworkTiming nt = analyze_timing(g);
    st.drain_cycles = 64 + uint64_t(double(2 * (nt.latency + nt.ii)) /
                                    std::min(opt.input_pattern.ratio, opt.output_pattern.ratio));
    return st;
}

/// The result of comparing the RTL's handshakes with the model's.
struct Comparison {
    uint64_t cycle = UINT64_MAX;  ///< cycle of the first difference (UINT64_MAX: none)
    std::string text;             ///< what differs there
    size_t words = 0;             ///< output words found identical
    size_t handshakes = 0;        ///< handshake cycles found identical (inputs and outputs)

    /// Keep the earliest difference.
    void differ(uint64_t c, const std::string& t) {
        if (c < cycle) cycle = c, text = t;
    }
};

std::string hex_of(int64_t v, int width) {
    char b[32];
    const uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
    std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)(uint64_t(v) & mask));
    return b;
}

std::string cycle_of(const std::vector<uint64_t>& v, size_t i) {
    return i < v.size() ? "cycle " + std::to_string(v[i]) : std::string("never");
}

/// Every beat's handshake cycle at every input, every output beat's handshake cycle and tlast, and every
/// output word, sample by sample; the earliest difference wins.
Comparison compare(const Graph& g, const BeatLayout& l, const SimResult& r, const HarnessResult& h,
                   uint64_t hang_cycles) {
    Comparison c;
    // "sample s" or "sample s beat b" for beat i of a tensor of `beats` beats per sample.
    auto beat_name = [](size_t i, size_t beats) {
        return "sample " + std::to_string(i / beats) + (beats > 1 ? " beat " + std::to_string(i % beats) : "");
    };
    for (size_t k = 0; k < h.input_cycles.size() && k < r.input_beat_cycles.size(); ++k) {
        const auto& rc = h.input_cycles[k];
        const auto& mc = r.input_beat_cycles[k];
        for (size_t i = 0; i < std::max(rc.size(), mc.size()); ++i) {
            if (i < rc.size() && i < mc.size() && rc[i] == mc[i]) {
                ++c.handshakes;
                continue;
            }
            c.differ(std::min(i < rc.size() ? rc[i] : UINT64_MAX, i < mc.size() ? mc[i] : UINT64_MAX),
                     "input " + g.inputs[k].name + " " + beat_name(i, l.in_beats[k]) + " accepted: RTL " +
                         cycle_of(rc, i) + ", model " + cycle_of(mc, i));
            break;
        }
    }
    for (size_t o = 0; o < g.outputs.size(); ++o) {
        const FixedType t = g.find(g.outputs[o])->type("result");
        const size_t beats = l.out_beats[o], per = l.out_per_beat[o];
        const size_t rtl_samples = h.output_cycles[o].size() / beats;
        const auto& mv = r.outputs[o];
        const auto& mc = r.output_handshakes[o];
        const std::string what = "output " + g.outputs[o] + " sample ";
        for (size_t s = 0; s < std::max(rtl_samples, mv.size()); ++s) {
            if (s >= rtl_samples) {
                const std::string why =
                    h.hung ? "no handshake for " + std::to_string(hang_cycles) + " cycles" : "stopped";
                c.differ(mc[s], what + std::to_string(s) + ": the model delivered it in cycle " +
                                    std::to_string(mc[s]) + ", the RTL never did (" + why + " after cycle " +
                                    std::to_string(h.cycles) + ")");
                break;
            }
            const uint64_t rc = h.output_cycles[o][s * beats + beats - 1];  // a sample's last beat
            if (s >= mv.size()) {
                c.differ(rc, what + std::to_string(s) + ": the RTL delivered an extra sample in cycle " +
                                 std::to_string(rc) + ", the model only " + std::to_string(mv.size()));
                break;
            }
            bool same = true;
            for (size_t i = 0; i < mv[s].size() && same; ++i) {
                const int64_t v = unpack_element(h.output_data[o][s * beats + i / per], i % per, t.width, t.is_signed);
                if (v == mv[s][i]) continue;
                c.differ(std::min(rc, mc[s]), what + std::to_string(s) + " word " + std::to_string(i) + ": RTL " +
                                                  std::to_string(v) + " (" + hex_of(v, t.width) + ", cycle " +
                                                  std::to_string(rc) + "), model " + std::to_string(mv[s][i]) + " (" +
                                                  hex_of(mv[s][i], t.width) + ", cycle " + std::to_string(mc[s]) + ")");
                same = false;
            }
            const auto& mb = r.output_beat_cycles[o];
            for (size_t i = s * beats; i < (s + 1) * beats && same; ++i) {
                const uint64_t rb = h.output_cycles[o][i], model = i < mb.size() ? mb[i] : UINT64_MAX;
                if (rb != model) {
                    c.differ(std::min(rb, model), what + beat_name(i, beats).substr(7) + " handshake: RTL in cycle " +
                                                      std::to_string(rb) + ", model in " + cycle_of(mb, i) +
                                                      " (words identical)");
                    same = false;
                } else if (h.output_last[o][i] != (i % beats + 1 == beats)) {
                    c.differ(rb, what + beat_name(i, beats).substr(7) + ": RTL tlast " +
                                     (h.output_last[o][i] ? "1" : "0") + " in cycle " + std::to_string(rb));
                    same = false;
                }
            }
            if (!same) break;
            c.words += mv[s].size();
            c.handshakes += beats;
        }
        if (h.output_cycles[o].size() % beats != 0)
            c.differ(h.output_cycles[o].back(), what + std::to_string(rtl_samples) + ": incomplete in the RTL");
    }
    return c;
}

/// Merge the model's and the RTL's waveforms into <base>_verify.vcd (or .fst) and write the GTKWave
/// view <base>_verify.gtkw of the first layer; returns the view, or "" when the FST tools are missing.
std::string waveform_view(const Graph& g, const std::string& base, const std::string& model_wave,
                          const std::string& rtl_wave, bool fst, uint64_t period_ps) {
    std::error_code ec;
    std::string rtl_vcd = rtl_wave;
    if (fst) {  // the merge reads VCD: convert, merge, convert back
        rtl_vcd = base + "_rtl.tmp.vcd";
        if (run_program({"fst2vcd", "-f", rtl_wave, "-o", rtl_vcd}, "/dev/null") != 0) {
            fs::remove(rtl_vcd, ec);
            return "";
        }
    }
    const std::string merged = base + "_verify.vcd";
    const auto names = merge_vcd(model_wave, "model", rtl_vcd, "rtl", merged);
    std::string dump = merged;
    if (fst) {
        fs::remove(rtl_vcd, ec);
        if (run_program({"vcd2fst", merged, base + "_verify.fst"}, "/dev/null") == 0) {
            dump = base + "_verify.fst";
            fs::remove(merged, ec);
        }
    }
    const std::string view = base + "_verify.gtkw";
    write_gtkw(view, dump, names, g, g.nodes.front().name, period_ps);
    return view;
}

}  // namespace

int cmd_verify(const VerifyArgs& a) {
    Graph g = load_for_command(a.net);
    if (!(a.input_ratio > 0 && a.input_ratio <= 1)) throw UserError("--input-ratio: must be in (0, 1]");
    if (!(a.ready_ratio > 0 && a.ready_ratio <= 1)) throw UserError("--ready-ratio: must be in (0, 1]");
    std::string wave_base, rtl_wave, model_wave;
    // The model's VCD, the RTL's, and the merged file holding both must fit (before random samples
    // are even made when their count is known).
    const auto check_waves = [&](size_t samples) {
        if (a.vcd.empty()) return;
        const WaveformEstimate e = estimate_waveforms(g, samples, a.input_ratio, a.ready_ratio);
        check_waveform_budget((fs::absolute(a.vcd) / verilog_name(g.name)).string() + "_model.vcd",
                              2 * (e.model_bytes + e.rtl_bytes), e, samples);
    };
    if (a.input.empty()) check_waves(default_sample_count(a.input, a.samples));
    size_t n = 0;
    const auto raw = quantized_samples(g, a, n);
    if (!a.input.empty()) check_waves(n);
    if (!a.vcd.empty()) {
        std::error_code ec;
        fs::create_directories(a.vcd, ec);
        if (ec) throw UserError(a.vcd + ": --vcd: cannot create folder: " + ec.message());
        wave_base = (fs::absolute(a.vcd) / verilog_name(g.name)).string();
        rtl_wave = wave_base + (a.fst ? "_rtl.fst" : "_rtl.vcd");
        model_wave = wave_base + "_model.vcd";
    }

    // RTL: generated into a scratch folder, copied into the work folder named by its hash.
    VerilatorBuildOptions bo;
    bo.work_dir = a.work;
    bo.name = g.name;
    bo.wave = a.vcd.empty() ? WaveFormat::kNone : (a.fst ? WaveFormat::kFst : WaveFormat::kVcd);
    const std::string scratch =
        (fs::path(a.work.empty() ? bo.work_root : a.work) / (".gen-" + std::to_string(getpid()))).string();
    VerilatedBuild build;
    std::error_code ec;
    try {
        build = prepare_verilated(design_for(g, a, scratch), bo);
    } catch (...) {
        fs::remove_all(scratch, ec);
        throw;
    }
    fs::remove_all(scratch, ec);
    if (!a.rtl_dir.empty()) std::printf("verify: using the Verilog in %s (--rtl-dir)\n", a.rtl_dir.c_str());
    if (build.reused) std::printf("reusing Verilator build %s\n", build.dir.c_str());
    else std::printf("building with Verilator in %s (log %s) ...\n", build.dir.c_str(), build.log.c_str());
    std::fflush(stdout);
    auto built = std::async(std::launch::async, [&build] { build_verilated(build); });

    // The SystemC model runs while Verilator builds.
    SimOptions opt;
    opt.input_pattern = CyclePattern{a.input_ratio, a.stall_seed * 2 + 1};
    opt.output_pattern = CyclePattern{a.ready_ratio, a.stall_seed * 2 + 2};
    opt.vcd = model_wave;
    opt.scheduler = scheduler_from_name(a.scheduler);
    const SimResult r = simulate(g, raw, opt);
    built.get();
    if (!build.reused) std::printf("built in %.1f s\n", build.seconds);
    if (r.deadlocked) {
        std::fprintf(stderr, "nnsim: verify: the model deadlocked: %s\n", r.deadlock_report.c_str());
        return 3;
    }

    // The same samples under the same patterns on the RTL, then the comparison.
    const BeatLayout layout = beat_layout(g, build.design);
    HarnessStimulus st = stimulus(g, build.design, layout, raw, n, opt);
    st.wave_file = rtl_wave;
    st.hang_cycles = std::max<uint64_t>(st.hang_cycles, 2 * r.cycles);  // never shorter than the model's run
    const HarnessResult h = run_verilated(build, st, "run-" + std::to_string(getpid()));
    const Comparison c = compare(g, layout, r, h, st.hang_cycles);

    std::string waves;
    if (!a.vcd.empty()) {
        const std::string view = waveform_view(g, wave_base, model_wave, rtl_wave, a.fst, st.period_ps);
        waves = "waveforms: RTL " + rtl_wave + ", model " + model_wave +
                (view.empty() ? "" : ", side by side: gtkwave " + view);
    }
    if (c.cycle != UINT64_MAX) {
        std::printf("verify: %s: MISMATCH at cycle %llu: %s%s\n", g.name.c_str(), (unsigned long long)c.cycle,
                    c.text.c_str(), waves.empty() ? "" : ("; " + waves).c_str());
        return 1;
    }
    if (!h.completed) {  // not reachable while the model completes, kept as a guard
        std::printf("verify: %s: the RTL did not finish (%s after cycle %llu)\n", g.name.c_str(),
                    h.hung ? "hang" : "stopped", (unsigned long long)h.cycles);
        return 1;
    }
    std::printf("verify: %s: %zu samples, %zu output words and %zu handshake cycles identical (RTL vs model)\n",
                g.name.c_str(), n, c.words, c.handshakes);
    if (!waves.empty()) std::printf("  %s\n", waves.c_str());
    // Speed of both simulators on this run: each one's simulation proper (the Verilated model's clocked
    // loop, sc_start for the model), without the testbench's process start and file reading.
    const double rtl_s = h.loop_seconds > 0 ? h.loop_seconds : h.seconds;
    if (rtl_s > 0 && r.wall_seconds > 0) {
        std::printf("  speed: Verilator %.3g cycles/s, %.3g inferences/s; SystemC model (%s) %.3g cycles/s, %.3g "
                    "inferences/s (ratio model/RTL %.2f)\n",
                    double(h.cycles) / rtl_s, double(n) / rtl_s, r.scheduler.c_str(), double(r.cycles) / r.wall_seconds,
                    double(n) / r.wall_seconds, rtl_s / r.wall_seconds);
        if (h.seconds > rtl_s)
            std::printf("  testbench process %.3f s, of which the simulation loop %.3f s (%.0f %%)\n", h.seconds,
                        rtl_s, 100.0 * rtl_s / h.seconds);
    }
    return 0;
}

}  // namespace nnsim
