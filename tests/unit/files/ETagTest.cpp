#include "files/ETag.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace tpserve::files {
namespace {

std::string etag(const FileInfo& info) {
    std::array<char, kMaxETagLength> buf{};
    const std::size_t n = format_etag(info, buf);
    return std::string(buf.data(), n);
}

TEST(ETag, Format) {
    FileInfo info;
    info.size = 1024;
    info.mtime_sec = 0x5f5e1000;
    info.mtime_nsec = 0x1234;
    info.inode = 0xabcdef;
    EXPECT_EQ(etag(info), "\"400-5f5e100000001234-abcdef\"");

    EXPECT_EQ(etag(FileInfo{}), "\"0-000000000-0\"");
}

TEST(ETag, Extremes) {
    FileInfo info;
    info.size = ~0ULL;
    info.mtime_sec = -1;
    info.mtime_nsec = 999'999'999;
    info.inode = ~0ULL;
    const std::string e = etag(info);
    EXPECT_EQ(e, "\"ffffffffffffffff-ffffffffffffffff3b9ac9ff-ffffffffffffffff\"");
    EXPECT_EQ(e.size(), kMaxETagLength);
}

TEST(ETag, DiffersWhenAnyFieldDiffers) {
    FileInfo base;
    base.size = 10;
    base.mtime_sec = 1700000000;
    base.mtime_nsec = 5;
    base.inode = 42;
    FileInfo changed = base;
    changed.mtime_nsec = 6;
    EXPECT_NE(etag(base), etag(changed));
    changed = base;
    changed.size = 11;
    EXPECT_NE(etag(base), etag(changed));
    changed = base;
    changed.inode = 43;
    EXPECT_NE(etag(base), etag(changed));
    // Fixed-width nanoseconds: (1, 0x10) and (0x10, 1) must not collide.
    FileInfo a = base, b = base;
    a.mtime_sec = 1;
    a.mtime_nsec = 0x10;
    b.mtime_sec = 0x10;
    b.mtime_nsec = 1;
    EXPECT_NE(etag(a), etag(b));
}

TEST(ETag, TooSmallBufferWritesNothing) {
    FileInfo info;
    info.size = 1;
    std::array<char, 8> small{};
    small.fill('#');
    EXPECT_EQ(format_etag(info, small), 0u);
    EXPECT_EQ(small[0], '#');
    std::array<char, 15> exact{};  // "1-000000000-0" plus quotes
    EXPECT_EQ(format_etag(info, exact), 15u);
}

}  // namespace
}  // namespace tpserve::files
