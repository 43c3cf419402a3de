#include "platform/linux/BackendChoice.h"

#include <cerrno>
#include <cstring>

namespace tpserve::platform {

namespace {

// The refusals seen in the field (docs/io_uring-availability.md):
// EPERM from Docker >= 25 / containerd >= 2 seccomp and from the
// io_uring_disabled sysctl, ENOSYS from Podman/CRI-O/gVisor and old kernels,
// ENOMEM from a locked-memory limit, EINVAL from kernels without our setup flags.
bool is_refusal(int error) noexcept {
    return error == EPERM || error == ENOSYS || error == ENOMEM || error == EINVAL;
}

std::string errno_text(int error) {
    const char* name = error == EPERM    ? "EPERM"
                       : error == ENOSYS ? "ENOSYS"
                       : error == ENOMEM ? "ENOMEM"
                       : error == EINVAL ? "EINVAL"
                                         : nullptr;
    std::string text = std::strerror(error);
    if (name != nullptr) text += std::string(" (") + name + ")";
    return text;
}

std::string describe(const UringAttempt& attempt) {
    std::string why = attempt.missing_opcode.empty()
                          ? "io_uring_setup failed: " + errno_text(attempt.setup_errno)
                          : "the kernel's io_uring lacks " + attempt.missing_opcode;
    if (attempt.io_uring_disabled) {
        why += "; kernel.io_uring_disabled=" + std::to_string(*attempt.io_uring_disabled);
    }
    return why;
}

}  // namespace

BackendDecision choose_backend(config::IoBackend requested, const UringAttempt& attempt) {
    if (requested == config::IoBackend::Epoll) {
        return BackendDecision{true, Backend::Epoll, "configured (io.backend: epoll)"};
    }
    const bool usable = attempt.setup_errno == 0 && attempt.missing_opcode.empty();
    if (usable) return BackendDecision{true, Backend::IoUring, ""};
    const std::string why = describe(attempt);
    if (requested == config::IoBackend::IoUring) {
        return BackendDecision{false, Backend::IoUring,
                               "io.backend is io_uring but io_uring is unavailable: " + why};
    }
    if (attempt.missing_opcode.empty() && !is_refusal(attempt.setup_errno)) {
        // Not a policy refusal (e.g. out of descriptors): epoll would fail the same way.
        return BackendDecision{false, Backend::IoUring, "cannot start io_uring: " + why};
    }
    return BackendDecision{true, Backend::Epoll, "io_uring refused: " + why};
}

std::string_view backend_name(Backend backend) noexcept {
    return backend == Backend::IoUring ? "io_uring" : "epoll";
}

}  // namespace tpserve::platform
