// Tests of the Keras importer and of load_network's detection by content, on the hls4ml example models.
// Reference weight values were read independently with h5dump (-m "%.9g", float32 round-trip exact).
#include <hdf5.h>

#include "core/layer_kind.hpp"
#include "core/network_json.hpp"
#include "frontends/keras.hpp"
#include "frontends/load.hpp"
#include "tests/unit/frontends_test_util.hpp"

namespace nnsim {
namespace {

using testing::contains;
using testing::external;
using testing::TempDir;
using testing::user_error_of;

/// Node names, kind names and output sizes of a graph, in order.
void expect_layers(const Graph& g, const std::vector<std::tuple<std::string, std::string, int>>& want) {
    ASSERT_EQ(g.nodes.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(g.nodes[i].name, std::get<0>(want[i])) << "node " << i;
        EXPECT_STREQ(g.nodes[i].kind->name(), std::get<1>(want[i]).c_str()) << g.nodes[i].name;
        EXPECT_EQ(g.nodes[i].shape, Shape{std::get<2>(want[i])}) << g.nodes[i].name;
    }
}

/// Delete an object (dataset) or a group's attribute from an HDF5 file, through the C API.
void h5_delete(const std::string& file, const std::string& object, const std::string& attribute = "") {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0) << file;
    if (attribute.empty()) EXPECT_GE(H5Ldelete(f, object.c_str(), H5P_DEFAULT), 0);
    else
        EXPECT_GE(H5Adelete_by_name(f, object.c_str(), attribute.c_str(), H5P_DEFAULT), 0);
    H5Fclose(f);
}

// KERAS_3layer: four Dense layers, each split into dense + activation as hls4ml names them.
TEST(FrontendKeras, ThreeLayerStructure) {
    const Graph g = load_network(external("keras/KERAS_3layer.json"));
    EXPECT_EQ(g.name, "KERAS_3layer");
    ASSERT_EQ(g.inputs.size(), 1u);
    EXPECT_EQ(g.inputs[0].name, "input_1");
    EXPECT_EQ(g.inputs[0].shape, Shape{16});
    expect_layers(g, {{"fc1_relu", "dense", 64},
                      {"fc1_relu_relu", "relu", 64},
                      {"fc2_relu", "dense", 32},
                      {"fc2_relu_relu", "relu", 32},
                      {"fc3_relu", "dense", 32},
                      {"fc3_relu_relu", "relu", 32},
                      {"output_softmax", "dense", 5},
                      {"output_softmax_softmax", "softmax", 5}});
    EXPECT_EQ(g.outputs, std::vector<std::string>{"output_softmax_softmax"});
    EXPECT_EQ(g.nodes[0].inputs, std::vector<std::string>{"input_1"});
    EXPECT_EQ(g.nodes[2].inputs, std::vector<std::string>{"fc1_relu_relu"});
    EXPECT_STREQ(g.nodes[0].kind->hls4ml_class(), "Dense");
    EXPECT_STREQ(g.nodes[1].kind->hls4ml_class(), "Activation");
    EXPECT_STREQ(g.nodes[7].kind->hls4ml_class(), "Softmax");
    EXPECT_EQ(g.nodes[0].get_int("n_out"), 64);

    const WeightTensor& k1 = g.nodes[0].weights.at("kernel");
    EXPECT_EQ(k1.shape, (Shape{16, 64}));
    EXPECT_EQ(k1.data[0], double(0.273134738f));
    EXPECT_EQ(k1.data[1], double(-0.121133164f));
    EXPECT_EQ(k1.data[2], double(0.495214611f));
    EXPECT_EQ(k1.data[15 * 64 + 63], double(-0.365120739f));
    EXPECT_EQ(k1.dataset, "/fc1_relu/fc1_relu/kernel:0");
    EXPECT_TRUE(contains(k1.file, "KERAS_3layer_weights.h5"));
    const WeightTensor& b1 = g.nodes[0].weights.at("bias");
    EXPECT_EQ(b1.shape, Shape{64});
    EXPECT_EQ(b1.data[2], double(0.85520649f));
    const WeightTensor& k4 = g.nodes[6].weights.at("kernel");
    EXPECT_EQ(k4.shape, (Shape{32, 5}));
    EXPECT_EQ(k4.data[31 * 5 + 4], double(0.274296314f));
    EXPECT_EQ(g.nodes[6].weights.at("bias").data[0], double(-0.321016222f));
    // No config: hls4ml's defaults.
    EXPECT_EQ(g.inputs[0].precision.to_string(), "fixed<16,6>");
    EXPECT_EQ(g.nodes[0].type("accum").to_string(), "fixed<16,6>");
    EXPECT_EQ(g.nodes[0].reuse_factor, 1);
    EXPECT_EQ(g.io_type, IoType::kParallel);
}

// KERAS_1layer: 10 -> 32 relu -> 1 sigmoid; the sigmoid table keeps hls4ml's ap_fixed<18,8>.
TEST(FrontendKeras, OneLayerStructure) {
    const Graph g = load_network(external("keras/KERAS_1layer.json"));
    EXPECT_EQ(g.inputs[0].shape, Shape{10});
    expect_layers(g, {{"fc1_relu", "dense", 32},
                      {"fc1_relu_relu", "relu", 32},
                      {"output_sigmoid", "dense", 1},
                      {"output_sigmoid_sigmoid", "sigmoid", 1}});
    const WeightTensor& k = g.nodes[2].weights.at("kernel");
    EXPECT_EQ(k.shape, (Shape{32, 1}));
    EXPECT_EQ(k.data[0], double(-1.13004315f));
    EXPECT_EQ(k.data[2], double(-0.818155289f));
    EXPECT_EQ(g.nodes[2].weights.at("bias").data[0], double(0.0985319614f));
    EXPECT_EQ(g.nodes[3].type("table").to_string(), "fixed<18,8>");
    EXPECT_EQ(g.nodes[3].get_int("table_size"), 1024);
}

// KERAS_3layer_batch_norm: linear Dense layers (no activation node), BatchNormalization, Activation.
TEST(FrontendKeras, BatchNormStructure) {
    const Graph g = load_network(external("keras/KERAS_3layer_batch_norm.json"));
    expect_layers(g, {{"fc1_relu", "dense", 64},
                      {"bn1", "batchnorm", 64},
                      {"relu1", "relu", 64},
                      {"fc2_relu", "dense", 32},
                      {"bn2", "batchnorm", 32},
                      {"relu2", "relu", 32},
                      {"fc3_relu", "dense", 32},
                      {"bn3", "batchnorm", 32},
                      {"relu3", "relu", 32},
                      {"output_softmax", "dense", 5},
                      {"bn4", "batchnorm", 5},
                      {"softmax", "softmax", 5}});
    const Node& bn1 = g.nodes[1];
    EXPECT_DOUBLE_EQ(bn1.get_float("epsilon"), 1e-6);
    EXPECT_STREQ(bn1.kind->hls4ml_class(), "BatchNormalization");
    EXPECT_EQ(bn1.weights.at("gamma").data[1], double(0.974672794f));
    EXPECT_EQ(bn1.weights.at("moving_variance").data[63], double(0.70621103f));
    const Node& bn4 = g.nodes[10];
    EXPECT_EQ(bn4.weights.at("beta").shape, Shape{5});
    EXPECT_EQ(bn4.weights.at("beta").data[4], double(0.059628956f));
    EXPECT_EQ(bn4.weights.at("moving_mean").data[1], double(0.212706417f));
    EXPECT_EQ(bn4.weights.at("moving_mean").dataset, "/bn4/bn4/moving_mean:0");
}

// A Sequential model without InputLayer, with the other supported classes: the input is named
// "<first layer>_input", Dropout and a 1-D Flatten disappear, use_bias/center false drop those weights.
TEST(FrontendKeras, SequentialLayersAndRewiring) {
    TempDir tmp;
    const std::string json = R"({"class_name": "Sequential", "config": {"layers": [
      {"class_name": "Dense", "config": {"name": "fc1_relu", "units": 64, "activation": "relu6",
                                         "batch_input_shape": [null, 16]}},
      {"class_name": "BatchNormalization", "config": {"name": "bn1", "center": false, "axis": -1}},
      {"class_name": "Dropout", "config": {"name": "drop", "rate": 0.5}},
      {"class_name": "Flatten", "config": {"name": "flat"}},
      {"class_name": "ReLU", "config": {"name": "r_max", "max_value": 4.0}},
      {"class_name": "ReLU", "config": {"name": "r_leaky", "negative_slope": 0.125}},
      {"class_name": "LeakyReLU", "config": {"name": "leaky"}},
      {"class_name": "Dense", "config": {"name": "fc2_relu", "units": 32, "use_bias": false}},
      {"class_name": "Activation", "config": {"name": "th", "activation": "tanh"}},
      {"class_name": "Softmax", "config": {"name": "sm", "axis": -1}}]}})";
    const std::string path = tmp.write("seq.json", json);
    LoadOptions opt;
    opt.weights = external("keras/KERAS_3layer_batch_norm_weights.h5");
    const Graph g = load_network(path, opt);
    ASSERT_EQ(g.inputs.size(), 1u);
    EXPECT_EQ(g.inputs[0].name, "fc1_relu_input");
    expect_layers(g, {{"fc1_relu", "dense", 64},
                      {"fc1_relu_relu6", "clipped_relu", 64},
                      {"bn1", "batchnorm", 64},
                      {"r_max", "clipped_relu", 64},
                      {"r_leaky", "leaky_relu", 64},
                      {"leaky", "leaky_relu", 64},
                      {"fc2_relu", "dense", 32},
                      {"th", "tanh", 32},
                      {"sm", "softmax", 32}});
    EXPECT_DOUBLE_EQ(g.nodes[1].get_float("max_value"), 6.0);
    EXPECT_EQ(g.nodes[2].weights.count("beta"), 0u);
    EXPECT_EQ(g.nodes[2].weights.count("gamma"), 1u);
    EXPECT_EQ(g.nodes[3].inputs, std::vector<std::string>{"bn1"});  // Dropout and Flatten rewired
    EXPECT_DOUBLE_EQ(g.nodes[3].get_float("max_value"), 4.0);
    EXPECT_DOUBLE_EQ(g.nodes[4].get_float("alpha"), 0.125);
    EXPECT_DOUBLE_EQ(g.nodes[5].get_float("alpha"), 0.3);
    EXPECT_EQ(g.nodes[6].weights.count("bias"), 0u);
    EXPECT_EQ(g.outputs, std::vector<std::string>{"sm"});
}

