// sd_notify without libsystemd: the datagrams must reach a real AF_UNIX
// socket, by path and by abstract name, through NOTIFY_SOCKET.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "platform/Platform.h"
#include "platform/linux/Fd.h"
#include "platform/linux/SystemdNotify.h"

namespace tpserve::platform {
namespace {

// A bound datagram socket standing in for systemd's notify socket.
class FakeManager {
public:
    explicit FakeManager(const std::string& name) : name_(name) {
        fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        EXPECT_TRUE(fd_.valid());
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, name.data(), name.size());
        if (name.front() == '@') address.sun_path[0] = '\0';
        const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
        EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&address), length), 0)
            << std::strerror(errno);
        const timeval timeout{2, 0};  // a lost datagram fails the test instead of hanging it
        ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    ~FakeManager() {
        if (name_.front() == '/') ::unlink(name_.c_str());
    }
    FakeManager(const FakeManager&) = delete;
    FakeManager& operator=(const FakeManager&) = delete;

    std::string receive() {
        char buffer[256];
        const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
        return n < 0 ? "<nothing: " + std::string(std::strerror(errno)) + ">"
                     : std::string(buffer, static_cast<std::size_t>(n));
    }

private:
    std::string name_;
    UniqueFd fd_;
};

std::string unique_path() {
    return ::testing::TempDir() + "tpserve-notify-" + std::to_string(::getpid()) + ".sock";
}

std::string unique_abstract() {
    return "@tpserve-notify-test-" + std::to_string(::getpid());
}

class ScopedNotifySocket {
public:
    explicit ScopedNotifySocket(const std::string& value) {
        ::setenv("NOTIFY_SOCKET", value.c_str(), 1);
    }
    ~ScopedNotifySocket() { ::unsetenv("NOTIFY_SOCKET"); }
    ScopedNotifySocket(const ScopedNotifySocket&) = delete;
    ScopedNotifySocket& operator=(const ScopedNotifySocket&) = delete;
};

TEST(SystemdNotify, ReadyAndStoppingReachAPathSocket) {
    const std::string path = unique_path();
    ::unlink(path.c_str());
    FakeManager manager(path);
    const ScopedNotifySocket env(path);
    notify_ready();
    EXPECT_EQ(manager.receive(), "READY=1");
    notify_stopping();
    EXPECT_EQ(manager.receive(), "STOPPING=1");
}

TEST(SystemdNotify, ReloadingCarriesTheMonotonicTimeOfItsStart) {
    const std::string path = unique_path();
    ::unlink(path.c_str());
    FakeManager manager(path);
    const ScopedNotifySocket env(path);
    timespec before{};
    ::clock_gettime(CLOCK_MONOTONIC, &before);
    notify_reloading();
    const std::string message = manager.receive();
    const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
    ASSERT_EQ(message.substr(0, prefix.size()), prefix) << message;
    const std::uint64_t usec = std::stoull(message.substr(prefix.size()));
    const auto before_usec = static_cast<std::uint64_t>(before.tv_sec) * 1'000'000U +
                             static_cast<std::uint64_t>(before.tv_nsec) / 1'000U;
    EXPECT_GE(usec, before_usec);
    EXPECT_LT(usec, before_usec + 10'000'000U);  // sent within 10 s of the call, not another clock
}

TEST(SystemdNotify, ReadyReachesAnAbstractSocket) {
    const std::string name = unique_abstract();
    FakeManager manager(name);
    const ScopedNotifySocket env(name);
    notify_ready();
    EXPECT_EQ(manager.receive(), "READY=1");
}

TEST(SystemdNotify, NothingToDoWithoutNotifySocket) {
    ::unsetenv("NOTIFY_SOCKET");
    std::string error;
    EXPECT_TRUE(systemd_notify("READY=1", error));
    EXPECT_EQ(error, "");
    notify_ready();  // and no crash, no warning to act on
}

TEST(SystemdNotify, ReportsAMissingSocket) {
    std::string error;
    EXPECT_FALSE(notify_socket_send(unique_path() + ".absent", "READY=1", error));
    EXPECT_NE(error.find("No such file"), std::string::npos) << error;
}

TEST(SystemdNotify, RejectsNonUnixNames) {
    std::string error;
    EXPECT_FALSE(notify_socket_send("vsock:2:1234", "READY=1", error));
    EXPECT_NE(error.find("AF_UNIX"), std::string::npos) << error;
    error.clear();
    EXPECT_FALSE(notify_socket_send("/" + std::string(200, 'x'), "READY=1", error));
    EXPECT_NE(error.find("too long"), std::string::npos) << error;
}

TEST(LinuxService, ServiceCommandIsAUsageErrorOnLinux) {
    bool ran = false;
    testing::internal::CaptureStderr();
    const int code = service_command("install", ServiceSettings{}, [&ran] {
        ran = true;
        return 0;
    });
    const std::string message = testing::internal::GetCapturedStderr();
    EXPECT_EQ(code, 2);
    EXPECT_FALSE(ran);
    EXPECT_NE(message.find("systemd"), std::string::npos) << message;
}

}  // namespace
}  // namespace tpserve::platform
