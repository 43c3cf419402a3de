#pragma once
// What a connection needs only while a request is being read or answered:
// the parser, the receive buffer and the response plan. An idle keep-alive
// connection gives its workspace back to the worker's pool, so 10,000 idle
// connections hold 10,000 small Connection objects and no buffers (nginx
// frees its buffers on keep-alive for the same reason).
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "config/Config.h"
#include "http/RequestParser.h"
#include "plan/TransmitPlan.h"

namespace tpserve::conn {

struct Workspace {
    explicit Workspace(const config::Limits& limits);

    http::RequestParser parser;
    std::unique_ptr<std::byte[]> buffer;
    std::size_t size = 0;  // what buffer holds; grows once for a large head
    plan::TransmitPlan plan;
};

// One per worker thread; not thread-safe. Most recently released first, so a
// busy worker keeps reusing the same warm memory. The pool keeps what the
// last second's peak of concurrent requests needed, at most kRetained (about
// 2 MiB): a steady load allocates nothing, and the memory of a burst is
// freed and handed back to the system at the first release more than a
// second after the burst's window ended — or, when no request comes, at
// the worker's housekeeping tick (trim_due / housekeep), so a server gone
// idle after a burst does not keep the burst's memory.
class WorkspacePool {
public:
    using Clock = std::chrono::steady_clock;
    // Called after a trim freed many workspaces, to hand the freed memory
    // back to the system (the allocator keeps it otherwise); may be null.
    using MemoryReturn = void (*)() noexcept;

    explicit WorkspacePool(const config::Limits& limits, MemoryReturn memory_return = nullptr)
        : limits_(limits), memory_return_(memory_return) {}

    // A workspace with a fresh parser and an empty plan.
    std::unique_ptr<Workspace> acquire();
    // Back to the pool; `now` is the caller's current time (one clock read
    // per request serves the connection's deadline and this).
    void release(std::unique_ptr<Workspace> workspace, Clock::time_point now) noexcept;

    // When a trim could free something: the window's end while workspaces
    // are kept spare, never otherwise (an idle pool needs no wake-up).
    [[nodiscard]] Clock::time_point trim_due() const noexcept {
        return free_.empty() ? Clock::time_point::max() : window_end_;
    }
    // Trims if the window has ended (the tick of a worker with no requests).
    void housekeep(Clock::time_point now) noexcept {
        if (now >= window_end_) trim(now);
    }

    [[nodiscard]] std::size_t available() const noexcept { return free_.size(); }
    [[nodiscard]] std::size_t in_use() const noexcept { return in_use_; }

    static constexpr std::size_t kRetained = 256;
    static constexpr Clock::duration kWindow = std::chrono::seconds(1);
    // A trim that frees fewer is not worth a walk of the allocator's heaps.
    static constexpr std::size_t kReturnAfter = 32;

private:
    void trim(Clock::time_point now) noexcept;

    const config::Limits& limits_;
    MemoryReturn memory_return_;
    std::vector<std::unique_ptr<Workspace>> free_;
    std::size_t in_use_ = 0;
    std::size_t peak_ = 0;  // most in use at once since the window began
    Clock::time_point window_end_{};
};

}  // namespace tpserve::conn