// Without weight_names attributes the datasets are found by searching the layer groups.
TEST(FrontendKeras, WeightsFoundWithoutWeightNames) {
    TempDir tmp;
    const std::string weights = tmp.file("w.h5");
    std::filesystem::copy_file(external("keras/KERAS_3layer_weights.h5"), weights);
    for (const char* layer : {"/fc1_relu", "/fc2_relu", "/fc3_relu", "/output_softmax"})
        h5_delete(weights, layer, "weight_names");
    const Graph g = load_network(external("keras/KERAS_3layer.json"), LoadOptions{weights, ""});
    EXPECT_EQ(g.nodes[0].weights.at("kernel").data[0], double(0.273134738f));
    EXPECT_EQ(g.nodes[0].weights.at("kernel").dataset, "/fc1_relu/fc1_relu/kernel:0");
}

// Files are recognised by content: a Keras JSON and an nnsim description under unrelated extensions.
TEST(FrontendLoad, DetectsFilesByContent) {
    TempDir tmp;
    std::filesystem::copy_file(external("keras/KERAS_3layer.json"), tmp.file("model.txt"));
    std::filesystem::copy_file(external("keras/KERAS_3layer_weights.h5"), tmp.file("model_weights.h5"));
    const Graph g = load_network(tmp.file("model.txt"));
    EXPECT_EQ(g.nodes.size(), 8u);
    WriteOptions wo;
    wo.out_path = tmp.file("net.dat");
    const std::string desc = tmp.write("net.dat", write_network(g, wo));
    const Graph back = load_network(desc);
    EXPECT_EQ(back.nodes.size(), 8u);
    EXPECT_EQ(back.nodes[0].weights.at("kernel").data[0], double(0.273134738f));
    const std::string other = tmp.write("other.json", R"({"name": "x", "layers": []})");
    EXPECT_TRUE(contains(user_error_of([&] { load_network(other); }), "not a recognized network file"));
}

