#pragma once
// Internal to the io_uring backend: a provided-buffer ring (kernel ≥ 5.19).
// A RECV with IOSQE_BUFFER_SELECT takes a buffer only when bytes arrive, so
// an idle keep-alive connection waits in a single RECV that pins no memory,
// instead of a POLL_ADD followed by a recv(2) of our own. Buffers go back to
// the ring as soon as their completion has been delivered.
#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace tpserve::platform::uring {

class BufferRing {
public:
    static constexpr std::uint16_t kGroup = 0;

    // Registers `count` (a power of two) buffers of `size` bytes with `ring`,
    // from the thread that submits to it. nullptr when the kernel has no
    // buffer rings; the caller then waits with POLL_ADD. Must be destroyed
    // after the ring is torn down (the kernel may write until then).
    static std::unique_ptr<BufferRing> create(io_uring* ring, std::uint32_t count,
                                              std::uint32_t size);
    ~BufferRing();
    BufferRing(const BufferRing&) = delete;
    BufferRing& operator=(const BufferRing&) = delete;

    [[nodiscard]] std::byte* buffer(std::uint16_t id) noexcept {
        return buffers_.get() + std::size_t{id} * size_;
    }
    // The buffer the kernel filled is the ring's again.
    void give_back(std::uint16_t id) noexcept;

private:
    struct Key {
        explicit Key() = default;
    };

public:
    BufferRing(Key, io_uring_buf_ring* entries, std::uint32_t count, std::uint32_t size);

private:
    io_uring_buf_ring* entries_;  // mmap'd, page-aligned, shared with the kernel
    std::uint32_t count_;
    std::uint32_t size_;
    std::unique_ptr<std::byte[]> buffers_;
};

}  // namespace tpserve::platform::uring
