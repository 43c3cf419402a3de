#pragma once
// Internal to the io_uring backend: one io_uring instance, owned, used from a
// single thread. Hides liburing from the public UringProactor header.
#include <liburing.h>

#include <memory>
#include <string>

namespace tpserve::platform::uring {

class Ring {
public:
    // Tries SINGLE_ISSUER|DEFER_TASKRUN (completions run only when we wait,
    // in our thread: no IPIs, no task-work interrupts), created disabled until
    // enable(); then no flags.
    // Returns nullptr with `error` text and the positive errno on failure.
    static std::unique_ptr<Ring> create(unsigned entries, std::string& error, int& error_errno);
    ~Ring();
    Ring(const Ring&) = delete;
    Ring& operator=(const Ring&) = delete;

    // `count` consecutive SQEs (an op and its linked timeout must be adjacent),
    // submitting first when the SQ lacks room. nullptr only if the kernel would
    // not take the queued SQEs (CQ overflow backpressure).
    [[nodiscard]] bool reserve(unsigned count) noexcept;
    [[nodiscard]] io_uring_sqe* sqe() noexcept { return io_uring_get_sqe(&ring_); }

    // Binds the ring to the calling thread (the worker): call first thing in
    // run(). Nothing may be submitted before. Returns 0 or -errno.
    int enable() noexcept;

    // Submits everything queued and waits for at least `wait` CQEs.
    int submit_and_wait(unsigned wait) noexcept { return io_uring_submit_and_wait(&ring_, wait); }
    // The same, waiting at most `timeout` (relative) for one CQE: one
    // io_uring_enter where the kernel takes a wait timeout (IORING_FEAT_EXT_ARG).
    int submit_and_wait_for(__kernel_timespec& timeout) noexcept {
        io_uring_cqe* ignored = nullptr;
        return io_uring_submit_and_wait_timeout(&ring_, &ignored, 1, &timeout, nullptr);
    }
    [[nodiscard]] io_uring* get() noexcept { return &ring_; }
    [[nodiscard]] unsigned flags() const noexcept { return flags_; }

private:
    struct Key {
        explicit Key() = default;
    };

public:
    explicit Ring(Key) {}

private:
    io_uring ring_{};
    unsigned flags_ = 0;
};

}  // namespace tpserve::platform::uring
