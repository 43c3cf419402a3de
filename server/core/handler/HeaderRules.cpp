#include "handler/HeaderRules.h"

#include <algorithm>
#include <array>

#include "files/HttpDate.h"
#include "handler/HeadWriter.h"
#include "http/Ascii.h"

namespace tpserve::handler {

namespace {

constexpr std::size_t kMaxAgeBytes = 64;   // "Cache-Control: max-age=2147483647\r\n"
constexpr std::size_t kExpiresBytes = 64;  // "Expires: <29 bytes>\r\n"

}  // namespace

HeaderRules::HeaderRules(std::span<const config::HeaderRule> rules) {
    rules_.reserve(rules.size());
    std::size_t cache_control = 0;
    for (const config::HeaderRule& rule : rules) {
        rules_.push_back(Rule{Glob(rule.match), &rule});
        cache_control = std::max(cache_control, rule.cache_control.size() + kMaxAgeBytes);
        for (const auto& [name, value] : rule.set)
            max_bytes_ += name.size() + value.size() + 4;
    }
    max_bytes_ += cache_control + kExpiresBytes;
}

void HeaderRules::apply(std::string_view path, std::int64_t now, HeadWriter& head) const noexcept {
    const config::HeaderRule* cache_control = nullptr;
    const config::HeaderRule* max_age = nullptr;
    for (const Rule& rule : rules_) {
        if (!rule.glob.matches(path)) continue;
        if (!rule.source->cache_control.empty()) cache_control = rule.source;
        if (rule.source->max_age >= 0) max_age = rule.source;
    }
    if (cache_control != nullptr) {
        head.field("Cache-Control", cache_control->cache_control);
    } else if (max_age != nullptr) {
        std::array<char, 40> text{};
        constexpr std::string_view kPrefix = "max-age=";
        std::size_t n = kPrefix.copy(text.data(), kPrefix.size());
        std::array<char, 20> digits{};
        std::size_t d = 0;
        auto v = static_cast<std::uint64_t>(max_age->max_age);
        do {
            digits[d++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (d > 0)
            text[n++] = digits[--d];
        head.field("Cache-Control", std::string_view(text.data(), n));
    }
    if (max_age != nullptr) {
        std::array<char, 29> expires{};
        files::format_http_date(now + max_age->max_age, std::span<char, 29>(expires));
        head.field("Expires", std::string_view(expires.data(), expires.size()));
    }
    // Extra fields: the last matching rule that names a field wins, so a
    // rule's field is written only if no later matching rule sets it too.
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        if (!rules_[i].glob.matches(path)) continue;
        for (const auto& [name, value] : rules_[i].source->set) {
            bool overridden = false;
            for (std::size_t j = i + 1; j < rules_.size() && !overridden; ++j) {
                for (const auto& later : rules_[j].source->set) {
                    if (http::ascii::iequals(later.first, name) && rules_[j].glob.matches(path)) {
                        overridden = true;
                        break;
                    }
                }
            }
            if (!overridden) head.field(name, value);
        }
    }
}

}  // namespace tpserve::handler
