#pragma once
// Internal to RequestParser: where the pieces of one request head lie, as
// offsets from the head's first byte. Offsets (not pointers) let the window
// move under them (RequestParser::drop) and let a copy of the head reuse
// them unchanged. Storage is allocated once, at construction.
#include <cstdint>
#include <vector>

#include "http/Request.h"

namespace tpserve::http {

class HeadRecorder {
public:
    enum class Part : std::uint8_t { Method, Target, Version };
    enum class Add : std::uint8_t { Ok, TooManyFields, NotAdjacent };
    struct Span {
        std::uint32_t off = 0;
        std::uint32_t len = 0;
        bool seen = false;
        [[nodiscard]] std::uint32_t end() const noexcept { return off + len; }
    };

    explicit HeadRecorder(std::uint32_t max_fields);

    void clear() noexcept;

    // llhttp hands out each element in slices, one per read; slices of one
    // element are adjacent in a contiguous window, so a gap means llhttp
    // joined separate pieces (obs-fold): NotAdjacent.
    Add add(Part part, std::uint32_t off, std::uint32_t len) noexcept;
    Add add_name(std::uint32_t off, std::uint32_t len) noexcept;
    void name_done() noexcept;
    Add add_value(std::uint32_t off, std::uint32_t len) noexcept;  // NotAdjacent: no name before
    void value_done() noexcept;

    [[nodiscard]] const Span& part(Part p) const noexcept { return line_[static_cast<int>(p)]; }

    // Points r.method_text, r.target and r.headers at the head copy starting at `head`.
    void materialize(const char* head, Request& r) noexcept;

private:
    enum class Field : std::uint8_t { Between, InName, InValue };
    struct Slot {
        Span name;
        Span value;
    };
    static Add extend(Span& s, std::uint32_t off, std::uint32_t len) noexcept;

    Span line_[3];
    std::vector<Slot> slots_;
    std::vector<Header> headers_;
    std::uint32_t count_ = 0;  // completed fields
    Field field_ = Field::Between;
};

}  // namespace tpserve::http
