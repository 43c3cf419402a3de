#include "ProactorTestSupport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "net/AddressText.h"
#include "platform/linux/EpollProactor.h"
#include "platform/linux/UringProactor.h"

namespace tpserve::platform::test {

namespace {

template <class C>
Counters copy_counters(const C& c) {
    return Counters{c.accepted, c.dropped, c.transmits, c.bytes_sent};
}

}  // namespace

std::vector<Backend> all_backends() {
    Backend uring;
    uring.name = "io_uring";
    uring.make = [](std::vector<UniqueFd> listeners, std::chrono::milliseconds drain,
                    std::uint32_t slots, std::string& error) -> std::unique_ptr<conn::Proactor> {
        UringOptions options;
        options.max_connections = slots;
        options.drain_timeout = drain;
        int error_errno = 0;
        return UringProactor::create(std::move(listeners), options, error, error_errno);
    };
    uring.counters = [](const conn::Proactor& p) {
        return copy_counters(static_cast<const UringProactor&>(p).counters());
    };
    Backend epoll;
    epoll.name = "epoll";
    epoll.make = [](std::vector<UniqueFd> listeners, std::chrono::milliseconds drain,
                    std::uint32_t slots, std::string& error) -> std::unique_ptr<conn::Proactor> {
        EpollOptions options;
        options.max_connections = slots;
        options.drain_timeout = drain;
        return EpollProactor::create(std::move(listeners), options, error);
    };
    epoll.counters = [](const conn::Proactor& p) {
        return copy_counters(static_cast<const EpollProactor&>(p).counters());
    };
    return {uring, epoll};
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param.name;
}

TempFile::TempFile(std::size_t size) {
    char path[] = "/tmp/tpserve_proactor_testXXXXXX";
    const int fd = ::mkstemp(path);
    EXPECT_GE(fd, 0);
    ::unlink(path);
    bytes.resize(size);
    for (std::size_t i = 0; i < size; ++i)
        bytes[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, bytes.data() + done, size - done);
        EXPECT_GT(n, 0);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    file = std::make_shared<FdFile>(fd);
}

void TestSink::offer_all() {
    for (std::uint32_t slot = 0; slot < kSlots; ++slot)
        offer(slot);
}

void TestSink::offer(std::uint32_t slot) {
    Conn& c = conns[slot];
    ++c.generation;
    c.live = false;
    c.busy = true;  // owned by the backend until the Accept completion
    c.request.clear();
    proactor_->accept({slot, c.generation});
}

void TestSink::start_receive(std::uint32_t slot) {
    Conn& c = conns[slot];
    c.busy = true;
    proactor_->receive({slot, c.generation}, c.buffer, conn::Clock::now() + receive_timeout);
}

void TestSink::on_completion(const conn::Completion& completion) {
    record(completion);
    const std::uint32_t slot = completion.conn.slot;
    Conn& c = conns[slot];
    EXPECT_EQ(completion.conn.generation, c.generation);
    c.busy = false;
    if (hook) hook(*this, completion);
    if (c.busy) return;  // the hook started something
    using conn::IoStatus;
    using conn::OpKind;
    switch (completion.kind) {
        case OpKind::Accept:
            if (completion.status != IoStatus::Ok) return;  // cancelled at shutdown
            c.live = true;
            start_receive(slot);
            return;
        case OpKind::Receive:
            if (!c.live) return;
            if (completion.status != IoStatus::Ok) break;
            c.request.append(reinterpret_cast<const char*>(completion.data.data()),
                             completion.data.size());
            if (respond && c.request.find("\r\n\r\n") != std::string::npos) {
                c.plan.clear();
                respond(c.plan, c.request);
                c.request.clear();
                c.busy = true;
                proactor_->transmit(completion.conn, c.plan, conn::Clock::now() + transmit_timeout);
            } else {
                start_receive(slot);
            }
            return;
        case OpKind::Transmit:
            if (completion.closed) {
                c.live = false;
                if (!stopping) offer(slot);
                return;
            }
            if (completion.status != IoStatus::Ok) break;
            start_receive(slot);
            return;
    }
    // Errors: abortive close, then the slot is free again.
    if (c.live) {
        proactor_->close(completion.conn);
        c.live = false;
    }
    if (!stopping) offer(slot);
}

void TestSink::on_stop() {
    ++stops;
    stopping = true;
    if (!close_on_stop) return;
    for (std::uint32_t slot = 0; slot < kSlots; ++slot) {
        Conn& c = conns[slot];
        // An idle keep-alive connection (receive in flight) is closed at once;
        // its receive completes Cancelled.
        if (c.live) {
            proactor_->close({slot, c.generation});
            c.live = false;
        }
    }
}

bool TestSink::idle() const {
    if (never_idle) return false;
    for (const Conn& c : conns) {
        if (c.live || (c.busy && !stopping)) return false;
    }
    // Busy-but-not-live slots after a stop are in-flight cancellations or
    // offered slots: the backend finishes them before returning.
    return true;
}

void TestSink::record(const conn::Completion& completion) {
    net::SocketAddress address = completion.peer;
    if (completion.kind == conn::OpKind::Accept && completion.status == conn::IoStatus::Ok &&
        !address.known() && proactor_ != nullptr) {
        // A backend that does not pay for the address at accept gives it on request.
        address = proactor_->peer_address(completion.conn);
    }
    std::array<char, net::kMaxEndpointText> text{};
    std::string peer(net::endpoint_text(address, text));
    std::lock_guard lock(mutex_);
    events_.push_back(Recorded{completion.conn, completion.kind, completion.status,
                               completion.bytes, completion.closed, std::move(peer),
                               completion.os_error, std::chrono::steady_clock::now()});
}

std::vector<Recorded> TestSink::events() const {
    std::lock_guard lock(mutex_);
    return events_;
}

std::size_t TestSink::count(conn::OpKind kind, conn::IoStatus status) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const Recorded& e : events_)
        n += (e.kind == kind && e.status == status) ? 1 : 0;
    return n;
}

