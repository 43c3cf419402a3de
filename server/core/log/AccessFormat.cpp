#include "log/AccessFormat.h"

namespace tpserve::log {

std::optional<AccessFormat> access_format_from_name(std::string_view name) noexcept {
    if (name == "combined") return AccessFormat::Combined;
    if (name == "json") return AccessFormat::Json;
    if (name == "w3c") return AccessFormat::W3c;
    return std::nullopt;
}

std::string_view access_format_name(AccessFormat format) noexcept {
    switch (format) {
        case AccessFormat::Combined:
            return "combined";
        case AccessFormat::Json:
            return "json";
        case AccessFormat::W3c:
            return "w3c";
    }
    return "combined";
}

}  // namespace tpserve::log
