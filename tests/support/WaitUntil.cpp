#include "WaitUntil.h"

#include <thread>

namespace tpserve::support {

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit,
                std::chrono::milliseconds step) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(step);
    }
    return condition();
}

}  // namespace tpserve::support