TestServer::TestServer(const Backend& backend, TestSink& sink, std::chrono::milliseconds drain,
                       const std::string& host)
    : backend_(backend), sink_(sink) {
    BoundListeners bound;
    const bool ok = bind_listeners({{host, 0}}, 1, bound, error);
    EXPECT_TRUE(ok) << error;
    if (!ok) return;
    url = bound.urls.at(0);
    port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
    proactor = backend.make(std::move(bound.per_worker.at(0)), drain, TestSink::kSlots, error);
    if (proactor) sink_.attach(*proactor);
}

void TestServer::start() {
    thread_ = std::jthread([this](std::stop_token stop) {
        worker_tid_ = static_cast<int>(::gettid());
        sink_.offer_all();
        proactor->run(sink_, stop);
        counters = backend_.counters(*proactor);
        returned_ = true;
    });
}

std::chrono::milliseconds TestServer::stop() {
    const auto begin = std::chrono::steady_clock::now();
    thread_.request_stop();
    EXPECT_TRUE(wait_until([this] { return returned_.load(); }, 20s)) << "run() did not return";
    if (thread_.joinable()) thread_.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 begin);
}

bool TestServer::worker_waits() const {
    const int tid = worker_tid_.load();
    if (tid == 0) return false;
    // The number of the system call a sleeping thread is in; "running"
    // while it runs or is runnable (preempted).
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
    long number = -1;
    if (!(in >> number)) return false;
    return number == SYS_io_uring_enter || number == SYS_epoll_wait || number == SYS_epoll_pwait
#ifdef SYS_epoll_pwait2
           || number == SYS_epoll_pwait2
#endif
        ;
}

TestServer::~TestServer() {
    if (thread_.joinable()) stop();
}

UniqueFd connect_to(std::uint16_t port, const char* host) {
    const bool v6 = std::strchr(host, ':') != nullptr;
    UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    timeval tv{5, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int rc = -1;
    if (v6) {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(port);
        ::inet_pton(AF_INET6, host, &a.sin6_addr);
        rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
    } else {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        ::inet_pton(AF_INET, host, &a.sin_addr);
        rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    // An interrupted connect keeps going in the background (io_uring task work
    // can interrupt calls that have a socket timeout): wait for it.
    if (rc != 0 && errno == EINTR) {
        pollfd p{fd.get(), POLLOUT, 0};
        ::poll(&p, 1, 5000);
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
        rc = error == 0 ? 0 : -1;
        errno = error;
    }
    EXPECT_EQ(rc, 0) << std::strerror(errno);
    return fd;
}

void send_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        ASSERT_GT(n, 0) << std::strerror(errno);
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string read_exact(int fd, std::size_t n) {
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::recv(fd, out.data() + got, n - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            ADD_FAILURE() << "read_exact: " << (r == 0 ? "EOF" : std::strerror(errno)) << " after "
                          << got << " of " << n;
            break;
        }
        got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
}

std::string read_to_eof(int fd, std::size_t limit) {
    std::string out;
    char buffer[65536];
    while (out.size() < limit) {
        const ssize_t r = ::recv(fd, buffer, sizeof buffer, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        out.append(buffer, static_cast<std::size_t>(r));
    }
    return out;
}

}  // namespace tpserve::platform::test

namespace tpserve::platform::test {

// Every TEST_P(ProactorContract, ...) in this executable runs once per backend.
INSTANTIATE_TEST_SUITE_P(Backends, ProactorContract, ::testing::ValuesIn(all_backends()),
                         backend_name);

const Recorded* find_last(const std::vector<Recorded>& events, conn::OpKind kind) {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (it->kind == kind) return &*it;
    }
    return nullptr;
}

}  // namespace tpserve::platform::test
