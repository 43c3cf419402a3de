#include "platform/linux/EpollProactor.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>

#include "plan/TransmitPlan.h"
#include "platform/linux/EpollOps.h"
#include "platform/linux/PeerAddress.h"
#include "platform/linux/UringErrors.h"
#include "time/TurnClock.h"

namespace tpserve::platform {

using conn::IoStatus;
using conn::OpKind;
using epoll::Slot;
using epoll::SlotOp;
using epoll::Tag;

namespace {

constexpr int kEventBatch = 256;

bool in_flight(SlotOp op) {
    return op == SlotOp::Receive || op == SlotOp::Transmit;
}

}  // namespace

std::unique_ptr<EpollProactor> EpollProactor::create(std::vector<UniqueFd> listeners,
                                                     const EpollOptions& options,
                                                     std::string& error) {
    // sendfile(2) has no MSG_NOSIGNAL: a peer that vanished must give EPIPE, not kill us.
    (void)::signal(SIGPIPE, SIG_IGN);
    UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll) {
        error = std::string("epoll_create1: ") + std::strerror(errno);
        return nullptr;
    }
    UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake) {
        error = std::string("eventfd: ") + std::strerror(errno);
        return nullptr;
    }
    epoll_event event{};
    event.events = EPOLLIN;  // level-triggered: read once, at stop
    event.data.u64 = encode(Tag::Wake, 0, 0);
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &event) != 0) {
        error = std::string("epoll_ctl(eventfd): ") + std::strerror(errno);
        return nullptr;
    }
    for (std::uint32_t i = 0; i < listeners.size(); ++i) {
        // Edge-triggered: accept_ready() accepts until EAGAIN.
        event.events = EPOLLIN | EPOLLET;
        event.data.u64 = encode(Tag::Listener, 0, i);
        if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, listeners[i].get(), &event) != 0) {
            error = std::string("epoll_ctl(listener): ") + std::strerror(errno);
            return nullptr;
        }
    }
    return std::make_unique<EpollProactor>(Key{}, std::move(epoll), std::move(wake),
                                           std::move(listeners), options);
}

EpollProactor::EpollProactor(Key, UniqueFd epoll, UniqueFd wake, std::vector<UniqueFd> listeners,
                             const EpollOptions& options)
    : CompletionCore(std::max<std::uint32_t>(options.max_connections, 1)),
      epoll_(std::move(epoll)),
      wake_fd_(std::move(wake)),
      options_(options),
      listeners_(std::move(listeners)),
      attempts_(std::max<std::uint32_t>(options.max_connections, 1)),
      timers_(2 * std::max<std::uint32_t>(options.max_connections, 1) + 2) {
    for (const UniqueFd& listener : listeners_)
        listener_local_.push_back(fixed_local_address(listener.get()));
    options_.max_connections = std::max<std::uint32_t>(options.max_connections, 1);
}

void EpollProactor::receive(conn::ConnId conn, std::span<std::byte> into, conn::Deadline deadline) {
    Slot* slot = slot_for(conn);
    if (slot == nullptr || slot->op != SlotOp::Idle) return;  // contract: one op at a time
    // A receive-any reads into scratch_ when the socket is readable and is
    // delivered at once (try_receive), so an idle connection holds no buffer.
    slot->receive_data = into.empty() ? scratch_.data() : into.data();
    slot->receive_size = into.empty() ? scratch_.size() : into.size();
    if (const auto refused = refusal(*slot, conn, OpKind::Receive)) {
        finish(*slot, *refused, Delivery::Queued);
        return;
    }
    slot->op = SlotOp::Receive;
    start_op(*slot, deadline);
}

void EpollProactor::start_op(Slot& slot, conn::Deadline deadline) {
    ++ops_in_flight_;
    if (deadline != conn::Deadline::max()) timers_.schedule(slot.id.slot, deadline);
    // Tried from run, never here: the completion must not be delivered inline.
    queue_attempt(slot);
}

void EpollProactor::queue_attempt(Slot& slot) {
    if (slot.attempt_queued) return;  // one entry serves whatever op the slot has then
    slot.attempt_queued = true;
    attempts_.push(slot.id.slot);
}

void EpollProactor::attempt_queued() {
    // Only what was queued before this pass; ops started by the callbacks
    // below wait for the next turn, so a busy sink cannot starve epoll.
    for (std::size_t n = attempts_.size(); n > 0; --n) {
        Slot& slot = slots_[attempts_.pop()];
        slot.attempt_queued = false;
        attempt(slot);
    }
}

void EpollProactor::attempt(Slot& slot) {
    if (slot.op == SlotOp::Receive) {
        if (slot.readable) try_receive(slot);
    } else if (slot.op == SlotOp::Transmit) {
        if (slot.writable) pump(slot);
    }
}

void EpollProactor::try_receive(Slot& slot) {
    for (;;) {
        const ssize_t n = ::recv(slot.fd, slot.receive_data, slot.receive_size, 0);
        if (n > 0) {
            // A short read drained the socket (edge-triggered: the next bytes
            // bring a new event) — unless the FIN is already in, which brings none.
            if (static_cast<std::size_t>(n) < slot.receive_size && !slot.peer_hup) {
                slot.readable = false;
            }
            finish(slot, received(static_cast<std::uint64_t>(n)), Delivery::Now);
            return;
        }
        if (n == 0) {
            finish(slot, {.kind = OpKind::Receive, .status = IoStatus::PeerClosed}, Delivery::Now);
            return;
        }
        const int error = errno;
        if (error == EINTR) continue;
        if (error == EAGAIN || error == EWOULDBLOCK) {
            slot.readable = false;
            return;  // EPOLLIN resumes it
        }
        finish(slot, receive_error(error), Delivery::Now);
        return;
    }
}

