#include "conn/Workspace.h"

#include <algorithm>

#include "conn/Proactor.h"

namespace tpserve::conn {

namespace {

// Most request heads fit; a larger one grows the buffer once, up to
// limits.header_bytes + slack (Connection::grow).
constexpr std::size_t kInitialBuffer = 4096;
static_assert(kInitialBuffer >= kReceiveAnyBytes, "a receive-any must fit the first buffer");

}  // namespace

Workspace::Workspace(const config::Limits& limits)
    : parser(limits),
      buffer(std::make_unique_for_overwrite<std::byte[]>(kInitialBuffer)),
      size(kInitialBuffer) {}

std::unique_ptr<Workspace> WorkspacePool::acquire() {
    ++in_use_;
    peak_ = std::max(peak_, in_use_);
    if (free_.empty()) return std::make_unique<Workspace>(limits_);
    std::unique_ptr<Workspace> workspace = std::move(free_.back());
    free_.pop_back();
    return workspace;
}

void WorkspacePool::release(std::unique_ptr<Workspace> workspace, Clock::time_point now) noexcept {
    if (!workspace) return;
    --in_use_;
    workspace->plan.clear();
    workspace->parser.reset();
    if (free_.size() < kRetained) {
        if (free_.capacity() == free_.size()) free_.reserve(kRetained);
        free_.push_back(std::move(workspace));
    }  // else freed here
    if (now >= window_end_) trim(now);
}

void WorkspacePool::trim(Clock::time_point now) noexcept {
    // Enough for the window's peak stays; the rest was not needed for a second.
    const std::size_t keep = peak_ - std::min(peak_, in_use_);
    std::size_t freed = 0;
    while (free_.size() > keep) {
        free_.pop_back();
        ++freed;
    }
    peak_ = in_use_;
    window_end_ = now + kWindow;
    if (freed >= kReturnAfter && memory_return_ != nullptr) memory_return_();
}

}  // namespace tpserve::conn
