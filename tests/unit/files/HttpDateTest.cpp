#include "files/HttpDate.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace tpserve::files {
namespace {

std::string fmt(std::int64_t t) {
    std::array<char, kHttpDateLength> buf{};
    format_http_date(t, buf);
    return std::string(buf.data(), buf.size());
}

struct Known {
    std::int64_t seconds;
    const char* imf;
};

// Values cross-checked with `date -u -d @<seconds>`.
constexpr Known kKnown[] = {
    {0, "Thu, 01 Jan 1970 00:00:00 GMT"},
    {784111777, "Sun, 06 Nov 1994 08:49:37 GMT"},  // RFC 9110's example
    {951782400, "Tue, 29 Feb 2000 00:00:00 GMT"},  // leap year divisible by 400
    {951868800, "Wed, 01 Mar 2000 00:00:00 GMT"},
    {1078012800, "Sun, 29 Feb 2004 00:00:00 GMT"},
    {1709251199, "Thu, 29 Feb 2024 23:59:59 GMT"},
    {2147483647, "Tue, 19 Jan 2038 03:14:07 GMT"},  // 32-bit time_t limit
    {2147483648, "Tue, 19 Jan 2038 03:14:08 GMT"},
    {4107542400, "Mon, 01 Mar 2100 00:00:00 GMT"},  // 2100 is not a leap year
    {4107456000, "Sun, 28 Feb 2100 00:00:00 GMT"},
    {253402300799, "Fri, 31 Dec 9999 23:59:59 GMT"},
    {-1, "Wed, 31 Dec 1969 23:59:59 GMT"},
    {-2208988800, "Mon, 01 Jan 1900 00:00:00 GMT"},
    {1700000000, "Tue, 14 Nov 2023 22:13:20 GMT"},
};

TEST(HttpDate, FormatsKnownValues) {
    for (const Known& k : kKnown)
        EXPECT_EQ(fmt(k.seconds), k.imf) << k.seconds;
}

TEST(HttpDate, ParsesWhatItFormats) {
    for (const Known& k : kKnown) {
        const auto t = parse_http_date(k.imf);
        ASSERT_TRUE(t.has_value()) << k.imf;
        EXPECT_EQ(*t, k.seconds) << k.imf;
    }
    // Round trip across a stretch of days, hours apart.
    for (std::int64_t t = -400LL * 86400 * 365; t < 400LL * 86400 * 365; t += 86400 * 7 + 3671) {
        const auto back = parse_http_date(fmt(t));
        ASSERT_TRUE(back.has_value()) << fmt(t);
        ASSERT_EQ(*back, t) << fmt(t);
    }
}

TEST(HttpDate, FormatClampsToFourDigitYears) {
    EXPECT_EQ(fmt(253402300800), "Fri, 31 Dec 9999 23:59:59 GMT");
    EXPECT_EQ(fmt(INT64_MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
    EXPECT_EQ(fmt(INT64_MIN), "Sat, 01 Jan 0000 00:00:00 GMT");
}

TEST(HttpDate, ParsesObsoleteForms) {
    EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
    EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
    EXPECT_EQ(parse_http_date("Sun Nov 06 08:49:37 1994"), 784111777);
    EXPECT_EQ(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT"), 0);
    EXPECT_EQ(parse_http_date("Tuesday, 19-Jan-38 03:14:08 GMT"), 2147483648);  // 2038
    EXPECT_EQ(parse_http_date("Tue Feb 29 00:00:00 2000"), 951782400);
    EXPECT_EQ(parse_http_date("Wed Jan 19 03:14:08 2038"), 2147483648);  // day name unchecked
}

TEST(HttpDate, RejectsMalformed) {
    const char* bad[] = {
        "",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 GMT ",
        " Sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Mon, 29 Feb 1900 00:00:00 GMT",  // 1900 not a leap year
        "Thu, 29 Feb 2001 00:00:00 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Xyz 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08-49-37 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT\r",
        "Sun, 06-Nov-94 08:49:37 GMT",
        "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov  6 08:49:37 94",
        "Sun Nov  6 08:49:37 1994 GMT",
        "1994-11-06T08:49:37Z",
        "784111777",
    };
    for (const char* s : bad)
        EXPECT_FALSE(parse_http_date(s).has_value()) << '"' << s << '"';
}

TEST(HttpDate, LeapSecondIsAccepted) {
    EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"), 1483228800);
}

}  // namespace
}  // namespace tpserve::files
