#pragma once
// Multipart boundaries for multipart/byteranges responses (RFC 9110 §14.6,
// RFC 2046 §5.1.1). Random enough that a file's content will not contain one
// by chance; not a secret, so a fast PRNG seeded once is plenty.
//
// Threading: not thread-safe; one per worker.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tpserve::handler {

class Boundary {
public:
    // Characters per boundary, each from [0-9A-Za-z] (~190 random bits).
    static constexpr std::size_t kLength = 32;

    // Seeded from std::random_device (may throw if it has no entropy source:
    // construct at worker start-up, not per request).
    Boundary();
    // Deterministic sequence, for tests.
    explicit Boundary(std::uint64_t seed) noexcept;

    // A fresh boundary; the view is valid until the next call or destruction.
    [[nodiscard]] std::string_view next() noexcept;

private:
    std::uint64_t next_random() noexcept;

    std::array<std::uint64_t, 4> state_{};  // xoshiro256**
    std::array<char, kLength> text_{};
};

}  // namespace tpserve::handler
