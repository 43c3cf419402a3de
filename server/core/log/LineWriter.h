#pragma once
// Internal to the access-line formatters: a bounded writer over the
// caller's kMaxAccessLine buffer. The formatters give each variable-length
// field a budget; the budgets plus the fixed parts fit the buffer, so no
// individual append needs a bounds check.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tpserve::log {

class LineWriter {
public:
    // Encoders write at most this many bytes for one input byte.
    static constexpr std::size_t kMaxEncoded = 6;
    static constexpr std::string_view kEllipsis = "...";

    explicit LineWriter(char* out) noexcept : p_(out) {}
    [[nodiscard]] std::size_t size() const noexcept { return len_; }

    void raw(std::string_view s) noexcept {
        std::memcpy(p_ + len_, s.data(), s.size());
        len_ += s.size();
    }
    void ch(char c) noexcept { p_[len_++] = c; }

    // Appends `s` through `encode` (unsigned char, char* out -> bytes written,
    // 1..kMaxEncoded), spending at most `budget` bytes. A field too long for
    // its budget is cut on a whole encoded byte and ends in "...", so an
    // escape sequence is never split.
    template <class Encode>
    void escaped(std::string_view s, std::size_t& budget, Encode encode) noexcept {
        for (std::size_t i = 0; i < s.size(); ++i) {
            char enc[kMaxEncoded];
            const std::size_t need = encode(static_cast<unsigned char>(s[i]), enc);
            // Keep room for the ellipsis unless this is the very last byte.
            const std::size_t reserve = i + 1 < s.size() ? kEllipsis.size() : 0;
            if (need + reserve > budget) {
                raw(kEllipsis);
                budget = 0;
                return;
            }
            budget -= need;
            if (need == 1) {
                p_[len_++] = enc[0];
            } else {
                std::memcpy(p_ + len_, enc, need);
                len_ += need;
            }
        }
    }

    void number(std::uint64_t v) noexcept {
        char digits[20];
        std::size_t n = 0;
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (n > 0)
            p_[len_++] = digits[--n];
    }

    // Microseconds as seconds with three decimals, truncated: "0.012" (nginx $request_time).
    void seconds_millis(std::uint64_t microseconds) noexcept {
        const std::uint64_t ms = microseconds / 1000;
        number(ms / 1000);
        ch('.');
        const auto frac = static_cast<unsigned>(ms % 1000);
        ch(static_cast<char>('0' + frac / 100));
        ch(static_cast<char>('0' + frac / 10 % 10));
        ch(static_cast<char>('0' + frac % 10));
    }

private:
    char* p_;
    std::size_t len_ = 0;
};

}  // namespace tpserve::log
