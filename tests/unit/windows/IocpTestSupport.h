#pragma once
// Loopback harness for the IOCP backend contract tests under Wine (the
// Windows twin of tests/unit/linux/ProactorTestSupport): a small HTTP-ish sink
// that drives the proactor like the core would, a blocking Winsock client,
// and temp files opened the way WindowsFileSystem opens them.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "TestDir.h"
#include "WaitUntil.h"
#include "conn/Proactor.h"
#include "plan/TransmitPlan.h"
#include "platform/windows/ExtensionFunctions.h"
#include "platform/windows/IocpProactor.h"
#include "platform/windows/UniqueHandle.h"
#include "platform/windows/UniqueSocket.h"
#include "platform/windows/WinsockSession.h"

namespace tpserve::platform::test {

using namespace std::chrono_literals;

struct Recorded {
    conn::ConnId conn;
    conn::OpKind kind;
    conn::IoStatus status;
    std::uint64_t bytes = 0;
    bool closed = false;
    std::string peer;
    std::int32_t os_error = 0;
    std::chrono::steady_clock::time_point at;
    std::string data;  // Receive: a copy of Completion::data
};

class HandleFile final : public plan::OpenFile {
public:
    explicit HandleFile(HANDLE handle) : handle_(handle) {}
    [[nodiscard]] std::intptr_t native() const noexcept override {
        return reinterpret_cast<std::intptr_t>(handle_.get());
    }

private:
    UniqueHandle handle_;
};

// A temp file of `size` pattern bytes, opened GENERIC_READ | FILE_FLAG_OVERLAPPED.
struct TempFile {
    explicit TempFile(std::size_t size);
    TestDir dir;
    plan::FileRef file;
    std::string bytes;
};

// accept → receive until "\r\n\r\n" → transmit the plan built by `respond` →
// receive again, or re-offer the slot once the connection is gone.
class TestSink final : public conn::CompletionSink {
public:
    static constexpr std::uint32_t kSlots = 8;
    using Respond = std::function<void(plan::TransmitPlan&, const std::string& request)>;

    void on_completion(const conn::Completion& completion) override;
    void on_stop() override;
    [[nodiscard]] bool idle() const override;
    // Asked by `run` each time before it waits for completions: once it has
    // been, everything run posted at its start (the AcceptEx pool) is posted.
    [[nodiscard]] conn::Deadline housekeeping_due() const override {
        ++waits;
        return conn::Deadline::max();
    }

    std::vector<Recorded> events() const;
    std::size_t count(conn::OpKind kind, conn::IoStatus status) const;

    Respond respond;
    std::chrono::milliseconds receive_timeout{5000};
    // Receive with an empty span (into the backend's memory), as an idle
    // keep-alive connection does.
    bool receive_any = false;
    std::uint32_t offer_count = kSlots;  // slots offered at start
    // Hook run after every recorded completion (on the worker thread).
    std::function<void(TestSink&, const conn::Completion&)> hook;
    std::atomic<int> stops{0};
    // Completions whose handling has returned: what it started is posted
    // (IOCP posts each operation in the call that asks for it).
    std::atomic<std::size_t> handled{0};
    mutable std::atomic<std::size_t> waits{0};

    conn::Proactor* proactor = nullptr;
    struct Conn {
        std::uint32_t generation = 0;
        bool live = false;
        bool busy = false;
        std::array<std::byte, 16384> buffer{};
        std::string request;
        plan::TransmitPlan plan;
    };
    std::array<Conn, kSlots> conns;
    bool stopping = false;

    void offer(std::uint32_t slot);
    void start_receive(std::uint32_t slot);

private:
    void record(const conn::Completion& completion);
    mutable std::mutex mutex_;
    std::vector<Recorded> events_;
};

// One worker: an AcceptHub on 127.0.0.1:0 (or `host`), a proactor, a thread in run().
class TestServer {
public:
    explicit TestServer(TestSink& sink, std::chrono::milliseconds drain = 10'000ms,
                        const std::string& host = "127.0.0.1", IocpOptions options = {});
    ~TestServer();
    void start();
    // Requests stop and joins; returns how long run() took after the request.
    std::chrono::milliseconds stop();

    WinsockSession winsock;
    std::string error;
    std::uint16_t port = 0;
    std::shared_ptr<AcceptHub> hub;
    std::unique_ptr<IocpProactor> proactor;
    IocpCounters counters;  // copied after run returned
    std::uint32_t accept_outstanding = 0;
    std::string counter_line;

private:
    TestSink& sink_;
    std::jthread thread_;
};

UniqueSocket connect_to(std::uint16_t port, const char* host = "127.0.0.1");
void send_all(SOCKET socket, std::string_view text);
std::string read_exact(SOCKET socket, std::size_t n);
std::string read_to_eof(SOCKET socket, std::size_t limit = 64u << 20);
// Polls a condition, bounded (tests/support/WaitUntil.h).
using ::tpserve::support::wait_until;

}  // namespace tpserve::platform::test
