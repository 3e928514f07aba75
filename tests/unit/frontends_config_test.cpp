// Tests of hls4ml config reading and application: precedence, fixed table defaults, auto accumulators
// and the errors of invalid settings.
#include "core/layer_kind.hpp"
#include "frontends/hls4ml_config.hpp"
#include "frontends/load.hpp"
#include "tests/unit/frontends_test_util.hpp"

namespace nnsim {
namespace {

using testing::contains;
using testing::external;
using testing::TempDir;
using testing::user_error_of;

/// Write a YAML config applying to KERAS_3layer (absolute model paths) with the given HLSConfig body.
std::string three_layer_config(const TempDir& tmp, const std::string& name, const std::string& hls_config,
                               const std::string& extra = "") {
    return tmp.write(name, "KerasJson: " + external("keras/KERAS_3layer.json") +
                               "\nKerasH5: " + external("keras/KERAS_3layer_weights.h5") + "\n" + extra +
                               "HLSConfig:\n" + hls_config);
}

// keras-config.yml sets ap_fixed<16,6> at Model level: every variable of every node takes it, the
// accumulator included; table types keep their fixed defaults.
TEST(FrontendConfig, KerasConfigModelPrecision) {
    const Graph g = load_network(external("keras-config.yml"));
    EXPECT_EQ(g.part, "xcku115-flvb2104-2-i");
    EXPECT_DOUBLE_EQ(g.clock_period_ns, 5.0);
    EXPECT_EQ(g.io_type, IoType::kParallel);
    EXPECT_EQ(g.default_precision.to_string(), "fixed<16,6>");
    EXPECT_EQ(g.inputs[0].precision.to_string(), "fixed<16,6>");
    ASSERT_EQ(g.nodes.size(), 8u);
    for (const Node& n : g.nodes) {
        EXPECT_EQ(n.reuse_factor, 1) << n.name;
        EXPECT_EQ(n.strategy, Strategy::kLatency) << n.name;
        for (const auto& var : n.kind->precision_vars()) {
            const std::string want = var.fixed_default.empty() ? "fixed<16,6>" : "fixed<18,8,RND,SAT>";
            EXPECT_EQ(n.type(var.name).to_string(), want) << n.name << " " << var.name;
        }
    }
    EXPECT_EQ(g.nodes[0].type("accum").to_string(), "fixed<16,6>");
    EXPECT_EQ(g.nodes[7].type("exp_table").to_string(), "fixed<18,8,RND,SAT>");
}

// A Model precision given through LoadOptions::config reaches every variable but not the sigmoid table.
TEST(FrontendConfig, ConfigOptionOnKerasJson) {
    TempDir tmp;
    const std::string cfg = tmp.write("c.yml",
                                      "HLSConfig:\n  Model:\n    Precision: ap_fixed<10,4,AP_RND,AP_SAT>\n"
                                      "    ReuseFactor: 2\n    Strategy: resource\nIOType: io_stream\n");
    const Graph g = load_network(external("keras/KERAS_1layer.json"), LoadOptions{"", cfg});
    EXPECT_EQ(g.io_type, IoType::kStream);
    EXPECT_EQ(g.inputs[0].precision.to_string(), "fixed<10,4,RND,SAT>");
    EXPECT_EQ(g.nodes[2].type("accum").to_string(), "fixed<10,4,RND,SAT>");
    EXPECT_EQ(g.nodes[2].reuse_factor, 2);
    EXPECT_EQ(g.nodes[2].strategy, Strategy::kResource);
    EXPECT_EQ(g.nodes[3].type("result").to_string(), "fixed<10,4,RND,SAT>");
    EXPECT_EQ(g.nodes[3].type("table").to_string(), "fixed<18,8>");
}

// qkeras_3layer_config.yml is read as hls4ml reads it (the QKeras model itself is not importable yet).
TEST(FrontendConfig, QkerasConfigFileReads) {
    const Hls4mlConfig cfg = read_hls4ml_config(external("config-files/qkeras_3layer_config.yml"));
    EXPECT_EQ(cfg.part, "xcvu9p-flga2577-2-e");
    EXPECT_EQ(cfg.model.precision.at("default").type.to_string(), "fixed<16,6>");
    EXPECT_EQ(cfg.layer_name.at("fc1").precision.at("weight").type.to_string(), "fixed<6,1>");
    EXPECT_EQ(cfg.layer_name.at("fc1").precision.at("weight").key_path,
              "HLSConfig/LayerName/fc1/Precision/weight");
    EXPECT_EQ(cfg.layer_name.at("relu1").precision.at("result").type.to_string(), "fixed<7,1,RND_CONV,SAT>");
    const ConfigLevel& sm = cfg.layer_name.at("softmax");
    EXPECT_EQ(sm.precision.at("exp_table").type.to_string(), "fixed<18,8>");
    EXPECT_EQ(sm.precision.at("inv_table").type.to_string(), "fixed<18,4>");
    EXPECT_EQ(sm.table_size.value_or(0), 1024);
    // Its KerasJson (keras/qkeras_3layer.json) is relative to example-models' root: give it a keras/ beside
    // it.
    TempDir tmp;
    std::filesystem::create_directory_symlink(external("keras"), tmp.file("keras"));
    std::filesystem::copy_file(external("config-files/qkeras_3layer_config.yml"), tmp.file("q.yml"));
    // The quantizers give the weights and relu results; the config everything else (softmax tables).
    const Graph g = load_network(tmp.file("q.yml"));
    EXPECT_EQ(g.find("fc1")->type("weight").to_string(), "fixed<6,1>");
    EXPECT_EQ(g.find("relu1")->type("result").to_string(), "fixed<7,1,RND_CONV,SAT>");
    EXPECT_EQ(g.find("softmax")->type("inv_table").to_string(), "fixed<18,4>");
}

// The qkeras precedence cases, on KERAS_3layer's layer names: LayerName over LayerType over Model, fixed
// table defaults overridden only by name, and an input layer entry setting the input precision.
TEST(FrontendConfig, LayerNamePrecedence) {
    TempDir tmp;
    const std::string cfg = three_layer_config(tmp, "prec.yml", R"(
  Model:
    Precision: ap_fixed<12,4>
    ReuseFactor: 1
  LayerType:
    Dense:
      ReuseFactor: 4
      Strategy: Resource
    Activation:
      Precision: ap_fixed<9,3>
    Softmax:
      Precision:
        default: ap_fixed<20,8>
  LayerName:
    input_1:
      Precision:
        result: ap_fixed<14,5,AP_RND,AP_SAT>
    fc1_input:
      Trace: true
    fc1_relu:
      Precision:
        bias: ap_fixed<6,1>
        weight: ap_fixed<6,1>
    fc1_relu_relu:
      Precision:
        result: ap_fixed<7,1,AP_RND_CONV,AP_SAT>
    fc2_relu:
      ReuseFactor: 2
    output_softmax_softmax:
      Precision: ap_fixed<16,6>
      exp_table_t: ap_fixed<18,8>
      inv_table_t: ap_fixed<18,4>
      table_size: 512
)");
    const Graph g = load_network(cfg);
    EXPECT_EQ(g.default_precision.to_string(), "fixed<12,4>");
    EXPECT_EQ(g.inputs[0].precision.to_string(), "fixed<14,5,RND,SAT>");
    const Node& fc1 = *g.find("fc1_relu");
    EXPECT_EQ(fc1.type("weight").to_string(), "fixed<6,1>");
    EXPECT_EQ(fc1.type("bias").to_string(), "fixed<6,1>");
    EXPECT_EQ(fc1.type("accum").to_string(), "fixed<12,4>");
    EXPECT_EQ(fc1.type("result").to_string(), "fixed<12,4>");
    EXPECT_EQ(fc1.reuse_factor, 4);
    EXPECT_EQ(fc1.strategy, Strategy::kResource);
    EXPECT_EQ(g.find("fc2_relu")->reuse_factor, 2);
    EXPECT_EQ(g.find("fc2_relu")->strategy, Strategy::kResource);
    EXPECT_EQ(g.find("fc1_relu_relu")->type("result").to_string(), "fixed<7,1,RND_CONV,SAT>");
    EXPECT_EQ(g.find("fc2_relu_relu")->type("result").to_string(), "fixed<9,3>");
    EXPECT_EQ(g.find("fc2_relu_relu")->reuse_factor, 1);
    const Node& sm = *g.find("output_softmax_softmax");
    EXPECT_EQ(sm.type("result").to_string(), "fixed<16,6>");  // layer default beats the LayerType default
    EXPECT_EQ(sm.type("accum").to_string(), "fixed<16,6>");
    EXPECT_EQ(sm.type("exp_table").to_string(), "fixed<18,8>");  // as written: TRN/WRAP
    EXPECT_EQ(sm.type("inv_table").to_string(), "fixed<18,4>");
    EXPECT_EQ(sm.type("inv_inp").to_string(), "fixed<18,8,RND,SAT>");  // no default reaches it
    EXPECT_EQ(sm.get_int("table_size"), 512);
}

// The same settings written as JSON mean the same.
TEST(FrontendConfig, JsonConfigEquivalent) {
    TempDir tmp;
    const std::string cfg = tmp.write("cfg.json", R"({"KerasJson": ")" + external("keras/KERAS_3layer.json") +
                                                      R"(", "IOType": "io_stream", "HLSConfig": {
        "Model": {"Precision": {"default": "ap_fixed<14,4>", "accum": "ap_fixed<20,8>"}, "ReuseFactor": 8},
        "LayerName": {"fc3_relu": {"Precision": {"result": "ap_fixed<10,2>"}}}}})");
    const Graph g = load_network(cfg);
    EXPECT_EQ(g.io_type, IoType::kStream);
    EXPECT_EQ(g.find("fc1_relu")->type("accum").to_string(), "fixed<20,8>");
    EXPECT_EQ(g.find("fc1_relu")->type("weight").to_string(), "fixed<14,4>");
    EXPECT_EQ(g.find("fc3_relu")->type("result").to_string(), "fixed<10,2>");
    EXPECT_EQ(g.find("output_softmax_softmax")->type("accum").to_string(), "fixed<20,8>");
    EXPECT_EQ(g.find("fc1_relu")->reuse_factor, 8);
}