// Unsupported Keras classes name the layer and its class, in a full-model HDF5 file as well (GarNet).
TEST(FrontendErrors, UnsupportedLayerClass) {
    const std::string garnet =
        user_error_of([] { load_network(external("keras/garnet_1layer_weights.h5")); });
    EXPECT_TRUE(contains(garnet, "layer 'gar_1' (GarNet) is not supported yet"));
    EXPECT_TRUE(contains(garnet, "garnet_1layer_weights.h5"));
    EXPECT_EQ(garnet.find('\n'), std::string::npos);
}

// Unsupported layer settings: an activation nnsim lacks.
TEST(FrontendErrors, UnsupportedLayerSettings) {
    TempDir tmp;
    const std::string elu = tmp.write("gelu.json", R"({"class_name": "Sequential", "config": [
      {"class_name": "Dense", "config": {"name": "fc1_relu", "units": 64, "activation": "gelu",
                                         "batch_input_shape": [null, 16]}}]})");
    const LoadOptions opt{external("keras/KERAS_3layer_weights.h5"), ""};
    EXPECT_TRUE(
        contains(user_error_of([&] { load_network(elu, opt); }),
                 "/config/0/config/activation (layer fc1_relu): activation 'gelu' is not supported yet"));
}

// Flatten of a multi-dimensional input becomes a reshape to [n] that the dense layer reads.
TEST(FrontendKeras, MultiDimensionalFlattenIsReshape) {
    TempDir tmp;
    const std::string flat = tmp.write("flat.json", R"({"class_name": "Sequential", "config": [
      {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 4, 4]}},
      {"class_name": "Flatten", "config": {"name": "flatten_1"}},
      {"class_name": "Dense", "config": {"name": "fc1_relu", "units": 64, "activation": "linear"}}]})");
    const LoadOptions opt{external("keras/KERAS_3layer_weights.h5"), ""};
    const Graph g = load_network(flat, opt);
    ASSERT_GE(g.nodes.size(), 2u);
    EXPECT_STREQ(g.nodes[0].kind->name(), "reshape");
    EXPECT_EQ(g.nodes[0].shape, (Shape{16}));
    EXPECT_EQ(g.nodes[1].inputs, std::vector<std::string>{g.nodes[0].name});
    EXPECT_EQ(g.nodes[1].shape, (Shape{64}));
}

