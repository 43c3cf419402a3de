// net::address_text: once per logged request for the client's address (and
// the server's, for the W3C format) since the backends hand the core
// SocketAddress values instead of "addr:port" text.
#include <benchmark/benchmark.h>

#include <array>

#include "net/AddressText.h"

namespace {

using tpserve::net::SocketAddress;

void format(benchmark::State& state, const SocketAddress& address, std::size_t expected) {
    std::array<char, tpserve::net::kMaxAddressText> out{};
    for (auto _ : state) {
        benchmark::DoNotOptimize(&address);
        const std::string_view text = tpserve::net::address_text(address, out);
        if (text.size() != expected) {
            state.SkipWithError("wrong text");
            break;
        }
        benchmark::DoNotOptimize(text.data());
        benchmark::ClobberMemory();
    }
}

void BM_AddressText_Ipv4(benchmark::State& state) {
    format(state, SocketAddress::v4({192, 168, 10, 24}, 51234), 13);  // "192.168.10.24"
}
BENCHMARK(BM_AddressText_Ipv4);

void BM_AddressText_Ipv6(benchmark::State& state) {
    // "2001:db8::8a2e:370:7334"
    format(
        state,
        SocketAddress::v6(
            {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x34}, 51234),
        23);
}
BENCHMARK(BM_AddressText_Ipv6);

}  // namespace
