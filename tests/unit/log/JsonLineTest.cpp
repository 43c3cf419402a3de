#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "log/AccessLine.h"

#include "Json.h"

namespace tpserve::log {
namespace {

std::string line(const AccessRecord& r) {
    char buf[kMaxAccessLine];
    const std::size_t n = format_access_line(AccessFormat::Json, r, buf);
    EXPECT_LE(n, kMaxAccessLine);
    return std::string(buf, n);
}

AccessRecord sample() {
    AccessRecord r;
    r.peer = "127.0.0.1";
    r.unix_time = 1'795'593'600;  // 2026-11-25T08:00:00Z
    r.method = "GET";
    r.target = "/app.js?v=2";
    r.protocol = "HTTP/1.1";
    r.status = 200;
    r.body_bytes = 1234;
    r.bytes_sent = 1480;
    r.request_time_us = 12'345;
    r.host = "example.com";
    r.site = "example";
    r.encoding = "br";
    r.referer = "http://example.com/";
    r.user_agent = "Mozilla/5.0 (X11; Linux x86_64)";
    return r;
}

// One member of a line's object: a string (decoded) or a number (as written).
struct Field {
    bool is_string = false;
    std::string text;
};
using FlatObject = std::vector<std::pair<std::string, Field>>;

// The line is ASCII, so every code point above 0x7f came from a \u00XX
// escape of one raw byte: turn the reader's UTF-8 back into those bytes, so
// a value compares with the client's bytes. False for anything above 0xff.
bool utf8_to_bytes(const std::string& utf8, std::string& bytes) {
    bytes.clear();
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) {
            bytes += static_cast<char>(c);
        } else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) {
            const auto next = static_cast<unsigned char>(utf8[++i]);
            bytes += static_cast<char>(((c & 0x03U) << 6U) | (next & 0x3FU));
        } else {
            return false;  // never produced by the log
        }
    }
    return true;
}

// The line without its '\n', parsed; fails the test unless it is one valid
// object of unique keys whose values are strings or numbers.
FlatObject parsed(const std::string& l) {
    EXPECT_FALSE(l.empty());
    EXPECT_EQ(l.back(), '\n');
    EXPECT_EQ(l.find('\n'), l.size() - 1) << "a newline inside the line";
    const support::JsonParse json =
        support::parse_json(std::string_view(l).substr(0, l.size() - 1));
    const bool flat =
        json.value && json.value->is_object() &&
        std::all_of(json.value->members.begin(), json.value->members.end(), [&](const auto& m) {
            return json.value->count(m.first) == 1 &&
                   (m.second.is_string() || m.second.is_number());
        });
    EXPECT_TRUE(flat) << "invalid JSON (" << json.error << "): " << l;
    FlatObject out;
    if (!flat) return out;
    for (const auto& [key, value] : json.value->members) {
        Field field{value.is_string(), value.text};
        if (field.is_string) {
            EXPECT_TRUE(utf8_to_bytes(value.text, field.text)) << key;
        }
        out.emplace_back(key, field);
    }
    return out;
}

const Field* member(const FlatObject& o, std::string_view key) {
    for (const auto& m : o) {
        if (m.first == key) return &m.second;
    }
    return nullptr;
}

TEST(JsonLine, ExactLine) {
    EXPECT_EQ(line(sample()),
              R"({"time":"2026-11-25T08:00:00Z","remote_addr":"127.0.0.1","method":"GET",)"
              R"("uri":"/app.js?v=2","protocol":"HTTP/1.1","status":200,"body_bytes":1234,)"
              R"("bytes_sent":1480,"request_time":0.012,"host":"example.com","site":"example",)"
              R"("encoding":"br","referer":"http://example.com/",)"
              R"j("user_agent":"Mozilla/5.0 (X11; Linux x86_64)"})j"
              "\n");
}

TEST(JsonLine, KeysInOrderAndTypes) {
    const auto o = parsed(line(sample()));
    const std::vector<std::pair<std::string, bool>> expected = {
        {"time", true},        {"remote_addr", true}, {"method", true},
        {"uri", true},         {"protocol", true},    {"status", false},
        {"body_bytes", false}, {"bytes_sent", false}, {"request_time", false},
        {"host", true},        {"site", true},        {"encoding", true},
        {"referer", true},     {"user_agent", true}};
    ASSERT_EQ(o.size(), expected.size());
    for (std::size_t i = 0; i < o.size(); ++i) {
        EXPECT_EQ(o[i].first, expected[i].first);
        EXPECT_EQ(o[i].second.is_string, expected[i].second) << o[i].first;
    }
}

TEST(JsonLine, EmptyFieldsAreEmptyStringsAndZeros) {
    AccessRecord r;
    r.unix_time = 0;
    r.status = 400;
    EXPECT_EQ(line(r),
              R"({"time":"1970-01-01T00:00:00Z","remote_addr":"","method":"","uri":"",)"
              R"("protocol":"","status":400,"body_bytes":0,"bytes_sent":0,"request_time":0.000,)"
              R"("host":"","site":"","encoding":"","referer":"","user_agent":""})"
              "\n");
    parsed(line(r));
}

