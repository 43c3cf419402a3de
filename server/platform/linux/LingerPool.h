#pragma once
// Internal to the Linux backends: the entries of the bounded lingering close.
// A socket closed gracefully after a Close plan is drained (read and
// discarded) until the client's FIN, so that bytes the client sent after the
// request (pipelined requests) do not make our close send an RST that destroys
// the response in flight. Bounded in time and bytes; never holds a slot. One
// entry per slot, allocated at create(); how an entry waits for input is the
// backend's (`Linger` has at least fd, sequence and drained).
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tpserve::platform {

template <class Linger>
class LingerPool {
public:
    static constexpr std::chrono::seconds kTime{2};
    static constexpr std::size_t kBytes = std::size_t{64} * 1024;
    static constexpr std::uint32_t npos = ~std::uint32_t{0};

    explicit LingerPool(std::uint32_t capacity) : entries_(capacity), discard_(kBytes) {
        free_.reserve(capacity);
        for (std::uint32_t i = capacity; i-- > 0;)
            free_.push_back(i);
    }
    ~LingerPool() {
        for (Linger& linger : entries_) {
            if (linger.fd >= 0) ::close(linger.fd);
        }
    }
    LingerPool(const LingerPool&) = delete;
    LingerPool& operator=(const LingerPool&) = delete;
    LingerPool(LingerPool&&) = delete;
    LingerPool& operator=(LingerPool&&) = delete;

    // An entry that now owns `fd`, or npos when none is free or the lingers
    // are ending: then `fd` is closed at once.
    [[nodiscard]] std::uint32_t start(int fd) {
        if (ending_ || free_.empty()) {
            ::close(fd);
            return npos;
        }
        const std::uint32_t index = free_.back();
        free_.pop_back();
        Linger& linger = entries_[index];
        linger.fd = fd;
        linger.drained = 0;
        return index;
    }
    // Closes the entry's socket and frees the entry.
    void release(std::uint32_t index) {
        Linger& linger = entries_[index];
        ::close(linger.fd);
        linger.fd = -1;
        free_.push_back(index);
    }

    [[nodiscard]] Linger& operator[](std::uint32_t index) noexcept { return entries_[index]; }
    [[nodiscard]] std::uint32_t size() const noexcept {
        return static_cast<std::uint32_t>(entries_.size());
    }
    // Where every lingering read lands: it is never read.
    [[nodiscard]] std::span<std::byte> discard() noexcept { return discard_; }

    // Set by end_lingers at the end of a shutdown: no new lingering close.
    [[nodiscard]] bool ending() const noexcept { return ending_; }
    void end() noexcept { ending_ = true; }

    std::uint32_t in_flight = 0;  // entries the run loop still waits for

private:
    std::vector<Linger> entries_;
    std::vector<std::uint32_t> free_;
    std::vector<std::byte> discard_;
    bool ending_ = false;
};

}  // namespace tpserve::platform
