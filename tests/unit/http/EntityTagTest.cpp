#include "http/EntityTag.h"

#include <gtest/gtest.h>

#include <string>

namespace tpserve::http {
namespace {

struct ParseCase {
    std::string text;
    bool valid;
    std::string opaque;
    bool weak;
};

const ParseCase kParse[] = {
    {R"("abc")", true, "abc", false},
    {R"(W/"abc")", true, "abc", true},
    {R"("")", true, "", false},
    {R"(W/"")", true, "", true},
    {R"("a,b")", true, "a,b", false},  // a comma is an etagc
    {R"("W/x")", true, "W/x", false},
    {"\"\x80\xff\"", true, "\x80\xff", false},  // obs-text
    {R"(w/"abc")", false, "", false},           // W/ is case-sensitive
    {"W/abc", false, "", false},
    {"abc", false, "", false},
    {R"("abc)", false, "", false},
    {R"(W/")", false, "", false},
    {"W/", false, "", false},
    {"\"", false, "", false},
    {"", false, "", false},
    {R"("a b")", false, "", false},  // SP is not an etagc
    {"\"a\tb\"", false, "", false},
    {std::string("\"a\0b\"", 5), false, "", false},
    {R"("a"b")", false, "", false},  // trailing bytes after the tag
    {R"( "abc")", false, "", false},
    {R"("abc" )", false, "", false},
    {R"(W/ "abc")", false, "", false},
};

TEST(EntityTag, ParsesWholeText) {
    for (const ParseCase& c : kParse) {
        const auto tag = parse_entity_tag(c.text);
        ASSERT_EQ(tag.has_value(), c.valid) << c.text;
        if (tag) {
            EXPECT_EQ(tag->opaque, c.opaque) << c.text;
            EXPECT_EQ(tag->weak, c.weak) << c.text;
        }
    }
}

TEST(EntityTag, PrefixReportsConsumedLength) {
    std::size_t consumed = 99;
    auto tag = parse_entity_tag_prefix(R"(W/"x,y", "z")", consumed);
    ASSERT_TRUE(tag);
    EXPECT_EQ(consumed, 7u);
    EXPECT_EQ(tag->opaque, "x,y");
    EXPECT_TRUE(tag->weak);

    consumed = 99;
    EXPECT_FALSE(parse_entity_tag_prefix(R"("open, "x)", consumed));  // SP inside
    consumed = 99;
    EXPECT_FALSE(parse_entity_tag_prefix("\"unterminated", consumed));
    EXPECT_EQ(consumed, 99u);  // untouched on failure
}

TEST(EntityTag, Comparison) {
    // RFC 9110 §8.8.3.2's table.
    const EntityTag w1{"1", true};
    const EntityTag w2{"2", true};
    const EntityTag s1{"1", false};
    EXPECT_FALSE(strong_match(w1, w1));
    EXPECT_TRUE(weak_match(w1, w1));
    EXPECT_FALSE(strong_match(w1, w2));
    EXPECT_FALSE(weak_match(w1, w2));
    EXPECT_FALSE(strong_match(w1, s1));
    EXPECT_TRUE(weak_match(w1, s1));
    EXPECT_TRUE(strong_match(s1, s1));
    EXPECT_TRUE(weak_match(s1, s1));
}

}  // namespace
}  // namespace tpserve::http
