// Linear activation: y = result_t(x) (hls4ml nnet::linear; a type conversion).
#pragma once

#include "models/common/unary.hpp"
#include "rtl/verilog_cast.hpp"

namespace nnsim {

class LinearKind : public UnaryKind {
  public:
    const char* name() const override { return "linear"; }
    const char* summary() const override { return "identity activation, a cast to the result type"; }
    const char* hls4ml_class() const override { return "Activation"; }
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override {
        return make_select_op(node, in.types[0], [](int64_t x) { return x; }, [](double x) { return x; });
    }

    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
  protected:
    std::string rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                            const FixedType& res, const std::string& uniq) const override {
        (void)node;
        return emit_cast(os, x, signal_type(in), res, uniq + "_c");
    }
};

}  // namespace nnsim
