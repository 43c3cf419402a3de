#pragma once
// Builders for test content and small helpers shared by the integration
// tests. Nothing large is committed: files are generated per test.
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace tpserve::integration {

// Deterministic pseudo-random bytes (splitmix64); every byte value occurs.
std::string random_bytes(std::size_t size, std::uint64_t seed);
// A random printable token, e.g. for a marker that must never leak.
std::string random_token(std::size_t size);
std::uint64_t fnv1a64(std::string_view bytes);

// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::time_t t);
// Parses an IMF-fixdate strictly; nullopt if it is not one.
std::optional<std::time_t> parse_http_date(std::string_view s);

// "equal", or where and how two byte strings first differ.
std::string compare_bytes(std::string_view expected, std::string_view got);

}  // namespace tpserve::integration
