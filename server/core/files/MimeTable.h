#pragma once
// File name → Content-Type, from a built-in table (a superset of nginx 1.22's
// mime.types) plus the configuration's overrides.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/Config.h"

namespace tpserve::files {

class MimeTable {
public:
    // Override extensions are matched case-insensitively and win over the
    // built-in table; a later override for the same extension wins over an
    // earlier one. Text types (see wants_charset) without parameters get
    // "; charset=utf-8" appended, overrides and default_type included.
    MimeTable(std::span<const config::MimeOverride> overrides, std::string default_type);

    // The full Content-Type value for the extension of the last segment of
    // `path_or_name` (after its last '.', case-insensitive); default_type when
    // there is none or it is unknown. No allocation. The view stays valid for
    // the table's lifetime. Thread-safe (const).
    [[nodiscard]] std::string_view lookup(std::string_view path_or_name) const noexcept;

    [[nodiscard]] std::string_view default_type() const noexcept { return default_type_; }

    // text/*, application/{javascript,json,xml}, and any +xml or +json type.
    [[nodiscard]] static bool wants_charset(std::string_view type) noexcept;

private:
    std::vector<std::pair<std::string, std::string>> overrides_;  // sorted by extension
    std::string default_type_;
};

}  // namespace tpserve::files
