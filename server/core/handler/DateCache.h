#pragma once
// The Date header value, formatted at most once per second. One instance
// per worker thread (not thread-safe by design: no locking on the hot path).
#include <array>
#include <cstdint>
#include <string_view>

namespace tpserve::handler {

class DateCache {
public:
    // IMF-fixdate for the loop turn's time (time::TurnClock); the view is valid
    // until the next call.
    [[nodiscard]] std::string_view now() noexcept;

private:
    std::int64_t second_ = -1;
    std::array<char, 29> text_{};
};

}  // namespace tpserve::handler
