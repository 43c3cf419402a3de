#pragma once
// Sole owner of a kernel HANDLE (file, completion port, event, thread):
// CloseHandle on destruction. Both null and INVALID_HANDLE_VALUE mean "none",
// because CreateFileW reports failure with the latter and most other
// creators with the former. Not thread-safe (like any value).
#include <utility>

#include "platform/windows/Win32.h"

namespace tpserve::platform {

class UniqueHandle {
public:
    UniqueHandle() noexcept = default;
    explicit UniqueHandle(HANDLE handle) noexcept : handle_(handle) {}
    ~UniqueHandle() { reset(); }
    UniqueHandle(UniqueHandle&& other) noexcept : handle_(other.release()) {}
    UniqueHandle& operator=(UniqueHandle&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    UniqueHandle(const UniqueHandle&) = delete;
    UniqueHandle& operator=(const UniqueHandle&) = delete;

    [[nodiscard]] HANDLE get() const noexcept { return handle_; }
    [[nodiscard]] bool valid() const noexcept { return is_valid(handle_); }
    explicit operator bool() const noexcept { return valid(); }

    [[nodiscard]] HANDLE release() noexcept { return std::exchange(handle_, nullptr); }
    void reset(HANDLE handle = nullptr) noexcept {
        const HANDLE old = std::exchange(handle_, handle);
        if (is_valid(old)) ::CloseHandle(old);
    }

    [[nodiscard]] static bool is_valid(HANDLE handle) noexcept {
        return handle != nullptr && handle != INVALID_HANDLE_VALUE;
    }

private:
    HANDLE handle_ = nullptr;
};

}  // namespace tpserve::platform
