#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "log/AccessLine.h"

namespace tpserve::log {
namespace {

constexpr std::size_t kFieldCount = 18;

std::string line(const AccessRecord& r) {
    char buf[kMaxAccessLine];
    const std::size_t n = format_access_line(AccessFormat::W3c, r, buf);
    EXPECT_LE(n, kMaxAccessLine);
    return std::string(buf, n);
}

AccessRecord sample() {
    AccessRecord r;
    r.peer = "10.0.0.1";
    r.unix_time = 1'795'593'600;  // 2026-11-25 08:00:00 UTC
    r.method = "GET";
    r.target = "/app.js?v=2&x=1";
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
    r.local_ip = "127.0.0.2";
    r.local_port = 8080;
    return r;
}

// Splits a line (without its '\n') on single spaces; fails on structural damage.
std::vector<std::string> fields(const std::string& l) {
    EXPECT_FALSE(l.empty());
    EXPECT_EQ(l.back(), '\n');
    EXPECT_EQ(l.find('\n'), l.size() - 1) << "a newline inside the line";
    std::vector<std::string> out;
    std::string cur;
    for (std::size_t i = 0; i + 1 < l.size(); ++i) {
        const auto c = static_cast<unsigned char>(l[i]);
        EXPECT_TRUE(c >= 0x20 && c < 0x7F) << "raw byte " << int(c) << " at " << i;
        if (c == ' ') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += static_cast<char>(c);
        }
    }
    out.push_back(cur);
    for (const auto& f : out)
        EXPECT_FALSE(f.empty()) << "empty field (double space) in: " << l;
    return out;
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Undoes %HH (and '+' -> ' ' when `plus_is_space`).
std::string decode(const std::string& f, bool plus_is_space = false) {
    std::string out;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] == '%' && i + 2 < f.size() && hex(f[i + 1]) >= 0 && hex(f[i + 2]) >= 0) {
            out += static_cast<char>(hex(f[i + 1]) * 16 + hex(f[i + 2]));
            i += 2;
        } else if (plus_is_space && f[i] == '+') {
            out += ' ';
        } else {
            out += f[i];
        }
    }
    return out;
}

TEST(W3cLine, ExactLine) {
    EXPECT_EQ(
        line(sample()),
        "2026-11-25 08:00:00 127.0.0.2 GET /app.js v=2&x=1 8080 - 10.0.0.1 "
        "Mozilla/5.0+(X11;+Linux+x86_64) http://example.com/ 200 0 0 1480 12 example.com br\n");
}

TEST(W3cLine, MatchesTheFieldsDirective) {
    std::size_t directive_fields = 1;
    for (const char c : kW3cFields)
        directive_fields += c == ' ' ? 1 : 0;
    EXPECT_EQ(directive_fields, kFieldCount);
    EXPECT_EQ(fields(line(sample())).size(), kFieldCount);
}

TEST(W3cLine, EmptyFieldsAreDashes) {
    AccessRecord r;
    r.status = 400;
    EXPECT_EQ(line(r), "1970-01-01 00:00:00 - - - - - - - - - 400 0 0 0 0 - -\n");
    AccessRecord q = sample();
    q.target = "/plain";
    q.local_ip = "";
    q.local_port = 0;
    EXPECT_EQ(fields(line(q))[2], "-");
    EXPECT_EQ(fields(line(q))[5], "-");
    EXPECT_EQ(fields(line(q))[6], "-");
    q.target = "/empty-query?";
    EXPECT_EQ(fields(line(q))[4], "/empty-query");
    EXPECT_EQ(fields(line(q))[5], "-");
}

TEST(W3cLine, StemIsThePathOfAnAbsoluteFormTarget) {
    AccessRecord r = sample();
    const std::pair<std::string_view, std::pair<std::string, std::string>> cases[] = {
        {"http://example.com/a/b?q=1", {"/a/b", "q=1"}},
        {"HTTPS://example.com:8443/p", {"/p", "-"}},
        {"http://example.com", {"/", "-"}},
        {"http://example.com?x", {"/", "x"}},
        {"*", {"*", "-"}},
        {"/a://b", {"/a://b", "-"}},
        {"?only", {"-", "only"}},
        {"/q?a?b", {"/q", "a?b"}},
    };
    for (const auto& [target, expected] : cases) {
        r.target = target;
        const auto f = fields(line(r));
        ASSERT_EQ(f.size(), kFieldCount) << target;
        EXPECT_EQ(f[4], expected.first) << target;
        EXPECT_EQ(f[5], expected.second) << target;
    }
}

