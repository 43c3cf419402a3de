#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "platform/linux/Fd.h"
#include "platform/linux/Listener.h"

namespace tpserve::platform {
namespace {

TEST(BindListeners, PortZeroGivesEveryWorkerTheSamePort) {
    BoundListeners bound;
    std::string error;
    ASSERT_TRUE(bind_listeners({{"127.0.0.1", 0}, {"::1", 0}}, 2, bound, error)) << error;
    ASSERT_EQ(bound.per_worker.size(), 2u);
    ASSERT_EQ(bound.urls.size(), 2u);
    for (std::size_t address = 0; address < 2; ++address) {
        std::uint16_t ports[2] = {};
        for (std::size_t worker = 0; worker < 2; ++worker) {
            ASSERT_EQ(bound.per_worker[worker].size(), 2u);
            sockaddr_storage storage{};
            socklen_t length = sizeof storage;
            const int fd = bound.per_worker[worker][address].get();
            ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length), 0);
            ports[worker] = ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
            int value = 0;
            length = sizeof value;
            ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &length);
            EXPECT_EQ(value, 1);
        }
        EXPECT_NE(ports[0], 0);
        EXPECT_EQ(ports[0], ports[1]);
        EXPECT_NE(bound.urls[address].find(":" + std::to_string(ports[0]) + "/"), std::string::npos)
            << bound.urls[address];
    }
    EXPECT_EQ(bound.urls[0].rfind("http://127.0.0.1:", 0), 0u);
    EXPECT_EQ(bound.urls[1].rfind("http://[::1]:", 0), 0u);
}

TEST(BindListeners, RejectsNamesAndReportsBindErrors) {
    BoundListeners bound;
    std::string error;
    EXPECT_FALSE(bind_listeners({{"localhost", 0}}, 1, bound, error));
    EXPECT_NE(error.find("localhost"), std::string::npos);
    // A port held by a socket without SO_REUSEPORT cannot be joined.
    UniqueFd holder(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(holder.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    ::getsockname(holder.get(), reinterpret_cast<sockaddr*>(&address), &length);
    ::listen(holder.get(), 1);
    error.clear();
    EXPECT_FALSE(bind_listeners({{"127.0.0.1", ntohs(address.sin_port)}}, 2, bound, error));
    EXPECT_NE(error.find("Address already in use"), std::string::npos) << error;
    EXPECT_TRUE(bound.per_worker.empty());
}

}  // namespace
}  // namespace tpserve::platform
