#include "metrics/WorkerMetrics.h"

namespace tpserve::metrics {

std::size_t duration_bucket(std::chrono::nanoseconds elapsed) noexcept {
    // The bounds in nanoseconds, computed once at compile time so that the
    // request path compares integers.
    static constexpr auto kBoundsNs = [] {
        std::array<std::int64_t, kDurationBounds.size()> ns{};
        for (std::size_t i = 0; i < ns.size(); ++i)
            ns[i] = static_cast<std::int64_t>(kDurationBounds[i] * 1e9 + 0.5);
        return ns;
    }();
    const std::int64_t value = elapsed.count();
    for (std::size_t i = 0; i < kBoundsNs.size(); ++i) {
        if (value <= kBoundsNs[i]) return i;
    }
    return kBoundsNs.size();
}

}  // namespace tpserve::metrics
