#include "log/AccessLine.h"

#include <cstring>
#include <string_view>

#include "log/CivilTime.h"

namespace tpserve::log {

namespace {

// Budgets for the escaped fields (worst case 4 bytes per input byte); with
// the fixed parts they add up to well under kMaxAccessLine.
constexpr std::size_t kPeerBudget = 128;
constexpr std::size_t kRequestBudget = 8192;
constexpr std::size_t kHeaderBudget = 2048;
constexpr std::string_view kEllipsis = "...";

bool needs_escape(unsigned char c) noexcept {
    return c < 0x20 || c >= 0x7F || c == '"' || c == '\\';
}

// A bounded writer over the caller's buffer; every append checks its budget.
class Out {
public:
    explicit Out(char* p) noexcept : p_(p) {}
    [[nodiscard]] std::size_t size() const noexcept { return len_; }

    void raw(std::string_view s) noexcept {
        std::memcpy(p_ + len_, s.data(), s.size());
        len_ += s.size();
    }
    void ch(char c) noexcept { p_[len_++] = c; }

    // Appends `s` escaped, at most `budget` bytes; a cut field ends in "...".
    void escaped(std::string_view s, std::size_t& budget) noexcept {
        static constexpr char kHex[] = "0123456789ABCDEF";
        for (std::size_t i = 0; i < s.size(); ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            const std::size_t need = needs_escape(c) ? 4 : 1;
            // Keep room for the ellipsis unless this is the very last byte.
            const std::size_t reserve = i + 1 < s.size() ? kEllipsis.size() : 0;
            if (need + reserve > budget) {
                raw(kEllipsis);
                budget = 0;
                return;
            }
            budget -= need;
            if (need == 4) {
                p_[len_++] = '\\';
                p_[len_++] = 'x';
                p_[len_++] = kHex[c >> 4];
                p_[len_++] = kHex[c & 0xF];
            } else {
                p_[len_++] = static_cast<char>(c);
            }
        }
    }

    // A field that may be empty: logged as "-".
    void field(std::string_view s, std::size_t budget) noexcept {
        if (s.empty()) {
            ch('-');
        } else {
            escaped(s, budget);
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

private:
    char* p_;
    std::size_t len_ = 0;
};

// Requests arrive in bursts within the same second; format it once per thread.
struct TimeCache {
    std::int64_t second = 0;
    bool valid = false;
    char text[kClfLength] = {};
};

}  // namespace

std::size_t format_access_line(const AccessRecord& r, char* out) noexcept {
    thread_local TimeCache cache;
    if (!cache.valid || cache.second != r.unix_time) {
        format_clf(r.unix_time, cache.text);
        cache.second = r.unix_time;
        cache.valid = true;
    }

    Out o(out);
    o.field(r.peer, kPeerBudget);
    o.raw(" - - [");
    o.raw(std::string_view(cache.text, kClfLength));
    o.raw("] \"");
    if (r.method.empty() && r.target.empty()) {
        o.ch('-');
    } else {
        std::size_t budget = kRequestBudget;
        o.escaped(r.method, budget);
        if (budget > 0) {
            o.ch(' ');
            o.escaped(r.target, budget);
        }
        if (budget > 0 && !r.protocol.empty()) {
            o.ch(' ');
            o.escaped(r.protocol, budget);
        }
    }
    o.raw("\" ");
    // %>s is always three digits in practice; clamp so a bogus value stays numeric.
    o.number(r.status > 999 ? 999 : r.status);
    o.ch(' ');
    if (r.body_bytes == 0) {
        o.ch('-');
    } else {
        o.number(r.body_bytes);
    }
    o.raw(" \"");
    o.field(r.referer, kHeaderBudget);
    o.raw("\" \"");
    o.field(r.user_agent, kHeaderBudget);
    o.raw("\"\n");
    return o.size();
}

}  // namespace tpserve::log
