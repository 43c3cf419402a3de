#pragma once
// Sole owner of a Winsock SOCKET: closesocket on destruction. closesocket is
// abortive for any overlapped operation still pending on the socket (it
// completes with WSA_OPERATION_ABORTED), so the owner of the OVERLAPPED must
// outlive that completion. Not thread-safe (like any value).
#include <utility>

#include "platform/windows/Win32.h"

namespace tpserve::platform {

class UniqueSocket {
public:
    UniqueSocket() noexcept = default;
    explicit UniqueSocket(SOCKET socket) noexcept : socket_(socket) {}
    ~UniqueSocket() { reset(); }
    UniqueSocket(UniqueSocket&& other) noexcept : socket_(other.release()) {}
    UniqueSocket& operator=(UniqueSocket&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    UniqueSocket(const UniqueSocket&) = delete;
    UniqueSocket& operator=(const UniqueSocket&) = delete;

    [[nodiscard]] SOCKET get() const noexcept { return socket_; }
    [[nodiscard]] bool valid() const noexcept { return socket_ != INVALID_SOCKET; }
    explicit operator bool() const noexcept { return valid(); }

    [[nodiscard]] SOCKET release() noexcept { return std::exchange(socket_, INVALID_SOCKET); }
    void reset(SOCKET socket = INVALID_SOCKET) noexcept {
        const SOCKET old = std::exchange(socket_, socket);
        if (old != INVALID_SOCKET) ::closesocket(old);
    }

private:
    SOCKET socket_ = INVALID_SOCKET;
};

}  // namespace tpserve::platform
