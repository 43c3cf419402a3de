#include "files/ETag.h"

#include <cstdint>

namespace tpserve::files {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Appends `v` in hex, at least `min_digits` digits; returns the new position.
std::size_t put_hex(char* buf, std::size_t pos, std::uint64_t v, int min_digits) noexcept {
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = kHex[v & 0xF];
        v >>= 4;
    } while (v != 0);
    while (n < min_digits)
        tmp[n++] = '0';
    while (n > 0)
        buf[pos++] = tmp[--n];
    return pos;
}

}  // namespace

std::size_t format_etag(const FileInfo& info, std::span<char> out) noexcept {
    char buf[kMaxETagLength];
    std::size_t n = 0;
    buf[n++] = '"';
    n = put_hex(buf, n, info.size, 1);
    buf[n++] = '-';
    n = put_hex(buf, n, static_cast<std::uint64_t>(info.mtime_sec), 1);
    n = put_hex(buf, n, info.mtime_nsec, 8);
    buf[n++] = '-';
    n = put_hex(buf, n, info.inode, 1);
    buf[n++] = '"';
    if (out.size() < n) return 0;
    for (std::size_t i = 0; i < n; ++i)
        out[i] = buf[i];
    return n;
}

}  // namespace tpserve::files