// `auto` dense accumulators follow hls4ml's rule: for 16 inputs at <16,6>,
// W = 16+16+4 = 36, I = 6+6+4 = 16, then with the <16,6> bias I = 17, W = 17 + max(20, 10) = 37.
TEST(FrontendConfig, AutoDenseAccum) {
    TempDir tmp;
    const std::string layer = "  LayerName:\n    fc1_relu:\n      Precision:\n        accum: auto\n";
    Graph g = load_network(
        three_layer_config(tmp, "auto.yml", "  Model:\n    Precision: ap_fixed<16,6>\n" + layer));
    EXPECT_EQ(g.find("fc1_relu")->type("accum").to_string(), "fixed<37,17>");
    g = load_network(three_layer_config(
        tmp, "max.yml",
        "  Model:\n    Precision:\n      default: ap_fixed<16,6>\n      maximum: ap_fixed<24,12>\n" + layer));
    EXPECT_EQ(g.find("fc1_relu")->type("accum").to_string(), "fixed<24,12>");
    const std::string bad =
        three_layer_config(tmp, "bad.yml", "  LayerName:\n    fc1_relu_relu:\n      Precision: auto\n");
    EXPECT_TRUE(
        contains(user_error_of([&] { load_network(bad); }),
                 "bad.yml: HLSConfig/LayerName/fc1_relu_relu/Precision: auto precision is supported only "
                 "for dense accum (layer 'fc1_relu_relu', variable 'result')"));
    // An auto model default is one problem, reported once.
    const std::string model = three_layer_config(tmp, "model.yml", "  Model:\n    Precision: auto\n");
    const std::string msg = user_error_of([&] { load_network(model); });
    EXPECT_TRUE(contains(msg, "model.yml: HLSConfig/Model/Precision: auto precision is supported only"));
    EXPECT_EQ(msg.find('\n'), std::string::npos);
}

