#pragma once
// Tries io_uring on this machine the way the backend will use it: the same
// setup flags, then the opcodes the backend submits. Start-up only.
#include "platform/linux/BackendChoice.h"

namespace tpserve::platform {

[[nodiscard]] UringAttempt probe_io_uring();

}  // namespace tpserve::platform
