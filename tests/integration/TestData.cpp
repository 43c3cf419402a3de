#include "TestData.h"

#include <array>
#include <chrono>
#include <cstring>
#include <random>

namespace tpserve::integration {

std::string random_bytes(std::size_t size, std::uint64_t seed) {
    std::string s(size, '\0');
    std::uint64_t x = seed;
    for (std::size_t i = 0; i < size; i += 8) {
        x += 0x9e3779b97f4a7c15ULL;
        std::uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        std::memcpy(s.data() + i, &z, std::min<std::size_t>(8, size - i));
    }
    return s;
}

std::string random_token(std::size_t size) {
    static constexpr char alphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::random_device rd;
    std::mt19937_64 gen(
        (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::uniform_int_distribution<std::size_t> pick(0, sizeof alphabet - 2);
    std::string s;
    for (std::size_t i = 0; i < size; ++i)
        s += alphabet[pick(gen)];
    return s;
}

std::uint64_t fnv1a64(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

namespace {
constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace

std::string http_date(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::optional<std::time_t> parse_http_date(std::string_view s) {
    if (s.size() != 29) return std::nullopt;
    auto num = [&](std::size_t at, std::size_t n) -> int {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    std::tm tm{};
    int wday = -1;
    for (int i = 0; i < 7; ++i) {
        if (s.substr(0, 3) == kDays[static_cast<std::size_t>(i)]) wday = i;
    }
    tm.tm_mon = -1;
    for (int i = 0; i < 12; ++i) {
        if (s.substr(8, 3) == kMonths[static_cast<std::size_t>(i)]) tm.tm_mon = i;
    }
    tm.tm_mday = num(5, 2);
    tm.tm_year = num(12, 4) - 1900;
    tm.tm_hour = num(17, 2);
    tm.tm_min = num(20, 2);
    tm.tm_sec = num(23, 2);
    if (wday < 0 || tm.tm_mon < 0 || tm.tm_mday < 1 || tm.tm_year < 0 || tm.tm_hour < 0 ||
        tm.tm_min < 0 || tm.tm_sec < 0 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
        return std::nullopt;
    }
    const std::time_t t = timegm(&tm);
    if (http_date(t) != s) return std::nullopt;  // rejects a wrong weekday or 31 Feb
    return t;
}

std::string compare_bytes(std::string_view expected, std::string_view got) {
    if (expected == got) return "equal";
    std::size_t i = 0;
    while (i < expected.size() && i < got.size() && expected[i] == got[i])
        ++i;
    return "sizes " + std::to_string(expected.size()) + " (expected) vs " +
           std::to_string(got.size()) + " (got); first difference at byte " + std::to_string(i) +
           "; fnv1a64 expected " + std::to_string(fnv1a64(expected)) + " got " +
           std::to_string(fnv1a64(got));
}

}  // namespace tpserve::integration
