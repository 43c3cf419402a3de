#pragma once
// Strong entity tags derived from file metadata, so they are stable across
// restarts and workers without hashing the content.
#include <cstddef>
#include <span>

#include "files/FileSystem.h"

namespace tpserve::files {

// Longest possible output: 2 quotes + 16 + '-' + 16 + 8 + '-' + 16.
inline constexpr std::size_t kMaxETagLength = 60;

// Writes "<size hex>-<mtime sec hex><mtime nsec as 8 hex digits>-<inode hex>",
// quotes included, lower-case hex. The nanoseconds have a fixed width so the
// seconds/nanoseconds boundary is unambiguous. A negative mtime_sec is written
// as its 64-bit two's complement. Returns the length written, or 0 (nothing
// written) when `out` is shorter than needed; kMaxETagLength always suffices.
// No allocation.
std::size_t format_etag(const FileInfo& info, std::span<char> out) noexcept;

}  // namespace tpserve::files
