// The addresses in the access log: the connection keeps the SocketAddress
// values the Accept completion gave, asks the backend for a missing one only
// for a request it logs (the server's only for the W3C format, the one that
// shows it), once per connection, and the line shows them as before.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <system_error>

#include "FakeProactor.h"
#include "MemoryFileSystem.h"
#include "conn/TestSites.h"
#include "conn/Worker.h"
#include "files/MimeTable.h"
#include "log/AccessLog.h"

namespace tpserve::testing {
namespace {

class ConnectionAddressTest : public ::testing::Test {
protected:
    ConnectionAddressTest() {
        fs.add_dir("");
        fs.add_file("a.txt", 10);
    }
    ~ConnectionAddressTest() override {
        // Closed first: Windows removes no file that is still open.
        worker.reset();
        sites.reset();
        access_log.reset();
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
    ConnectionAddressTest(const ConnectionAddressTest&) = delete;
    ConnectionAddressTest& operator=(const ConnectionAddressTest&) = delete;

    void start(log::AccessFormat format) {
        std::string error;
        access_log = log::AccessLog::open(path.string(), format, error);
        ASSERT_NE(access_log, nullptr) << error;
        sites = std::make_unique<TestSites>(config, fs, access_log.get());
        worker = std::make_unique<conn::Worker>(config, proactor, *sites->table, mime, 8);
        worker->start();
    }

    // Two requests on one keep-alive connection; returns the log.
    std::string two_requests(const std::optional<std::uint32_t>& slot) {
        EXPECT_TRUE(slot.has_value());
        proactor.step(*worker);
        for (int i = 0; i < 2; ++i) {
            proactor.deliver(*slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
            proactor.step(*worker);
            proactor.finish_transmit(*slot);
            proactor.step(*worker);
        }
        access_log->flush();
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("tpserve-conn-address-" + std::to_string(std::random_device{}()) + ".log");
    config::Config config;
    MemoryFileSystem fs;
    files::MimeTable mime{{}, "application/octet-stream"};
    FakeProactor proactor;
    std::unique_ptr<log::AccessLog> access_log;
    std::unique_ptr<TestSites> sites;
    std::unique_ptr<conn::Worker> worker;
};

TEST_F(ConnectionAddressTest, CombinedShowsTheAcceptedPeerAndNeverAsksForAnything) {
    start(log::AccessFormat::Combined);
    const std::string log = two_requests(proactor.connect());
    EXPECT_EQ(log.rfind("192.0.2.7 - - [", 0), 0U) << log;
    EXPECT_NE(log.find("\n192.0.2.7 - - ["), std::string::npos) << log;
    EXPECT_EQ(proactor.peer_requests, 0U);
    EXPECT_EQ(proactor.local_requests, 0U);
}

TEST_F(ConnectionAddressTest, AMissingPeerIsAskedForOncePerConnection) {
    start(log::AccessFormat::Combined);
    proactor.peer_on_request = net::SocketAddress::v6(
        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}, 5555);
    const std::string log = two_requests(proactor.connect(net::SocketAddress{}));
    EXPECT_EQ(log.rfind("2001:db8::1 - - [", 0), 0U) << log;
    EXPECT_EQ(proactor.peer_requests, 1U);
    EXPECT_EQ(proactor.local_requests, 0U);  // combined has no server address
}

TEST_F(ConnectionAddressTest, W3cAsksForTheServerAddressOnceAndShowsIt) {
    start(log::AccessFormat::W3c);
    proactor.local_on_request = net::SocketAddress::v4({127, 0, 0, 2}, 8080);
    const std::string log = two_requests(proactor.connect());
    // "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip ..."
    EXPECT_NE(log.find(" 127.0.0.2 GET /a.txt - 8080 - 192.0.2.7 "), std::string::npos) << log;
    EXPECT_EQ(proactor.local_requests, 1U);
    EXPECT_EQ(proactor.peer_requests, 0U);
}

}  // namespace
}  // namespace tpserve::testing
