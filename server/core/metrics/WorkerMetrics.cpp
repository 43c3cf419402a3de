#include "metrics/WorkerMetrics.h"

namespace tpserve::metrics {

std::size_t duration_bucket(std::chrono::nanoseconds elapsed) noexcept {
    const std::int64_t value = elapsed.count();
    for (std::size_t i = 0; i < kDurationBoundsNs.size(); ++i) {
        if (value <= kDurationBoundsNs[i]) return i;
    }
    return kDurationBoundsNs.size();
}

}  // namespace tpserve::metrics
