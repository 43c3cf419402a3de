#include "handler/DateCache.h"

#include "files/HttpDate.h"
#include "time/TurnClock.h"

namespace tpserve::handler {

std::string_view DateCache::now() noexcept {
    const std::int64_t second = time::TurnClock::unix_seconds();
    if (second != second_) {
        files::format_http_date(second, std::span<char, 29>(text_));
        second_ = second;
    }
    return {text_.data(), text_.size()};
}

}  // namespace tpserve::handler
