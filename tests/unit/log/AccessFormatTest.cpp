#include "log/AccessFormat.h"

#include <gtest/gtest.h>

namespace tpserve::log {
namespace {

TEST(AccessFormat, NamesRoundTrip) {
    for (const auto f : {AccessFormat::Combined, AccessFormat::Json, AccessFormat::W3c}) {
        EXPECT_EQ(access_format_from_name(access_format_name(f)), f);
    }
    EXPECT_EQ(access_format_name(AccessFormat::W3c), "w3c");
    EXPECT_EQ(access_format_from_name("json"), AccessFormat::Json);
}

TEST(AccessFormat, UnknownNames) {
    EXPECT_FALSE(access_format_from_name("").has_value());
    EXPECT_FALSE(access_format_from_name("JSON").has_value());
    EXPECT_FALSE(access_format_from_name("common").has_value());
    EXPECT_FALSE(access_format_from_name("w3c ").has_value());
}

}  // namespace
}  // namespace tpserve::log
