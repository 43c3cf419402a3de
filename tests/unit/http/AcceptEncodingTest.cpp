#include "http/AcceptEncoding.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace tpserve::http {
namespace {

// A request holding one Accept-Encoding field per entry of `values`.
struct Fields {
    std::vector<std::string> values;
    std::vector<Header> headers;
    Request request;

    explicit Fields(std::vector<std::string> v, std::string_view name = "Accept-Encoding")
        : values(std::move(v)) {
        headers.push_back({"Host", "example.com"});
        for (const std::string& value : values)
            headers.push_back({name, value});
        headers.push_back({"Accept", "gzip"});  // another field's list must not count
        request.headers = headers;
    }
};

TEST(QValue, Grammar) {
    struct Case {
        std::string_view text;
        int expect;  // -1 = invalid
    };
    constexpr Case kCases[] = {
        {"0", 0},        {"1", 1000},  {"0.", 0},      {"1.", 1000},   {"0.5", 500},
        {"0.05", 50},    {"0.005", 5}, {"0.123", 123}, {"0.999", 999}, {"1.0", 1000},
        {"1.000", 1000}, {"0.000", 0}, {"1.001", -1},  {"1.5", -1},    {"2", -1},
        {"0.1234", -1},  {".5", -1},   {"", -1},       {" 1", -1},     {"1 ", -1},
        {"0,5", -1},     {"-0", -1},   {"01", -1},     {"0.5x", -1},   {"1.0000", -1},
        {"0.a", -1},     {"00.5", -1},
    };
    for (const Case& c : kCases) {
        const auto q = parse_qvalue(c.text);
        if (c.expect < 0) {
            EXPECT_FALSE(q.has_value()) << '"' << c.text << '"';
        } else {
            ASSERT_TRUE(q.has_value()) << '"' << c.text << '"';
            EXPECT_EQ(*q, c.expect) << '"' << c.text << '"';
        }
    }
}

constexpr std::array<std::string_view, 2> kBrGzip{"br", "gzip"};
constexpr std::array<std::string_view, 3> kBrGzipZstd{"br", "gzip", "zstd"};
constexpr std::array<std::string_view, 1> kGzip{"gzip"};

struct Case {
    std::vector<std::string> fields;
    std::span<const std::string_view> available;
    int expect;
};

const Case kCases[] = {
    // Absent / empty: identity.
    {{}, kBrGzip, -1},
    {{""}, kBrGzip, -1},
    {{" , ,"}, kBrGzip, -1},
    // Plain choices and server order on ties.
    {{"gzip"}, kBrGzip, 1},
    {{"br"}, kBrGzip, 0},
    {{"gzip, br"}, kBrGzip, 0},
    {{"gzip, deflate, br, zstd"}, kBrGzipZstd, 0},
    {{"deflate"}, kBrGzip, -1},
    {{"gzip"}, {}, -1},
    // Weights.
    {{"gzip;q=1.0, br;q=0.9"}, kBrGzip, 1},
    {{"gzip;q=0.5, br;q=0.55"}, kBrGzip, 0},
    {{"zstd;q=0.9, br;q=0.8, gzip;q=0.8"}, kBrGzipZstd, 2},
    {{"gzip;q=0.001"}, kBrGzip, 1},
    {{"br;q=0, gzip"}, kBrGzip, 1},
    {{"br;q=0.000, gzip;q=0"}, kBrGzip, -1},
    {{"gzip;q=0."}, kBrGzip, -1},
    {{"gzip;q=1."}, kBrGzip, 1},
    {{"gzip;q=1.000"}, kBrGzip, 1},
    {{"gzip ; q=0.5"}, kBrGzip, 1},  // OWS around ';'
    {{"gzip;\tq=0.5\t"}, kBrGzip, 1},
    {{"br; Q=0.8"}, kBrGzip, 0},  // "q=" is case-insensitive ABNF
    // Malformed members are ignored one by one.
    {{"gzip;q=1.5"}, kBrGzip, -1},
    {{"gzip;q=1.001"}, kBrGzip, -1},
    {{"gzip;q=0.1234"}, kBrGzip, -1},
    {{"gzip;q=.5"}, kBrGzip, -1},
    {{"gzip;q = 0.5"}, kBrGzip, -1},
    {{"gzip;q"}, kBrGzip, -1},
    {{"gzip;"}, kBrGzip, -1},
    {{"gzip;level=9"}, kBrGzip, -1},
    {{"gzip;q=0.5;foo=1"}, kBrGzip, -1},
    {{"br;q=0.5 junk, gzip;q=0.1"}, kBrGzip, 1},
    {{"\"br\", gzip"}, kBrGzip, 1},  // no quoted-strings in this field: the quote stays local
    {{"\x80gzip, br"}, kBrGzip, 0},
    {{"gz ip"}, kBrGzip, -1},
    // Case and the x-gzip alias.
    {{"GZIP"}, kBrGzip, 1},
    {{"Br, GZip"}, kBrGzip, 0},
    {{"x-gzip"}, kBrGzip, 1},
    {{"X-GZIP;Q=0.5, br;q=0.4"}, kBrGzip, 1},
    {{"x-gzip"}, std::span<const std::string_view>(kBrGzipZstd).subspan(2), -1},
    // A coding named twice: the lowest q counts.
    {{"gzip, gzip;q=0"}, kBrGzip, -1},
    {{"gzip;q=0, x-gzip"}, kBrGzip, -1},
    {{"br;q=0.2, br;q=0.9, gzip;q=0.5"}, kBrGzip, 1},
    // "*".
    {{"*"}, kBrGzip, 0},
    {{"*;q=0"}, kBrGzip, -1},
    {{"*;q=0.5, br;q=0"}, kBrGzip, 1},
    {{"gzip;q=0.5, *"}, kBrGzip, 0},
    {{"gzip, *;q=0"}, kBrGzip, 1},
    {{"*;q=0.3, br;q=0.2"}, kBrGzip, 1},
    // Identity.
    {{"identity"}, kBrGzip, -1},
    {{"identity;q=1, gzip;q=0.5"}, kBrGzip, -1},
    {{"identity;q=0.5, gzip;q=0.5"}, kBrGzip, 1},  // not strictly preferred
    {{"identity;q=0, gzip;q=0.1"}, kBrGzip, 1},
    {{"IDENTITY;q=0.6, gzip;q=0.5"}, kBrGzip, -1},
    {{"*;q=0.5, gzip;q=0.3"}, kGzip, -1},    // "*" weighs identity too
    {{"*;q=0.5, gzip;q=0.3"}, kBrGzip, 0},   // br 0.5 ties identity 0.5
    {{"identity;q=0, *;q=0"}, kBrGzip, -1},  // nothing acceptable: identity anyway
    // Several fields form one list.
    {{"gzip", "br"}, kBrGzip, 0},
    {{"", "gzip"}, kBrGzip, 1},
    {{"gzip", "gzip;q=0"}, kBrGzip, -1},
    {{"br;q=0.1", "identity"}, kBrGzip, -1},
};

TEST(AcceptEncoding, Table) {
    for (const Case& c : kCases) {
        Fields f(c.fields);
        std::string shown;
        for (const std::string& v : c.fields)
            shown += "[" + v + "]";
        EXPECT_EQ(choose_encoding(f.request, c.available), c.expect) << shown;
    }
}

TEST(AcceptEncoding, FieldNameIsCaseInsensitive) {
    Fields f({"gzip"}, "accept-ENCODING");
    EXPECT_EQ(choose_encoding(f.request, kBrGzip), 1);
}

TEST(AcceptEncoding, HugeLists) {
    std::string value;
    for (int i = 0; i < 5000; ++i)
        value += "deflate;q=0.5, ;q=, \"x, ";
    Fields tail({value + "gzip;q=0.2"});
    EXPECT_EQ(choose_encoding(tail.request, kBrGzip), 1);
    Fields none({value});
    EXPECT_EQ(choose_encoding(none.request, kBrGzip), -1);

    // Many fields.
    std::vector<std::string> many(2000, "compress");
    many.push_back("br;q=0.7");
    Fields fields(many);
    EXPECT_EQ(choose_encoding(fields.request, kBrGzip), 0);

    // One enormous token.
    Fields big({std::string(100000, 'g')});
    EXPECT_EQ(choose_encoding(big.request, kBrGzip), -1);
}

}  // namespace
}  // namespace tpserve::http
