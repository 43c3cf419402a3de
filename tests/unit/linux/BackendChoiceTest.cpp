// The backend decision for every refusal a host can give.
#include <gtest/gtest.h>

#include <cerrno>

#include "platform/linux/BackendChoice.h"
#include "platform/linux/UringProbe.h"

namespace tpserve::platform {
namespace {

using config::IoBackend;

UringAttempt refused(int error, std::optional<int> sysctl = std::nullopt) {
    UringAttempt attempt;
    attempt.setup_errno = error;
    attempt.io_uring_disabled = sysctl;
    return attempt;
}

TEST(BackendChoice, AutoUsesIoUringWhenItWorks) {
    const BackendDecision d = choose_backend(IoBackend::Auto, UringAttempt{});
    EXPECT_TRUE(d.ok);
    EXPECT_EQ(d.backend, Backend::IoUring);
    EXPECT_TRUE(d.reason.empty());
}

struct RefusalCase {
    int error;
    const char* name;
};

class AutoFallsBack : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(AutoFallsBack, ToEpollNamingTheErrno) {
    const BackendDecision d = choose_backend(IoBackend::Auto, refused(GetParam().error));
    EXPECT_TRUE(d.ok);
    EXPECT_EQ(d.backend, Backend::Epoll);
    EXPECT_NE(d.reason.find(GetParam().name), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("io_uring"), std::string::npos) << d.reason;
}

INSTANTIATE_TEST_SUITE_P(Refusals, AutoFallsBack,
                         ::testing::Values(RefusalCase{EPERM, "EPERM"},
                                           RefusalCase{ENOSYS, "ENOSYS"},
                                           RefusalCase{ENOMEM, "ENOMEM"},
                                           RefusalCase{EINVAL, "EINVAL"}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

class DemandedIoUring : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(DemandedIoUring, IsAStartupErrorWithTheReason) {
    const BackendDecision d = choose_backend(IoBackend::IoUring, refused(GetParam().error));
    EXPECT_FALSE(d.ok);
    EXPECT_NE(d.reason.find(GetParam().name), std::string::npos) << d.reason;
}

INSTANTIATE_TEST_SUITE_P(Refusals, DemandedIoUring,
                         ::testing::Values(RefusalCase{EPERM, "EPERM"},
                                           RefusalCase{ENOSYS, "ENOSYS"},
                                           RefusalCase{ENOMEM, "ENOMEM"},
                                           RefusalCase{EINVAL, "EINVAL"}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(BackendChoice, SysctlValueIsPartOfTheReason) {
    const BackendDecision d = choose_backend(IoBackend::Auto, refused(EPERM, 2));
    EXPECT_EQ(d.backend, Backend::Epoll);
    EXPECT_NE(d.reason.find("kernel.io_uring_disabled=2"), std::string::npos) << d.reason;
}

TEST(BackendChoice, MissingOpcodeFallsBackOrFails) {
    UringAttempt attempt;
    attempt.missing_opcode = "IORING_OP_SENDMSG";
    const BackendDecision automatic = choose_backend(IoBackend::Auto, attempt);
    EXPECT_TRUE(automatic.ok);
    EXPECT_EQ(automatic.backend, Backend::Epoll);
    EXPECT_NE(automatic.reason.find("IORING_OP_SENDMSG"), std::string::npos);
    EXPECT_FALSE(choose_backend(IoBackend::IoUring, attempt).ok);
}

TEST(BackendChoice, UnexpectedErrnoIsNotMistakenForAPolicy) {
    // Out of descriptors: epoll would not start either, so say so.
    const BackendDecision d = choose_backend(IoBackend::Auto, refused(EMFILE));
    EXPECT_FALSE(d.ok);
    EXPECT_NE(d.reason.find("io_uring"), std::string::npos);
}

TEST(BackendChoice, EpollIsTakenAsConfiguredWhateverIoUringSays) {
    EXPECT_EQ(choose_backend(IoBackend::Epoll, UringAttempt{}).backend, Backend::Epoll);
    EXPECT_EQ(choose_backend(IoBackend::Epoll, refused(EPERM)).backend, Backend::Epoll);
    EXPECT_TRUE(choose_backend(IoBackend::Epoll, refused(EMFILE)).ok);
}

TEST(BackendChoice, NamesForTheLog) {
    EXPECT_EQ(backend_name(Backend::IoUring), "io_uring");
    EXPECT_EQ(backend_name(Backend::Epoll), "epoll");
}

// The probe on this machine (kernel 6.18, io_uring allowed): everything present.
TEST(UringProbe, FindsEverythingOnThisKernel) {
    const UringAttempt attempt = probe_io_uring();
    if (attempt.io_uring_disabled.value_or(0) != 0 || attempt.setup_errno != 0) {
        GTEST_SKIP() << "io_uring is refused here (errno " << attempt.setup_errno << ")";
    }
    EXPECT_EQ(attempt.missing_opcode, "");
}

}  // namespace
}  // namespace tpserve::platform
