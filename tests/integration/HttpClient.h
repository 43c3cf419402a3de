#pragma once
// A deliberately dumb HTTP/1.1 client over one raw TCP socket: it sends any
// bytes it is given and parses what comes back strictly, so the tests see the
// server's exact bytes. Responses are framed by Content-Length (none for HEAD,
// 1xx, 204, 304); it never relies on the server closing to end a response,
// because under Wine the FIN may come late. Every read is bounded by an idle
// timeout. One thread per client.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tpserve::integration {

using namespace std::chrono_literals;

struct HttpResponse {
    std::string error;  // empty when a whole response was read
    int status = 0;
    std::string version;  // "HTTP/1.1"
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;  // in order, values trimmed
    std::string head;  // status line through the blank line, as received
    std::string body;
    bool body_until_close = false;  // no Content-Length: the body ran to EOF

    bool ok() const { return error.empty(); }
    // First value of a field (names compare case-insensitively).
    std::optional<std::string> header(std::string_view name) const;
    std::size_t header_count(std::string_view name) const;
    std::string raw() const { return head + body; }
};

struct CloseResult {
    bool closed = false;  // EOF or connection reset seen
    bool reset = false;
    std::string data;  // bytes that arrived before the close (or the timeout)
    std::chrono::milliseconds elapsed{0};
};

class HttpClient {
public:
    HttpClient() = default;
    ~HttpClient();
    HttpClient(HttpClient&& other) noexcept;
    HttpClient& operator=(HttpClient&& other) noexcept;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // host is an IPv4 or IPv6 literal. recv_buffer > 0 sets SO_RCVBUF before
    // connecting (a slow reader). On failure, error() says why and
    // connect_errno() holds errno (ECONNREFUSED, ...).
    bool connect(const std::string& host, std::uint16_t port,
                 std::chrono::milliseconds timeout = 5s, int recv_buffer = 0);
    bool connected() const { return fd_ >= 0; }
    int connect_errno() const { return connect_errno_; }
    const std::string& error() const { return error_; }

    // Writes all bytes (bounded); false if the peer is gone or it timed out.
    bool send(std::string_view bytes, std::chrono::milliseconds timeout = 5s);

    // Reads exactly one response. head_request: the request was HEAD, so no
    // body follows whatever the headers say.
    HttpResponse read_response(bool head_request = false,
                               std::chrono::milliseconds idle_timeout = 5s);
    HttpResponse request(std::string_view raw, bool head_request = false,
                         std::chrono::milliseconds idle_timeout = 5s);

    // Reads up to `max` bytes that are available within `timeout` (at least
    // one byte unless it times out or the peer closed); for slow readers.
    std::string read_some(std::size_t max, std::chrono::milliseconds timeout);
    // Reads exactly n bytes of raw stream (bounded by the idle timeout).
    std::optional<std::string> read_exact(std::size_t n,
                                          std::chrono::milliseconds idle_timeout = 5s);

    // Reads until the server closes (EOF or reset) or `timeout` passes.
    CloseResult read_until_close(std::chrono::milliseconds timeout);
    // True if data is buffered or arrives within `timeout` (it stays buffered).
    bool data_pending(std::chrono::milliseconds timeout);
    std::size_t buffered() const { return in_.size() - pos_; }

    void close();

private:
    enum class Fill { Data, Eof, Reset, Timeout, Error };
    Fill fill(std::chrono::milliseconds timeout);
    std::string take(std::size_t n);

    int fd_ = -1;
    int connect_errno_ = 0;
    std::string error_;
    std::string in_;
    std::size_t pos_ = 0;
    bool eof_ = false;
    bool reset_ = false;
};

// The request line, a Host header, the extra header lines (each ending in
// CRLF) and the blank line.
std::string make_request(std::string_view method, std::string_view target,
                         std::string_view extra_headers = "",
                         std::string_view version = "HTTP/1.1");
// Bytes shown with non-printables escaped, cut to `max` characters.
std::string printable(std::string_view bytes, std::size_t max = 600);

}  // namespace tpserve::integration
