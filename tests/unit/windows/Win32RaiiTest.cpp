// UniqueHandle, UniqueSocket and WinsockSession really close what they own.
#include <gtest/gtest.h>

#include "platform/windows/UniqueHandle.h"
#include "platform/windows/UniqueSocket.h"
#include "platform/windows/WinsockSession.h"

namespace tpserve::platform {
namespace {

bool handle_is_open(HANDLE handle) {
    DWORD flags = 0;
    return ::GetHandleInformation(handle, &flags) != 0;
}

bool socket_is_open(SOCKET socket) {
    int type = 0;
    int length = sizeof type;
    return ::getsockopt(socket, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type), &length) == 0;
}

TEST(UniqueHandle, ClosesOnDestructionAndReset) {
    HANDLE raw = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    ASSERT_NE(raw, nullptr);
    {
        UniqueHandle owner(raw);
        EXPECT_TRUE(owner.valid());
        EXPECT_TRUE(handle_is_open(raw));
    }
    EXPECT_FALSE(handle_is_open(raw));

    UniqueHandle a(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
    const HANDLE first = a.get();
    a.reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
    EXPECT_FALSE(handle_is_open(first));
    EXPECT_TRUE(handle_is_open(a.get()));
}

TEST(UniqueHandle, MovesOwnershipAndTreatsInvalidAsEmpty) {
    UniqueHandle a(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
    const HANDLE raw = a.get();
    UniqueHandle b(std::move(a));
    EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): the moved-from state is the test
    EXPECT_EQ(b.get(), raw);
    UniqueHandle c;
    c = std::move(b);
    EXPECT_TRUE(handle_is_open(raw));
    const HANDLE released = c.release();
    EXPECT_FALSE(c.valid());
    EXPECT_TRUE(handle_is_open(released));
    ::CloseHandle(released);

    UniqueHandle invalid(INVALID_HANDLE_VALUE);
    EXPECT_FALSE(invalid.valid());
    EXPECT_FALSE(static_cast<bool>(invalid));
}

TEST(UniqueSocket, ClosesOnDestructionAndMoves) {
    WinsockSession winsock;
    std::string error;
    ASSERT_TRUE(winsock.start(error)) << error;
    EXPECT_TRUE(winsock.started());
    SOCKET raw = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ASSERT_NE(raw, INVALID_SOCKET);
    {
        UniqueSocket a(raw);
        UniqueSocket b(std::move(a));
        EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move)
        EXPECT_TRUE(socket_is_open(raw));
    }
    EXPECT_FALSE(socket_is_open(raw));
    EXPECT_EQ(::WSAGetLastError(), WSAENOTSOCK);
}

TEST(WinsockSession, CleansUpWhenDestroyed) {
    {
        WinsockSession winsock;
        std::string error;
        ASSERT_TRUE(winsock.start(error)) << error;
        const SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        EXPECT_NE(s, INVALID_SOCKET);
        ::closesocket(s);
    }
    EXPECT_EQ(::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), INVALID_SOCKET);
    EXPECT_EQ(::WSAGetLastError(), WSANOTINITIALISED);
}

}  // namespace
}  // namespace tpserve::platform