// A weights file lacking one dataset: the error names the file, the dataset and the layer.
TEST(FrontendErrors, MissingDataset) {
    TempDir tmp;
    const std::string weights = tmp.file("broken_weights.h5");
    std::filesystem::copy_file(external("keras/KERAS_3layer_weights.h5"), weights);
    h5_delete(weights, "/fc2_relu/fc2_relu/kernel:0");
    const std::string msg = user_error_of([&] {
        load_network(external("keras/KERAS_3layer.json"), LoadOptions{weights, ""});
    });
    EXPECT_TRUE(contains(msg, "broken_weights.h5: dataset /fc2_relu/fc2_relu/kernel:0 not found"));
    EXPECT_TRUE(contains(msg, "kernel of layer 'fc2_relu' (Dense)"));
    EXPECT_EQ(msg.find('\n'), std::string::npos);
}

// A truncated HDF5 file, as weights and as a full model; and a model JSON with no weights beside it.
TEST(FrontendErrors, TruncatedOrMissingHdf5) {
    TempDir tmp;
    std::ifstream in(external("keras/KERAS_3layer_weights.h5"), std::ios::binary);
    std::string head(1000, '\0');
    in.read(head.data(), 1000);
    const std::string cut = tmp.write("cut.h5", head);
    const std::string as_weights = user_error_of([&] {
        load_network(external("keras/KERAS_3layer.json"), LoadOptions{cut, ""});
    });
    EXPECT_TRUE(contains(as_weights, "cut.h5"));
    EXPECT_TRUE(contains(as_weights, "truncated"));
    EXPECT_TRUE(contains(user_error_of([&] { load_network(cut); }), "truncated"));
    std::filesystem::copy_file(external("keras/KERAS_3layer.json"), tmp.file("alone.json"));
    EXPECT_TRUE(contains(user_error_of([&] { load_network(tmp.file("alone.json")); }),
                         "no weights file found: tried " + tmp.file("alone_weights.h5")));
}

// Malformed JSON is one line naming the file, line and column.
TEST(FrontendErrors, MalformedJson) {
    TempDir tmp;
    const std::string bad = tmp.write("bad.json", "{\n  \"class_name\": \"Model\",\n  \"config\": {,\n}\n");
    const std::string msg = user_error_of([&] { load_network(bad); });
    EXPECT_TRUE(contains(msg, "bad.json: malformed JSON: parse error at line 3, column 14"));
    EXPECT_EQ(msg.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace nnsim