TEST(W3cLine, TimeTakenInMillisecondsAndNumbers) {
    AccessRecord r = sample();
    r.request_time_us = 1'999;
    r.bytes_sent = 18'446'744'073'709'551'615ull;
    r.status = 304;
    r.local_port = 65535;
    const auto f = fields(line(r));
    EXPECT_EQ(f[6], "65535");
    EXPECT_EQ(f[11], "304");
    EXPECT_EQ(f[12], "0");
    EXPECT_EQ(f[13], "0");
    EXPECT_EQ(f[14], "18446744073709551615");
    EXPECT_EQ(f[15], "1");
    r.request_time_us = 0;
    EXPECT_EQ(fields(line(r))[15], "0");
    EXPECT_EQ(f[16], "example.com");
    EXPECT_EQ(f[17], "br");
    r.encoding = "";
    EXPECT_EQ(fields(line(r))[17], "-");
}

std::string every_byte_except(std::string_view skip) {
    std::string s;
    for (int c = 0; c < 256; ++c) {
        if (skip.find(static_cast<char>(c)) == std::string_view::npos) s += static_cast<char>(c);
    }
    return s;
}

TEST(W3cLine, HostileBytesNeverBreakTheFieldStructure) {
    // '%' and '+' are left as they are (as IIS does), so leave them out of
    // the round trip; '?' separates stem from query.
    const std::string all = every_byte_except("%+?");
    AccessRecord r = sample();
    r.peer = r.method = r.local_ip = all;
    const std::string target = "/" + all + "?" + all;  // the record only borrows
    r.target = target;
    r.referer = all;
    r.user_agent = all;
    const std::string l = line(r);
    const auto f = fields(l);
    ASSERT_EQ(f.size(), kFieldCount) << l;
    // Address and method budgets are short: the kept part is the client's bytes, then "...".
    for (const std::size_t i : {2u, 3u, 8u}) {
        ASSERT_GT(f[i].size(), 3u);
        EXPECT_EQ(f[i].substr(f[i].size() - 3), "...") << i;
        const std::string kept = decode(f[i].substr(0, f[i].size() - 3));
        EXPECT_EQ(kept, all.substr(0, kept.size())) << i;
    }
    EXPECT_EQ(decode(f[4]), "/" + all);
    EXPECT_EQ(decode(f[5]), all);
    EXPECT_EQ(decode(f[9], true), all);
    EXPECT_EQ(decode(f[10]), all);
    EXPECT_EQ(f[11], "200");
}

TEST(W3cLine, SpecificEscapes) {
    AccessRecord r = sample();
    r.target = std::string_view("/a b\r\n\0\"\\\xff?q=\t", 14);
    r.user_agent = "A B\"C";
    r.referer = "http://x/a b";
    const auto f = fields(line(r));
    ASSERT_EQ(f.size(), kFieldCount);
    EXPECT_EQ(f[4], "/a%20b%0D%0A%00\"\\%FF");
    EXPECT_EQ(f[5], "q=%09");
    EXPECT_EQ(f[9], "A+B\"C");
    EXPECT_EQ(f[10], "http://x/a%20b");
}

TEST(W3cLine, HugeFieldsAreCutButKeepTheFieldCount) {
    const std::string huge(100'000, '\x01');  // every byte escapes to 3
    AccessRecord r = sample();
    r.peer = r.method = r.local_ip = r.referer = r.user_agent = huge;
    const std::string target = huge + "?" + huge;
    r.target = target;
    const std::string l = line(r);
    EXPECT_LT(l.size(), kMaxAccessLine);
    const auto f = fields(l);
    ASSERT_EQ(f.size(), kFieldCount);
    EXPECT_EQ(f[4].size(), (8192 - 3) / 3 * 3 + 3);  // the stem spends the URI budget
    EXPECT_EQ(f[5], "-");
    EXPECT_EQ(f[9].substr(f[9].size() - 3), "...");
}

TEST(W3cLine, Header) {
    EXPECT_EQ(w3c_header("tpserve 0.1.0", 1'795'593'600),
              "#Software: tpserve 0.1.0\n#Version: 1.0\n#Date: 2026-11-25 08:00:00\n"
              "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
              "c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes "
              "time-taken cs-host sc(Content-Encoding)\n");
    EXPECT_EQ(w3c_header("a\nb\x7f", 0).substr(0, 16), "#Software: a?b?\n");
}

}  // namespace
}  // namespace tpserve::log
