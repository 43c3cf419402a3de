#include "handler/HeadWriter.h"

#include <cstring>

#include "handler/StatusText.h"

namespace tpserve::handler {

void HeadWriter::append(std::string_view text) noexcept {
    if (overflowed_ || text.size() > out_.size() - used_) {
        overflowed_ = true;
        return;
    }
    std::memcpy(out_.data() + used_, text.data(), text.size());
    used_ += text.size();
}

void HeadWriter::append_number(std::uint64_t value) noexcept {
    char digits[20];
    std::size_t count = 0;
    do {
        digits[sizeof digits - 1 - count] = static_cast<char>('0' + value % 10);
        value /= 10;
        ++count;
    } while (value != 0);
    append(std::string_view(digits + sizeof digits - count, count));
}

void HeadWriter::status_line(std::uint16_t status) noexcept {
    append("HTTP/1.1 ");
    append_number(status);
    append(" ");
    append(reason_phrase(status));
    append("\r\n");
}

void HeadWriter::field(std::string_view name, std::string_view value) noexcept {
    append(name);
    append(": ");
    append(value);
    append("\r\n");
}

void HeadWriter::field(std::string_view name, std::uint64_t value) noexcept {
    append(name);
    append(": ");
    append_number(value);
    append("\r\n");
}

}  // namespace tpserve::handler
