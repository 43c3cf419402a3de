#include "platform/linux/UringProbe.h"

#include <fstream>
#include <memory>

#include "platform/linux/UringRing.h"

namespace tpserve::platform {

namespace {

struct ProbeFree {
    void operator()(io_uring_probe* probe) const noexcept { io_uring_free_probe(probe); }
};

struct RequiredOp {
    int opcode;
    const char* name;
};

// Every opcode the io_uring backend submits (UringProactor*.cpp).
constexpr RequiredOp kRequired[] = {
    {IORING_OP_ACCEPT, "IORING_OP_ACCEPT"},
    {IORING_OP_RECV, "IORING_OP_RECV"},
    {IORING_OP_SENDMSG, "IORING_OP_SENDMSG"},
    {IORING_OP_POLL_ADD, "IORING_OP_POLL_ADD"},
    {IORING_OP_LINK_TIMEOUT, "IORING_OP_LINK_TIMEOUT"},
    {IORING_OP_TIMEOUT, "IORING_OP_TIMEOUT"},
    {IORING_OP_ASYNC_CANCEL, "IORING_OP_ASYNC_CANCEL"},
    {IORING_OP_READ, "IORING_OP_READ"},
};

std::optional<int> read_disabled_sysctl() {
    std::ifstream file("/proc/sys/kernel/io_uring_disabled");
    int value = 0;
    if (file >> value) return value;
    return std::nullopt;
}

}  // namespace

UringAttempt probe_io_uring() {
    UringAttempt attempt;
    attempt.io_uring_disabled = read_disabled_sysctl();
    std::string error;
    int error_errno = 0;
    const auto ring = uring::Ring::create(8, error, error_errno);
    if (!ring) {
        attempt.setup_errno = error_errno;
        return attempt;
    }
    const std::unique_ptr<io_uring_probe, ProbeFree> probe(io_uring_get_probe_ring(ring->get()));
    if (!probe) {
        attempt.missing_opcode = "IORING_REGISTER_PROBE";
        return attempt;
    }
    for (const RequiredOp& op : kRequired) {
        if (io_uring_opcode_supported(probe.get(), op.opcode) == 0) {
            attempt.missing_opcode = op.name;
            break;
        }
    }
    return attempt;
}

}  // namespace tpserve::platform
