// The plan → TransmitPackets / TransmitFile / WSASend translation, for every
// shape a response's plan takes: headers alone; headers + a cached body;
// headers + a file range (200 or a single 206); multipart/byteranges (part
// headers between file ranges); pipelined responses back to back. Pure
// functions: no sockets, so they run under Wine although Wine has no
// TransmitPackets (docs/wine.md).
#include "platform/windows/SendTranslation.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string_view>
#include <vector>

namespace tpserve::platform {
namespace {

using Kind = TransmitFileCall::Kind;

class FakeFile final : public plan::OpenFile {
public:
    explicit FakeFile(std::intptr_t value) : value_(value) {}
    [[nodiscard]] std::intptr_t native() const noexcept override { return value_; }

private:
    std::intptr_t value_;
};

plan::FileRef fake_file(std::intptr_t value) {
    return std::make_shared<const FakeFile>(value);
}

HANDLE as_handle(std::intptr_t value) {
    return reinterpret_cast<HANDLE>(value);
}

constexpr std::uint64_t kGiB = 1ULL << 30;

// Literals are never adjacent (each ends in a NUL), so each stays its own part.
constexpr std::string_view kHeaders = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
constexpr std::string_view kBody = "hello";
constexpr std::string_view kPart1 = "\r\n--b\r\nContent-Range: bytes 0-9/100\r\n\r\n";
constexpr std::string_view kPart2 = "\r\n--b\r\nContent-Range: bytes 50-59/100\r\n\r\n";
constexpr std::string_view kClose = "\r\n--b--\r\n";

struct Expected {
    ULONG flags;
    ULONG length;
    const void* buffer = nullptr;  // memory
    HANDLE file = nullptr;         // file
    LONGLONG offset = 0;           // file
};

Expected mem(std::string_view text) {
    return {TP_ELEMENT_MEMORY, static_cast<ULONG>(text.size()), text.data()};
}
Expected file(std::intptr_t handle, LONGLONG offset, ULONG length) {
    return {TP_ELEMENT_FILE, length, nullptr, as_handle(handle), offset};
}

void expect_elements(std::span<const TRANSMIT_PACKETS_ELEMENT> got,
                     const std::vector<Expected>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        SCOPED_TRACE("element " + std::to_string(i));
        EXPECT_EQ(got[i].dwElFlags, want[i].flags);
        EXPECT_EQ(got[i].cLength, want[i].length);
        EXPECT_NE(got[i].cLength, 0u);
        if (want[i].flags == TP_ELEMENT_MEMORY) {
            EXPECT_EQ(got[i].pBuffer, want[i].buffer);
        } else {
            EXPECT_EQ(got[i].hFile, want[i].file);
            EXPECT_EQ(got[i].nFileOffset.QuadPart, want[i].offset);
        }
    }
}

std::vector<TRANSMIT_PACKETS_ELEMENT> packets(const plan::TransmitPlan& plan, std::uint64_t& bytes,
                                              std::size_t capacity = 16) {
    std::vector<TRANSMIT_PACKETS_ELEMENT> out(capacity);
    out.resize(build_packets(plan, out, bytes));
    return out;
}

// ---- (a) TransmitPackets ---------------------------------------------------

TEST(BuildPackets, SmallCachedFileIsTwoMemoryElements) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(kBody);
    std::uint64_t bytes = 0;
    expect_elements(packets(plan, bytes), {mem(kHeaders), mem(kBody)});
    EXPECT_EQ(bytes, kHeaders.size() + kBody.size());
}

TEST(BuildPackets, LargeFileIsMemoryThenFileRange) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(fake_file(0x40), 0, 10'000'000);
    std::uint64_t bytes = 0;
    expect_elements(packets(plan, bytes), {mem(kHeaders), file(0x40, 0, 10'000'000)});
    EXPECT_EQ(bytes, kHeaders.size() + 10'000'000);
}

TEST(BuildPackets, SingleRangeHasAnExplicitOffset) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(fake_file(0x44), 1000, 500);
    std::uint64_t bytes = 0;
    expect_elements(packets(plan, bytes), {mem(kHeaders), file(0x44, 1000, 500)});
    EXPECT_EQ(bytes, kHeaders.size() + 500);
}

TEST(BuildPackets, MultipartKeepsEveryPieceInOrder) {
    plan::TransmitPlan plan;
    const auto f = fake_file(0x48);
    plan.add(kHeaders);
    plan.add(kPart1);
    plan.add(f, 0, 10);
    plan.add(kPart2);
    plan.add(f, 50, 10);
    plan.add(kClose);
    std::uint64_t bytes = 0;
    expect_elements(packets(plan, bytes), {mem(kHeaders), mem(kPart1), file(0x48, 0, 10),
                                           mem(kPart2), file(0x48, 50, 10), mem(kClose)});
    EXPECT_EQ(bytes, plan.pending_bytes());
}

