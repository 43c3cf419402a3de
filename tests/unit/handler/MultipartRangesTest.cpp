#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "handler/Boundary.h"
#include "handler/MultipartRanges.h"
#include "http/ByteRanges.h"
#include "plan/TransmitPlan.h"

namespace tpserve::handler {
namespace {

using http::ByteRange;

struct FakeFile final : plan::OpenFile {
    std::intptr_t native() const noexcept override { return 7; }
};

// The bytes a backend would send: memory as is, file parts from `content`.
std::string render(const plan::TransmitPlan& plan, const plan::FileRef& file,
                   const std::string& content) {
    std::string out;
    for (const plan::Part& part : plan.pending()) {
        if (const auto* memory = std::get_if<plan::MemoryPart>(&part)) {
            out.append(reinterpret_cast<const char*>(memory->bytes.data()), memory->bytes.size());
        } else {
            const auto& piece = std::get<plan::FilePart>(part);
            EXPECT_EQ(piece.file, file);
            EXPECT_LE(piece.offset + piece.length, content.size());
            out += content.substr(piece.offset, piece.length);
        }
    }
    return out;
}

const std::string kContent = "0123456789abcdefghijklmnopqrstuvwxyz";  // 36 bytes

// A file as the file system opened it: a handle, no bytes in memory.
files::OpenResult opened(const plan::FileRef& file) {
    files::OpenResult result;
    result.file = file;
    result.info.size = kContent.size();
    return result;
}

const std::string kThreeParts =
    "--BOUNDARY\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Range: bytes 0-4/36\r\n"
    "\r\n"
    "01234\r\n"
    "--BOUNDARY\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Range: bytes 10-12/36\r\n"
    "\r\n"
    "abc\r\n"
    "--BOUNDARY\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Range: bytes 30-35/36\r\n"
    "\r\n"
    "uvwxyz\r\n"
    "--BOUNDARY--\r\n";

TEST(MultipartRanges, BodyMatchesByteForByte) {
    const std::vector<ByteRange> ranges{{0, 4}, {10, 12}, {30, 35}};
    const plan::FileRef file = std::make_shared<FakeFile>();
    plan::TransmitPlan plan;
    add_multipart_body(plan, opened(file), ranges, kContent.size(), "text/plain", "BOUNDARY");
    EXPECT_EQ(render(plan, file, kContent), kThreeParts);
    EXPECT_EQ(multipart_length(ranges, kContent.size(), "text/plain", "BOUNDARY"),
              kThreeParts.size());
    EXPECT_EQ(plan.pending_bytes(), kThreeParts.size());
}

TEST(MultipartRanges, PartsComeFromTheCachedBytesWhenThereIsNoHandle) {
    // The file cache keeps a small file's bytes and drops its handle.
    const std::vector<ByteRange> ranges{{0, 4}, {10, 12}, {30, 35}};
    files::OpenResult cached;
    cached.info.size = kContent.size();
    auto bytes = std::make_shared_for_overwrite<std::byte[]>(kContent.size());
    std::memcpy(bytes.get(), kContent.data(), kContent.size());
    cached.bytes = bytes;
    plan::TransmitPlan plan;
    add_multipart_body(plan, cached, ranges, kContent.size(), "text/plain", "BOUNDARY");
    for (const plan::Part& part : plan.pending()) {
        EXPECT_TRUE(std::holds_alternative<plan::MemoryPart>(part)) << "no file part";
    }
    EXPECT_EQ(render(plan, nullptr, kContent), kThreeParts);
    EXPECT_GT(bytes.use_count(), 2) << "the plan pins the bytes";
}

TEST(MultipartRanges, FileBytesAreReferencedNotCopied) {
    const std::vector<ByteRange> ranges{{0, 4}, {10, 12}, {30, 35}};
    const plan::FileRef file = std::make_shared<FakeFile>();
    plan::TransmitPlan plan;
    plan.copy("HTTP/1.1 206 Partial Content\r\n\r\n");
    add_multipart_body(plan, opened(file), ranges, kContent.size(), "text/plain", "BOUNDARY");

    // head+part head, file, part head, file, part head, file, closing delimiter.
    const auto parts = plan.pending();
    ASSERT_EQ(parts.size(), 7u);
    std::uint64_t memory_bytes = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const bool is_file = std::holds_alternative<plan::FilePart>(parts[i]);
        EXPECT_EQ(is_file, i % 2 == 1) << "part " << i;
        if (const auto* memory = std::get_if<plan::MemoryPart>(&parts[i])) {
            memory_bytes += memory->bytes.size();
        }
    }
    EXPECT_EQ(std::get<plan::FilePart>(parts[3]).offset, 10u);
    EXPECT_EQ(std::get<plan::FilePart>(parts[3]).length, 3u);
    EXPECT_EQ(memory_bytes + 5 + 3 + 6, plan.pending_bytes());
    EXPECT_EQ(render(plan, file, kContent), "HTTP/1.1 206 Partial Content\r\n\r\n" + kThreeParts);
}

TEST(MultipartRanges, FromParsedHeader) {
    const http::RangeSet set =
        http::parse_byte_ranges("bytes=0-4, 10-12,-6", kContent.size(), 16, 0);
    ASSERT_EQ(set.outcome, http::RangeOutcome::Satisfiable);
    const plan::FileRef file = std::make_shared<FakeFile>();
    plan::TransmitPlan plan;
    add_multipart_body(plan, opened(file), set.view(), kContent.size(), "text/plain", "BOUNDARY");
    EXPECT_EQ(render(plan, file, kContent), kThreeParts);
}

TEST(MultipartRanges, NoContentTypeLineWhenTypeUnknown) {
    const std::vector<ByteRange> ranges{{1, 1}, {35, 35}};
    const plan::FileRef file = std::make_shared<FakeFile>();
    plan::TransmitPlan plan;
    add_multipart_body(plan, opened(file), ranges, kContent.size(), "", "xyz");
    const std::string expected =
        "--xyz\r\nContent-Range: bytes 1-1/36\r\n\r\n1\r\n"
        "--xyz\r\nContent-Range: bytes 35-35/36\r\n\r\nz\r\n"
        "--xyz--\r\n";
    EXPECT_EQ(render(plan, file, kContent), expected);
    EXPECT_EQ(multipart_length(ranges, kContent.size(), "", "xyz"), expected.size());
}

TEST(MultipartRanges, LengthMatchesPlanForHugeOffsets) {
    // Twenty-digit numbers: the worst case of the reserved part head.
    constexpr std::uint64_t size = std::numeric_limits<std::uint64_t>::max();
    const std::vector<ByteRange> ranges{
        {0, 9},
        {10'000'000'000'000'000'000ULL, 10'000'000'000'000'000'099ULL},
        {size - 5, size - 1}};
    const std::string type =
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    Boundary boundary(1);
    const std::string_view b = boundary.next();
    const plan::FileRef file = std::make_shared<FakeFile>();
    plan::TransmitPlan plan;
    add_multipart_body(plan, opened(file), ranges, size, type, b);
    EXPECT_EQ(plan.pending_bytes(), multipart_length(ranges, size, type, b));

    std::string heads;
    for (const plan::Part& part : plan.pending()) {
        if (const auto* memory = std::get_if<plan::MemoryPart>(&part)) {
            heads.append(reinterpret_cast<const char*>(memory->bytes.data()), memory->bytes.size());
        }
    }
    EXPECT_NE(heads.find("Content-Range: bytes 18446744073709551610-18446744073709551614/"
                         "18446744073709551615\r\n"),
              std::string::npos);
}

TEST(MultipartRanges, PlanReusedAfterClear) {
    const std::vector<ByteRange> ranges{{0, 4}, {10, 12}, {30, 35}};
    const plan::FileRef file = std::make_shared<FakeFile>();
    plan::TransmitPlan plan;
    for (int round = 0; round < 3; ++round) {
        plan.clear();
        add_multipart_body(plan, opened(file), ranges, kContent.size(), "text/plain", "BOUNDARY");
        EXPECT_EQ(render(plan, file, kContent), kThreeParts);
    }
}

TEST(MultipartRanges, EmptyRangeListIsJustTheClosingDelimiter) {
    const plan::FileRef file = std::make_shared<FakeFile>();
    plan::TransmitPlan plan;
    add_multipart_body(plan, opened(file), {}, 10, "text/plain", "B");
    EXPECT_EQ(render(plan, file, kContent), "--B--\r\n");
    EXPECT_EQ(multipart_length({}, 10, "text/plain", "B"), 7u);
}

// --- Boundary -----------------------------------------------------------------

bool from_alphabet(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    });
}

TEST(Boundary, DiffersAcrossCallsAndUsesAlphabet) {
    Boundary boundary;
    std::set<std::string> seen;
    std::set<char> chars;
    for (int i = 0; i < 10'000; ++i) {
        const std::string_view b = boundary.next();
        ASSERT_GE(b.size(), 24u);
        ASSERT_TRUE(from_alphabet(b)) << b;
        EXPECT_TRUE(seen.emplace(b).second) << "repeated " << b;
        chars.insert(b.begin(), b.end());
    }
    EXPECT_EQ(chars.size(), 62u);  // every letter and digit shows up
}

TEST(Boundary, SeparateGeneratorsDiffer) {
    Boundary a;
    Boundary b;
    EXPECT_NE(std::string(a.next()), std::string(b.next()));
}

TEST(Boundary, SeededSequenceIsReproducible) {
    Boundary a(42);
    Boundary b(42);
    Boundary c(43);
    const std::string first_a(a.next());
    EXPECT_EQ(first_a, std::string(b.next()));
    EXPECT_NE(first_a, std::string(c.next()));
    EXPECT_NE(first_a, std::string(a.next()));
}

}  // namespace
}  // namespace tpserve::handler
