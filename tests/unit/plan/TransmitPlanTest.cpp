#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "plan/TransmitPlan.h"

namespace tpserve::plan {
namespace {

struct FakeFile final : OpenFile {
    std::intptr_t native() const noexcept override { return 42; }
};

std::string render(const TransmitPlan& plan) {
    std::string out;
    for (const Part& part : plan.pending()) {
        if (const auto* memory = std::get_if<MemoryPart>(&part)) {
            out.append(reinterpret_cast<const char*>(memory->bytes.data()), memory->bytes.size());
        } else {
            const auto& file = std::get<FilePart>(part);
            out += "[" + std::to_string(file.offset) + "+" + std::to_string(file.length) + "]";
        }
    }
    return out;
}

TEST(TransmitPlan, AdjacentArenaWritesMergeIntoOnePart) {
    TransmitPlan plan;
    plan.copy("HTTP/1.1 200 OK\r\n");
    plan.copy("Content-Length: 3\r\n\r\n");
    EXPECT_EQ(plan.pending().size(), 1u);
    EXPECT_EQ(render(plan), "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
}

TEST(TransmitPlan, HeadersThenFileThenMemoryKeepOrderAndLength) {
    TransmitPlan plan;
    auto file = std::make_shared<FakeFile>();
    plan.copy("head");
    plan.add(file, 100, 50);
    plan.add(std::string_view("tail"));
    EXPECT_EQ(plan.pending().size(), 3u);
    EXPECT_EQ(plan.pending_bytes(), 58u);
    EXPECT_TRUE(plan.has_file_parts());
    EXPECT_EQ(render(plan), "head[100+50]tail");
}

TEST(TransmitPlan, EmptyPartsAreSkipped) {
    TransmitPlan plan;
    plan.add(std::make_shared<FakeFile>(), 0, 0);  // would mean "whole file" to TransmitPackets
    plan.add(std::string_view());
    plan.copy("");
    EXPECT_TRUE(plan.empty());
    EXPECT_TRUE(plan.pending().empty());
}

TEST(TransmitPlan, ConsumeResumesInsideMemoryAndFileParts) {
    TransmitPlan plan;
    plan.copy("abcdef");
    plan.add(std::make_shared<FakeFile>(), 1000, 100);
    plan.copy("xyz");
    plan.consume(4);
    EXPECT_EQ(render(plan), "ef[1000+100]xyz");
    plan.consume(2 + 30);
    EXPECT_EQ(render(plan), "[1030+70]xyz");
    plan.consume(71);
    EXPECT_EQ(render(plan), "yz");
    plan.consume(1000);
    EXPECT_TRUE(plan.empty());
}

TEST(TransmitPlan, ReserveAndShrinkLast) {
    TransmitPlan plan;
    auto space = plan.reserve(64);
    std::memcpy(space.data(), "hello", 5);
    plan.shrink_last(59);
    EXPECT_EQ(render(plan), "hello");
    EXPECT_EQ(plan.pending_bytes(), 5u);
    plan.copy(" world");
    EXPECT_EQ(render(plan), "hello world");
    EXPECT_EQ(plan.pending().size(), 1u);
}

TEST(TransmitPlan, ClearKeepsArenaAddressesStableAcrossReuse) {
    TransmitPlan plan;
    plan.copy("first");
    const auto* before = std::get<MemoryPart>(plan.pending()[0]).bytes.data();
    plan.disposition = Disposition::Close;
    plan.clear();
    EXPECT_EQ(plan.disposition, Disposition::KeepAlive);
    plan.copy("again");
    // Same chunk reused: no allocation for a connection's second response.
    EXPECT_EQ(std::get<MemoryPart>(plan.pending()[0]).bytes.data(), before);
}

TEST(TransmitPlan, LargeCopiesGetTheirOwnChunkAndEarlierBytesStayValid) {
    TransmitPlan plan;
    plan.copy("small");
    const std::string big(10000, 'x');
    plan.copy(big);
    plan.copy("end");
    EXPECT_EQ(render(plan), "small" + big + "end");
}

TEST(TransmitPlan, PinsLiveUntilClear) {
    TransmitPlan plan;
    auto owner = std::make_shared<int>(7);
    std::weak_ptr<int> watch = owner;
    plan.keep(std::move(owner));
    EXPECT_FALSE(watch.expired());
    plan.clear();
    EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace tpserve::plan
