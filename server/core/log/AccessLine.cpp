#include "log/AccessLine.h"

#include "log/CivilTime.h"

namespace tpserve::log {

std::size_t format_access_line(AccessFormat format, const AccessRecord& record,
                               char* out) noexcept {
    switch (format) {
        case AccessFormat::Json:
            return format_json_line(record, out);
        case AccessFormat::W3c:
            return format_w3c_line(record, out);
        case AccessFormat::Combined:
            break;
    }
    return format_combined_line(record, out);
}

std::string w3c_header(std::string_view software, std::int64_t unix_time) {
    std::string h = "#Software: ";
    for (const char c : software) {
        const auto u = static_cast<unsigned char>(c);
        h += u < 0x20 || u == 0x7F ? '?' : c;
    }
    h += "\n#Version: 1.0\n#Date: ";
    char date[kW3cLength];
    format_w3c(unix_time, date);
    h.append(date, kW3cLength);
    h += "\n#Fields: ";
    h += kW3cFields;
    h += '\n';
    return h;
}

}  // namespace tpserve::log
