// The identity of the running nnsim build: the GNU build-id note that the linker writes into the
// executable (or into the Python module, when nnsim runs inside Python). Any change of code gives
// another one, so results stored by one build (the sweep store) can be told from another's.
#pragma once

#include <string>

namespace nnsim {

/// The build-id of the object that holds nnsim's code, in hex; empty if the linker wrote none.
const std::string& build_id();

}  // namespace nnsim
