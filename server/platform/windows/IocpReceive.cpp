// IocpProactor: posting receives, and the empty-span receive of an idle
// connection (the IIS / libuv "zero-byte read"). A zero-byte overlapped
// WSARecv pins no buffer while it waits; when it completes the socket is
// readable (data, the peer's FIN or an error) or, rarely, woke for nothing.
// The bytes are then read synchronously into the proactor's one scratch
// buffer and delivered at once. The socket stays in blocking mode (libuv sets
// FIONBIO instead): a blocking recv returns at once whenever FIONREAD reports
// bytes or select reports the socket readable, and leaving the mode alone
// keeps TransmitFile, DisconnectEx(TF_REUSE_SOCKET) and the recycled
// sockets' AcceptEx exactly as they were.
#include <algorithm>

#include "platform/windows/IocpErrors.h"
#include "platform/windows/IocpProactor.h"

namespace tpserve::platform {

using conn::IoStatus;
using conn::OpKind;
using iocp::Slot;

namespace {

// 1: readable now (data, FIN or an error pending); 0: not; -1: select failed.
int readable_now(SOCKET socket) noexcept {
    fd_set read_set;
    FD_ZERO(&read_set);
    FD_SET(socket, &read_set);
    timeval zero{};
    const int ready = ::select(0, &read_set, nullptr, nullptr, &zero);
    if (ready == SOCKET_ERROR) return -1;
    return ready > 0 ? 1 : 0;
}

}  // namespace

int IocpProactor::post_receive(Slot& slot) {
    slot.op.clear();
    if (slot.any) {
        // Length 0, but a valid pointer: some layered providers reject null.
        slot.op.buffers[0].buf = reinterpret_cast<CHAR*>(scratch_.data());
        slot.op.buffers[0].len = 0;
    } else {
        slot.op.buffers[0].buf = reinterpret_cast<CHAR*>(slot.into.data());
        slot.op.buffers[0].len =
            static_cast<ULONG>(std::min<std::size_t>(slot.into.size(), 0x7FFFFFFF));
    }
    DWORD flags = 0;
    if (::WSARecv(slot.socket, slot.op.buffers.data(), 1, nullptr, &flags, &slot.op, nullptr) ==
        0) {
        return 0;  // done already; the completion still comes through the port
    }
    const int error = ::WSAGetLastError();
    return error == WSA_IO_PENDING ? 0 : error;
}

void IocpProactor::complete_receive_any(Slot& slot) {
    u_long queued = 0;
    if (::ioctlsocket(slot.socket, FIONREAD, &queued) != 0) {
        const int error = ::WSAGetLastError();
        deliver(slot,
                {.kind = OpKind::Receive, .status = iocp::status_for(error), .os_error = error});
        return;
    }
    if (queued == 0) {
        // Nothing queued: the peer's FIN or an error (recv reports which), or
        // a spurious wake, which must not block this thread in recv.
        const int readable = readable_now(slot.socket);
        if (readable < 0) {
            const int error = ::WSAGetLastError();
            deliver(
                slot,
                {.kind = OpKind::Receive, .status = iocp::status_for(error), .os_error = error});
            return;
        }
        if (readable == 0) {
            if (slot.timed_out) {
                // The deadline fired while the wake was queued: it will not fire again.
                deliver(slot, {.kind = OpKind::Receive, .status = IoStatus::TimedOut});
                return;
            }
            ++counters_.receive_any_rearms;
            if (const int error = post_receive(slot); error != 0) {
                deliver(slot, {.kind = OpKind::Receive,
                               .status = iocp::status_for(error),
                               .os_error = error});
            }
            return;  // still Busy; its deadline (if any) is still scheduled
        }
    }
    const int got = ::recv(slot.socket, reinterpret_cast<char*>(scratch_.data()),
                           static_cast<int>(scratch_.size()), 0);
    if (got == SOCKET_ERROR) {
        const int error = ::WSAGetLastError();
        deliver(slot,
                {.kind = OpKind::Receive, .status = iocp::status_for(error), .os_error = error});
        return;
    }
    if (got == 0) {
        slot.peer_closed = true;
        deliver(slot, {.kind = OpKind::Receive, .status = IoStatus::PeerClosed});
        return;
    }
    ++counters_.receive_any_reads;
    deliver(slot, {.kind = OpKind::Receive,
                   .status = IoStatus::Ok,
                   .bytes = static_cast<std::uint64_t>(got)});
}

}  // namespace tpserve::platform
