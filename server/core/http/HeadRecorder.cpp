#include "http/HeadRecorder.h"

#include <string_view>

#include "http/Ascii.h"

namespace tpserve::http {

HeadRecorder::HeadRecorder(std::uint32_t max_fields) : slots_(max_fields), headers_(max_fields) {}

void HeadRecorder::clear() noexcept {
    line_[0] = line_[1] = line_[2] = Span{};
    count_ = 0;
    field_ = Field::Between;
}

HeadRecorder::Add HeadRecorder::extend(Span& s, std::uint32_t off, std::uint32_t len) noexcept {
    if (!s.seen) {
        s = Span{off, len, true};
        return Add::Ok;
    }
    if (off != s.end()) {
        return Add::NotAdjacent;
    }
    s.len += len;
    return Add::Ok;
}

HeadRecorder::Add HeadRecorder::add(Part part, std::uint32_t off, std::uint32_t len) noexcept {
    return extend(line_[static_cast<int>(part)], off, len);
}

HeadRecorder::Add HeadRecorder::add_name(std::uint32_t off, std::uint32_t len) noexcept {
    if (field_ != Field::InName) {
        if (count_ == slots_.size()) {
            return Add::TooManyFields;
        }
        slots_[count_] = Slot{};
        field_ = Field::InName;
    }
    return extend(slots_[count_].name, off, len);
}

void HeadRecorder::name_done() noexcept {
    field_ = Field::InValue;
}

HeadRecorder::Add HeadRecorder::add_value(std::uint32_t off, std::uint32_t len) noexcept {
    if (field_ != Field::InValue) {
        return Add::NotAdjacent;  // a continuation line after a completed field
    }
    return extend(slots_[count_].value, off, len);
}

void HeadRecorder::value_done() noexcept {
    ++count_;
    field_ = Field::Between;
}

void HeadRecorder::materialize(const char* head, Request& r) noexcept {
    auto view = [head](Span s) { return std::string_view(head + s.off, s.len); };
    r.method_text = view(part(Part::Method));
    r.target = view(part(Part::Target));
    for (std::uint32_t i = 0; i < count_; ++i) {
        headers_[i] = Header{view(slots_[i].name), ascii::trim_ows(view(slots_[i].value))};
    }
    r.headers = std::span<const Header>(headers_.data(), count_);
}

}  // namespace tpserve::http
