// EpollProactor: the bounded lingering close after a Close plan.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "platform/linux/EpollOps.h"
#include "platform/linux/EpollProactor.h"

namespace tpserve::platform {

using epoll::encode;
using epoll::Linger;
using epoll::Tag;

namespace {

constexpr std::chrono::seconds kLingerTime{2};

}  // namespace

void EpollProactor::start_linger(int fd) {
    if (ending_lingers_ || free_lingers_.empty()) {
        ::close(fd);
        return;
    }
    const std::uint32_t index = free_lingers_.back();
    Linger& linger = lingers_[index];
    ++linger.sequence;
    // The socket is already in the set as a connection: re-point its events
    // here (and only for input). MOD also reports bytes already queued.
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    event.data.u64 = encode(Tag::Linger, linger.sequence, index);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) != 0) {
        ::close(fd);
        return;
    }
    free_lingers_.pop_back();
    linger.fd = fd;
    linger.drained = 0;
    ++lingers_in_flight_;
    timers_.schedule(linger_timer(index), conn::Clock::now() + kLingerTime);
}

void EpollProactor::drain_linger(std::uint32_t index) {
    Linger& linger = lingers_[index];
    for (;;) {
        // Every lingering read lands in the same scratch buffer: it is never read.
        const ssize_t n = ::recv(linger.fd, discard_.data(), discard_.size() - linger.drained, 0);
        if (n > 0) {
            linger.drained += static_cast<std::uint32_t>(n);
            if (linger.drained >= discard_.size()) break;  // byte budget spent
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // wait for more
        break;                                                           // EOF or error
    }
    end_linger(index);
}

void EpollProactor::end_linger(std::uint32_t index) {
    Linger& linger = lingers_[index];
    if (linger.fd < 0) return;
    ::close(linger.fd);
    linger.fd = -1;
    timers_.cancel(linger_timer(index));
    free_lingers_.push_back(index);
    --lingers_in_flight_;
}

void EpollProactor::end_lingers() {
    ending_lingers_ = true;
    for (std::uint32_t i = 0; i < lingers_.size(); ++i)
        end_linger(i);
}

}  // namespace tpserve::platform
