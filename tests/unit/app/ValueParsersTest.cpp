#include "app/ValueParsers.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "PathSpelling.h"
#include "app/IpLiteral.h"

namespace tpserve::app {
namespace {

TEST(IpLiteral, V4) {
    for (const char* ok : {"0.0.0.0", "127.0.0.1", "255.255.255.255", "10.0.0.10"}) {
        EXPECT_TRUE(is_ipv4_literal(ok)) << ok;
    }
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..3.4", "1.2.3.4.",
                            ".1.2.3.4", "a.b.c.d", "1.2.3.4 ", "1234.1.1.1", "-1.2.3.4"}) {
        EXPECT_FALSE(is_ipv4_literal(bad)) << bad;
    }
}

TEST(IpLiteral, V6) {
    for (const char* ok :
         {"::", "::1", "1::", "fe80::1", "2001:db8:0:0:0:0:2:1", "2001:DB8::2:1", "1:2:3:4:5:6:7:8",
          "1:2:3:4:5:6::8", "::ffff:192.0.2.1", "1:2:3:4:5:6:1.2.3.4", "1::1.2.3.4"}) {
        EXPECT_TRUE(is_ipv6_literal(ok)) << ok;
    }
    for (const char* bad :
         {"", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::2", "1::2:", "12345::", "g::1",
          "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "::1.2.3", "1.2.3.4", "::1.2.3.4:5", "fe80::1%eth0",
          "[::1]", "1:2:3:4:5:6:7:1.2.3.4"}) {
        EXPECT_FALSE(is_ipv6_literal(bad)) << bad;
    }
}

TEST(ValueParsers, Listen) {
    config::ListenAddress a;
    EXPECT_EQ(parse_listen("[::]:443", a), "");
    EXPECT_EQ(a, (config::ListenAddress{"::", 443}));
    EXPECT_EQ(parse_listen("[2001:DB8::1]:80", a), "");
    EXPECT_EQ(a.host, "2001:db8::1");
    EXPECT_EQ(parse_listen("*:0", a), "");
    EXPECT_EQ(a, (config::ListenAddress{"0.0.0.0", 0}));
    for (const char* bad : {"", ":80", "1.2.3.4:", "1.2.3.4:-1", "1.2.3.4:+80", "1.2.3.4:65536",
                            "[::1]80", "[::1", "[1.2.3.4]:80", "host:80", "1.2.3.4:80x"}) {
        config::ListenAddress before{"x", 1};
        EXPECT_NE(parse_listen(bad, before), "") << bad;
        EXPECT_EQ(before, (config::ListenAddress{"x", 1})) << "changed on failure: " << bad;
    }
}

TEST(ValueParsers, SizesAndDurations) {
    std::uint64_t n = 0;
    EXPECT_EQ(parse_size("16k", 0, 1u << 30, n), "");
    EXPECT_EQ(n, 16384u);
    EXPECT_EQ(parse_size("2M", 0, 1u << 30, n), "");
    EXPECT_EQ(n, 2u << 20);
    EXPECT_NE(parse_size("k", 0, 100, n), "");
    EXPECT_NE(parse_size("1kb", 0, 1u << 30, n), "");
    EXPECT_NE(parse_size("18446744073709551615k", 0, ~0ull, n), "");
    std::chrono::milliseconds d{};
    EXPECT_EQ(parse_duration("90", d), "");
    EXPECT_EQ(d, std::chrono::seconds(90));
    EXPECT_EQ(parse_duration("1440m", d), "");
    EXPECT_EQ(d, std::chrono::hours(24));
    EXPECT_NE(parse_duration("1441m", d), "");
    EXPECT_NE(parse_duration("ms", d), "");
    EXPECT_NE(parse_duration("5d", d), "");
}

TEST(ValueParsers, ClosestWord) {
    static constexpr std::string_view kChoices[] = {"listen", "workers", "root", "timeouts"};
    EXPECT_EQ(closest_word("lisen", kChoices), "listen");
    EXPECT_EQ(closest_word("timeout", kChoices), "timeouts");
    EXPECT_EQ(closest_word("rot", kChoices), "root");
    EXPECT_EQ(closest_word("banana", kChoices), "");
    EXPECT_EQ(join_choices(kChoices), "listen, workers, root or timeouts");
}

TEST(ValueParsers, ResolvePath) {
    using test::native;
    using test::on_drive_of;
    EXPECT_EQ(resolve_path("/etc/x", "../www"), native("/etc/www"));
    EXPECT_EQ(resolve_path("/etc/x", "/srv/www/"), native("/srv/www"));
    EXPECT_EQ(resolve_path("", "www/"), "www");
    EXPECT_EQ(resolve_path("/", "/"), native("/"));

    // Against a real absolute directory (drive-qualified on Windows).
    const std::filesystem::path cwd = std::filesystem::current_path();
    EXPECT_EQ(resolve_path(cwd.string(), "a/./b/../c/"), native((cwd / "a" / "c").string()));
    EXPECT_EQ(resolve_path(cwd.string(), "/srv/www"), on_drive_of(cwd, "/srv/www"));
}

}  // namespace
}  // namespace tpserve::app
