#include "platform/linux/UringRing.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tpserve::platform::uring {

std::unique_ptr<Ring> Ring::create(unsigned entries, std::string& error, int& error_errno) {
    auto ring = std::make_unique<Ring>(Key{});
    // R_DISABLED: a SINGLE_ISSUER ring belongs to the task that enables it, and
    // create() usually runs on the main thread, not on the worker.
    const unsigned attempts[] = {
        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED, 0u};
    int result = 0;
    for (const unsigned flags : attempts) {
        io_uring_params params{};
        params.flags = flags;
        // liburing returns -errno and leaves errno alone.
        result = io_uring_queue_init_params(entries, &ring->ring_, &params);
        if (result == 0) {
            ring->flags_ = flags;
            return ring;
        }
    }
    error_errno = -result;
    error = std::string("io_uring_setup: ") + std::strerror(-result);
    return nullptr;
}

Ring::~Ring() {
    io_uring_queue_exit(&ring_);
}

int Ring::enable() noexcept {
    if ((flags_ & IORING_SETUP_R_DISABLED) == 0) return 0;
    // liburing 2.3 declares io_uring_enable_rings but its .so does not export it.
    const long result =
        ::syscall(__NR_io_uring_register, ring_.ring_fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0);
    if (result < 0) return -errno;
    flags_ &= ~IORING_SETUP_R_DISABLED;
    return 0;
}

bool Ring::reserve(unsigned count) noexcept {
    if (io_uring_sq_space_left(&ring_) >= count) return true;
    // Without SQPOLL the kernel consumes every submitted SQE during the call,
    // so one submit frees the whole SQ unless it refuses (EBUSY/EAGAIN).
    io_uring_submit(&ring_);
    return io_uring_sq_space_left(&ring_) >= count;
}

}  // namespace tpserve::platform::uring
