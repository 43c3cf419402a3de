#include "handler/Boundary.h"

#include <random>
#include <string_view>

namespace tpserve::handler {

namespace {

constexpr std::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static_assert(kAlphabet.size() == 62);

// Spreads one seed over xoshiro's state (never all zero), as its authors advise.
std::uint64_t splitmix64(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
}

std::uint64_t seed_from_device() {
    std::random_device device;
    const auto high = static_cast<std::uint64_t>(device());
    const auto low = static_cast<std::uint64_t>(device());
    return (high << 32) ^ low;
}

}  // namespace

Boundary::Boundary() : Boundary(seed_from_device()) {}

Boundary::Boundary(std::uint64_t seed) noexcept {
    for (std::uint64_t& word : state_)
        word = splitmix64(seed);
}

std::uint64_t Boundary::next_random() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
}

std::string_view Boundary::next() noexcept {
    // Two characters per 64-bit draw: each 32-bit half scaled onto the
    // alphabet (multiply-shift; the bias of 62/2^32 does not matter here).
    for (std::size_t i = 0; i < kLength; i += 2) {
        const std::uint64_t bits = next_random();
        for (std::size_t j = 0; j < 2 && i + j < kLength; ++j) {
            const std::uint64_t half = (bits >> (32 * j)) & 0xFFFF'FFFFULL;
            text_[i + j] = kAlphabet[(half * kAlphabet.size()) >> 32];
        }
    }
    return {text_.data(), text_.size()};
}

}  // namespace tpserve::handler
