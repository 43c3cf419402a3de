#include <string_view>

#include "log/AccessLine.h"
#include "log/CachedTime.h"
#include "log/CivilTime.h"
#include "log/LineWriter.h"

namespace tpserve::log {

namespace {

// Output budgets per string (worst case 6 bytes per input byte, \u00hh);
// their sum (13 KiB) plus keys and numbers stays under kMaxAccessLine.
constexpr std::size_t kAddressBudget = 128;
constexpr std::size_t kMethodBudget = 128;
constexpr std::size_t kUriBudget = 8192;
constexpr std::size_t kProtocolBudget = 64;
constexpr std::size_t kHostBudget = 512;
constexpr std::size_t kSiteBudget = 256;
constexpr std::size_t kEncodingBudget = 64;
constexpr std::size_t kHeaderBudget = 2048;

// Bytes >= 0x80 are escaped one by one rather than passed through: the
// client may send anything, and a line must stay valid JSON (which requires
// UTF-8) whatever it is. DEL is escaped too, as it is a control character.
std::size_t encode(unsigned char c, char* out) noexcept {
    static constexpr char kHex[] = "0123456789abcdef";
    if (c < 0x20 || c >= 0x7F) {
        out[0] = '\\';
        out[1] = 'u';
        out[2] = '0';
        out[3] = '0';
        out[4] = kHex[c >> 4];
        out[5] = kHex[c & 0xF];
        return 6;
    }
    if (c == '"' || c == '\\') {
        out[0] = '\\';
        out[1] = static_cast<char>(c);
        return 2;
    }
    out[0] = static_cast<char>(c);
    return 1;
}

// `key` is a literal like ",\"uri\":": the separator comes with it.
void string_member(LineWriter& o, std::string_view key, std::string_view value,
                   std::size_t budget) noexcept {
    o.raw(key);
    o.ch('"');
    o.escaped(value, budget, encode);
    o.ch('"');
}

}  // namespace

std::size_t format_json_line(const AccessRecord& r, char* out) noexcept {
    thread_local CachedTime<kIsoLength, format_iso8601> time;

    LineWriter o(out);
    o.raw(R"({"time":")");
    o.raw(time.text(r.unix_time));
    o.ch('"');
    string_member(o, ",\"remote_addr\":", r.peer, kAddressBudget);
    string_member(o, ",\"method\":", r.method, kMethodBudget);
    string_member(o, ",\"uri\":", r.target, kUriBudget);
    string_member(o, ",\"protocol\":", r.protocol, kProtocolBudget);
    o.raw(",\"status\":");
    o.number(r.status > 999 ? 999 : r.status);
    o.raw(",\"body_bytes\":");
    o.number(r.body_bytes);
    o.raw(",\"bytes_sent\":");
    o.number(r.bytes_sent);
    o.raw(",\"request_time\":");
    o.seconds_millis(r.request_time_us);
    string_member(o, ",\"host\":", r.host, kHostBudget);
    string_member(o, ",\"site\":", r.site, kSiteBudget);
    string_member(o, ",\"encoding\":", r.encoding, kEncodingBudget);
    string_member(o, ",\"referer\":", r.referer, kHeaderBudget);
    string_member(o, ",\"user_agent\":", r.user_agent, kHeaderBudget);
    o.raw("}\n");
    return o.size();
}

}  // namespace tpserve::log
