#include "platform/linux/TransmitPump.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <variant>

#include "plan/TransmitPlan.h"

namespace tpserve::platform {

namespace {

// One call's byte count must fit ssize_t (and a CQE's res) comfortably.
constexpr std::uint64_t kMaxChunk = std::uint64_t{1} << 30;
constexpr std::size_t kMaxIov = IOV_MAX;

}  // namespace

int TransmitPump::more_flag(const plan::TransmitPlan& plan, bool more_after) noexcept {
    return more_after || plan.disposition == plan::Disposition::Close ? MSG_MORE : 0;
}

void TransmitPump::before_transmit(int fd, const plan::TransmitPlan& plan) noexcept {
    if (nodelay_) return;
    if (plan.disposition == plan::Disposition::Close && !plan.has_file_parts()) return;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    nodelay_ = true;
}

const msghdr& TransmitPump::gather(const plan::TransmitPlan& plan, std::uint64_t& bytes,
                                   bool& more_after) {
    iov_.clear();  // capacity is kept
    std::uint64_t total = 0;
    for (const plan::Part& part : plan.pending()) {
        const auto* memory = std::get_if<plan::MemoryPart>(&part);
        if (memory == nullptr || iov_.size() == kMaxIov || total == kMaxChunk) break;
        const std::uint64_t length =
            std::min<std::uint64_t>(memory->bytes.size(), kMaxChunk - total);
        // iovec is shared with readv, hence non-const; sendmsg only reads through it.
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
        void* base = const_cast<std::byte*>(memory->bytes.data());
        iov_.push_back(iovec{base, static_cast<std::size_t>(length)});
        total += length;
    }
    message_ = msghdr{};
    message_.msg_iov = iov_.data();
    message_.msg_iovlen = iov_.size();
    bytes = total;
    more_after = plan.pending_bytes() > total;
    return message_;
}

TransmitPump::Result TransmitPump::send(int fd, plan::TransmitPlan& plan) {
    Result result;
    while (!plan.empty()) {
        const plan::Part& part = plan.pending().front();
        std::uint64_t asked = 0;
        ssize_t sent = 0;
        const auto* file = std::get_if<plan::FilePart>(&part);
        if (file != nullptr) {
            // An explicit offset: the shared descriptor's position is never used.
            auto offset = static_cast<off_t>(file->offset);
            asked = std::min(file->length, kMaxChunk);
            sent = ::sendfile(fd, static_cast<int>(file->file->native()), &offset,
                              static_cast<std::size_t>(asked));
            ++result.sendfile_calls;
            if (sent == 0) {
                // The file shrank below the planned range: the promised length
                // cannot be delivered.
                result.status = Status::Error;
                result.error = ENODATA;
                return result;
            }
        } else {
            bool more = false;
            const msghdr& message = gather(plan, asked, more);
            sent = ::sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT | more_flag(plan, more));
            ++result.sendmsg_calls;
        }
        if (sent < 0) {
            const int error = errno;
            if (error == EINTR) continue;
            if (error == EAGAIN || error == EWOULDBLOCK) {
                result.status = Status::WouldBlock;
                return result;
            }
            result.status = Status::Error;
            result.error = error;
            return result;
        }
        plan.consume(static_cast<std::uint64_t>(sent));
        result.sent += static_cast<std::uint64_t>(sent);
        // A short sendmsg on a nonblocking socket means its buffer is full:
        // trying again now would only return EAGAIN. A short sendfile may
        // instead have met the end of a file that shrank; only the next call
        // tells (0), and an edge-triggered poller would never ask again.
        if (static_cast<std::uint64_t>(sent) < asked && file == nullptr) {
            result.status = Status::WouldBlock;
            return result;
        }
    }
    result.status = Status::Done;
    return result;
}

}  // namespace tpserve::platform
