// A real Prometheus (Debian package prometheus) scrapes tpserve's admin
// listener on loopback; the counter read back through its HTTP query API
// equals the requests made. Skipped when the binary is missing, except
// under CI=true, where that is a failure.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "AdminScrape.h"
#include "Json.h"
#include "ServerFixture.h"
#include "TestEnv.h"
#include "WaitUntil.h"

namespace tpserve::integration {
namespace {

using support::wait_until;

// A free loopback port: bound, read and released (Prometheus binds it
// again at once; another process taking it in between fails the test
// loudly, not wrongly).
std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        port = ntohs(address.sin_port);
    }
    ::close(fd);
    return port;
}

// The Prometheus server as a child process, killed at the end.
class PrometheusProcess {
public:
    PrometheusProcess(const std::filesystem::path& binary, const std::filesystem::path& config,
                      const std::filesystem::path& storage, std::uint16_t port,
                      const std::filesystem::path& log) {
        const std::vector<std::string> args = {
            binary.string(),
            "--config.file=" + config.string(),
            "--storage.tsdb.path=" + storage.string(),
            "--web.listen-address=127.0.0.1:" + std::to_string(port),
            "--log.level=warn",
        };
        const std::string log_path = log.string();
        std::vector<char*> argv;
        for (const std::string& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {
            const int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (out >= 0) {
                ::dup2(out, 1);
                ::dup2(out, 2);
            }
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    ~PrometheusProcess() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        const bool gone = wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; },
                                     std::chrono::seconds(10));
        if (!gone) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
        }
    }
    PrometheusProcess(const PrometheusProcess&) = delete;
    PrometheusProcess& operator=(const PrometheusProcess&) = delete;

    [[nodiscard]] bool running() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }

private:
    pid_t pid_ = -1;
};

// `query`'s single value through Prometheus' HTTP API, or nullopt
// (not up yet, no sample yet, or not exactly one series).
std::optional<double> query(std::uint16_t port, const std::string& query_text) {
    std::string encoded;
    for (const char c : query_text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '_') {
            encoded += c;
        } else {
            constexpr char kHex[] = "0123456789ABCDEF";
            encoded += '%';
            encoded += kHex[byte >> 4];
            encoded += kHex[byte & 0x0F];
        }
    }
    HttpClient client;
    if (!client.connect("127.0.0.1", port, 2s)) return std::nullopt;
    // HTTP/1.0: Go answers with a body ending at the close, never chunked.
    const HttpResponse r = client.request(
        make_request("GET", "/api/v1/query?query=" + encoded, "", "HTTP/1.0"), false, 5s);
    if (r.status != 200) return std::nullopt;
    const support::JsonParse parsed = support::parse_json(r.body);
    if (!parsed.value) return std::nullopt;
    const support::JsonValue* data = parsed.value->find("data");
    const support::JsonValue* result = data != nullptr ? data->find("result") : nullptr;
    if (result == nullptr || !result->is_array() || result->items.size() != 1) return std::nullopt;
    const support::JsonValue* value = result->items[0].find("value");
    if (value == nullptr || !value->is_array() || value->items.size() != 2) return std::nullopt;
    return std::stod(value->items[1].text);
}

class Prometheus : public ServerFixture {};

TEST_F(Prometheus, ScrapesTheAdminListenerAndReadsACounterBack) {
    const auto binary = find_on_path("prometheus");
    if (!binary) {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string(ci) == "true") {
            FAIL() << "prometheus is missing (Debian package prometheus; scripts/setup.sh)";
        }
        GTEST_SKIP() << "prometheus is not on PATH (Debian package prometheus)";
    }
    ServerOptions options;
    options.extra_args = {"--admin-listen", "127.0.0.1:0"};
    ASSERT_TRUE(start(std::nullopt, options));
    ASSERT_TRUE(wait_until([&] { return admin_port(server) != 0; })) << server.stderr_text();
    const std::uint16_t admin = admin_port(server);

    constexpr int kRequests = 7;
    HttpClient c = connect();
    for (int i = 0; i < kRequests; ++i)
        ASSERT_TRUE(well_framed(c.request(make_request("GET", "/a.txt"))));

    const std::filesystem::path config =
        tree.write("prometheus.yml",
                   "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                   "scrape_configs:\n  - job_name: tpserve\n    static_configs:\n"
                   "      - targets: ['127.0.0.1:" +
                       std::to_string(admin) + "']\n");
    const std::uint16_t port = free_port();
    ASSERT_NE(port, 0);
    const std::filesystem::path log = tree.path() / "prometheus.log";
    PrometheusProcess prometheus(*binary, config, tree.mkdir("tsdb"), port, log);

    const std::string counter =
        R"(tpserve_http_requests_total{job="tpserve",method="GET",status="2xx"})";
    std::optional<double> seen;
    const bool read_back = wait_until(
        [&] {
            seen = query(port, counter);
            return (seen && *seen == kRequests) || !prometheus.running();
        },
        std::chrono::seconds(60), std::chrono::milliseconds(200));
    EXPECT_TRUE(read_back && seen && *seen == kRequests)
        << "read " << (seen ? std::to_string(*seen) : "nothing") << "; prometheus log:\n"
        << read_whole_file(log).value_or("(none)");
    // `up` says the scrape itself succeeded.
    EXPECT_EQ(query(port, R"(up{job="tpserve"})").value_or(-1), 1);
}

}  // namespace
}  // namespace tpserve::integration
