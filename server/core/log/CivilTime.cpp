#include "log/CivilTime.h"

namespace tpserve::log {

namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;

// Floor division, so instants before 1970 land on the previous day.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

char* put2(char* p, unsigned v) noexcept {
    *p++ = static_cast<char>('0' + (v / 10) % 10);
    *p++ = static_cast<char>('0' + v % 10);
    return p;
}

char* put4(char* p, std::int64_t year) noexcept {
    // Four digits is what both formats promise; beyond that the clock is wrong anyway.
    const auto v = static_cast<unsigned>(year < 0 ? 0 : (year > 9999 ? 9999 : year));
    p = put2(p, v / 100);
    return put2(p, v % 100);
}

}  // namespace

CivilTime CivilTime::from_unix(std::int64_t unix_seconds) noexcept {
    const std::int64_t days = floor_div(unix_seconds, kSecondsPerDay);
    const std::int64_t secs = unix_seconds - days * kSecondsPerDay;

    // civil_from_days: eras of 400 years (146097 days) starting on 0000-03-01.
    const std::int64_t z = days + 719'468;
    const std::int64_t era = floor_div(z, 146'097);
    const std::int64_t doe = z - era * 146'097;  // [0, 146096]
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;  // [0, 399]
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  // [0, 365]
    const std::int64_t mp = (5 * doy + 2) / 153;                                       // [0, 11]
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;                               // [1, 31]
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;                                  // [1, 12]

    CivilTime t;
    t.year = yoe + era * 400 + (m <= 2 ? 1 : 0);
    t.month = static_cast<unsigned>(m);
    t.day = static_cast<unsigned>(d);
    t.hour = static_cast<unsigned>(secs / 3600);
    t.minute = static_cast<unsigned>(secs / 60 % 60);
    t.second = static_cast<unsigned>(secs % 60);
    return t;
}

namespace {

// "YYYY-MM-DD<sep>hh:mm:ss": the common part of ISO 8601 and W3C timestamps.
char* put_date_time(char* p, std::int64_t unix_seconds, char sep) noexcept {
    const CivilTime t = CivilTime::from_unix(unix_seconds);
    p = put4(p, t.year);
    *p++ = '-';
    p = put2(p, t.month);
    *p++ = '-';
    p = put2(p, t.day);
    *p++ = sep;
    p = put2(p, t.hour);
    *p++ = ':';
    p = put2(p, t.minute);
    *p++ = ':';
    return put2(p, t.second);
}

}  // namespace

void format_iso8601(std::int64_t unix_seconds, char* out) noexcept {
    *put_date_time(out, unix_seconds, 'T') = 'Z';
}

void format_w3c(std::int64_t unix_seconds, char* out) noexcept {
    (void)put_date_time(out, unix_seconds, ' ');
}

void format_clf(std::int64_t unix_seconds, char* out) noexcept {
    static constexpr char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const CivilTime t = CivilTime::from_unix(unix_seconds);
    char* p = put2(out, t.day);
    *p++ = '/';
    for (unsigned i = 0; i < 3; ++i)
        *p++ = kMonths[(t.month - 1) * 3 + i];
    *p++ = '/';
    p = put4(p, t.year);
    *p++ = ':';
    p = put2(p, t.hour);
    *p++ = ':';
    p = put2(p, t.minute);
    *p++ = ':';
    p = put2(p, t.second);
    static constexpr char kZone[] = " +0000";
    for (std::size_t i = 0; i + 1 < sizeof kZone; ++i)
        *p++ = kZone[i];
}

}  // namespace tpserve::log
