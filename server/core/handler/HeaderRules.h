#pragma once
// A site's header rules (config::HeaderRule), compiled at start-up, and
// the fields they add to one response.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/Config.h"
#include "handler/Glob.h"

namespace tpserve::handler {

class HeadWriter;

class HeaderRules {
public:
    explicit HeaderRules(std::span<const config::HeaderRule> rules);

    // Writes the fields every rule matching `path` (a decoded URL path
    // starting with '/') adds: Cache-Control, Expires (from `now`, seconds
    // since the epoch) and the extra fields; for one field name the last
    // matching rule wins. No allocation; thread-safe.
    void apply(std::string_view path, std::int64_t now, HeadWriter& head) const noexcept;

    // Upper bound of the bytes apply() may write, for the head's reservation.
    [[nodiscard]] std::size_t max_bytes() const noexcept { return max_bytes_; }

private:
    struct Rule {
        Glob glob;
        const config::HeaderRule* source = nullptr;
    };
    std::vector<Rule> rules_;
    std::size_t max_bytes_ = 0;
};

}  // namespace tpserve::handler
