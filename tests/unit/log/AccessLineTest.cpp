#include "log/AccessLine.h"

#include <gtest/gtest.h>

#include <string>

namespace tpserve::log {
namespace {

std::string line(const AccessRecord& r) {
    char buf[kMaxAccessLine];
    const std::size_t n = format_access_line(AccessFormat::Combined, r, buf);
    EXPECT_LE(n, kMaxAccessLine);
    return std::string(buf, n);
}

AccessRecord sample() {
    AccessRecord r;
    r.peer = "127.0.0.1";
    r.unix_time = 1'795'593'600;  // 2026-11-25T08:00:00Z
    r.method = "GET";
    r.target = "/index.html";
    r.protocol = "HTTP/1.1";
    r.status = 200;
    r.body_bytes = 1234;
    r.referer = "http://example.com/";
    r.user_agent = "curl/8.0";
    return r;
}

TEST(AccessLine, CombinedFormat) {
    EXPECT_EQ(line(sample()),
              "127.0.0.1 - - [25/Nov/2026:08:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 1234 "
              "\"http://example.com/\" \"curl/8.0\"\n");
}

TEST(AccessLine, CombinedIgnoresTheExtendedFields) {
    AccessRecord r = sample();
    r.host = "example.com";
    r.site = "main";
    r.bytes_sent = 99999;
    r.request_time_us = 123456;
    r.encoding = "br";
    r.local_ip = "127.0.0.2";
    r.local_port = 8080;
    EXPECT_EQ(line(r), line(sample()));
}

TEST(AccessLine, EmptyFieldsAreDashes) {
    AccessRecord r = sample();
    r.peer = "::1";
    r.method = "";
    r.target = "";
    r.status = 400;
    r.body_bytes = 0;
    r.referer = "";
    r.user_agent = "";
    EXPECT_EQ(line(r), "::1 - - [25/Nov/2026:08:00:00 +0000] \"-\" 400 - \"-\" \"-\"\n");
}

TEST(AccessLine, NoProtocol) {
    AccessRecord r = sample();
    r.protocol = "";
    r.status = 404;
    EXPECT_NE(line(r).find("\"GET /index.html\" 404 1234"), std::string::npos) << line(r);
}

TEST(AccessLine, EscapesQuotesBackslashesControlAndHighBytes) {
    AccessRecord r = sample();
    r.target = "/a\"b\\c\nd\te\x7f\xc3\xa9";
    r.referer = "x\"y";
    r.user_agent = std::string_view("ua\r\n\0z", 6);
    const std::string l = line(r);
    EXPECT_NE(l.find("\"GET /a\\x22b\\x5Cc\\x0Ad\\x09e\\x7F\\xC3\\xA9 HTTP/1.1\""),
              std::string::npos)
        << l;
    EXPECT_NE(l.find("\"x\\x22y\""), std::string::npos) << l;
    EXPECT_NE(l.find("\"ua\\x0D\\x0A\\x00z\"\n"), std::string::npos) << l;
    // Exactly one newline: the terminator.
    EXPECT_EQ(l.find('\n'), l.size() - 1);
}

TEST(AccessLine, HugeFieldsAreCutButTheLineStaysWellFormed) {
    const std::string huge(100'000, '"');  // every byte escapes to 4
    AccessRecord r = sample();
    r.target = huge;
    r.referer = huge;
    r.user_agent = huge;
    const std::string l = line(r);
    EXPECT_LT(l.size(), kMaxAccessLine);
    EXPECT_EQ(l.back(), '\n');
    EXPECT_NE(l.find("...\" 200 1234 \""), std::string::npos);
    EXPECT_EQ(l.substr(l.size() - 5), "...\"\n");
}

TEST(AccessLine, LargeByteCount) {
    AccessRecord r = sample();
    r.body_bytes = 18'446'744'073'709'551'615ull;
    EXPECT_NE(line(r).find(" 200 18446744073709551615 "), std::string::npos);
}

}  // namespace
}  // namespace tpserve::log