TEST(BuildPackets, HeadersOnlyIsOneMemoryElement) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    std::uint64_t bytes = 0;
    expect_elements(packets(plan, bytes), {mem(kHeaders)});
    EXPECT_EQ(bytes, kHeaders.size());
}

TEST(BuildPackets, PipelinedResponsesGoInOneCall) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(kBody);
    plan.add(kPart1);  // stands for a second response's headers
    plan.add(fake_file(0x4c), 7, 70);
    plan.add(kClose);  // a third response: headers only
    std::uint64_t bytes = 0;
    expect_elements(packets(plan, bytes),
                    {mem(kHeaders), mem(kBody), mem(kPart1), file(0x4c, 7, 70), mem(kClose)});
}

TEST(BuildPackets, EmptyPlanOrNoRoomGivesNothing) {
    plan::TransmitPlan plan;
    std::uint64_t bytes = 99;
    EXPECT_TRUE(packets(plan, bytes).empty());
    EXPECT_EQ(bytes, 0u);
    plan.add(kHeaders);
    EXPECT_TRUE(packets(plan, bytes, 0).empty());
    EXPECT_EQ(bytes, 0u);
}

TEST(BuildPackets, PlanOverTwoGiBIsSplitAcrossCalls) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(fake_file(0x50), 100, 5 * kGiB);
    plan.add(kClose);
    const std::uint64_t total = plan.pending_bytes();

    std::uint64_t bytes = 0;
    const ULONG first_file = static_cast<ULONG>(kMaxBytesPerCall - kHeaders.size());
    expect_elements(packets(plan, bytes), {mem(kHeaders), file(0x50, 100, first_file)});
    EXPECT_EQ(bytes, kMaxBytesPerCall);
    plan.consume(bytes);

    expect_elements(packets(plan, bytes), {file(0x50, 100 + static_cast<LONGLONG>(first_file),
                                                static_cast<ULONG>(kMaxBytesPerCall))});
    EXPECT_EQ(bytes, kMaxBytesPerCall);
    plan.consume(bytes);

    const std::uint64_t rest = total - 2 * kMaxBytesPerCall - kClose.size();
    expect_elements(packets(plan, bytes), {file(0x50, 100 + static_cast<LONGLONG>(5 * kGiB - rest),
                                                static_cast<ULONG>(rest)),
                                           mem(kClose)});
    plan.consume(bytes);
    EXPECT_TRUE(plan.empty());
}

TEST(BuildPackets, SplitAtTheExactLimitLeavesNoZeroLengthElement) {
    plan::TransmitPlan plan;
    plan.add(fake_file(0x54), 0, kMaxBytesPerCall);  // fills a call exactly
    plan.add(kClose);
    std::uint64_t bytes = 0;
    expect_elements(packets(plan, bytes), {file(0x54, 0, static_cast<ULONG>(kMaxBytesPerCall))});
    EXPECT_EQ(bytes, kMaxBytesPerCall);
    plan.consume(bytes);
    expect_elements(packets(plan, bytes), {mem(kClose)});
}

TEST(BuildPackets, ElementCountLimitStopsAndTheRestFollows) {
    plan::TransmitPlan plan;
    const auto f = fake_file(0x58);
    plan.add(kHeaders);
    plan.add(kPart1);
    plan.add(f, 0, 10);
    plan.add(kPart2);
    plan.add(f, 50, 10);
    plan.add(kClose);
    std::uint64_t bytes = 0;
    expect_elements(packets(plan, bytes, 4),
                    {mem(kHeaders), mem(kPart1), file(0x58, 0, 10), mem(kPart2)});
    EXPECT_EQ(bytes, kHeaders.size() + kPart1.size() + 10 + kPart2.size());
    plan.consume(bytes);
    expect_elements(packets(plan, bytes, 4), {file(0x58, 50, 10), mem(kClose)});
}

TEST(BuildPackets, AShortSendResumesMidPart) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(fake_file(0x5c), 1000, 500);
    plan.consume(kHeaders.size() - 3 + 20);  // into the file range
    std::uint64_t bytes = 0;
    expect_elements(packets(plan, bytes), {file(0x5c, 1017, 483)});
    EXPECT_EQ(bytes, 483u);

    plan::TransmitPlan memory_only;
    memory_only.add(kHeaders);
    memory_only.consume(5);
    const auto elements = packets(memory_only, bytes);
    ASSERT_EQ(elements.size(), 1u);
    EXPECT_EQ(elements[0].pBuffer, kHeaders.data() + 5);
    EXPECT_EQ(elements[0].cLength, kHeaders.size() - 5);
}

