#pragma once
// Chunked byte storage whose addresses never move while in use. `clear`
// keeps the chunks, so a connection that serves the same shape of response
// again and again allocates only on its first requests.
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace tpserve::plan {

class ByteArena {
public:
    explicit ByteArena(std::size_t chunk_bytes = 4096) : chunk_bytes_(chunk_bytes) {}
    // `n` contiguous bytes; a request larger than a chunk gets a chunk of its own.
    std::span<std::byte> allocate(std::size_t n);
    // Returns the last `n` bytes of the most recent allocation.
    void give_back(std::size_t n) noexcept;
    void clear() noexcept;

private:
    struct Chunk {
        std::unique_ptr<std::byte[]> data;
        std::size_t size = 0;
        std::size_t used = 0;
    };
    std::vector<Chunk> chunks_;
    std::size_t current_ = 0;
    std::size_t chunk_bytes_;
};

}  // namespace tpserve::plan
