#pragma once
// Which completion engine a Linux worker gets: the decision alone, as a pure
// function, so every refusal case is unit-tested without a kernel that
// refuses (UringProbe gathers the facts; LinuxPlatform acts on the result).
#include <optional>
#include <string>
#include <string_view>

#include "config/Config.h"

namespace tpserve::platform {

// What trying io_uring on this machine showed.
struct UringAttempt {
    int setup_errno = 0;                   // 0: io_uring_setup succeeded
    std::string missing_opcode;            // a required opcode the kernel lacks ("" = none)
    std::optional<int> io_uring_disabled;  // /proc/sys/kernel/io_uring_disabled, if present
};

enum class Backend : std::uint8_t { IoUring, Epoll };

struct BackendDecision {
    bool ok = true;  // false: the configured backend cannot run (exit code 2)
    Backend backend = Backend::IoUring;
    std::string
        reason;  // why epoll was chosen or why starting is impossible; "" if io_uring as asked
};

// `attempt` is ignored when epoll is configured (the caller need not probe).
[[nodiscard]] BackendDecision choose_backend(config::IoBackend requested,
                                             const UringAttempt& attempt);

[[nodiscard]] std::string_view backend_name(Backend backend) noexcept;

}  // namespace tpserve::platform
