// The list of layer kinds: one line per kind. Adding a kind means adding its folder under models/
// and one line here; nothing else in nnsim names a kind.
#include "core/registry.hpp"
#include "models/add/add.hpp"
#include "models/average/average.hpp"
#include "models/batchnorm_quantized_tanh/batchnorm_quantized_tanh.hpp"
#include "models/batchnorm/batchnorm.hpp"
#include "models/bipolar/bipolar.hpp"
#include "models/clipped_relu/clipped_relu.hpp"
#include "models/concatenate/concatenate.hpp"
#include "models/conv1d/conv1d.hpp"
#include "models/conv2d/conv2d.hpp"
#include "models/cropping/cropping.hpp"
#include "models/dense/dense.hpp"
#include "models/depthwise_conv1d/depthwise_conv1d.hpp"
#include "models/depthwise_conv2d/depthwise_conv2d.hpp"
#include "models/elu/elu.hpp"
#include "models/fixed_point_quantizer/fixed_point_quantizer.hpp"
#include "models/gru/gru.hpp"
#include "models/hard_activation/hard_activation.hpp"
#include "models/leaky_relu/leaky_relu.hpp"
#include "models/linear/linear.hpp"
#include "models/lstm/lstm.hpp"
#include "models/maximum/maximum.hpp"
#include "models/minimum/minimum.hpp"
#include "models/multiply/multiply.hpp"
#include "models/pooling/pooling.hpp"
#include "models/relu/relu.hpp"
#include "models/reshape/reshape.hpp"
#include "models/sigmoid/sigmoid.hpp"
#include "models/simple_rnn/simple_rnn.hpp"
#include "models/softmax/softmax.hpp"
#include "models/subtract/subtract.hpp"
#include "models/tanh/tanh.hpp"
#include "models/ternary/ternary.hpp"
#include "models/upsampling/upsampling.hpp"
#include "models/zero_padding/zero_padding.hpp"

namespace nnsim {

void register_all_kinds(Registry& reg) {
    reg.add(std::make_unique<DenseKind>());
    reg.add(std::make_unique<BatchNormKind>());
    reg.add(std::make_unique<ReluKind>());
    reg.add(std::make_unique<ClippedReluKind>());
    reg.add(std::make_unique<LeakyReluKind>());
    reg.add(std::make_unique<LinearKind>());
    reg.add(std::make_unique<SigmoidKind>());
    reg.add(std::make_unique<TanhKind>());
    reg.add(std::make_unique<SoftmaxKind>());
    reg.add(std::make_unique<ReshapeKind>());
    reg.add(std::make_unique<AddKind>());
    reg.add(std::make_unique<Conv1DKind>());
    reg.add(std::make_unique<Conv2DKind>());
    reg.add(std::make_unique<DepthwiseConv1DKind>());
    reg.add(std::make_unique<DepthwiseConv2DKind>());
    reg.add(std::make_unique<ZeroPaddingKind>(1));
    reg.add(std::make_unique<ZeroPaddingKind>(2));
    reg.add(std::make_unique<CroppingKind>(1));
    reg.add(std::make_unique<CroppingKind>(2));
    reg.add(std::make_unique<UpSamplingKind>(1));
    reg.add(std::make_unique<UpSamplingKind>(2));
    reg.add(std::make_unique<PoolingKind>(1));
    reg.add(std::make_unique<PoolingKind>(2));
    reg.add(std::make_unique<GlobalPoolingKind>(1));
    reg.add(std::make_unique<GlobalPoolingKind>(2));
    reg.add(std::make_unique<SubtractKind>());
    reg.add(std::make_unique<MultiplyKind>());
    reg.add(std::make_unique<AverageKind>());
    reg.add(std::make_unique<MaximumKind>());
    reg.add(std::make_unique<MinimumKind>());
    reg.add(std::make_unique<ConcatenateKind>());
    reg.add(std::make_unique<BipolarKind>());
    reg.add(std::make_unique<TernaryKind>());
    reg.add(std::make_unique<BatchNormQuantizedTanhKind>());
    reg.add(std::make_unique<FixedPointQuantizerKind>());
    reg.add(std::make_unique<HardActivationKind>());
    reg.add(std::make_unique<EluKind>());
    reg.add(std::make_unique<SeluKind>());
    reg.add(std::make_unique<LstmKind>());
    reg.add(std::make_unique<GruKind>());
    reg.add(std::make_unique<SimpleRnnKind>());
}

}  // namespace nnsim
