#pragma once
// What a connection needs only while a request is being read or answered:
// the parser, the receive buffer and the response plan. An idle keep-alive
// connection gives its workspace back to the worker's pool, so 10,000 idle
// connections hold 10,000 small Connection objects and no buffers (nginx
// frees its buffers on keep-alive for the same reason).
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
// busy worker keeps reusing the same warm memory.
class WorkspacePool {
public:
    explicit WorkspacePool(const config::Limits& limits) : limits_(limits) {}

    // A workspace with a fresh parser and an empty plan.
    std::unique_ptr<Workspace> acquire();
    // Workspaces beyond the retained bound are freed, so a burst of
    // concurrent requests does not pin its memory forever.
    void release(std::unique_ptr<Workspace> workspace) noexcept;

    [[nodiscard]] std::size_t available() const noexcept { return free_.size(); }

private:
    static constexpr std::size_t kRetained = 256;

    const config::Limits& limits_;
    std::vector<std::unique_ptr<Workspace>> free_;
};

}  // namespace tpserve::conn
