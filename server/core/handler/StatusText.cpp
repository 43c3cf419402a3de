#include "handler/StatusText.h"

#include <array>

namespace tpserve::handler {

namespace {

struct StatusEntry {
    std::uint16_t status;
    std::string_view reason;
    std::string_view page;
};

// A macro because the pages are spliced from string literals at compile time,
// which no constexpr function can return as a string_view into static storage.
// NOLINTNEXTLINE(cppcoreguidelines-macro-usage)
#define TPSERVE_ERROR_PAGE(code, text)                                            \
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" #code " " text \
    "</title></head>\n<body><h1>" #code " " text "</h1><hr><p>tpserve</p></body></html>\n"

// Sorted by status for the binary search below.
constexpr std::array kStatuses{
    StatusEntry{100, "Continue", ""},
    StatusEntry{200, "OK", ""},
    StatusEntry{204, "No Content", ""},
    StatusEntry{206, "Partial Content", ""},
    StatusEntry{301, "Moved Permanently", TPSERVE_ERROR_PAGE(301, "Moved Permanently")},
    StatusEntry{302, "Found", TPSERVE_ERROR_PAGE(302, "Found")},
    StatusEntry{304, "Not Modified", ""},
    StatusEntry{307, "Temporary Redirect", TPSERVE_ERROR_PAGE(307, "Temporary Redirect")},
    StatusEntry{308, "Permanent Redirect", TPSERVE_ERROR_PAGE(308, "Permanent Redirect")},
    StatusEntry{400, "Bad Request", TPSERVE_ERROR_PAGE(400, "Bad Request")},
    StatusEntry{403, "Forbidden", TPSERVE_ERROR_PAGE(403, "Forbidden")},
    StatusEntry{404, "Not Found", TPSERVE_ERROR_PAGE(404, "Not Found")},
    StatusEntry{405, "Method Not Allowed", TPSERVE_ERROR_PAGE(405, "Method Not Allowed")},
    StatusEntry{408, "Request Timeout", TPSERVE_ERROR_PAGE(408, "Request Timeout")},
    StatusEntry{412, "Precondition Failed", TPSERVE_ERROR_PAGE(412, "Precondition Failed")},
    StatusEntry{413, "Content Too Large", TPSERVE_ERROR_PAGE(413, "Content Too Large")},
    StatusEntry{414, "URI Too Long", TPSERVE_ERROR_PAGE(414, "URI Too Long")},
    StatusEntry{416, "Range Not Satisfiable", TPSERVE_ERROR_PAGE(416, "Range Not Satisfiable")},
    StatusEntry{417, "Expectation Failed", TPSERVE_ERROR_PAGE(417, "Expectation Failed")},
    StatusEntry{431, "Request Header Fields Too Large",
                TPSERVE_ERROR_PAGE(431, "Request Header Fields Too Large")},
    StatusEntry{500, "Internal Server Error", TPSERVE_ERROR_PAGE(500, "Internal Server Error")},
    StatusEntry{501, "Not Implemented", TPSERVE_ERROR_PAGE(501, "Not Implemented")},
    StatusEntry{503, "Service Unavailable", TPSERVE_ERROR_PAGE(503, "Service Unavailable")},
    StatusEntry{505, "HTTP Version Not Supported",
                TPSERVE_ERROR_PAGE(505, "HTTP Version Not Supported")},
};

#undef TPSERVE_ERROR_PAGE

const StatusEntry* find(std::uint16_t status) noexcept {
    std::size_t low = 0;
    std::size_t high = kStatuses.size();
    while (low < high) {
        const std::size_t mid = (low + high) / 2;
        if (kStatuses[mid].status < status) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    return low < kStatuses.size() && kStatuses[low].status == status ? &kStatuses[low] : nullptr;
}

}  // namespace

std::string_view reason_phrase(std::uint16_t status) noexcept {
    const StatusEntry* entry = find(status);
    return entry != nullptr ? entry->reason : std::string_view("Unknown");
}

std::string_view error_page(std::uint16_t status) noexcept {
    const StatusEntry* entry = find(status);
    return entry != nullptr ? entry->page : std::string_view();
}

}  // namespace tpserve::handler
