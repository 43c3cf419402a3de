#include <string_view>

#include "log/AccessLine.h"
#include "log/CachedTime.h"
#include "log/CivilTime.h"
#include "log/LineWriter.h"

namespace tpserve::log {

namespace {

// Budgets for the escaped fields (worst case 4 bytes per input byte); with
// the fixed parts they add up to well under kMaxAccessLine.
constexpr std::size_t kPeerBudget = 128;
constexpr std::size_t kRequestBudget = 8192;
constexpr std::size_t kHeaderBudget = 2048;

std::size_t encode(unsigned char c, char* out) noexcept {
    static constexpr char kHex[] = "0123456789ABCDEF";
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        out[0] = '\\';
        out[1] = 'x';
        out[2] = kHex[c >> 4];
        out[3] = kHex[c & 0xF];
        return 4;
    }
    out[0] = static_cast<char>(c);
    return 1;
}

// A field that may be empty: logged as "-".
void field(LineWriter& o, std::string_view s, std::size_t budget) noexcept {
    if (s.empty()) {
        o.ch('-');
    } else {
        o.escaped(s, budget, encode);
    }
}

}  // namespace

std::size_t format_combined_line(const AccessRecord& r, char* out) noexcept {
    thread_local CachedTime<kClfLength, format_clf> time;

    LineWriter o(out);
    field(o, r.peer, kPeerBudget);
    o.raw(" - - [");
    o.raw(time.text(r.unix_time));
    o.raw("] \"");
    if (r.method.empty() && r.target.empty()) {
        o.ch('-');
    } else {
        std::size_t budget = kRequestBudget;
        o.escaped(r.method, budget, encode);
        if (budget > 0) {
            o.ch(' ');
            o.escaped(r.target, budget, encode);
        }
        if (budget > 0 && !r.protocol.empty()) {
            o.ch(' ');
            o.escaped(r.protocol, budget, encode);
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
    field(o, r.referer, kHeaderBudget);
    o.raw("\" \"");
    field(o, r.user_agent, kHeaderBudget);
    o.raw("\"\n");
    return o.size();
}

}  // namespace tpserve::log
