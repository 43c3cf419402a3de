#include "http/Request.h"

#include "http/Ascii.h"

namespace tpserve::http {

std::string_view Request::header(std::string_view name) const noexcept {
    for (const Header& h : headers) {
        if (ascii::iequals(h.name, name)) {
            return h.value;
        }
    }
    return {};
}

bool Request::has_token(std::string_view name, std::string_view token) const noexcept {
    for (const Header& h : headers) {
        if (!ascii::iequals(h.name, name)) {
            continue;
        }
        std::string_view rest = h.value;
        while (!rest.empty()) {
            const std::size_t comma = rest.find(',');
            const std::string_view item = ascii::trim_ows(rest.substr(0, comma));
            if (ascii::iequals(item, token)) {
                return true;
            }
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
    }
    return false;
}

}  // namespace tpserve::http
