// The training client of the profile-guided release build (perf/pgo/train.sh):
// drives an instrumented tpserve over loopback with the requests a static
// server spends its time on, so the profile GCC reads back weighs the hot
// path as production would. Mostly small keep-alive GETs answered from the
// cache's memory, some sendfile bodies, a precompressed variant, 304s, a
// range, a HEAD, a 404 and Connection: close churn. Sixteen connections, all
// requests of a round sent before any answer is read, so the server sees
// batches. Not a benchmark and not a test: it only checks that each answer
// is framed as expected, and exits 1 at the first that is not.
//   tpserve_pgo_train PORT SECONDS
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace {

struct Request {
    std::string_view text;
    bool head = false;   // the answer has no body whatever its Content-Length
    bool close = false;  // the server closes after the answer
};

// Weighted by repetition: small memory-served GETs dominate, as in practice.
constexpr std::string_view kSmall =
    "GET /small.txt HTTP/1.1\r\nHost: pgo\r\nUser-Agent: pgo-train\r\n\r\n";
const std::array kMix{
    Request{kSmall},
    Request{kSmall},
    Request{"GET /medium.bin HTTP/1.1\r\nHost: pgo\r\nAccept: */*\r\n\r\n"},
    Request{kSmall},
    Request{"GET /style.css HTTP/1.1\r\nHost: pgo\r\nAccept-Encoding: gzip, br\r\n\r\n"},
    Request{kSmall},
    Request{"GET /small.txt HTTP/1.1\r\nHost: pgo\r\nIf-None-Match: *\r\n\r\n"},
    Request{kSmall},
    Request{"GET /medium.bin HTTP/1.1\r\nHost: pgo\r\nRange: bytes=100-4195\r\n\r\n"},
    Request{kSmall},
    Request{"HEAD /small.txt HTTP/1.1\r\nHost: pgo\r\n\r\n", true},
    Request{"GET / HTTP/1.1\r\nHost: pgo\r\n\r\n"},
    Request{"GET /missing.html HTTP/1.1\r\nHost: pgo\r\n\r\n"},
    Request{"GET /small.txt HTTP/1.1\r\nHost: pgo\r\nConnection: close\r\n\r\n", false, true},
};

[[noreturn]] void fail(const char* what) {
    (void)std::fprintf(stderr, "pgo-train: %s\n", what);
    std::exit(1);
}

int connect_to(long long port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        fail("cannot connect");
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) fail("send failed");
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// A decimal number at the start of `text`, or -1.
long long number(std::string_view text) {
    long long value = -1;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc{} && end != text.data() ? value : -1;
}

// One connection's unread bytes: answers can arrive together.
struct Connection {
    int fd = -1;
    std::string pending;
};

bool fill(Connection& c) {
    std::array<char, 65536> buffer{};
    const ssize_t n = ::recv(c.fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) return false;
    c.pending.append(buffer.data(), static_cast<std::size_t>(n));
    return true;
}

// Reads one answer to `request` off `c`, by its Content-Length.
void read_answer(Connection& c, const Request& request) {
    std::size_t end = 0;
    while ((end = c.pending.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(c)) fail("connection closed before the head");
    }
    const std::string_view head(c.pending.data(), end + 4);
    if (!head.starts_with("HTTP/1.1 ")) fail("not an HTTP/1.1 answer");
    const long long status = number(head.substr(9));
    std::size_t length = 0;
    if (const std::size_t at = head.find("\r\nContent-Length: "); at != std::string_view::npos) {
        const long long value = number(head.substr(at + 18));
        if (value < 0) fail("a Content-Length that is not a number");
        length = static_cast<std::size_t>(value);
    }
    if (request.head || status == 304 || status == 204) length = 0;
    const std::size_t total = end + 4 + length;
    while (c.pending.size() < total) {
        if (!fill(c)) fail("connection closed inside a body");
    }
    c.pending.erase(0, total);
}

}  // namespace

int main(int argc, char** argv) {
    const long long port = argc == 3 ? number(argv[1]) : -1;
    const long long seconds = argc == 3 ? number(argv[2]) : -1;
    if (port <= 0 || port > 65535 || seconds < 0) {
        (void)std::fprintf(stderr, "usage: tpserve_pgo_train PORT SECONDS\n");
        return 2;
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    std::array<Connection, 16> connections;
    for (Connection& c : connections)
        c.fd = connect_to(port);
    std::size_t turn = 0;
    std::size_t answers = 0;
    while (std::chrono::steady_clock::now() < until) {
        for (std::size_t i = 0; i < connections.size(); ++i)
            send_all(connections[i].fd, kMix[(turn + i) % kMix.size()].text);
        for (std::size_t i = 0; i < connections.size(); ++i) {
            Connection& c = connections[i];
            const Request& request = kMix[(turn + i) % kMix.size()];
            read_answer(c, request);
            ++answers;
            if (request.close) {
                while (fill(c)) {
                }
                ::close(c.fd);
                c = Connection{connect_to(port), {}};
            }
        }
        ++turn;
    }
    for (Connection& c : connections)
        ::close(c.fd);
    std::printf("pgo-train: %zu answers\n", answers);
    return 0;
}
