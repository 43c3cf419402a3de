// The text exposition format's details: escaping, names, numbers.
#include "metrics/TextFormat.h"

#include <gtest/gtest.h>

#include <limits>

namespace tpserve::metrics {
namespace {

TEST(TextFormat, LabelValuesEscapeBackslashQuoteAndLineFeed) {
    std::string out;
    append_label_value(out, "a\\b\"c\nd\te");
    EXPECT_EQ(out, "a\\\\b\\\"c\\nd\te");  // a tab stays as it is
}

TEST(TextFormat, HelpEscapesBackslashAndLineFeedButNotQuotes) {
    std::string out;
    append_help_text(out, "say \"hi\"\\\n");
    EXPECT_EQ(out, "say \"hi\"\\\\\\n");
}

TEST(TextFormat, MetricAndLabelNames) {
    EXPECT_TRUE(valid_name("tpserve_http_requests_total"));
    EXPECT_TRUE(valid_name("a:b_c9"));
    EXPECT_FALSE(valid_name(""));
    EXPECT_FALSE(valid_name("9lives"));
    EXPECT_FALSE(valid_name("with-dash"));
    EXPECT_TRUE(valid_name("status", true));
    EXPECT_FALSE(valid_name("a:b", true));       // no colon in a label name
    EXPECT_FALSE(valid_name("__name__", true));  // reserved
}

TEST(TextFormat, NumbersArePlainDecimalsWhereShort) {
    const auto text = [](double v) {
        std::string out;
        append_number(out, v);
        return out;
    };
    EXPECT_EQ(text(0.0005), "0.0005");
    EXPECT_EQ(text(10), "10");
    EXPECT_EQ(text(2.5), "2.5");
    EXPECT_EQ(text(0), "0");
    EXPECT_EQ(text(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(text(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(text(std::numeric_limits<double>::quiet_NaN()), "NaN");
    EXPECT_EQ(text(1e-9), "1e-09");
    EXPECT_EQ(text(1e20), "1e+20");
}

TEST(TextFormat, FamilyAndSamples) {
    std::string out;
    TextWriter w(out);
    w.family("x_total", "counter", "Things.\nMore.");
    w.sample("x_total", {{"kind", "a\"b"}, {"site", "s"}}, std::uint64_t{18446744073709551615u});
    w.sample("x_total", {}, 0.25);
    EXPECT_EQ(out,
              "# HELP x_total Things.\\nMore.\n"
              "# TYPE x_total counter\n"
              "x_total{kind=\"a\\\"b\",site=\"s\"} 18446744073709551615\n"
              "x_total 0.25\n");
}

}  // namespace
}  // namespace tpserve::metrics
