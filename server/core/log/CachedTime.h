#pragma once
// Internal to the access-line formatters. Requests arrive in bursts within
// the same second, so each formatter keeps the text of the last second it
// formatted, one cache per thread (the caller makes it thread_local).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tpserve::log {

template <std::size_t Length, void (*Format)(std::int64_t, char*) noexcept>
class CachedTime {
public:
    [[nodiscard]] std::string_view text(std::int64_t unix_seconds) noexcept {
        if (!valid_ || second_ != unix_seconds) {
            Format(unix_seconds, text_);
            second_ = unix_seconds;
            valid_ = true;
        }
        return {text_, Length};
    }

private:
    std::int64_t second_ = 0;
    bool valid_ = false;
    char text_[Length] = {};
};

}  // namespace tpserve::log
