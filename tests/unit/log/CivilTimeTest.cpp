#include "log/CivilTime.h"

#include <gtest/gtest.h>

#include <string>

namespace tpserve::log {
namespace {

std::string iso(std::int64_t t) {
    char buf[kIsoLength];
    format_iso8601(t, buf);
    return std::string(buf, kIsoLength);
}

std::string clf(std::int64_t t) {
    char buf[kClfLength];
    format_clf(t, buf);
    return std::string(buf, kClfLength);
}

std::string w3c(std::int64_t t) {
    char buf[kW3cLength];
    format_w3c(t, buf);
    return std::string(buf, kW3cLength);
}

TEST(CivilTime, W3cDateTime) {
    EXPECT_EQ(w3c(0), "1970-01-01 00:00:00");
    EXPECT_EQ(w3c(1'795'593'600), "2026-11-25 08:00:00");
    EXPECT_EQ(w3c(1'234'567'890), "2009-02-13 23:31:30");
    EXPECT_EQ(w3c(-1), "1969-12-31 23:59:59");
}

TEST(CivilTime, Epoch) {
    EXPECT_EQ(iso(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(clf(0), "01/Jan/1970:00:00:00 +0000");
}

TEST(CivilTime, KnownInstants) {
    // Values checked against `date -u -d @N`.
    EXPECT_EQ(iso(1'795'593'600), "2026-11-25T08:00:00Z");
    EXPECT_EQ(iso(951'782'400), "2000-02-29T00:00:00Z");    // leap day of a /400 year
    EXPECT_EQ(iso(4'107'542'399), "2100-02-28T23:59:59Z");  // 2100 is not a leap year
    EXPECT_EQ(iso(4'107'542'400), "2100-03-01T00:00:00Z");
    EXPECT_EQ(iso(1'234'567'890), "2009-02-13T23:31:30Z");
    EXPECT_EQ(clf(1'000'000'000), "09/Sep/2001:01:46:40 +0000");
    EXPECT_EQ(clf(1'703'980'799), "30/Dec/2023:23:59:59 +0000");
}

TEST(CivilTime, BeforeEpoch) {
    EXPECT_EQ(iso(-1), "1969-12-31T23:59:59Z");
    EXPECT_EQ(iso(-86'400 * 365), "1969-01-01T00:00:00Z");
}

TEST(CivilTime, EveryDayRoundTripsThroughMonthLengths) {
    // Walk 2000..2400 day by day: the date must advance by exactly one day each time.
    const std::int64_t start = 946'684'800;  // 2000-01-01
    CivilTime prev = CivilTime::from_unix(start);
    for (std::int64_t d = 1; d < 146'097; ++d) {
        const CivilTime t = CivilTime::from_unix(start + d * 86'400);
        if (t.day != 1) {
            ASSERT_EQ(t.day, prev.day + 1);
            ASSERT_EQ(t.month, prev.month);
            ASSERT_EQ(t.year, prev.year);
        } else {
            const bool leap = (prev.year % 4 == 0 && prev.year % 100 != 0) || prev.year % 400 == 0;
            const unsigned lengths[] = {31, leap ? 29u : 28u, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                        31};
            ASSERT_EQ(prev.day, lengths[prev.month - 1]) << prev.year << "-" << prev.month;
            ASSERT_EQ(t.month, prev.month == 12 ? 1u : prev.month + 1);
        }
        prev = t;
    }
    EXPECT_EQ(prev.year, 2399);
    EXPECT_EQ(prev.month, 12u);
    EXPECT_EQ(prev.day, 31u);
}

}  // namespace
}  // namespace tpserve::log
