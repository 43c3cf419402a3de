#pragma once
// Internal to the epoll backend: what one connection slot and one lingering
// close keep, and how an epoll event's data names them. Everything here is
// allocated once at create(); steady state only rewrites fields.
#include <cstddef>
#include <cstdint>

#include "conn/Proactor.h"
#include "platform/linux/TransmitPump.h"

namespace tpserve::plan {
class TransmitPlan;
}

namespace tpserve::platform::epoll {

// epoll_data.u64 = tag (8 bits) | sequence (24 bits) | index (32 bits). The
// sequence changes whenever a slot gets a new socket, so an event already
// fetched for a socket closed in the same turn never touches its successor.
enum class Tag : std::uint8_t {
    Conn = 1,  // index = slot
    Listener,  // index = listener
    Wake,      // eventfd: stop was requested
    Linger,    // index = linger entry
};

inline std::uint64_t encode(Tag tag, std::uint32_t sequence, std::uint32_t index) noexcept {
    return (std::uint64_t{static_cast<std::uint8_t>(tag)} << 56) |
           (std::uint64_t{sequence & 0xFFFFFFu} << 32) | index;
}
inline Tag tag_of(std::uint64_t data) noexcept {
    return static_cast<Tag>(data >> 56);
}
inline std::uint32_t sequence_of(std::uint64_t data) noexcept {
    return static_cast<std::uint32_t>(data >> 32) & 0xFFFFFFu;
}
inline std::uint32_t index_of(std::uint64_t data) noexcept {
    return static_cast<std::uint32_t>(data);
}

enum class SlotOp : std::uint8_t {
    Idle,      // owned by the core (with or without a socket); nothing in flight
    Offered,   // waiting in the accept queue
    Receive,   // waiting for (or about to try) recv
    Transmit,  // sending the plan, or waiting for the socket to drain
    Finished,  // result known, completion queued for the next loop turn
};

struct Slot {
    int fd = -1;
    conn::ConnId id;
    SlotOp op = SlotOp::Idle;
    bool cancel_requested = false;  // close() while the completion was queued
    bool attempt_queued = false;    // on the "try in run" list
    // Edge-triggered readiness, kept across operations: set by events,
    // cleared when a syscall says the socket is drained / full.
    bool readable = false;
    bool writable = false;
    bool peer_hup = false;  // EPOLLRDHUP/HUP seen: a short read does not mean "drained"
    std::uint32_t sequence = 0;

    std::byte* receive_data = nullptr;
    std::size_t receive_size = 0;

    plan::TransmitPlan* plan = nullptr;
    std::uint64_t sent = 0;
    TransmitPump pump;

    // The queued result of a Finished op.
    conn::OpKind result_kind = conn::OpKind::Receive;
    conn::IoStatus result_status = conn::IoStatus::Ok;
    std::uint64_t result_bytes = 0;
    bool result_closed = false;
    std::int32_t result_error = 0;
};

// A socket closed gracefully after a Close plan, drained (read and discarded)
// until the client's FIN so that unread pipelined bytes do not turn our close
// into an RST that destroys the response in flight. Bounded in time and
// bytes; never uses a slot.
struct Linger {
    int fd = -1;
    std::uint32_t sequence = 0;
    std::uint32_t drained = 0;
};

}  // namespace tpserve::platform::epoll
