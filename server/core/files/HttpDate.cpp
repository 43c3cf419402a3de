#include "files/HttpDate.h"

#include <array>

namespace tpserve::files {

namespace {

constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr std::int64_t kSecondsPerDay = 86400;
// 0000-01-01T00:00:00 and 9999-12-31T23:59:59 in Unix seconds.
constexpr std::int64_t kMinSeconds = -62167219200;
constexpr std::int64_t kMaxSeconds = 253402300799;

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

constexpr Civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(11017).month == 3);

constexpr bool is_leap(std::int64_t y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr std::array<unsigned, 12> kLen{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (m == 2 && is_leap(y)) ? 29 : kLen[m - 1];
}

void put2(char* p, unsigned v) noexcept {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
}

// A cursor over the input; every reader returns false on mismatch.
class Reader {
public:
    explicit Reader(std::string_view s) noexcept : s_(s) {}
    bool literal(std::string_view lit) noexcept {
        if (!s_.starts_with(lit)) return false;
        s_.remove_prefix(lit.size());
        return true;
    }
    // Exactly `n` digits.
    bool digits(int n, unsigned& out) noexcept {
        if (s_.size() < static_cast<std::size_t>(n)) return false;
        unsigned v = 0;
        for (int i = 0; i < n; ++i) {
            const char c = s_[static_cast<std::size_t>(i)];
            if (c < '0' || c > '9') return false;
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        s_.remove_prefix(static_cast<std::size_t>(n));
        out = v;
        return true;
    }
    template <std::size_t N>
    bool one_of(const std::array<std::string_view, N>& names, unsigned& index) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            if (literal(names[i])) {
                index = static_cast<unsigned>(i);
                return true;
            }
        }
        return false;
    }
    bool time(unsigned& h, unsigned& m, unsigned& s) noexcept {
        return digits(2, h) && literal(":") && digits(2, m) && literal(":") && digits(2, s);
    }
    [[nodiscard]] bool done() const noexcept { return s_.empty(); }

private:
    std::string_view s_;
};

std::optional<std::int64_t> to_seconds(std::int64_t year, unsigned month, unsigned day, unsigned h,
                                       unsigned m, unsigned s) noexcept {
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return {};
    if (h > 23 || m > 59 || s > 60) return {};
    return days_from_civil(year, month, day) * kSecondsPerDay + std::int64_t{h} * 3600 +
           std::int64_t{m} * 60 + s;
}

std::optional<std::int64_t> parse_imf(std::string_view text) noexcept {
    Reader r(text);
    unsigned wd = 0;
    unsigned d = 0;
    unsigned mon = 0;
    unsigned y = 0;
    unsigned h = 0;
    unsigned mi = 0;
    unsigned s = 0;
    if (r.one_of(kDays, wd) && r.literal(", ") && r.digits(2, d) && r.literal(" ") &&
        r.one_of(kMonths, mon) && r.literal(" ") && r.digits(4, y) && r.literal(" ") &&
        r.time(h, mi, s) && r.literal(" GMT") && r.done()) {
        return to_seconds(y, mon + 1, d, h, mi, s);
    }
    return {};
}

std::optional<std::int64_t> parse_rfc850(std::string_view text) noexcept {
    Reader r(text);
    unsigned wd = 0;
    unsigned d = 0;
    unsigned mon = 0;
    unsigned y = 0;
    unsigned h = 0;
    unsigned mi = 0;
    unsigned s = 0;
    if (r.one_of(kLongDays, wd) && r.literal(", ") && r.digits(2, d) && r.literal("-") &&
        r.one_of(kMonths, mon) && r.literal("-") && r.digits(2, y) && r.literal(" ") &&
        r.time(h, mi, s) && r.literal(" GMT") && r.done()) {
        return to_seconds(y < 70 ? 2000 + y : 1900 + y, mon + 1, d, h, mi, s);
    }
    return {};
}

std::optional<std::int64_t> parse_asctime(std::string_view text) noexcept {
    Reader r(text);
    unsigned wd = 0;
    unsigned d = 0;
    unsigned mon = 0;
    unsigned y = 0;
    unsigned h = 0;
    unsigned mi = 0;
    unsigned s = 0;
    if (!(r.one_of(kDays, wd) && r.literal(" ") && r.one_of(kMonths, mon) && r.literal(" "))) {
        return {};
    }
    // day = 2DIGIT / ( SP DIGIT )
    if (!(r.literal(" ") ? r.digits(1, d) : r.digits(2, d))) return {};
    if (r.literal(" ") && r.time(h, mi, s) && r.literal(" ") && r.digits(4, y) && r.done()) {
        return to_seconds(y, mon + 1, d, h, mi, s);
    }
    return {};
}

}  // namespace

void format_http_date(std::int64_t unix_seconds, std::span<char, kHttpDateLength> out) noexcept {
    if (unix_seconds < kMinSeconds) unix_seconds = kMinSeconds;
    if (unix_seconds > kMaxSeconds) unix_seconds = kMaxSeconds;
    std::int64_t days = unix_seconds / kSecondsPerDay;
    std::int64_t rem = unix_seconds % kSecondsPerDay;
    if (rem < 0) {
        rem += kSecondsPerDay;
        --days;
    }
    const Civil c = civil_from_days(days);
    // 1970-01-01 was a Thursday (index 4).
    const auto weekday = static_cast<unsigned>(((days % 7) + 7 + 4) % 7);
    const auto secs = static_cast<unsigned>(rem);
    const auto year = static_cast<unsigned>(c.year);

    char* p = out.data();
    const std::string_view wd = kDays[weekday];
    const std::string_view mon = kMonths[c.month - 1];
    p[0] = wd[0];
    p[1] = wd[1];
    p[2] = wd[2];
    p[3] = ',';
    p[4] = ' ';
    put2(p + 5, c.day);
    p[7] = ' ';
    p[8] = mon[0];
    p[9] = mon[1];
    p[10] = mon[2];
    p[11] = ' ';
    put2(p + 12, year / 100);
    put2(p + 14, year % 100);
    p[16] = ' ';
    put2(p + 17, secs / 3600);
    p[19] = ':';
    put2(p + 20, secs / 60 % 60);
    p[22] = ':';
    put2(p + 23, secs % 60);
    p[25] = ' ';
    p[26] = 'G';
    p[27] = 'M';
    p[28] = 'T';
}

std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept {
    if (text.size() == kHttpDateLength) {
        if (auto t = parse_imf(text)) return t;
    }
    if (text.size() > 3 && text[3] == ' ') return parse_asctime(text);
    return parse_rfc850(text);
}

}  // namespace tpserve::files
