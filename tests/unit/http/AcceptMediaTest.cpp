#include "http/AcceptMedia.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tpserve::http {
namespace {

// A request holding one Accept field per entry of `values`.
struct Fields {
    std::vector<std::string> values;
    std::vector<Header> headers;
    Request request;

    explicit Fields(std::vector<std::string> v, std::string_view name = "Accept")
        : values(std::move(v)) {
        headers.push_back({"Accept-Language", "text/html;q=0"});  // not Accept
        for (const std::string& value : values)
            headers.push_back({name, value});
        request.headers = headers;
    }
};

std::string show(const std::vector<std::string>& fields) {
    std::string s;
    for (const std::string& f : fields)
        s += "[" + f + "]";
    return s;
}

constexpr std::string_view kFirefox =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

struct QualityCase {
    std::vector<std::string> fields;
    int expect;  // for text/html
};

const QualityCase kQuality[] = {
    {{}, 1000},
    {{"text/html"}, 1000},
    {{"TEXT/HTML"}, 1000},
    {{"text/*"}, 1000},
    {{"*/*"}, 1000},
    {{"*/*;q=0.1"}, 100},
    {{std::string(kFirefox)}, 1000},
    {{"application/json"}, 0},
    {{"text/plain"}, 0},
    {{""}, 0},
    {{" , ,"}, 0},
    // The most specific range decides, whatever the order.
    {{"text/html;q=0, */*"}, 0},
    {{"*/*, text/html;q=0"}, 0},
    {{"*/*;q=0, text/html;q=0.3"}, 300},
    {{"text/*;q=0.5, */*;q=0.9"}, 500},
    {{"*/*;q=0.9, text/*;q=0"}, 0},
    {{"text/html;level=1;q=0.2, text/html;q=0.7"}, 700},
    {{"text/html;level=1;q=0.2"}, 200},
    {{"text/html;level=1;q=0.2, text/*;q=0.9"}, 200},
    {{"text/html;q=0.8;level=1"}, 800},  // after q: accept-ext, ignored
    {{"text/html;level=2;q=0.3, text/html;q=0.8;ext=1"}, 800},
    // Same rank twice: the lowest q.
    {{"text/html;q=0.5, text/html;q=0.9"}, 500},
    {{"*/*;q=0.4, */*"}, 400},
    // OWS and empty parameters.
    {{"text/html ; q=0.5"}, 500},
    {{"text/html;\tq=0.5 "}, 500},
    {{"text/html;"}, 1000},
    {{"text/html;;q=0.5"}, 500},
    // Quoted-strings hide commas and semicolons.
    {{R"(text/html;foo="a,b;q=0";q=0.4)"}, 400},
    {{R"(text/html;foo="a\"b,c";q=0.4)"}, 400},
    {{R"(text/html;foo="unterminated, */*)"}, 0},
    {{R"(text/plain;foo="x, y", text/html;q=0.6)"}, 600},
    // Malformed members are ignored one by one.
    {{"text/html;q=2"}, 0},
    {{"text/html;q=2, */*;q=0.1"}, 100},
    {{"text/html;q=0.5;q=0.6"}, 0},
    {{"text/html;q=0.5;Q=0.6, */*;q=0.2"}, 200},
    {{"*/html"}, 0},
    {{"texthtml"}, 0},
    {{"text/"}, 0},
    {{"/html"}, 0},
    {{"text/html;charset"}, 0},
    {{"text/html;charset="}, 0},
    {{"text/html junk"}, 0},
    {{"text /html"}, 0},
    {{"text/html;q = 0.5"}, 0},
    {{"\x80text/html, text/*;q=0.3"}, 300},
    // Several fields form one list.
    {{"application/json", "text/html;q=0.5"}, 500},
    {{"*/*", "text/html;q=0"}, 0},
    {{"", "text/html"}, 1000},
};

TEST(AcceptMedia, QualityOfTextHtml) {
    for (const QualityCase& c : kQuality) {
        Fields f(c.fields);
        EXPECT_EQ(media_quality(f.request, "text/html"), c.expect) << show(c.fields);
        EXPECT_EQ(accepts_media(f.request, "text/html"), c.expect > 0) << show(c.fields);
    }
}

TEST(AcceptMedia, OtherTypesAndCase) {
    Fields f({std::string(kFirefox)});
    EXPECT_EQ(media_quality(f.request, "application/xml"), 900);
    EXPECT_EQ(media_quality(f.request, "image/png"), 800);
    EXPECT_EQ(media_quality(f.request, "Application/XHTML+XML"), 1000);
    Fields lower({"text/html"}, "accept");
    EXPECT_EQ(media_quality(lower.request, "text/html"), 1000);
    EXPECT_EQ(media_quality(lower.request, "TEXT/html"), 1000);
    EXPECT_EQ(media_quality(lower.request, "text/htm"), 0);
    EXPECT_EQ(media_quality(lower.request, "text/html5"), 0);
}

TEST(AcceptMedia, PrefersJson) {
    struct Case {
        std::vector<std::string> fields;
        bool expect;
    };
    const Case kCases[] = {
        {{}, false},
        {{"*/*"}, false},
        {{std::string(kFirefox)}, false},
        {{"application/json"}, true},
        {{"APPLICATION/JSON"}, true},
        {{"application/json, text/html"}, false},
        {{"text/html, application/json"}, false},
        {{"application/json, text/html;q=0.9"}, true},
        {{"text/html;q=0.9, application/json"}, true},
        {{"application/json;q=0"}, false},
        {{"application/json;q=0, text/html;q=0"}, false},
        {{"application/json;q=0.5, */*;q=0.1"}, true},
        {{"application/json;q=0.5, text/*"}, false},
        {{"application/*"}, true},
        {{"application/json;q=1.5"}, false},
        {{"text/html;q=0.1", "application/json;q=0.2"}, true},
        {{"application/json;charset=utf-8"}, true},
    };
    for (const Case& c : kCases) {
        Fields f(c.fields);
        EXPECT_EQ(prefers_json(f.request), c.expect) << show(c.fields);
    }
}

TEST(AcceptMedia, HugeLists) {
    std::string value;
    for (int i = 0; i < 5000; ++i)
        value += "image/png;q=0.5, ;;, x/y;a=\"b,c\", ";
    Fields tail({value + "text/html;q=0.25"});
    EXPECT_EQ(media_quality(tail.request, "text/html"), 250);
    Fields none({value});
    EXPECT_EQ(media_quality(none.request, "text/html"), 0);
    Fields open({"\"" + value + "text/html"});  // one unterminated quote swallows it all
    EXPECT_EQ(media_quality(open.request, "text/html"), 0);
    std::vector<std::string> many(2000, "image/png");
    many.push_back("application/json");
    Fields fields(many);
    EXPECT_TRUE(prefers_json(fields.request));
}

}  // namespace
}  // namespace tpserve::http
