// EpollProactor: accepting connections, and shutdown (stop, drain).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/linux/EpollOps.h"
#include "platform/linux/EpollProactor.h"
#include "platform/linux/PeerAddress.h"

namespace tpserve::platform {

using epoll::Slot;
using epoll::Tag;

namespace {

// Out of descriptors or memory: the pending connection stays in the backlog,
// and with edge-triggered listeners no new event would come for it.
constexpr std::chrono::milliseconds kAcceptRetry{100};

}  // namespace

void EpollProactor::accept_ready(std::uint32_t listener) {
    const int listen_fd = listeners_[listener].get();
    while (!stopping_ && listen_fd >= 0) {
        sockaddr_storage peer{};
        socklen_t peer_length = sizeof peer;
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
        const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &peer_length,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            if (!take_connection(fd, listener, peer)) {
                ::close(fd);
                ++counters_.dropped;
            }
            continue;
        }
        const int error = errno;
        if (error == EAGAIN || error == EWOULDBLOCK) return;
        if (error == EINTR || error == ECONNABORTED || error == EPROTO || error == EPERM) continue;
        if (error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM) {
            timers_.schedule(accept_retry_timer(), conn::Clock::now() + kAcceptRetry);
        }
        return;  // anything else (EBADF, EINVAL: not listening): wait for the next event
    }
}

bool EpollProactor::take_connection(int fd, std::uint32_t listener, const sockaddr_storage& peer) {
    if (!has_offer()) return false;
    const conn::ConnId id = next_offer();
    Slot& slot = slots_[id.slot];
    ++slot.sequence;
    // Registered once for both directions; readiness is cached in the slot,
    // so operations never call epoll_ctl.
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    event.data.u64 = encode(Tag::Conn, slot.sequence, id.slot);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) return false;
    take_offer(fd);
    // Nothing read yet: the registration reports bytes that are already there.
    slot.readable = false;
    slot.writable = true;
    slot.peer_hup = false;
    // The peer as accept4 gave it; a wildcard listener's local address is
    // asked for (local_address) only if the log needs it.
    deliver_accept(slot, socket_address(peer), listener_local_[listener]);
    return true;
}

void EpollProactor::begin_stop() {
    stopping_ = true;
    // Closing a listener removes it from the epoll set; new clients are refused.
    for (UniqueFd& listener : listeners_)
        listener.reset();
    timers_.cancel(accept_retry_timer());
    sink_->on_stop();
    cancel_offers();
    timers_.schedule(drain_timer(), conn::Clock::now() + options_.drain_timeout);
}

}  // namespace tpserve::platform
