// Network descriptions: reading, validation messages (file, JSON pointer, layer, what was expected),
// round trip through the writer, and the committed JSON Schema being the generated one.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/diag.hpp"
#include "core/evaluator.hpp"
#include "core/network_json.hpp"

namespace nnsim {
namespace {

/// A two-layer network with inline weights; `layer_extra` is spliced into the dense layer object.
std::string tiny_net(const std::string& layer_extra = "", const std::string& kernel_shape = "[2,2]") {
    return R"({"format": "nnsim-network", "name": "tiny",
      "defaults": {"precision": "fixed<16,6>"},
      "inputs": [{"name": "x", "shape": [2]}],
      "layers": [
        {"name": "fc", "kind": "dense", "n_out": 2)" + layer_extra + R"(,
         "weights": {"kernel": {"shape": )" + kernel_shape + R"(, "data": [0.5, -1.0, 2.0, 0.25]},
                     "bias": {"shape": [2], "data": [0.125, 0.0]}}},
        {"name": "act", "kind": "relu"}
      ]})";
}

std::string error_of(const std::string& text, const std::string& path = "net.json") {
    try {
        parse_network(text, path);
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}

// y = relu(W^T x + b) computed by hand for exactly representable values.
TEST(NetworkJson, TinyNetworkEvaluates) {
    Graph g = parse_network(tiny_net(), "tiny.json");
    ASSERT_EQ(g.nodes.size(), 2u);
    EXPECT_EQ(g.nodes[1].inputs, std::vector<std::string>{"fc"});
    EXPECT_EQ(g.outputs, std::vector<std::string>{"act"});
    Evaluator ev(g);
    const double x[2] = {1.0, 2.0};
    ev.set_input(0, x);
    ev.run();
    // fc: [1*0.5 + 2*2.0 + 0.125, 1*-1.0 + 2*0.25 + 0] = [4.625, -0.5]; relu -> [4.625, 0]
    EXPECT_EQ(ev.node_values(0), (std::vector<double>{4.625, -0.5}));
    EXPECT_EQ(ev.node_values(1), (std::vector<double>{4.625, 0.0}));
    const double* fin[1] = {x};
    ev.run_float({fin[0]});
    EXPECT_DOUBLE_EQ(ev.node_float(1)[0], 4.625);
}

TEST(NetworkJson, MalformedJsonNamesFileAndLine) {
    const std::string e = error_of("{\"format\": \"nnsim-network\",\n \"inputs\": [}", "bad.json");
    EXPECT_EQ(e.rfind("bad.json: malformed JSON: parse error at line 2", 0), 0u) << e;
}

TEST(NetworkJson, UnknownKindNamesPointerAndChoices) {
    std::string t = tiny_net();
    t.replace(t.find("\"relu\""), 6, "\"reluu\"");
    const std::string e = error_of(t);
    EXPECT_NE(e.find("net.json: /layers/1/kind: unknown layer kind 'reluu' (layer act); expected one of dense"),
              std::string::npos)
        << e;
}

TEST(NetworkJson, ShapeMismatchNamesLayer) {
    const std::string e = error_of(tiny_net("", "[3,2]"));
    EXPECT_NE(e.find("/layers/0/weights/kernel/data: has 4 values, shape [3,2] needs 6"), std::string::npos) << e;
    // A consistent kernel of the wrong shape for the input.
    std::string t = tiny_net("", "[4,1]");
    const std::string e2 = error_of(t);
    EXPECT_NE(e2.find("/layers/0 (layer fc): kernel has shape [4,1], expected [2,2]"), std::string::npos) << e2;
}

TEST(NetworkJson, BadPrecisionString) {
    const std::string e = error_of(tiny_net(R"(, "precision": {"weight": "fixed<4,8,XYZ>"})"));
    EXPECT_NE(e.find("net.json: /layers/0/precision/weight: unknown rounding mode 'XYZ' in 'fixed<4,8,XYZ>'"),
              std::string::npos)
        << e;
}

TEST(NetworkJson, NonPositiveReuseFactor) {
    for (const char* rf : {"0", "-3"}) {
        const std::string e = error_of(tiny_net(std::string(R"(, "reuse_factor": )") + rf));
        EXPECT_NE(e.find("/layers/0/reuse_factor: must be a positive integer, got " + std::string(rf) + " (layer fc)"),
                  std::string::npos)
            << e;
    }
}

TEST(NetworkJson, UnknownParameterAndMissingRequired) {
    std::string t = tiny_net(R"(, "units": 3)");
    EXPECT_NE(error_of(t).find("unknown parameter 'units' for kind dense (expected one of n_out, binary_input)"), std::string::npos);
    t = tiny_net();
    t.replace(t.find("\"n_out\": 2"), 10, "\"n_outs\": 2");
    const std::string e = error_of(t);
    EXPECT_NE(e.find("missing required parameter 'n_out'"), std::string::npos) << e;
}

TEST(NetworkJson, CollectsEveryError) {
    std::string t = tiny_net(R"(, "reuse_factor": 0, "precision": "fixed<4,8,XYZ>")");
    const std::string e = error_of(t);
    EXPECT_NE(e.find("reuse_factor"), std::string::npos);
    EXPECT_NE(e.find("XYZ"), std::string::npos);
    EXPECT_NE(e.find('\n'), std::string::npos) << "expected one line per problem: " << e;
}

TEST(NetworkJson, MissingAndTruncatedHdf5) {
    const std::string h5 =
        std::filesystem::path(std::string(NNSIM_SHARED_DIR) + "/external_models/keras/KERAS_3layer_weights.h5")
            .lexically_normal()
            .string();
    auto net_with = [&](const std::string& file, const std::string& dataset) {
        return R"({"format": "nnsim-network", "weights_file": ")" + file + R"(",
          "inputs": [{"name": "x", "shape": [16]}],
          "layers": [{"name": "fc1", "kind": "dense", "n_out": 64,
                      "weights": {"kernel": {"h5": ")" + dataset + R"("}}}]})";
    };
    // The real file and dataset load.
    Graph g = parse_network(net_with(h5, "/fc1_relu/fc1_relu/kernel:0"), "n.json");
    EXPECT_EQ(g.nodes[0].weights.at("kernel").shape, (Shape{16, 64}));
    std::string e = error_of(net_with(h5, "/fc1_relu/fc1_relu/nope:0"), "n.json");
    EXPECT_NE(e.find("n.json: /layers/0/weights/kernel: " + h5 + ": dataset /fc1_relu/fc1_relu/nope:0 not found"),
              std::string::npos)
        << e;
    // A truncated copy of the weight file.
    const std::string cut = (std::filesystem::temp_directory_path() / "nnsim_truncated.h5").string();
    {
        std::ifstream in(h5, std::ios::binary);
        std::string bytes(4000, '\0');
        in.read(bytes.data(), long(bytes.size()));
        std::ofstream out(cut, std::ios::binary);
        out.write(bytes.data(), long(bytes.size()));
    }
    e = error_of(net_with(cut, "/fc1_relu/fc1_relu/kernel:0"), "n.json");
    EXPECT_NE(e.find(cut + ":"), std::string::npos) << e;
    EXPECT_TRUE(e.find("truncated") != std::string::npos || e.find("corrupt") != std::string::npos) << e;
    std::remove(cut.c_str());
}

// Writing then reading gives the same graph (inline weights).
TEST(NetworkJson, RoundTrip) {
    Graph g = parse_network(tiny_net(R"(, "reuse_factor": 2, "strategy": "Resource")"), "tiny.json");
    WriteOptions wo;
    wo.inline_weights = true;
    const std::string text = write_network(g, wo);
    Graph h = parse_network(text, "again.json");
    EXPECT_EQ(write_network(h, wo), text);
    EXPECT_EQ(h.nodes[0].reuse_factor, 2);
    EXPECT_EQ(h.nodes[0].strategy, Strategy::kResource);
}

// configs/network.schema.json is generated from the kind declarations, never edited by hand.
TEST(NetworkJson, CommittedSchemaIsGenerated) {
    std::ifstream f(std::string(NNSIM_SOURCE_DIR) + "/configs/network.schema.json");
    ASSERT_TRUE(f) << "configs/network.schema.json missing; regenerate with: nnsim schema -o configs/network.schema.json";
    std::stringstream ss;
    ss << f.rdbuf();
    EXPECT_EQ(ss.str(), network_schema())
        << "configs/network.schema.json is stale; regenerate with: nnsim schema -o configs/network.schema.json";
}

}  // namespace
}  // namespace nnsim
