// IocpProactor: what happens to a socket after its connection's last
// response. Reuse off: a bounded lingering close — read and discard until the
// peer's FIN (≤ 64 KiB, ≤ 2 s), so unread pipelined bytes do not turn our
// closesocket into an RST that destroys the response in flight. Reuse on:
// DisconnectEx(TF_REUSE_SOCKET) with a deadline, then the AcceptEx pool.
// Neither holds a slot.
#include "platform/windows/IocpErrors.h"
#include "platform/windows/IocpProactor.h"

namespace tpserve::platform {

namespace {

constexpr std::chrono::seconds kLingerTime{2};

}  // namespace

void IocpProactor::start_linger(SOCKET socket, int family, bool disconnect) {
    if (ending_lingers_ || free_lingers_.empty() ||
        (disconnect && functions_.disconnect_ex == nullptr)) {
        close_socket(socket);
        return;
    }
    const std::uint32_t index = free_lingers_.back();
    free_lingers_.pop_back();
    iocp::LingerOp& linger = lingers_[index];
    linger.socket = socket;
    linger.family = family;
    linger.used = true;
    linger.pending = false;
    linger.disconnect = disconnect;
    linger.expired = false;
    linger.drained = 0;
    ++lingers_in_flight_;
    if (!disconnect) ++counters_.lingers;
    timers_.schedule(linger_timer(index),
                     conn::Clock::now() + (disconnect ? options_.disconnect_timeout
                                                      : std::chrono::milliseconds(kLingerTime)));
    post_linger(linger);
}

void IocpProactor::post_linger(iocp::LingerOp& linger) {
    linger.clear();
    bool ok = false;
    if (linger.disconnect) {
        ok = functions_.disconnect_ex(linger.socket, &linger, TF_REUSE_SOCKET, 0) != FALSE;
    } else {
        // Every lingering read lands in the same scratch buffer: it is never read.
        linger.buffer.buf = reinterpret_cast<CHAR*>(discard_.data());
        linger.buffer.len = static_cast<ULONG>(discard_.size() - linger.drained);
        DWORD flags = 0;
        ok = ::WSARecv(linger.socket, &linger.buffer, 1, nullptr, &flags, &linger, nullptr) == 0;
    }
    if (!ok && ::WSAGetLastError() != WSA_IO_PENDING) {
        end_linger(linger);  // refused at once: no completion will come
        return;
    }
    linger.pending = true;
}

void IocpProactor::on_linger_completion(iocp::LingerOp& linger, DWORD bytes) {
    linger.pending = false;
    const int error = iocp::completion_error(linger.socket, linger);
    if (linger.disconnect) {
        if (error == 0 && !linger.expired && linger.socket != INVALID_SOCKET) {
            accept_pool_.recycle(linger.socket, linger.family) ? ++counters_.sockets_reused
                                                               : ++counters_.sockets_closed;
            linger.socket = INVALID_SOCKET;
        }
        end_linger(linger);
        return;
    }
    if (error == 0 && bytes > 0 && !linger.expired) {
        linger.drained += bytes;
        if (linger.drained < discard_.size()) {
            post_linger(linger);
            return;
        }
    }
    end_linger(linger);  // EOF, an error, the byte budget, or expired
}

void IocpProactor::expire_linger(std::uint32_t index) {
    iocp::LingerOp& linger = lingers_[index];
    if (!linger.used) return;
    linger.expired = true;
    if (!linger.pending) {
        end_linger(linger);
        return;
    }
    // Closing aborts the pending op; its completion then ends the entry.
    ::CancelIoEx(reinterpret_cast<HANDLE>(linger.socket), &linger);
    close_socket(linger.socket);
}

void IocpProactor::end_linger(iocp::LingerOp& linger) {
    close_socket(linger.socket);
    timers_.cancel(linger_timer(linger.index));
    linger.used = false;
    free_lingers_.push_back(linger.index);
    --lingers_in_flight_;
}

void IocpProactor::end_lingers() {
    ending_lingers_ = true;
    for (std::uint32_t i = 0; i < lingers_.size(); ++i)
        expire_linger(i);
}

}  // namespace tpserve::platform
