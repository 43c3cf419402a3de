// The binary's command line: --version, --check-config, curl as a client,
// and listening on IPv6.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

class CommandLine : public ServerFixture {};

TEST_F(CommandLine, VersionExitsZero) {
    const RunResult r = ServerProcess::run({"--version"}, 10s);
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_FALSE(r.out.empty() && r.err.empty()) << "--version printed nothing";
}

TEST_F(CommandLine, CheckConfigRejectsAnUnknownKeyWithFileAndLine) {
    const auto file = tree.write("broken-config.yaml",
                                 "# a config with a typo\n"
                                 "limits:\n"
                                 "  header_bites: 4096\n");
    const RunResult r =
        ServerProcess::run({"--root", site.root, "--config", file.string(), "--check-config"}, 10s);
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("broken-config.yaml"), std::string::npos) << "stderr: " << r.err;
    EXPECT_NE(r.err.find(":3:"), std::string::npos) << "stderr: " << r.err;
}

TEST_F(CommandLine, CheckConfigAcceptsAGoodFile) {
    const auto file = tree.write("good-config.yaml",
                                 "limits:\n"
                                 "  request_line_bytes: 1024\n"
                                 "  header_bytes: 4096\n"
                                 "timeouts:\n"
                                 "  keepalive: 2s\n");
    const RunResult r =
        ServerProcess::run({"--root", site.root, "--config", file.string(), "--check-config"}, 10s);
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

bool ipv6_loopback_available() {
    const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

TEST_F(CommandLine, ListensOnIpv6Loopback) {
    if (!ipv6_loopback_available()) GTEST_SKIP() << "::1 is not available here";
    ServerOptions options;
    options.listen = "[::1]:0";
    ASSERT_TRUE(start(std::nullopt, options));
    EXPECT_EQ(server.host(), "::1");
    const HttpResponse r = get("/a.txt");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, site.content("/a.txt"));
}

// curl as a real client.
class Curl : public ServerFixture {
protected:
    void SetUp() override {
        if (::access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/curl";
        ASSERT_TRUE(start());
    }
    // Runs curl with `args` and the URL; returns its stdout.
    std::string curl(const std::string& args, const std::string& path = "/") {
        const std::string cmd = "/usr/bin/curl -s --max-time 10 " + args + " " + url(path);
        FILE* p = ::popen(cmd.c_str(), "r");
        if (p == nullptr) return "";
        std::string out;
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
            out.append(buf, n);
        const int status = ::pclose(p);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << cmd << ": " << describe_wait_status(status) << "\n"
            << out;
        return out;
    }
};

void expect_header_line(const std::string& out, const std::string& line) {
    EXPECT_NE(out.find("\r\n" + line + "\r\n"), std::string::npos) << "no '" << line << "' in\n"
                                                                   << out;
}

TEST_F(Curl, GetShowsStatusHeadersAndBody) {
    const std::string out = curl("-i");
    EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out;
    expect_header_line(out, "Content-Type: text/html; charset=utf-8");
    expect_header_line(out,
                       "Content-Length: " + std::to_string(site.content("/index.html").size()));
    expect_header_line(out, "Server: tpserve");
    expect_header_line(out, "Accept-Ranges: bytes");
    for (const char* name : {"\r\nETag: \"", "\r\nLast-Modified: ", "\r\nDate: "}) {
        EXPECT_NE(out.find(name), std::string::npos) << name << " missing in\n" << out;
    }
    const auto body_at = out.find("\r\n\r\n");
    ASSERT_NE(body_at, std::string::npos);
    EXPECT_EQ(out.substr(body_at + 4), site.content("/index.html"));
}

TEST_F(Curl, HeadWorks) {
    const std::string out = curl("-I", "/style.css");
    EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out;
    expect_header_line(out, "Content-Length: " + std::to_string(site.content("/style.css").size()));
    EXPECT_EQ(out.substr(out.find("\r\n\r\n") + 4), "") << "HEAD returned a body";
}

TEST_F(Curl, Http10Works) {
    const std::string out = curl("-i --http1.0", "/c.txt");
    EXPECT_EQ(out.rfind("HTTP/1.", 0), 0u) << out;
    EXPECT_NE(out.find(" 200 "), std::string::npos) << out;
    const auto body_at = out.find("\r\n\r\n");
    ASSERT_NE(body_at, std::string::npos) << out;
    EXPECT_EQ(out.substr(body_at + 4), site.content("/c.txt"));
}

}  // namespace
}  // namespace tpserve::integration
