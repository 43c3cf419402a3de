#pragma once
// Internal to the IOCP backend: the overlapped operations and what a
// connection slot keeps. Every op *derives from* OVERLAPPED (the OVERLAPPED is
// its first base), so the pointer a completion hands back is the op itself;
// `tag` says which kind of op it is. Everything here is allocated once at
// create(); steady state only rewrites fields.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "conn/Proactor.h"
#include "platform/windows/SendTranslation.h"
#include "platform/windows/Win32.h"

namespace tpserve::plan {
class TransmitPlan;
}

namespace tpserve::platform::iocp {

// Completion keys on a worker's port. Every socket of a worker is associated
// with key Io; the others mark packets the backend posts itself.
enum Key : ULONG_PTR {
    kKeyIo = 0,           // a Winsock completion of this worker's socket
    kKeyForwardedAccept,  // an AcceptEx completion forwarded by the acceptor thread
    kKeyPosted,           // a result the proactor posted itself (never inline)
    kKeyWake,             // stop was requested
};

enum class OpTag : std::uint8_t { Conn, Accept, Linger };

struct Op : OVERLAPPED {
    Op(OpTag t, std::uint32_t i) noexcept : OVERLAPPED{}, tag(t), index(i) {}
    // Each Winsock call needs a zeroed OVERLAPPED (Offset/OffsetHigh are the
    // TransmitFile offset).
    void clear() noexcept { static_cast<OVERLAPPED&>(*this) = OVERLAPPED{}; }
    OpTag tag;
    std::uint32_t index;  // slot, accept-pool entry or linger entry
};

// Per call: at most this many WSABUFs / TransmitPackets elements; the rest of
// the plan goes by the next call (SendTranslation's loop).
inline constexpr std::size_t kMaxBuffers = 16;

// The one op of a connection (one op in flight per connection), with the
// argument arrays its Winsock call points into: they must stay put until the
// completion.
struct ConnOp : Op {
    explicit ConnOp(std::uint32_t i) noexcept : Op(OpTag::Conn, i) {}
    std::array<WSABUF, kMaxBuffers> buffers{};
    std::array<TRANSMIT_PACKETS_ELEMENT, kMaxBuffers> packets{};
    TRANSMIT_FILE_BUFFERS file_buffers{};
};

enum class SlotState : std::uint8_t {
    Unused,   // the core's, no socket
    Offered,  // in the offer queue: the backend's until its Accept completion
    Open,     // the core's, with a socket, nothing in flight
    Busy,     // an op (or a posted result) is on its way through the port
};

struct Slot {
    explicit Slot(std::uint32_t index) noexcept : op(index) {}
    ConnOp op;
    SOCKET socket = INVALID_SOCKET;
    int family = AF_INET;
    conn::ConnId id;
    SlotState state = SlotState::Unused;
    conn::OpKind kind = conn::OpKind::Receive;  // of the op in flight
    bool cancelled = false;                     // close() (or the drain deadline) cancelled the op
    bool timed_out = false;                     // the op's deadline cancelled it
    bool peer_closed = false;                   // a receive saw the peer's FIN
    bool reuse_call = false;                    // the op carries TF_DISCONNECT | TF_REUSE_SOCKET
    // A receive with an empty span: a zero-byte WSARecv waits for readability
    // and the bytes are then read into the proactor's one scratch buffer.
    bool any = false;
    // A result posted by the proactor itself (key Posted).
    conn::IoStatus posted_status = conn::IoStatus::Ok;
    std::int32_t posted_error = 0;

    std::span<std::byte> into;           // Receive
    plan::TransmitPlan* plan = nullptr;  // Transmit
    std::uint64_t sent = 0;
};

// A pre-posted AcceptEx: the accept socket plus the buffer AcceptEx writes
// both addresses into. Completes on the listener's (accept) port; the
// acceptor thread forwards it to `port`, its worker's.
inline constexpr DWORD kAddressLength = sizeof(SOCKADDR_STORAGE) + 16;
struct AcceptOp : Op {
    explicit AcceptOp(std::uint32_t i) noexcept : Op(OpTag::Accept, i) {}
    HANDLE port = nullptr;
    SOCKET socket = INVALID_SOCKET;
    std::uint32_t listener = 0;
    int family = AF_INET;
    bool pending = false;
    std::array<std::byte, 2 * kAddressLength> addresses{};
};

// A socket after its connection's last response: either drained (read and
// discarded until the peer's FIN, bounded) before closesocket, or, with
// socket reuse, disconnected with DisconnectEx(TF_REUSE_SOCKET) for the
// AcceptEx pool. Never holds a slot.
struct LingerOp : Op {
    explicit LingerOp(std::uint32_t i) noexcept : Op(OpTag::Linger, i) {}
    SOCKET socket = INVALID_SOCKET;
    int family = AF_INET;
    bool used = false;
    bool pending = false;     // a WSARecv / DisconnectEx is in flight
    bool disconnect = false;  // DisconnectEx rather than draining
    bool expired = false;     // its deadline passed (or the drain ended it)
    std::uint32_t drained = 0;
    WSABUF buffer{};
};

}  // namespace tpserve::platform::iocp
