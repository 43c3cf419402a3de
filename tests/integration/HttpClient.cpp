#include "HttpClient.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tpserve::integration {

namespace {

using Clock = std::chrono::steady_clock;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

int poll_ms(std::chrono::milliseconds d) {
    return static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, d.count()));
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return v;
    }
    return std::nullopt;
}

std::size_t HttpResponse::header_count(std::string_view name) const {
    return static_cast<std::size_t>(std::count_if(
        headers.begin(), headers.end(), [&](const auto& kv) { return iequals(kv.first, name); }));
}

std::string make_request(std::string_view method, std::string_view target,
                         std::string_view extra_headers, std::string_view version) {
    std::string r;
    r.append(method).append(" ").append(target).append(" ").append(version).append("\r\n");
    r.append("Host: 127.0.0.1\r\n").append(extra_headers).append("\r\n");
    return r;
}

std::string printable(std::string_view bytes, std::size_t max) {
    std::string s;
    for (unsigned char c : bytes.substr(0, max)) {
        if (c == '\r') {
            s += "\\r";
        } else if (c == '\n') {
            s += "\\n\n";
        } else if (c < 0x20 || c >= 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            s += "\\x";
            s += hex[c >> 4];
            s += hex[c & 15];
        } else {
            s += static_cast<char>(c);
        }
    }
    if (bytes.size() > max) s += "...(" + std::to_string(bytes.size()) + " bytes in all)";
    return s;
}

HttpClient::~HttpClient() {
    close();
}

HttpClient::HttpClient(HttpClient&& other) noexcept {
    *this = std::move(other);
}

HttpClient& HttpClient::operator=(HttpClient&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        connect_errno_ = other.connect_errno_;
        error_ = std::move(other.error_);
        in_ = std::move(other.in_);
        pos_ = std::exchange(other.pos_, 0);
        eof_ = other.eof_;
        reset_ = other.reset_;
    }
    return *this;
}

void HttpClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool HttpClient::connect(const std::string& host, std::uint16_t port,
                         std::chrono::milliseconds timeout, int recv_buffer) {
    close();
    in_.clear();
    pos_ = 0;
    eof_ = reset_ = false;
    sockaddr_storage addr{};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        len = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        len = sizeof(sockaddr_in6);
    } else {
        error_ = "not an IP literal: " + host;
        return false;
    }
    // CLOEXEC: a server started later must not inherit (and hold open) our sockets.
    fd_ = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        connect_errno_ = errno;
        error_ = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    if (recv_buffer > 0) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &recv_buffer, sizeof recv_buffer);
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), len);
    if (rc != 0 && errno == EINPROGRESS) {
        pollfd p{fd_, POLLOUT, 0};
        rc = ::poll(&p, 1, poll_ms(timeout));
        if (rc == 0) {
            connect_errno_ = ETIMEDOUT;
        } else {
            int err = 0;
            socklen_t el = sizeof err;
            ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &el);
            connect_errno_ = err;
        }
    } else if (rc != 0) {
        connect_errno_ = errno;
    } else {
        connect_errno_ = 0;
    }
    if (connect_errno_ != 0) {
        error_ = "connect to " + host + ":" + std::to_string(port) + ": " +
                 std::strerror(connect_errno_);
        close();
        return false;
    }
    return true;
}

bool HttpClient::send(std::string_view bytes, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!bytes.empty()) {
        if (fd_ < 0) {
            error_ = "send on a closed client";
            return false;
        }
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN) {
            error_ = std::string("send: ") + std::strerror(errno);
            return false;
        }
        pollfd p{fd_, POLLOUT, 0};
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || ::poll(&p, 1, poll_ms(left)) == 0) {
            error_ = "send timed out with " + std::to_string(bytes.size()) + " bytes unsent";
            return false;
        }
    }
    return true;
}

HttpClient::Fill HttpClient::fill(std::chrono::milliseconds timeout) {
    if (eof_) return reset_ ? Fill::Reset : Fill::Eof;
    if (fd_ < 0) return Fill::Error;
    if (pos_ > 0 && pos_ >= in_.size() / 2) {  // keep the buffer from growing without end
        in_.erase(0, pos_);
        pos_ = 0;
    }
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        char buf[256 * 1024];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n > 0) {
            in_.append(buf, static_cast<std::size_t>(n));
            return Fill::Data;
        }
        if (n == 0) {
            eof_ = true;
            return Fill::Eof;
        }
        if (errno == EINTR) continue;
        if (errno == ECONNRESET) {
            eof_ = reset_ = true;
            return Fill::Reset;
        }
        if (errno != EAGAIN) return Fill::Error;
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd p{fd_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, poll_ms(left)) == 0) return Fill::Timeout;
    }
}

std::string HttpClient::take(std::size_t n) {
    std::string s = in_.substr(pos_, n);
    pos_ += s.size();
    return s;
}

