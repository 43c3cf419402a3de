#include "platform/linux/UringBufferRing.h"

#include <sys/mman.h>

namespace tpserve::platform::uring {

namespace {

std::size_t ring_bytes(std::uint32_t count) {
    return std::size_t{count} * sizeof(io_uring_buf);
}

}  // namespace

std::unique_ptr<BufferRing> BufferRing::create(io_uring* ring, std::uint32_t count,
                                               std::uint32_t size) {
    void* memory = ::mmap(nullptr, ring_bytes(count), PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return nullptr;
    auto* entries = static_cast<io_uring_buf_ring*>(memory);
    io_uring_buf_reg registration{};
    registration.ring_addr = reinterpret_cast<std::uint64_t>(memory);  // NOLINT
    registration.ring_entries = count;
    registration.bgid = kGroup;
    if (io_uring_register_buf_ring(ring, &registration, 0) != 0) {
        ::munmap(memory, ring_bytes(count));
        return nullptr;
    }
    return std::make_unique<BufferRing>(Key{}, entries, count, size);
}

BufferRing::BufferRing(Key, io_uring_buf_ring* entries, std::uint32_t count, std::uint32_t size)
    : entries_(entries),
      count_(count),
      size_(size),
      buffers_(std::make_unique_for_overwrite<std::byte[]>(std::size_t{count} * size)) {
    io_uring_buf_ring_init(entries_);
    const int mask = io_uring_buf_ring_mask(count_);
    for (std::uint32_t id = 0; id < count_; ++id) {
        io_uring_buf_ring_add(entries_, buffer(static_cast<std::uint16_t>(id)), size_,
                              static_cast<unsigned short>(id), mask, static_cast<int>(id));
    }
    io_uring_buf_ring_advance(entries_, static_cast<int>(count_));
}

// Destroyed after the ring itself (whose teardown drops the registration and
// stops the kernel writing into the buffers), so nothing to unregister here.
BufferRing::~BufferRing() {
    ::munmap(entries_, ring_bytes(count_));
}

void BufferRing::give_back(std::uint16_t id) noexcept {
    io_uring_buf_ring_add(entries_, buffer(id), size_, id, io_uring_buf_ring_mask(count_), 0);
    io_uring_buf_ring_advance(entries_, 1);
}

}  // namespace tpserve::platform::uring