TEST(JsonLine, RequestTimeIsSecondsWithThreeDecimalsTruncated) {
    AccessRecord r = sample();
    const std::pair<std::uint64_t, std::string> cases[] = {
        {0, "0.000"},       {999, "0.000"},         {1'000, "0.001"},
        {1'999, "0.001"},   {12'345'678, "12.345"}, {3'600'000'000, "3600.000"},
        {100'000, "0.100"}, {1'010'000, "1.010"}};
    for (const auto& [us, text] : cases) {
        r.request_time_us = us;
        const auto o = parsed(line(r));
        const auto* v = member(o, "request_time");
        ASSERT_NE(v, nullptr);
        EXPECT_EQ(v->text, text) << us;
    }
}

TEST(JsonLine, LargeNumbersAndClampedStatus) {
    AccessRecord r = sample();
    r.body_bytes = 18'446'744'073'709'551'615ull;
    r.bytes_sent = 18'446'744'073'709'551'615ull;
    r.status = 12345;
    const auto o = parsed(line(r));
    EXPECT_EQ(member(o, "body_bytes")->text, "18446744073709551615");
    EXPECT_EQ(member(o, "bytes_sent")->text, "18446744073709551615");
    EXPECT_EQ(member(o, "status")->text, "999");
}

TEST(JsonLine, EscapesKnownBytes) {
    AccessRecord r = sample();
    r.target = std::string_view("/a\"b\\c\r\n\0\x7f\xff", 11);
    const std::string l = line(r);
    EXPECT_NE(l.find(R"("uri":"/a\"b\\c\u000d\u000a\u0000\u007f\u00ff")"), std::string::npos) << l;
}

std::string every_byte() {
    std::string s;
    for (int c = 0; c < 256; ++c)
        s += static_cast<char>(c);
    return s;
}

TEST(JsonLine, HostileBytesInEveryStringFieldRoundTrip) {
    const std::string all = every_byte();
    AccessRecord r = sample();
    r.peer = r.method = r.protocol = r.host = r.site = r.encoding = all;
    // The record only borrows: keep the strings alive.
    const std::string target = all + all;
    const std::string referer = "\"},\n{\"x\":1" + all;
    const std::string agent = std::string("\0\r\n\\\"", 5) + all;
    r.target = target;
    r.referer = referer;
    r.user_agent = agent;
    const std::string l = line(r);
    for (std::size_t i = 0; i + 1 < l.size(); ++i) {
        const auto c = static_cast<unsigned char>(l[i]);
        ASSERT_TRUE(c >= 0x20 && c < 0x7F) << "raw byte " << int(c) << " at " << i;
    }
    const auto o = parsed(l);
    ASSERT_EQ(o.size(), 14u);
    // Short budgets cut these; what is kept must be the client's bytes, exactly.
    for (const char* key : {"remote_addr", "method", "protocol", "host", "site", "encoding"}) {
        const std::string& v = member(o, key)->text;
        ASSERT_GT(v.size(), 3u) << key;
        EXPECT_EQ(v.substr(v.size() - 3), "...") << key;
        EXPECT_EQ(all.substr(0, v.size() - 3), v.substr(0, v.size() - 3)) << key;
    }
    // 64 bytes of output: ten 6-byte escapes (\u0000..\u0009) and the ellipsis.
    EXPECT_EQ(member(o, "encoding")->text, all.substr(0, 10) + "...");
    EXPECT_EQ(member(o, "uri")->text, all + all);
    EXPECT_EQ(member(o, "referer")->text, std::string(r.referer));
    EXPECT_EQ(member(o, "user_agent")->text, std::string(r.user_agent));
}

TEST(JsonLine, HugeFieldsAreCutButTheLineStaysValid) {
    const std::string huge(100'000, '\xff');  // every byte escapes to 6
    AccessRecord r = sample();
    r.peer = r.method = r.target = r.protocol = r.host = r.site = r.encoding = r.referer =
        r.user_agent = huge;
    const std::string l = line(r);
    EXPECT_LT(l.size(), kMaxAccessLine);
    const auto o = parsed(l);
    ASSERT_EQ(o.size(), 14u);
    for (const auto& [key, value] : o) {
        if (!value.is_string || key == "time") continue;
        EXPECT_GE(value.text.size(), 4u) << key;
        EXPECT_EQ(value.text.substr(value.text.size() - 3), "...") << key;
        EXPECT_EQ(value.text.find_first_not_of('\xff'), value.text.size() - 3) << key;
    }
    // The URI keeps the most: 8 KiB of output at 6 bytes a byte.
    EXPECT_EQ(member(o, "uri")->text.size(), (8192 - 3) / 6 + 3);
}

}  // namespace
}  // namespace tpserve::log
