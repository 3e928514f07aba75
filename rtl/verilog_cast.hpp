// Verilog for fixed-point casts with exactly the semantics of nnsim::cast (core/fixed.hpp): the
// rounding mode applied to the dropped fraction bits, then the overflow mode, for every mode of
// ap_fixed. The RTL generator builds every quantization point of every layer from this one function,
// so the generated hardware and the evaluator agree bit for bit (tests/rtl/verilog_cast_test).
#pragma once

#include <ostream>
#include <string>

#include "core/fixed.hpp"

namespace nnsim {

/// The type of a Verilog signal holding a raw fixed-point value: `width` bits, real value
/// raw * 2^-frac, two's complement when is_signed.
struct SignalType {
    int width;
    int frac;
    bool is_signed;
};

/// Writes to `body` the Verilog-2005 declarations and continuous assignments that convert the signal
/// or expression `src` (of type `from`) to type `to`, and returns the name of a wire of `to.width`
/// bits holding the raw result. Internal wires are named `<uniq>_*`; `uniq` must be a unique Verilog
/// identifier prefix within the module. The result is combinational.
std::string emit_cast(std::ostream& body, const std::string& src, const SignalType& from, const FixedType& to,
                      const std::string& uniq);

/// How emit_cast builds a cast, decided once here and shared with the resource estimate
/// (core/resources.cpp): the dropped fraction bits (negative: appended zeros, clamped to what can
/// matter), the rounding mode after simplification for the source's sign, whether overflow needs
/// logic, and the width of the rounded value that the overflow logic examines.
struct CastPlan {
    int shift = 0;
    RoundMode mode = RoundMode::kTrn;
    bool rounds = false;
    bool overflow_logic = false;
    int rounded_width = 0;
};
CastPlan plan_cast(const SignalType& from, const FixedType& to);

/// The SignalType of a value held in FixedType t.
inline SignalType signal_type(const FixedType& t) { return SignalType{t.width, t.frac(), t.is_signed}; }

}  // namespace nnsim
