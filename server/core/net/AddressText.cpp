#include "net/AddressText.h"

#include <array>
#include <cstdint>

namespace tpserve::net {

namespace {

// Writes 0..255 in decimal; returns the position after it.
char* decimal_octet(char* p, unsigned value) noexcept {
    if (value >= 100) *p++ = static_cast<char>('0' + value / 100);
    if (value >= 10) *p++ = static_cast<char>('0' + value / 10 % 10);
    *p++ = static_cast<char>('0' + value % 10);
    return p;
}

char* dotted_quad(char* p, const std::uint8_t* octets) noexcept {
    for (std::size_t i = 0; i < 4; ++i) {
        if (i > 0) *p++ = '.';
        p = decimal_octet(p, octets[i]);
    }
    return p;
}

// Lower-case, no leading zeros (printf's "%x").
char* hex_group(char* p, unsigned value) noexcept {
    static constexpr char kHex[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift > 0; shift -= 4) {
        const unsigned digit = (value >> static_cast<unsigned>(shift)) & 0xFU;
        started = started || digit != 0;
        if (started) *p++ = kHex[digit];
    }
    *p++ = kHex[value & 0xFU];
    return p;
}

struct ZeroRun {
    std::size_t first = 0;
    std::size_t length = 0;
};

// The longest run of zero groups, the first of equal ones; none shorter than
// two (RFC 5952 §4.2.2: a single zero group is written "0").
ZeroRun longest_zero_run(const std::array<unsigned, 8>& groups) noexcept {
    ZeroRun best;
    ZeroRun current;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (groups[i] != 0) {
            current.length = 0;
            continue;
        }
        if (current.length == 0) current.first = i;
        ++current.length;
        if (current.length > best.length) best = current;
    }
    return best.length >= 2 ? best : ZeroRun{};
}

char* ipv6_text(char* p, const std::array<std::uint8_t, 16>& bytes) noexcept {
    std::array<unsigned, 8> groups{};
    for (std::size_t i = 0; i < groups.size(); ++i)
        groups[i] = (unsigned{bytes[2 * i]} << 8U) | bytes[2 * i + 1];
    const ZeroRun zeros = longest_zero_run(groups);
    // glibc's inet_ntop: "::ffff:a.b.c.d" (mapped) and "::a.b.c.d" (compatible).
    const bool embedded_ipv4 = zeros.length > 0 && zeros.first == 0 &&
                               (zeros.length == 6 || (zeros.length == 5 && groups[5] == 0xFFFF));
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (zeros.length > 0 && i >= zeros.first && i < zeros.first + zeros.length) {
            if (i == zeros.first) *p++ = ':';
            continue;
        }
        if (i != 0) *p++ = ':';
        if (i == 6 && embedded_ipv4) return dotted_quad(p, &bytes[12]);
        p = hex_group(p, groups[i]);
    }
    if (zeros.length > 0 && zeros.first + zeros.length == groups.size()) *p++ = ':';
    return p;
}

char* address_into(char* p, const SocketAddress& address) noexcept {
    switch (address.family) {
        case Family::V4:
            return dotted_quad(p, address.bytes.data());
        case Family::V6:
            return ipv6_text(p, address.bytes);
        case Family::None:
            break;
    }
    return p;
}

}  // namespace

std::string_view address_text(const SocketAddress& address,
                              std::span<char, kMaxAddressText> out) noexcept {
    char* const end = address_into(out.data(), address);
    return {out.data(), static_cast<std::size_t>(end - out.data())};
}

std::string_view endpoint_text(const SocketAddress& address,
                               std::span<char, kMaxEndpointText> out) noexcept {
    if (!address.known()) return {};
    char* p = out.data();
    const bool v6 = address.family == Family::V6;
    if (v6) *p++ = '[';
    p = address_into(p, address);
    if (v6) *p++ = ']';
    *p++ = ':';
    std::array<char, 5> digits{};
    std::size_t n = 0;
    unsigned port = address.port;
    do {
        digits[n++] = static_cast<char>('0' + port % 10);
        port /= 10;
    } while (port != 0);
    while (n > 0)
        *p++ = digits[--n];
    return {out.data(), static_cast<std::size_t>(p - out.data())};
}

}  // namespace tpserve::net