// ---- (b) TransmitFile --------------------------------------------------------

TEST(NextTransmitFile, EmptyPlanIsNothing) {
    plan::TransmitPlan plan;
    EXPECT_EQ(next_transmit_file(plan).kind, Kind::Nothing);
}

TEST(NextTransmitFile, MemoryOnlyPlansGoByWsaSend) {
    plan::TransmitPlan plan;  // 200 small cached file, or 304/4xx/HEAD
    plan.add(kHeaders);
    plan.add(kBody);
    const TransmitFileCall call = next_transmit_file(plan);
    EXPECT_EQ(call.kind, Kind::Send);
    EXPECT_EQ(call.send_parts, 2u);
    EXPECT_EQ(call.bytes, kHeaders.size() + kBody.size());
}

TEST(NextTransmitFile, HeadersAndFileRangeAreOneCall) {
    plan::TransmitPlan plan;  // 200 large file / 206 single range
    plan.add(kHeaders);
    plan.add(fake_file(0x60), 1000, 500);
    const TransmitFileCall call = next_transmit_file(plan);
    ASSERT_EQ(call.kind, Kind::TransmitFile);
    EXPECT_EQ(call.buffers.Head, kHeaders.data());
    EXPECT_EQ(call.buffers.HeadLength, kHeaders.size());
    EXPECT_EQ(call.buffers.Tail, nullptr);
    EXPECT_EQ(call.buffers.TailLength, 0u);
    EXPECT_TRUE(call.has_buffers());
    EXPECT_EQ(call.file, as_handle(0x60));
    EXPECT_EQ(call.offset, 1000u);
    EXPECT_EQ(call.file_bytes, 500u);
    EXPECT_EQ(call.bytes, kHeaders.size() + 500);
}

TEST(NextTransmitFile, MultipartIsOneSendThenTwoTransmitFiles) {
    plan::TransmitPlan plan;
    const auto f = fake_file(0x64);
    plan.add(kHeaders);
    plan.add(kPart1);
    plan.add(f, 0, 10);
    plan.add(kPart2);
    plan.add(f, 50, 10);
    plan.add(kClose);

    TransmitFileCall call = next_transmit_file(plan);
    ASSERT_EQ(call.kind, Kind::Send);
    EXPECT_EQ(call.send_parts, 1u);  // kPart1 stays for the file's head
    std::array<WSABUF, 8> bufs{};
    std::uint64_t bytes = 0;
    ASSERT_EQ(build_wsabufs(plan, bufs, bytes, call.send_parts), 1u);
    EXPECT_EQ(bufs[0].buf, kHeaders.data());
    EXPECT_EQ(bytes, call.bytes);
    plan.consume(bytes);

    call = next_transmit_file(plan);
    ASSERT_EQ(call.kind, Kind::TransmitFile);
    EXPECT_EQ(call.buffers.Head, kPart1.data());
    EXPECT_EQ(call.offset, 0u);
    EXPECT_EQ(call.file_bytes, 10u);
    EXPECT_EQ(call.buffers.Tail, kPart2.data());
    EXPECT_EQ(call.buffers.TailLength, kPart2.size());
    EXPECT_EQ(call.bytes, kPart1.size() + 10 + kPart2.size());
    plan.consume(call.bytes);

    call = next_transmit_file(plan);
    ASSERT_EQ(call.kind, Kind::TransmitFile);
    EXPECT_EQ(call.buffers.Head, nullptr);
    EXPECT_EQ(call.buffers.HeadLength, 0u);
    EXPECT_EQ(call.offset, 50u);
    EXPECT_EQ(call.file_bytes, 10u);
    EXPECT_EQ(call.buffers.Tail, kClose.data());
    plan.consume(call.bytes);
    EXPECT_EQ(next_transmit_file(plan).kind, Kind::Nothing);
}

TEST(NextTransmitFile, PipelinedMemoryBeforeAFileKeepsTheLastAsHead) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);  // response 1: cached file
    plan.add(kBody);
    plan.add(kPart1);  // response 2: headers + file
    plan.add(fake_file(0x68), 0, 4096);
    plan.add(kClose);  // response 3: headers only
    TransmitFileCall call = next_transmit_file(plan);
    ASSERT_EQ(call.kind, Kind::Send);
    EXPECT_EQ(call.send_parts, 2u);
    plan.consume(call.bytes);
    call = next_transmit_file(plan);
    ASSERT_EQ(call.kind, Kind::TransmitFile);
    EXPECT_EQ(call.buffers.Head, kPart1.data());
    EXPECT_EQ(call.buffers.Tail, kClose.data());
    EXPECT_EQ(call.file_bytes, 4096u);
}

