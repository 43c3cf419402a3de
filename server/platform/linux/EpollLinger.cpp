// EpollProactor: the bounded lingering close after a Close plan.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <span>

#include "platform/linux/EpollOps.h"
#include "platform/linux/EpollProactor.h"

namespace tpserve::platform {

using epoll::Linger;

void EpollProactor::start_linger(int fd) {
    const std::uint32_t index = lingers_.start(fd);
    if (index == decltype(lingers_)::npos) return;
    Linger& linger = lingers_[index];
    ++linger.sequence;
    // The socket is already in the set as a connection: re-point its events
    // here (and only for input). MOD also reports bytes already queued.
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    event.data.u64 = encode(epoll::Tag::Linger, linger.sequence, index);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) != 0) {
        lingers_.release(index);
        return;
    }
    ++lingers_.in_flight;
    timers_.schedule(linger_timer(index), conn::Clock::now() + decltype(lingers_)::kTime);
}

void EpollProactor::drain_linger(std::uint32_t index) {
    Linger& linger = lingers_[index];
    const std::span<std::byte> discard = lingers_.discard();
    for (;;) {
        // Every lingering read lands in the same scratch buffer: it is never read.
        const ssize_t n = ::recv(linger.fd, discard.data(), discard.size() - linger.drained, 0);
        if (n > 0) {
            linger.drained += static_cast<std::uint32_t>(n);
            if (linger.drained >= discard.size()) break;  // byte budget spent
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // wait for more
        break;                                                           // EOF or error
    }
    end_linger(index);
}

void EpollProactor::end_linger(std::uint32_t index) {
    if (lingers_[index].fd < 0) return;
    lingers_.release(index);
    timers_.cancel(linger_timer(index));
    --lingers_.in_flight;
}

void EpollProactor::end_lingers() {
    lingers_.end();
    for (std::uint32_t i = 0; i < lingers_.size(); ++i)
        end_linger(i);
}

}  // namespace tpserve::platform
