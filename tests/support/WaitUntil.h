#pragma once
// The one way a test waits for something another thread or process does:
// poll a condition, bounded. Never a bare sleep in its place.
#include <chrono>
#include <functional>

namespace tpserve::support {

// Calls `condition` until it holds or `limit` passes, every `step`; returns
// its last answer. The step only paces the polling: a condition that holds
// is seen at most one step late, one that never does fails after `limit`.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds limit = std::chrono::seconds(5),
                std::chrono::milliseconds step = std::chrono::milliseconds(2));

}  // namespace tpserve::support
