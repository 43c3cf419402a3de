#pragma once
// Checks every file range of a plan against its file's current size before
// a transmit. Windows refuses a TransmitFile/TransmitPackets range outside
// the file with WSAEINVAL, while Wine sends short and reports success; both
// then break the response's framing, so the backend checks first and ends the
// connection instead. Not pure (asks the file system); kept apart from the
// pure builders in SendTranslation.h.
#include "plan/TransmitPlan.h"

namespace tpserve::platform {

// True if every pending file part lies within its file (offset + length <=
// size, via GetFileSizeEx on the part's HANDLE). False on the first part that
// does not, or whose size cannot be read. No allocation; thread-safe.
[[nodiscard]] bool plan_ranges_valid(const plan::TransmitPlan& plan) noexcept;

}  // namespace tpserve::platform
