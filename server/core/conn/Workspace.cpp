#include "conn/Workspace.h"

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
    if (free_.empty()) return std::make_unique<Workspace>(limits_);
    std::unique_ptr<Workspace> workspace = std::move(free_.back());
    free_.pop_back();
    return workspace;
}

void WorkspacePool::release(std::unique_ptr<Workspace> workspace) noexcept {
    if (!workspace) return;
    workspace->plan.clear();
    workspace->parser.reset();
    if (free_.size() >= kRetained) return;  // freed here
    if (free_.capacity() == free_.size()) free_.reserve(kRetained);
    free_.push_back(std::move(workspace));
}

}  // namespace tpserve::conn