TEST(NextTransmitFile, FileOverTwoGiBIsCappedAndItsTailWaits) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(fake_file(0x6c), 0, 3 * kGiB);
    plan.add(kClose);
    TransmitFileCall call = next_transmit_file(plan);
    ASSERT_EQ(call.kind, Kind::TransmitFile);
    EXPECT_EQ(call.file_bytes, kMaxBytesPerCall - kHeaders.size());
    EXPECT_EQ(call.buffers.TailLength, 0u);
    EXPECT_EQ(call.bytes, kMaxBytesPerCall);
    plan.consume(call.bytes);

    call = next_transmit_file(plan);
    ASSERT_EQ(call.kind, Kind::TransmitFile);
    EXPECT_FALSE(call.buffers.HeadLength != 0);
    EXPECT_EQ(call.offset, kMaxBytesPerCall - kHeaders.size());
    EXPECT_EQ(call.file_bytes, 3 * kGiB - call.offset);
    EXPECT_EQ(call.buffers.Tail, kClose.data());
    EXPECT_EQ(call.bytes, plan.pending_bytes());
}

TEST(NextTransmitFile, ARangeEndingAtTheLimitLeavesNoRoomForTail) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(fake_file(0x70), 0, kMaxBytesPerCall - kHeaders.size());
    plan.add(kClose);
    TransmitFileCall call = next_transmit_file(plan);
    EXPECT_EQ(call.file_bytes, kMaxBytesPerCall - kHeaders.size());
    EXPECT_EQ(call.buffers.TailLength, 0u);
    plan.consume(call.bytes);
    call = next_transmit_file(plan);
    EXPECT_EQ(call.kind, Kind::Send);
    EXPECT_EQ(call.bytes, kClose.size());
}

// ---- (c) WSASend --------------------------------------------------------------

TEST(BuildWsabufs, GathersMemoryUpToTheFirstFilePart) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(kBody);
    plan.add(fake_file(0x74), 0, 10);
    plan.add(kClose);
    std::array<WSABUF, 8> bufs{};
    std::uint64_t bytes = 0;
    ASSERT_EQ(build_wsabufs(plan, bufs, bytes), 2u);
    EXPECT_EQ(bufs[0].buf, kHeaders.data());
    EXPECT_EQ(bufs[0].len, kHeaders.size());
    EXPECT_EQ(bufs[1].buf, kBody.data());
    EXPECT_EQ(bufs[1].len, kBody.size());
    EXPECT_EQ(bytes, kHeaders.size() + kBody.size());
    plan.consume(bytes);
    EXPECT_EQ(build_wsabufs(plan, bufs, bytes), 0u);  // a file part comes first
    EXPECT_EQ(bytes, 0u);
}

TEST(BuildWsabufs, RespectsBufferAndPartLimits) {
    plan::TransmitPlan plan;
    plan.add(kHeaders);
    plan.add(kBody);
    plan.add(kClose);
    std::array<WSABUF, 2> two{};
    std::uint64_t bytes = 0;
    EXPECT_EQ(build_wsabufs(plan, two, bytes), 2u);
    EXPECT_EQ(bytes, kHeaders.size() + kBody.size());
    std::array<WSABUF, 8> many{};
    EXPECT_EQ(build_wsabufs(plan, many, bytes, 1), 1u);
    EXPECT_EQ(bytes, kHeaders.size());
}

TEST(BuildWsabufs, MemoryOverFourGiBIsSplitAcrossCalls) {
    // Only addresses are computed, never read: no 5 GiB buffer is needed.
    static const std::byte anchor[1]{};
    plan::TransmitPlan plan;
    plan.add(std::span<const std::byte>(anchor, 5 * kGiB));
    std::array<WSABUF, 4> bufs{};
    std::uint64_t bytes = 0;
    std::uint64_t sent = 0;
    int calls = 0;
    while (!plan.empty()) {
        ASSERT_EQ(build_wsabufs(plan, bufs, bytes), 1u);
        EXPECT_LE(bytes, kMaxBytesPerCall);
        EXPECT_EQ(bufs[0].len, bytes);
        EXPECT_EQ(reinterpret_cast<const std::byte*>(bufs[0].buf), anchor + sent);
        sent += bytes;
        plan.consume(bytes);
        ++calls;
    }
    EXPECT_EQ(sent, 5 * kGiB);
    EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace tpserve::platform
