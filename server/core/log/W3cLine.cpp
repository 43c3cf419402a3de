#include <initializer_list>
#include <string_view>

#include "log/AccessLine.h"
#include "log/CachedTime.h"
#include "log/CivilTime.h"
#include "log/LineWriter.h"

namespace tpserve::log {

namespace {

// Output budgets (worst case 3 bytes per input byte, %HH); their sum plus
// the numbers stays well under kMaxAccessLine.
constexpr std::size_t kAddressBudget = 128;
constexpr std::size_t kMethodBudget = 128;
constexpr std::size_t kUriBudget = 8192;  // stem and query together
constexpr std::size_t kHeaderBudget = 2048;

// Fields are separated by spaces and records by newlines, so a field may
// hold neither; control bytes and non-ASCII are encoded as well so the file
// stays plain ASCII for the tools (Log Parser and friends) that read it.
bool unsafe(unsigned char c) noexcept {
    return c <= 0x20 || c >= 0x7F;
}

std::size_t percent(unsigned char c, char* out) noexcept {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out[0] = '%';
    out[1] = kHex[c >> 4];
    out[2] = kHex[c & 0xF];
    return 3;
}

std::size_t encode(unsigned char c, char* out) noexcept {
    if (unsafe(c)) return percent(c, out);
    out[0] = static_cast<char>(c);
    return 1;
}

// IIS writes the spaces of a user agent as '+'.
std::size_t encode_agent(unsigned char c, char* out) noexcept {
    if (c == ' ') {
        out[0] = '+';
        return 1;
    }
    return encode(c, out);
}

using Encoder = std::size_t (*)(unsigned char, char*) noexcept;

// Appends " <field>": "-" when empty.
void field(LineWriter& o, std::string_view s, std::size_t budget, Encoder enc = encode) noexcept {
    o.ch(' ');
    if (s.empty()) {
        o.ch('-');
    } else {
        o.escaped(s, budget, enc);
    }
}

// cs-uri-stem and cs-uri-query share one budget; a stem cut short leaves "-" for the query.
void uri_fields(LineWriter& o, std::string_view stem, std::string_view query) noexcept {
    std::size_t budget = kUriBudget;
    for (const std::string_view s : {stem, query}) {
        o.ch(' ');
        if (s.empty() || budget == 0) {
            o.ch('-');
        } else {
            o.escaped(s, budget, encode);
        }
    }
}

// cs-uri-stem is a path: an absolute-form target ("http://host/p") loses
// its scheme and authority, as IIS logs it.
std::string_view path_of(std::string_view target) noexcept {
    if (target.empty() || target.front() == '/' || target == "*") return target;
    const std::size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos ||
        target.substr(0, scheme_end).find('/') != std::string_view::npos)
        return target;
    const std::size_t path = target.find('/', scheme_end + 3);
    return path == std::string_view::npos ? std::string_view("/") : target.substr(path);
}

}  // namespace

std::size_t format_w3c_line(const AccessRecord& r, char* out) noexcept {
    thread_local CachedTime<kW3cLength, format_w3c> time;

    const std::size_t question = r.target.find('?');
    const std::string_view stem = path_of(r.target.substr(0, question));
    const std::string_view query =
        question == std::string_view::npos ? std::string_view() : r.target.substr(question + 1);

    LineWriter o(out);
    o.raw(time.text(r.unix_time));  // "date time"
    field(o, r.local_ip, kAddressBudget);
    field(o, r.method, kMethodBudget);
    uri_fields(o, stem, query);
    o.ch(' ');
    if (r.local_port == 0) {
        o.ch('-');
    } else {
        o.number(r.local_port);
    }
    o.raw(" -");  // cs-username: no authentication
    field(o, r.peer, kAddressBudget);
    field(o, r.user_agent, kHeaderBudget, encode_agent);
    field(o, r.referer, kHeaderBudget);
    o.ch(' ');
    o.number(r.status > 999 ? 999 : r.status);
    o.raw(" 0 0 ");  // sc-substatus, sc-win32-status
    o.number(r.bytes_sent);
    o.ch(' ');
    o.number(r.request_time_us / 1000);
    field(o, r.host, kHeaderBudget);  // cs-host
    field(o, r.encoding, kMethodBudget);  // sc(Content-Encoding): the variant served
    o.ch('\n');
    return o.size();
}

}  // namespace tpserve::log
