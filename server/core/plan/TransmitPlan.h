#pragma once
// A response (or several pipelined responses) as one ordered list of parts:
// bytes in memory and ranges of open files, handed to the backend in one go.
//
// Ownership: bytes written through `reserve`/`copy` live in the plan's own
// arena (stable addresses, capacity kept across `clear`, so a steady-state
// connection does not allocate). Bytes added by `add(span)` must outlive the
// transmit: use it for static text or memory pinned by `keep`. Files are
// pinned by their FileRef.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "plan/ByteArena.h"
#include "plan/FileRef.h"

namespace tpserve::plan {

struct MemoryPart {
    std::span<const std::byte> bytes;
};

struct FilePart {
    FileRef file;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

using Part = std::variant<MemoryPart, FilePart>;

enum class Disposition : std::uint8_t { KeepAlive, Close };

class TransmitPlan {
public:
    // Writable space of exactly `n` bytes in the arena, appended as a memory
    // part (merged with a preceding adjacent arena part). Use `shrink_last`
    // if fewer bytes were written.
    std::span<std::byte> reserve(std::size_t n);
    void shrink_last(std::size_t unused);
    // Copies `text` into the arena and appends it.
    void copy(std::string_view text);
    // Appends memory owned elsewhere (static data, or pinned by `keep`).
    void add(std::span<const std::byte> bytes);
    void add(std::string_view static_text);
    void add(FileRef file, std::uint64_t offset, std::uint64_t length);
    // Pins any shared object (a cached file's bytes) until `clear`.
    void keep(std::shared_ptr<const void> owner);

    // The parts not yet sent; the first may be a partly consumed remainder.
    [[nodiscard]] std::span<const Part> pending() const noexcept;
    [[nodiscard]] std::uint64_t pending_bytes() const noexcept { return pending_bytes_; }
    [[nodiscard]] bool empty() const noexcept { return pending_bytes_ == 0; }
    [[nodiscard]] bool has_file_parts() const noexcept;
    // Marks `sent` bytes from the front as transmitted (short sends).
    void consume(std::uint64_t sent) noexcept;
    // Drops every part and pin; keeps capacity.
    void clear() noexcept;

    Disposition disposition = Disposition::KeepAlive;
    // For a Close plan: whether the client may still be sending (bytes after
    // the request, an unread body, an error mid-request). Then the backend
    // shuts down its side and drains until the client's FIN, so that a close
    // with unread data does not reset the response in flight; otherwise it
    // simply closes, as nginx does without lingering_close.
    bool linger = true;

private:
    std::vector<Part> parts_;
    std::vector<std::shared_ptr<const void>> pins_;
    std::size_t first_ = 0;
    std::uint64_t pending_bytes_ = 0;
    ByteArena arena_;
};

}  // namespace tpserve::plan
