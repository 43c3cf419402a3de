#include "handler/MultipartRanges.h"

#include <charconv>
#include <cstring>

#include "handler/FileBody.h"

namespace tpserve::handler {

namespace {

constexpr std::string_view kDash = "--";
constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kTypeName = "Content-Type: ";
constexpr std::string_view kRangeName = "Content-Range: bytes ";
constexpr std::size_t kMaxDigits = 20;  // of a uint64

std::uint64_t digits(std::uint64_t value) noexcept {
    std::uint64_t count = 1;
    while (value >= 10) {
        value /= 10;
        ++count;
    }
    return count;
}

// The part head without the preceding CRLF; every part but the first follows
// the previous part's bytes, so the writer prepends that CRLF to it.
std::uint64_t head_length(const http::ByteRange& range, std::uint64_t size,
                          std::string_view content_type, std::string_view boundary) noexcept {
    std::uint64_t n = kDash.size() + boundary.size() + kCrlf.size();
    if (!content_type.empty()) n += kTypeName.size() + content_type.size() + kCrlf.size();
    n += kRangeName.size() + digits(range.first) + 1 + digits(range.last) + 1 + digits(size);
    return n + 2 * kCrlf.size();
}

char* as_chars(std::span<std::byte> bytes) noexcept {
    // std::to_chars writes char; char may alias the arena's std::byte.
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    return reinterpret_cast<char*>(bytes.data());
}

// Fills reserved arena space; the reservation is sized for the worst case.
class Cursor {
public:
    explicit Cursor(std::span<std::byte> out) noexcept
        : next_(as_chars(out)), end_(next_ + out.size()) {}

    void text(std::string_view s) noexcept {
        std::memcpy(next_, s.data(), s.size());
        next_ += s.size();
    }
    void number(std::uint64_t value) noexcept { next_ = std::to_chars(next_, end_, value).ptr; }
    [[nodiscard]] std::size_t unused() const noexcept {
        return static_cast<std::size_t>(end_ - next_);
    }

private:
    char* next_;
    char* end_;
};

}  // namespace

std::uint64_t multipart_length(std::span<const http::ByteRange> ranges, std::uint64_t size,
                               std::string_view content_type, std::string_view boundary) noexcept {
    std::uint64_t total = 0;
    for (const http::ByteRange& range : ranges) {
        total += head_length(range, size, content_type, boundary) + range.length() + kCrlf.size();
    }
    return total + kDash.size() + boundary.size() + kDash.size() + kCrlf.size();
}

void add_multipart_body(plan::TransmitPlan& plan, const files::OpenResult& source,
                        std::span<const http::ByteRange> ranges, std::uint64_t size,
                        std::string_view content_type, std::string_view boundary) {
    const std::size_t head_max = kCrlf.size() + kDash.size() + boundary.size() + kCrlf.size() +
                                 kTypeName.size() + content_type.size() + kCrlf.size() +
                                 kRangeName.size() + 3 * kMaxDigits + 2 + 2 * kCrlf.size();
    bool first_part = true;
    for (const http::ByteRange& range : ranges) {
        Cursor out(plan.reserve(head_max));
        if (!first_part) out.text(kCrlf);  // ends the previous part's bytes
        first_part = false;
        out.text(kDash);
        out.text(boundary);
        out.text(kCrlf);
        if (!content_type.empty()) {
            out.text(kTypeName);
            out.text(content_type);
            out.text(kCrlf);
        }
        out.text(kRangeName);
        out.number(range.first);
        out.text("-");
        out.number(range.last);
        out.text("/");
        out.number(size);
        out.text(kCrlf);
        out.text(kCrlf);
        plan.shrink_last(out.unused());
        add_file_body(plan, source, range.first, range.length());
    }

    const std::size_t tail_max =
        kCrlf.size() + kDash.size() + boundary.size() + kDash.size() + kCrlf.size();
    Cursor out(plan.reserve(tail_max));
    if (!first_part) out.text(kCrlf);
    out.text(kDash);
    out.text(boundary);
    out.text(kDash);
    out.text(kCrlf);
    plan.shrink_last(out.unused());
}

}  // namespace tpserve::handler
