#include "platform/windows/AcceptorPool.h"

namespace tpserve::platform {

AcceptorPool::AcceptorPool(std::shared_ptr<AcceptHub> hub, HANDLE port, std::uint32_t per_listener,
                           std::uint32_t reuse_capacity)
    : hub_(std::move(hub)), port_(port), reuse_capacity_(reuse_capacity) {
    const std::size_t listeners = hub_->listeners();
    ops_.reserve(listeners * per_listener);
    for (std::size_t listener = 0; listener < listeners; ++listener) {
        for (std::uint32_t i = 0; i < per_listener; ++i) {
            auto op = std::make_unique<iocp::AcceptOp>(static_cast<std::uint32_t>(ops_.size()));
            op->port = port_;
            op->listener = static_cast<std::uint32_t>(listener);
            op->family = hub_->family(listener);
            ops_.push_back(std::move(op));
        }
    }
    for (std::vector<SOCKET>& pool : reuse_)
        pool.reserve(reuse_capacity_);
}

AcceptorPool::~AcceptorPool() {
    // Only idle entries may be left (the proactor waits for pending ones).
    close_idle();
}

std::uint32_t AcceptorPool::post_idle() {
    std::uint32_t idle = 0;
    for (const auto& op : ops_) {
        if (!op->pending && !repost(*op)) ++idle;
    }
    return idle;
}

iocp::AcceptOp& AcceptorPool::completed(std::uint32_t index) noexcept {
    iocp::AcceptOp& op = *ops_[index];
    if (op.pending) {
        op.pending = false;
        --outstanding_;
    }
    return op;
}

bool AcceptorPool::repost(iocp::AcceptOp& op) {
    if (op.socket != INVALID_SOCKET) {
        ::closesocket(op.socket);
        ++counters_.closed_sockets;
        op.socket = INVALID_SOCKET;
    }
    if (hub_->closed()) return false;
    op.socket = take_socket(op.family);
    if (op.socket == INVALID_SOCKET) {
        ++counters_.post_failures;
        return false;
    }
    op.clear();
    const int error = hub_->post_accept(op.listener, op.socket, op.addresses.data(), &op);
    if (error != 0) {
        // No completion will come for it: the entry stays idle.
        ::closesocket(op.socket);
        ++counters_.closed_sockets;
        op.socket = INVALID_SOCKET;
        ++counters_.post_failures;
        return false;
    }
    op.pending = true;
    ++outstanding_;
    ++counters_.posted;
    return true;
}

bool AcceptorPool::recycle(SOCKET socket, int family) {
    std::vector<SOCKET>& pool = reuse_for(family);
    if (pool.size() < reuse_capacity_ && !hub_->closed()) {
        pool.push_back(socket);
        return true;
    }
    ::closesocket(socket);
    ++counters_.closed_sockets;
    return false;
}

void AcceptorPool::close_idle() {
    for (const auto& op : ops_) {
        if (!op->pending && op->socket != INVALID_SOCKET) {
            ::closesocket(op->socket);
            ++counters_.closed_sockets;
            op->socket = INVALID_SOCKET;
        }
    }
    for (std::vector<SOCKET>& pool : reuse_) {
        for (SOCKET socket : pool) {
            ::closesocket(socket);
            ++counters_.closed_sockets;
        }
        pool.clear();
    }
}

SOCKET AcceptorPool::take_socket(int family) {
    std::vector<SOCKET>& pool = reuse_for(family);
    if (!pool.empty()) {
        // Already associated with this port: a handle stays with its port
        // until closed, and re-associating would fail.
        const SOCKET socket = pool.back();
        pool.pop_back();
        ++counters_.reused_sockets;
        return socket;
    }
    const SOCKET socket =
        ::WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED);
    if (socket == INVALID_SOCKET) return INVALID_SOCKET;
    if (::CreateIoCompletionPort(reinterpret_cast<HANDLE>(socket), port_, iocp::kKeyIo, 0) ==
        nullptr) {
        ::closesocket(socket);
        return INVALID_SOCKET;
    }
    ++counters_.fresh_sockets;
    return socket;
}

}  // namespace tpserve::platform
