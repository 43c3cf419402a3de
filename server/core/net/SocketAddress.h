#pragma once
// An IP address and port as a plain value: what the backends hand the core
// for a connection's two ends, with no OS header and nothing to free. It is
// turned into text (AddressText.h) only when a log line shows it.
#include <array>
#include <cstdint>

namespace tpserve::net {

enum class Family : std::uint8_t {
    None,  // unknown (not asked for yet, or the socket was already gone)
    V4,
    V6,
};

struct SocketAddress {
    // Network byte order, as in sockaddr_in / sockaddr_in6: an IPv4 address
    // in the first four bytes, the rest zero.
    std::array<std::uint8_t, 16> bytes{};
    std::uint16_t port = 0;  // host byte order
    Family family = Family::None;

    [[nodiscard]] static constexpr SocketAddress v4(std::array<std::uint8_t, 4> address,
                                                    std::uint16_t port) noexcept {
        SocketAddress a;
        for (std::size_t i = 0; i < address.size(); ++i)
            a.bytes[i] = address[i];
        a.port = port;
        a.family = Family::V4;
        return a;
    }
    [[nodiscard]] static constexpr SocketAddress v6(const std::array<std::uint8_t, 16>& address,
                                                    std::uint16_t port) noexcept {
        SocketAddress a;
        a.bytes = address;
        a.port = port;
        a.family = Family::V6;
        return a;
    }

    [[nodiscard]] constexpr bool known() const noexcept { return family != Family::None; }
    friend constexpr bool operator==(const SocketAddress&, const SocketAddress&) = default;
};

}  // namespace tpserve::net
