#include "plan/ByteArena.h"

#include <algorithm>

namespace tpserve::plan {

std::span<std::byte> ByteArena::allocate(std::size_t n) {
    while (current_ < chunks_.size()) {
        Chunk& chunk = chunks_[current_];
        if (chunk.size - chunk.used >= n) {
            std::byte* start = chunk.data.get() + chunk.used;
            chunk.used += n;
            return {start, n};
        }
        // Only move on when this chunk has been used; a fresh chunk that is
        // too small is skipped (kept for later, smaller requests).
        ++current_;
    }
    const std::size_t size = std::max(chunk_bytes_, n);
    chunks_.push_back(Chunk{std::make_unique<std::byte[]>(size), size, n});
    current_ = chunks_.size() - 1;
    return {chunks_.back().data.get(), n};
}

void ByteArena::give_back(std::size_t n) noexcept {
    if (current_ < chunks_.size()) {
        Chunk& chunk = chunks_[current_];
        chunk.used -= std::min(n, chunk.used);
    }
}

void ByteArena::clear() noexcept {
    for (Chunk& chunk : chunks_)
        chunk.used = 0;
    current_ = 0;
}

}  // namespace tpserve::plan
