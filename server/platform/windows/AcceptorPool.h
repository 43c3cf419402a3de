#pragma once
// One worker's pre-posted AcceptEx operations: `per_listener` of them on
// every listener of the AcceptHub, each with its own accept socket created
// for (and associated with) the worker's completion port, so all later I/O
// of an accepted connection completes on that worker. An entry is re-posted
// with a new socket as soon as its connection is taken; the socket comes from
// the bounded reuse pool (sockets recycled with TF_REUSE_SOCKET /
// DisconnectEx, already associated with this port) or is a fresh WSASocket.
//
// Threading: owned by one IocpProactor, used on its worker thread only; the
// completions come back through that worker's port (via the acceptor thread).
#include <cstdint>
#include <memory>
#include <vector>

#include "platform/windows/AcceptHub.h"
#include "platform/windows/IocpOps.h"

namespace tpserve::platform {

struct AcceptCounters {
    std::uint64_t posted = 0;          // AcceptEx calls that were queued
    std::uint64_t post_failures = 0;   // AcceptEx calls refused at once
    std::uint64_t fresh_sockets = 0;   // WSASocket for the pool
    std::uint64_t reused_sockets = 0;  // taken from the reuse pool
    std::uint64_t closed_sockets = 0;  // closed by the pool (failures, full reuse pool, stop)
};

class AcceptorPool {
public:
    AcceptorPool(std::shared_ptr<AcceptHub> hub, HANDLE port, std::uint32_t per_listener,
                 std::uint32_t reuse_capacity);
    ~AcceptorPool();
    AcceptorPool(const AcceptorPool&) = delete;
    AcceptorPool& operator=(const AcceptorPool&) = delete;

    // Posts every entry not pending (start-up, and the retry after failures).
    // Returns how many entries stay idle (their post failed).
    std::uint32_t post_idle();
    // A forwarded completion: marks the entry not pending and returns it.
    iocp::AcceptOp& completed(std::uint32_t index) noexcept;
    // Gives the entry a new socket and posts it; false if that failed (the
    // entry stays idle until post_idle). The entry's old socket must have
    // been taken (socket == INVALID_SOCKET) or it is closed here.
    bool repost(iocp::AcceptOp& op);
    // A disconnected socket, reusable for AcceptEx: kept if the pool has
    // room for its family, else closed. Returns true if kept.
    bool recycle(SOCKET socket, int family);
    // At stop: closes idle entries' sockets and the reuse pool.
    void close_idle();

    [[nodiscard]] std::uint32_t size() const noexcept {
        return static_cast<std::uint32_t>(ops_.size());
    }
    [[nodiscard]] std::uint32_t outstanding() const noexcept { return outstanding_; }
    [[nodiscard]] std::size_t reusable() const noexcept {
        return reuse_[0].size() + reuse_[1].size();
    }
    [[nodiscard]] const AcceptCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] AcceptHub& hub() noexcept { return *hub_; }

private:
    SOCKET take_socket(int family);
    std::vector<SOCKET>& reuse_for(int family) noexcept { return reuse_[family == AF_INET6]; }

    std::shared_ptr<AcceptHub> hub_;
    HANDLE port_;
    std::uint32_t reuse_capacity_;
    std::vector<std::unique_ptr<iocp::AcceptOp>> ops_;  // stable addresses
    std::vector<SOCKET> reuse_[2];                      // [AF_INET, AF_INET6]
    std::uint32_t outstanding_ = 0;
    AcceptCounters counters_;
};

}  // namespace tpserve::platform
