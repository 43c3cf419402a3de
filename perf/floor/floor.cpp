// The floor: a do-nothing HTTP/1.1 responder for perf/bench.sh (SERVERS=floor).
// It answers every request head with the same 1 KiB response from memory
// (one send per batch of heads), with epoll, SO_REUSEPORT and one thread per
// worker — no parsing, no files, no timeouts, no logging. Its CPU per request
// is what the kernel and the client cost on this machine: a bound no real
// server can beat, against which tpserve's and nginx's figures are read.
// Not part of tpserve; benchmark use only (it trusts its client).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string response(bool close) {
    std::string body(1024, 'x');
    return std::string("HTTP/1.1 200 OK\r\nServer: floor\r\nContent-Type: application/octet-stream\r\n"
                       "Content-Length: 1024\r\n") +
           (close ? "Connection: close\r\n" : "") + "\r\n" + body;
}

int listen_on(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    ::setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd, SOMAXCONN) != 0) {
        std::perror("floor: bind/listen");
        std::exit(1);
    }
    return fd;
}

void serve(int port) {
    const std::string keep = response(false);
    const std::string close = response(true);
    const int listener = listen_on(port);
    const int poller = ::epoll_create1(0);
    epoll_event event{EPOLLIN, {.fd = listener}};
    ::epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
    std::vector<epoll_event> events(512);
    std::vector<char> in(16384);
    std::string out;
    for (;;) {
        const int n = ::epoll_wait(poller, events.data(), static_cast<int>(events.size()), -1);
        for (int i = 0; i < n; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            if (fd == listener) {
                for (int c; (c = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
                    const int one = 1;
                    ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    epoll_event e{EPOLLIN | EPOLLRDHUP, {.fd = c}};
                    ::epoll_ctl(poller, EPOLL_CTL_ADD, c, &e);
                }
                continue;
            }
            const ssize_t got = ::recv(fd, in.data(), in.size(), 0);
            if (got <= 0) {
                ::close(fd);
                continue;
            }
            // One response per head end in this read; "close" in the read ends it.
            out.clear();
            const std::string_view bytes(in.data(), static_cast<std::size_t>(got));
            const bool closing = bytes.find("lose\r\n") != std::string_view::npos;
            for (std::size_t at = 0; (at = bytes.find("\r\n\r\n", at)) != std::string_view::npos;
                 at += 4) {
                out += closing ? close : keep;
            }
            if (!out.empty()) (void)::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
            if (closing) ::close(fd);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: floor PORT WORKERS\n");
        return 2;
    }
    const int port = std::atoi(argv[1]);
    const int workers = std::atoi(argv[2]);
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i)
        threads.emplace_back(serve, port);
    for (std::thread& t : threads)
        t.join();
}
