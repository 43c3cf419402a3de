#pragma once
// Loopback harness for the Linux backend contract tests: a small HTTP-ish
// sink that drives a conn::Proactor like the core would, a blocking client,
// temp files, and the list of backends every contract test runs against.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "WaitUntil.h"
#include "conn/Proactor.h"
#include "plan/TransmitPlan.h"
#include "platform/linux/Fd.h"
#include "platform/linux/Listener.h"

namespace tpserve::platform::test {

using namespace std::chrono_literals;

// The backends' counters, in one shape (UringCounters / EpollCounters).
struct Counters {
    std::uint64_t accepted = 0;
    std::uint64_t dropped = 0;
    std::uint64_t transmits = 0;
    std::uint64_t bytes_sent = 0;
};

// One backend under test. `make` returns nullptr with `error` set when the
// host refuses the backend (io_uring under seccomp): the test is skipped.
struct Backend {
    std::string name;
    std::function<std::unique_ptr<conn::Proactor>(
        std::vector<UniqueFd> listeners, std::chrono::milliseconds drain_timeout,
        std::uint32_t max_connections, std::string& error)>
        make;
    std::function<Counters(const conn::Proactor&)> counters;
};

// io_uring and epoll.
std::vector<Backend> all_backends();
inline void PrintTo(const Backend& backend, std::ostream* out) {
    *out << backend.name;
}
std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

struct Recorded {
    conn::ConnId conn;
    conn::OpKind kind;
    conn::IoStatus status;
    std::uint64_t bytes = 0;
    bool closed = false;
    std::string peer;
    std::int32_t os_error = 0;
    std::chrono::steady_clock::time_point at;
};

class FdFile final : public plan::OpenFile {
public:
    explicit FdFile(int fd) : fd_(fd) {}
    [[nodiscard]] std::intptr_t native() const noexcept override { return fd_.get(); }

private:
    UniqueFd fd_;
};

// A temp file of `size` pattern bytes, unlinked at once; `bytes` holds a copy.
struct TempFile {
    explicit TempFile(std::size_t size);
    plan::FileRef file;
    std::string bytes;
};

// The last recorded completion of `kind`; nullptr if none.
const Recorded* find_last(const std::vector<Recorded>& events, conn::OpKind kind);

// Drives the proactor: accept → receive → (request complete) → transmit the
// plan built by `respond` → receive again, or re-offer the slot when closed.
class TestSink final : public conn::CompletionSink {
public:
    static constexpr std::uint32_t kSlots = 8;
    using Respond = std::function<void(plan::TransmitPlan&, const std::string& request)>;

    TestSink() = default;
    void attach(conn::Proactor& proactor) { proactor_ = &proactor; }
    // Called on the worker thread before run(): offer every slot.
    void offer_all();

    void on_completion(const conn::Completion& completion) override;
    void on_stop() override;
    [[nodiscard]] bool idle() const override;

    std::vector<Recorded> events() const;
    std::size_t count(conn::OpKind kind, conn::IoStatus status) const;

    Respond respond;  // nullptr: never respond
    std::chrono::milliseconds receive_timeout{5000};
    std::chrono::milliseconds transmit_timeout{10000};
    bool close_on_stop = true;  // close live connections in on_stop
    bool never_idle = false;
    // Hook run after every recorded completion (on the worker thread).
    std::function<void(TestSink&, const conn::Completion&)> hook;
    std::atomic<int> stops{0};
    std::atomic<bool> stopping{false};

    conn::Proactor* proactor_ = nullptr;
    struct Conn {
        std::uint32_t generation = 0;
        bool live = false;
        bool busy = false;  // an op in flight
        std::array<std::byte, 16384> buffer{};
        std::string request;
        plan::TransmitPlan plan;
    };
    std::array<Conn, kSlots> conns;

    void offer(std::uint32_t slot);
    void start_receive(std::uint32_t slot);

private:
    void record(const conn::Completion& completion);
    mutable std::mutex mutex_;
    std::vector<Recorded> events_;
};

// One worker: listeners on 127.0.0.1:0 (or `host`), a proactor, a thread in run().
class TestServer {
public:
    TestServer(const Backend& backend, TestSink& sink, std::chrono::milliseconds drain = 10'000ms,
               const std::string& host = "127.0.0.1");
    ~TestServer();
    void start();
    // Requests stop and joins; returns how long run() took to return after the request.
    std::chrono::milliseconds stop();
    // True while the worker thread sleeps in its wait (epoll_wait or
    // io_uring_enter, read from /proc): everything it queued before is
    // submitted, and everything that woke it before is handled. What a test
    // waits for instead of sleeping "until the server has done what it can".
    [[nodiscard]] bool worker_waits() const;
    std::uint16_t port = 0;
    std::string url;
    std::string error;  // why `proactor` is null
    std::unique_ptr<conn::Proactor> proactor;
    Counters counters;  // copied after run returned

private:
    const Backend& backend_;
    TestSink& sink_;
    std::jthread thread_;
    std::atomic<bool> returned_{false};
    std::atomic<int> worker_tid_{0};
};

// Contract tests: parameterized by backend; skipped where the host refuses it.
class ProactorContract : public ::testing::TestWithParam<Backend> {
protected:
    const Backend& backend() const { return GetParam(); }
};

#define TPSERVE_START_OR_SKIP(server)                                             \
    do {                                                                          \
        if ((server).proactor == nullptr) {                                       \
            if ((server).port == 0) FAIL() << "no listener";                      \
            GTEST_SKIP() << backend().name << " unavailable: " << (server).error; \
        }                                                                         \
        (server).start();                                                         \
    } while (false)

// Blocking loopback client with a receive timeout.
UniqueFd connect_to(std::uint16_t port, const char* host = "127.0.0.1");
void send_all(int fd, std::string_view text);
// Reads exactly `n` bytes (or until EOF/timeout): returns what it got.
std::string read_exact(int fd, std::size_t n);
std::string read_to_eof(int fd, std::size_t limit = 64u << 20);

// Polls a condition, bounded (tests/support/WaitUntil.h).
using ::tpserve::support::wait_until;

}  // namespace tpserve::platform::test
