// ELU and SELU (hls4ml nnet::elu, nnet::selu): the non-negative branch is arithmetic, the negative one
// a table of N = table_size entries of table_t (default fixed<18,8>) over x in [-8, 0): entry i is
// f(in_i), in_i = float(-8 * i / N), and x < 0 reads entry min(trunc0(x * N / -8), N - 1).
//   elu:  x >= 0: result_t(x);                 x < 0: result_t(alpha_r * table[i]), alpha_r = result_t(alpha)
//   selu: x >= 0: result_t(lambda_r * x), lambda_r = result_t(1.0507...);  x < 0: result_t(table[i])
// (hls4ml's io_parallel code; its io_stream selu takes lambda in the input type instead.)
// Timing: II 1, latency 2 (index and non-negative value registered, then the table and the choice).
#pragma once

#include <vector>

#include "models/common/table_activation.hpp"

namespace nnsim {

class EluFamilyKind : public LookupTableKind {
  public:
    std::vector<ParamSpec> params() const override;  ///< table_size, and elu's alpha
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;

    /// Raw table_t values of the negative branch's table.
    std::vector<int64_t> table(const Node& node) const;
    /// Table index of a negative raw input of type `in`: min(trunc0(x * N / -8), N - 1).
    static int index(int64_t x_raw, const FixedType& in, int table_size);

  protected:
    virtual bool selu() const = 0;
};

class EluKind : public EluFamilyKind {
  public:
    const char* name() const override { return "elu"; }
    const char* summary() const override { return "exponential linear unit x >= 0 ? x : alpha * (exp(x) - 1), table-based"; }
    const char* hls4ml_class() const override { return "ELU"; }

  protected:
    bool selu() const override { return false; }
};

class SeluKind : public EluFamilyKind {
  public:
    const char* name() const override { return "selu"; }
    const char* summary() const override { return "scaled ELU lambda * (x >= 0 ? x : 1.6733 * (exp(x) - 1)), table-based"; }
    const char* hls4ml_class() const override { return "Activation"; }

  protected:
    bool selu() const override { return true; }
};

}  // namespace nnsim
