// Backend choice on Linux, end to end: the real server with io_uring refused
// by a seccomp filter (as under a default `docker run` or Podman) must fall
// back to epoll when the backend is `auto`, say so and why in its log, and
// serve; with `io_uring` demanded it must refuse to start with exit code 2.
#include <cstdlib>
#include <string>

#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

class BackendChoice : public ServerFixture {
protected:
    // Points the harness at `refuse_io_uring ERRNO -- tpserve` (or plain tpserve).
    void use_server(const std::string& refusal, const std::string& backend) {
        const std::string binary = env("TPSERVE_BINARY");
        const std::string refuse = env("TPSERVE_REFUSE_IO_URING");
        ASSERT_FALSE(binary.empty() || refuse.empty()) << "run through ctest";
        const std::string prefix =
            refusal.empty() ? binary : refuse + " " + refusal + " -- " + binary;
        ::setenv("TPSERVE_SERVER", prefix.c_str(), 1);
        ::setenv("TPSERVE_SERVER_ARGS", ("--io-backend " + backend).c_str(), 1);
    }

    void expect_serves() {
        const HttpResponse r = get("/index.html");
        EXPECT_EQ(r.status, 200);
        EXPECT_TRUE(well_framed(r));
    }
};

TEST_F(BackendChoice, AutoFallsBackToEpollWhenSeccompSaysEperm) {
    use_server("EPERM", "auto");
    ASSERT_TRUE(start());
    expect_serves();
    const std::string log = server.stderr_text();
    EXPECT_NE(log.find("I/O engine epoll"), std::string::npos) << log;
    EXPECT_NE(log.find("EPERM"), std::string::npos) << log;
    EXPECT_NE(log.find("io_uring"), std::string::npos) << log;
}

TEST_F(BackendChoice, AutoFallsBackToEpollWhenSeccompSaysEnosys) {
    use_server("ENOSYS", "auto");
    ASSERT_TRUE(start());
    expect_serves();
    const std::string log = server.stderr_text();
    EXPECT_NE(log.find("I/O engine epoll"), std::string::npos) << log;
    EXPECT_NE(log.find("ENOSYS"), std::string::npos) << log;
}

TEST_F(BackendChoice, DemandedIoUringThatIsRefusedExitsTwoWithTheReason) {
    use_server("EPERM", "io_uring");
    const RunResult r = ServerProcess::run(
        {"--root", site.root, "--listen", "127.0.0.1:0", "--access-log", "off"}, 10s);
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("io_uring"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("EPERM"), std::string::npos) << r.err;
}

TEST_F(BackendChoice, CheckConfigReportsTheRefusalToo) {
    use_server("EPERM", "io_uring");
    const RunResult r = ServerProcess::run({"--root", site.root, "--check-config"}, 10s);
    ASSERT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    use_server("EPERM", "auto");
    const RunResult fallback = ServerProcess::run({"--root", site.root, "--check-config"}, 10s);
    EXPECT_EQ(fallback.exit_code, 0) << fallback.err;
    EXPECT_NE(fallback.err.find("epoll"), std::string::npos) << fallback.err;
}

TEST_F(BackendChoice, AutoUsesIoUringWhereTheKernelAllowsIt) {
    use_server("", "auto");
    ASSERT_TRUE(start());
    expect_serves();
    const std::string log = server.stderr_text();
    EXPECT_NE(log.find("I/O engine io_uring"), std::string::npos) << log;
}

TEST_F(BackendChoice, EpollCanBeChosenExplicitly) {
    use_server("", "epoll");
    ASSERT_TRUE(start());
    expect_serves();
    EXPECT_NE(server.stderr_text().find("I/O engine epoll"), std::string::npos);
}

}  // namespace
}  // namespace tpserve::integration
