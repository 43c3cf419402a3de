#pragma once
// Helpers for writing config files in tests.
#include <filesystem>
#include <string>
#include <string_view>

namespace tpserve::integration {

// `s` as a YAML double-quoted scalar (backslashes, quotes and control
// characters escaped), so Linux paths with any characters stay one value.
std::string yaml_quote(std::string_view s);
inline std::string yaml_quote(const std::filesystem::path& p) {
    return yaml_quote(std::string_view(p.string()));
}

}  // namespace tpserve::integration
