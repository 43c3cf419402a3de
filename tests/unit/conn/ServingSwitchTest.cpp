// A reload as the workers see it (conn/Serving.h, conn/Epochs.h): a new
// generation is published while requests are in flight. A response being
// sent, or a request being received, finishes under the generation it began
// in; the connection's next request, and every new one, uses the new
// generation; the old one is released when its last request has ended.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "FakeProactor.h"
#include "MemoryFileSystem.h"
#include "conn/Serving.h"
#include "conn/TestSites.h"
#include "conn/Worker.h"
#include "files/MimeTable.h"

namespace tpserve::testing {
namespace {

using conn::OpKind;

// One generation: a root holding one file of its own, and a header naming it.
struct Generation {
    Generation(const std::string& name, const std::string& file, std::uint64_t size) {
        config.headers = {config::HeaderRule{"*", "", -1, {{"X-Config", name}}}};
        files.add_dir("");
        files.add_file(file, size);
        sites = std::make_unique<TestSites>(config, files);
        serving = std::make_unique<conn::Serving>(config, *sites->table, mime);
    }

    config::Config config;
    MemoryFileSystem files;
    files::MimeTable mime{{}, "application/octet-stream"};
    std::unique_ptr<TestSites> sites;
    std::unique_ptr<conn::Serving> serving;
};

std::shared_ptr<const conn::Serving> share(const std::shared_ptr<Generation>& generation) {
    return {generation, generation->serving.get()};
}

class ServingSwitchTest : public ::testing::Test {
protected:
    ServingSwitchTest()
        : first(std::make_shared<Generation>("a", "a.txt", 11)),
          source(share(first)),
          worker(source, proactor, 8) {
        worker.start();
    }

    std::uint32_t connect() {
        auto slot = proactor.connect();
        EXPECT_TRUE(slot.has_value());
        proactor.step(worker);
        return *slot;
    }

    // Sends `request`; returns the connection with its response's transmit in flight.
    void send(std::uint32_t slot, std::string_view request) {
        proactor.deliver(slot, request);
        proactor.step(worker);
        const auto* pending = proactor.pending(slot);
        ASSERT_NE(pending, nullptr);
        ASSERT_EQ(pending->kind, OpKind::Transmit);
    }

    std::string finish(std::uint32_t slot) {
        std::string wire = proactor.finish_transmit(slot);
        proactor.step(worker);
        return wire;
    }

    // Publishes generation "b" and lets go of "a": only the worker may hold it now.
    std::weak_ptr<Generation> reload() {
        std::weak_ptr<Generation> old = first;
        source.publish(share(std::make_shared<Generation>("b", "b.txt", 12)));
        first.reset();
        return old;
    }

    void TearDown() override { EXPECT_TRUE(proactor.violations.empty()) << proactor.violations[0]; }

    FakeProactor proactor;
    std::shared_ptr<Generation> first;
    conn::ServingSource source;
    conn::Worker worker;
};

constexpr std::string_view kGetA = "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n";
constexpr std::string_view kGetB = "GET /b.txt HTTP/1.1\r\nHost: x\r\n\r\n";

TEST_F(ServingSwitchTest, InFlightResponseFinishesUnderItsGenerationNextRequestUsesTheNew) {
    const auto busy = connect();
    send(busy, kGetA);
    const std::weak_ptr<Generation> old = reload();
    EXPECT_EQ(worker.serving_generation(), 1U);  // nothing switches before a request starts

    const auto fresh = connect();
    send(fresh, kGetB);
    EXPECT_EQ(worker.serving_generation(), 2U);
    EXPECT_EQ(worker.serving_generations_held(), 2U);  // "a" still has a response in flight
    EXPECT_FALSE(old.expired());
    const std::string fresh_wire = finish(fresh);
    EXPECT_NE(fresh_wire.find("X-Config: b\r\n"), std::string::npos) << fresh_wire;
    EXPECT_NE(fresh_wire.find("<file:0+12>"), std::string::npos) << fresh_wire;

    const std::string busy_wire = finish(busy);
    EXPECT_NE(busy_wire.find("X-Config: a\r\n"), std::string::npos) << busy_wire;
    EXPECT_NE(busy_wire.find("<file:0+11>"), std::string::npos) << busy_wire;
    // Its last request has ended: the worker lets "a" go.
    EXPECT_EQ(worker.serving_generations_held(), 1U);
    EXPECT_TRUE(old.expired());

    // The same keep-alive connection's next request is under "b": a.txt is gone.
    send(busy, kGetA);
    const std::string next_wire = finish(busy);
    EXPECT_EQ(next_wire.rfind("HTTP/1.1 404", 0), 0U) << next_wire;
    send(busy, kGetB);
    EXPECT_NE(finish(busy).find("X-Config: b\r\n"), std::string::npos);
}

TEST_F(ServingSwitchTest, RequestHalfReceivedAtTheReloadIsAnsweredUnderTheOldGeneration) {
    const auto slot = connect();
    proactor.deliver(slot, kGetA.substr(0, 12));
    proactor.step(worker);
    ASSERT_EQ(proactor.pending(slot)->kind, OpKind::Receive);
    const std::weak_ptr<Generation> old = reload();

    send(slot, kGetA.substr(12));
    const std::string wire = finish(slot);
    EXPECT_EQ(wire.rfind("HTTP/1.1 200", 0), 0U) << wire;
    EXPECT_NE(wire.find("X-Config: a\r\n"), std::string::npos) << wire;
    EXPECT_FALSE(old.expired());  // the worker switches at the next request, not before

    send(slot, kGetB);
    EXPECT_NE(finish(slot).find("X-Config: b\r\n"), std::string::npos);
    EXPECT_TRUE(old.expired());
}

TEST_F(ServingSwitchTest, PipelinedRequestsInOneReceiveShareOneGeneration) {
    const auto slot = connect();
    const std::weak_ptr<Generation> old = reload();
    send(slot, std::string(kGetB) + std::string(kGetB));
    const std::string wire = finish(slot);
    EXPECT_EQ(wire.find("X-Config: a"), std::string::npos) << wire;
    EXPECT_NE(wire.find("X-Config: b\r\n"), wire.rfind("X-Config: b\r\n")) << wire;
    EXPECT_TRUE(old.expired());
}

TEST_F(ServingSwitchTest, ClosedConnectionReleasesItsGeneration) {
    const auto slot = connect();
    send(slot, kGetA);
    const std::weak_ptr<Generation> old = reload();
    const auto other = connect();
    send(other, kGetB);  // switches the worker while "a" is in flight
    EXPECT_FALSE(old.expired());
    proactor.finish_transmit(slot, conn::IoStatus::Reset);  // the peer went away mid-response
    proactor.step(worker);
    EXPECT_TRUE(old.expired());
    EXPECT_EQ(worker.serving_generations_held(), 1U);
}

TEST_F(ServingSwitchTest, IdleWorkerSwitchesAtItsHousekeepingTick) {
    const auto slot = connect();
    send(slot, kGetA);
    finish(slot);  // idle keep-alive: holds no generation
    const std::weak_ptr<Generation> old = reload();
    EXPECT_FALSE(old.expired());  // still the worker's current one
    worker.housekeep(conn::Clock::now());
    EXPECT_EQ(worker.serving_generation(), 2U);
    EXPECT_TRUE(old.expired());
}

}  // namespace
}  // namespace tpserve::testing
