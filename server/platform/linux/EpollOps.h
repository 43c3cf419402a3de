#pragma once
// Internal to the epoll backend: what one connection slot and one lingering
// close keep, and how an epoll event's data names them. Everything here is
// allocated once at create(); steady state only rewrites fields.
#include <cstddef>
#include <cstdint>

#include "conn/Proactor.h"
#include "platform/linux/CompletionCore.h"
#include "platform/linux/TaggedWord.h"

namespace tpserve::platform::epoll {

// epoll_data.u64 (TaggedWord.h): the sequence changes whenever a slot gets a
// new socket, so an event already fetched for a socket closed in the same turn
// never touches its successor.
enum class Tag : std::uint8_t {
    Conn = 1,  // index = slot
    Listener,  // index = listener
    Wake,      // eventfd: stop was requested
    Linger,    // index = linger entry
};

enum class SlotOp : std::uint8_t {
    Idle,      // owned by the core (with or without a socket); nothing in flight
    Offered,   // waiting in the accept queue
    Receive,   // waiting for (or about to try) recv
    Transmit,  // sending the plan, or waiting for the socket to drain
    Finished,  // result known, completion queued for the next loop turn
};

struct Slot : SlotBase<SlotOp> {
    bool attempt_queued = false;  // on the "try in run" list
    // Edge-triggered readiness, kept across operations: set by events,
    // cleared when a syscall says the socket is drained / full.
    bool readable = false;
    bool writable = false;
    bool peer_hup = false;  // EPOLLRDHUP/HUP seen: a short read does not mean "drained"

};

// A lingering close (LingerPool.h): its socket re-pointed to a Linger event.
struct Linger {
    int fd = -1;
    std::uint32_t sequence = 0;
    std::uint32_t drained = 0;
};

}  // namespace tpserve::platform::epoll
