#pragma once
// "a.css" + ".br" written into a caller's buffer, for the open_siblings
// implementations: no allocation for names of any usual length.
#include <algorithm>
#include <span>
#include <string_view>

namespace tpserve::files {

// The joined name in `buffer`; "" if it does not fit.
inline std::string_view sibling_name(std::string_view relative, std::string_view suffix,
                                     std::span<char> buffer) noexcept {
    const std::size_t length = relative.size() + suffix.size();
    if (length > buffer.size()) return {};
    std::copy(relative.begin(), relative.end(), buffer.begin());
    std::copy(suffix.begin(), suffix.end(),
              buffer.begin() + static_cast<std::ptrdiff_t>(relative.size()));
    return {buffer.data(), length};
}

}  // namespace tpserve::files
