// The extension table on the Winsock we run on: Wine lacks TransmitPackets.
#include "platform/windows/ExtensionFunctions.h"

#include <gtest/gtest.h>

#include "platform/windows/WineDetect.h"
#include "platform/windows/WinsockSession.h"

namespace tpserve::platform {
namespace {

TEST(ExtensionFunctions, ResolveTheRequiredOnesEverywhere) {
    WinsockSession winsock;
    std::string error;
    ASSERT_TRUE(winsock.start(error)) << error;
    const auto table = ExtensionFunctions::resolve(AF_INET, error);
    ASSERT_TRUE(table.has_value()) << error;
    EXPECT_NE(table->accept_ex, nullptr);
    EXPECT_NE(table->get_accept_ex_sockaddrs, nullptr);
    EXPECT_NE(table->transmit_file, nullptr);
    EXPECT_NE(table->disconnect_ex, nullptr);
    EXPECT_NE(table->connect_ex, nullptr);
}

TEST(ExtensionFunctions, TransmitPacketsIsMissingOnlyUnderWine) {
    WinsockSession winsock;
    std::string error;
    ASSERT_TRUE(winsock.start(error)) << error;
    const auto table = ExtensionFunctions::resolve(AF_INET, error);
    ASSERT_TRUE(table.has_value()) << error;
    if (running_under_wine()) {
        EXPECT_EQ(table->transmit_packets, nullptr) << "Wine " << wine_version();
        EXPECT_EQ(table->transmit_packets_error, WSAEINVAL);
        EXPECT_NE(table->describe().find("TransmitPackets: no (WSA error 10022)"),
                  std::string::npos)
            << table->describe();
    } else {
        EXPECT_NE(table->transmit_packets, nullptr);
        EXPECT_NE(table->describe().find("TransmitPackets: yes"), std::string::npos);
    }
}

TEST(ExtensionFunctions, ResolveWithoutWinsockFailsWithAMessage) {
    std::string error;
    // No session: WSASocketW fails with WSANOTINITIALISED (unless another test
    // in this process left one started, which these tests do not).
    const auto table = ExtensionFunctions::resolve(AF_INET, error);
    EXPECT_FALSE(table.has_value());
    EXPECT_NE(error.find("10093"), std::string::npos) << error;
}

TEST(WineDetect, VersionIsPresentExactlyWhenRunningUnderWine) {
    const char* version = wine_version();
    EXPECT_EQ(running_under_wine(), version != nullptr);
    if (version != nullptr) {
        EXPECT_NE(version[0], '\0');
    }
}

}  // namespace
}  // namespace tpserve::platform