// Invalid reuse factors, IO types and strategies name the file and the key path.
TEST(FrontendErrors, InvalidConfigValues) {
    TempDir tmp;
    for (const char* rf : {"0", "-3"}) {
        const std::string cfg = three_layer_config(tmp, "keras-config.yml",
                                                   std::string("  Model:\n    ReuseFactor: ") + rf + "\n");
        const std::string msg = user_error_of([&] { load_network(cfg); });
        EXPECT_TRUE(
            contains(msg, std::string("keras-config.yml: HLSConfig/Model/ReuseFactor: must be a positive "
                                      "integer, got ") +
                              rf));
        EXPECT_EQ(msg.find('\n'), std::string::npos);
    }
    const std::string io =
        three_layer_config(tmp, "io.yml", "  Model:\n    ReuseFactor: 1\n", "IOType: io_foo\n");
    EXPECT_TRUE(contains(user_error_of([&] { load_network(io); }),
                         "io.yml: IOType: must be io_parallel or io_stream, got 'io_foo'"));
    const std::string serial =
        three_layer_config(tmp, "serial.yml", "  Model:\n    ReuseFactor: 1\n", "IOType: io_serial\n");
    EXPECT_TRUE(contains(user_error_of([&] { load_network(serial); }),
                         "serial.yml: IOType: io_serial is not supported"));
    const std::string st =
        three_layer_config(tmp, "st.yml", "  LayerType:\n    Dense:\n      Strategy: ResourceUnrolled\n");
    EXPECT_TRUE(contains(
        user_error_of([&] { load_network(st); }),
        "st.yml: HLSConfig/LayerType/Dense/Strategy: strategy 'ResourceUnrolled' is not supported yet"));
    const std::string prec = three_layer_config(tmp, "prec.yml", "  Model:\n    Precision: ap_fixed<16>\n");
    EXPECT_TRUE(
        contains(user_error_of([&] { load_network(prec); }), "prec.yml: HLSConfig/Model/Precision: "));
}

// Malformed YAML is one line naming the file, line and column.
TEST(FrontendErrors, MalformedYaml) {
    TempDir tmp;
    const std::string bad =
        tmp.write("bad.yml", "KerasJson: a.json\nHLSConfig:\n  Model: [1, 2\n  Other: 3\n");
    const std::string msg = user_error_of([&] { load_network(bad); });
    EXPECT_TRUE(contains(msg, "bad.yml: malformed YAML at line "));
    EXPECT_TRUE(contains(msg, ", column "));
    EXPECT_EQ(msg.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace nnsim