net::SocketAddress EpollProactor::local_address(conn::ConnId conn) {
    const Slot* slot = slot_for(conn);
    if (slot == nullptr || slot->id != conn || slot->fd < 0) return {};
    return local_address_of(slot->fd);
}

void EpollProactor::cancel_in_flight(Slot& slot) {
    if (slot.op == SlotOp::Receive) {
        finish(slot, {.kind = OpKind::Receive, .status = IoStatus::Cancelled}, Delivery::Queued);
    } else {
        finish_transmit(slot, IoStatus::Cancelled, 0, Delivery::Queued);
    }
}

void EpollProactor::finish(Slot& slot, const OpResult& result, Delivery delivery) {
    if (in_flight(slot.op)) --ops_in_flight_;
    timers_.cancel(slot.id.slot);
    complete(slot, result, delivery);
}

void EpollProactor::run(conn::CompletionSink& sink, std::stop_token stop) {
    sink_ = &sink;
    std::stop_callback on_stop(stop, [this] {
        const std::uint64_t one = 1;
        // Thread-safe: the loop reads the eventfd; nothing else is touched here.
        const ssize_t ignored = ::write(wake_fd_.get(), &one, sizeof one);
        (void)ignored;
    });
    epoll_event events[kEventBatch];
    const time::TurnScope turns;
    for (;;) {
        deliver_queued();
        attempt_queued();
        if (stopping_ && stopped()) break;
        const int count = wait(events, kEventBatch, has_queued() || !attempts_.empty());
        const conn::Deadline now = time::TurnClock::begin_turn();
        if (now >= sink.housekeeping_due()) sink.housekeep(now);
        for (int i = 0; i < count; ++i)
            handle_event(events[i].data.u64, events[i].events);
        expire_timers();
    }
    sink_ = nullptr;
}

int EpollProactor::wait(epoll_event* events, int capacity, bool poll_only) {
    timespec timeout{};
    timespec* limit = &timeout;  // zero: poll only
    if (!poll_only) {
        conn::Deadline next = sink_->housekeeping_due();
        if (!timers_.empty()) next = std::min(next, timers_.next());
        if (next == conn::Deadline::max()) {
            limit = nullptr;
        } else {
            const auto left = std::max(next - conn::Clock::now(), conn::Clock::duration{});
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
            timeout.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
            timeout.tv_nsec = static_cast<long>(ns % 1'000'000'000);
        }
    }
    int count = -1;
    if (use_pwait2_) {
        count = ::epoll_pwait2(epoll_.get(), events, capacity, limit, nullptr);
        // Kernels < 5.11 and some seccomp profiles: fall back for good.
        if (count < 0 && (errno == ENOSYS || errno == EPERM)) use_pwait2_ = false;
    }
    if (!use_pwait2_) {
        int ms = -1;
        if (limit != nullptr) {
            // Rounded up: waking early would only spin until the deadline.
            const long long total =
                (static_cast<long long>(limit->tv_sec) * 1'000'000'000 + limit->tv_nsec + 999'999) /
                1'000'000;
            ms = static_cast<int>(std::min<long long>(total, INT_MAX));
        }
        count = ::epoll_wait(epoll_.get(), events, capacity, ms);
    }
    return count < 0 ? 0 : count;  // EINTR: just another turn
}

void EpollProactor::handle_event(std::uint64_t data, std::uint32_t events) {
    const std::uint32_t index = index_of(data);
    switch (tag_of<Tag>(data)) {
        case Tag::Conn: {
            if (index >= slots_.size()) return;
            Slot& slot = slots_[index];
            if (slot.fd < 0 || !same_sequence(data, slot.sequence)) return;
            // Errors and hang-ups make both directions "ready": the next
            // syscall reports what happened.
            if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) slot.readable = true;
            if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0) slot.writable = true;
            if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) slot.peer_hup = true;
            attempt(slot);
            return;
        }
        case Tag::Listener:
            if (index < listeners_.size()) accept_ready(index);
            return;
        case Tag::Wake: {
            std::uint64_t value = 0;
            const ssize_t ignored = ::read(wake_fd_.get(), &value, sizeof value);
            (void)ignored;
            if (!stopping_) begin_stop();
            return;
        }
        case Tag::Linger:
            if (index < lingers_.size() && lingers_[index].fd >= 0 &&
                same_sequence(data, lingers_[index].sequence)) {
                drain_linger(index);
            }
            return;
    }
}

void EpollProactor::expire_timers() {
    if (timers_.empty()) return;
    const conn::Deadline now = time::TurnClock::now();
    for (std::uint32_t id = timers_.pop_due(now); id != conn::DeadlineHeap::npos;
         id = timers_.pop_due(now)) {
        if (id < slots_.size()) {
            Slot& slot = slots_[id];
            if (slot.op == SlotOp::Receive) {
                finish(slot,
                       {.kind = OpKind::Receive, .status = IoStatus::TimedOut, .os_error = ETIME},
                       Delivery::Now);
            } else if (slot.op == SlotOp::Transmit) {
                finish_transmit(slot, IoStatus::TimedOut, ETIME, Delivery::Now);
            }
        } else if (id < drain_timer()) {
            end_linger(id - options_.max_connections);
        } else if (id == drain_timer()) {
            on_drain_expired();
        } else {
            for (std::uint32_t i = 0; i < listeners_.size(); ++i)
                accept_ready(i);
        }
    }
}

}  // namespace tpserve::platform