HttpResponse HttpClient::read_response(bool head_request, std::chrono::milliseconds idle_timeout) {
    HttpResponse r;
    auto fail = [&](const std::string& why) {
        r.error =
            why + "; received so far: \"" + printable(std::string_view(in_).substr(pos_)) + "\"";
        return r;
    };
    std::size_t end;
    while ((end = in_.find("\r\n\r\n", pos_)) == std::string::npos) {
        if (in_.size() - pos_ > (1u << 20)) return fail("response head over 1 MiB");
        switch (fill(idle_timeout)) {
            case Fill::Data:
                continue;
            case Fill::Eof:
                return fail("connection closed before the end of the response head");
            case Fill::Reset:
                return fail("connection reset before the end of the response head");
            case Fill::Timeout:
                return fail("no complete response head within " +
                            std::to_string(idle_timeout.count()) + " ms");
            case Fill::Error:
                return fail(std::string("recv: ") + std::strerror(errno));
        }
    }
    r.head = take(end + 4 - pos_);
    std::string_view h(r.head);
    const auto line_end = h.find("\r\n");
    const std::string_view status_line = h.substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/" || status_line[8] != ' ' ||
        (status_line.size() > 12 && status_line[12] != ' ')) {
        return fail("bad status line \"" + printable(status_line) + "\"");
    }
    r.version = std::string(status_line.substr(0, 8));
    for (char c : status_line.substr(9, 3)) {
        if (c < '0' || c > '9')
            return fail("bad status code in \"" + printable(status_line) + "\"");
        r.status = r.status * 10 + (c - '0');
    }
    if (status_line.size() > 13) r.reason = std::string(status_line.substr(13));
    std::string_view rest = h.substr(line_end + 2, h.size() - line_end - 4);
    while (!rest.empty()) {
        auto eol = rest.find("\r\n");
        std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0 ||
            line.substr(0, colon).find_first_of(" \t") != std::string_view::npos) {
            return fail("bad header line \"" + printable(line) + "\"");
        }
        r.headers.emplace_back(std::string(line.substr(0, colon)),
                               std::string(trim(line.substr(colon + 1))));
    }

    const bool no_body = head_request || r.status / 100 == 1 || r.status == 204 || r.status == 304;
    if (no_body) return r;
    if (r.header("Transfer-Encoding")) {
        return fail("unexpected Transfer-Encoding: " + *r.header("Transfer-Encoding"));
    }
    if (r.header_count("Content-Length") > 1) return fail("several Content-Length fields");
    if (auto cl = r.header("Content-Length")) {
        std::uint64_t n = 0;
        if (cl->empty() || cl->size() > 18 ||
            cl->find_first_not_of("0123456789") != std::string::npos) {
            return fail("bad Content-Length \"" + *cl + "\"");
        }
        n = std::stoull(*cl);
        while (in_.size() - pos_ < n) {
            switch (fill(idle_timeout)) {
                case Fill::Data:
                    continue;
                case Fill::Timeout:
                    return fail("body stalled at " + std::to_string(in_.size() - pos_) + " of " +
                                std::to_string(n) + " bytes for " +
                                std::to_string(idle_timeout.count()) + " ms");
                default:
                    return fail("connection ended after " + std::to_string(in_.size() - pos_) +
                                " of " + std::to_string(n) + " body bytes");
            }
        }
        r.body = take(n);
        return r;
    }
    // No framing at all: only EOF can end the body (HTTP/1.0 style).
    r.body_until_close = true;
    for (;;) {
        const Fill f = fill(idle_timeout);
        if (f == Fill::Data) continue;
        if (f == Fill::Eof || f == Fill::Reset) break;
        return fail("no Content-Length and the connection stayed open");
    }
    r.body = take(in_.size() - pos_);
    return r;
}

HttpResponse HttpClient::request(std::string_view raw, bool head_request,
                                 std::chrono::milliseconds idle_timeout) {
    if (!send(raw)) {
        HttpResponse r;
        r.error = "could not send the request: " + error_;
        return r;
    }
    return read_response(head_request, idle_timeout);
}

std::string HttpClient::read_some(std::size_t max, std::chrono::milliseconds timeout) {
    if (buffered() == 0) fill(timeout);
    return take(std::min(max, buffered()));
}

std::optional<std::string> HttpClient::read_exact(std::size_t n,
                                                  std::chrono::milliseconds idle_timeout) {
    while (buffered() < n) {
        if (fill(idle_timeout) != Fill::Data) return std::nullopt;
    }
    return take(n);
}

CloseResult HttpClient::read_until_close(std::chrono::milliseconds timeout) {
    CloseResult c;
    const auto t0 = Clock::now();
    const auto deadline = t0 + timeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        const Fill f = left.count() > 0 ? fill(left) : Fill::Timeout;
        if (f == Fill::Data) continue;
        c.closed = f == Fill::Eof || f == Fill::Reset || f == Fill::Error;
        c.reset = f == Fill::Reset;
        break;
    }
    c.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    c.data = take(buffered());
    return c;
}

bool HttpClient::data_pending(std::chrono::milliseconds timeout) {
    if (buffered() > 0) return true;
    fill(timeout);
    return buffered() > 0;
}

}  // namespace tpserve::integration
