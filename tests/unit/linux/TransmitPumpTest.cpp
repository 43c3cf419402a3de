// TransmitPump's send flags: a Close plan's tail is held for the FIN.
#include "platform/linux/TransmitPump.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "plan/TransmitPlan.h"

namespace tpserve::platform {
namespace {

TEST(TransmitPump, MoreFlagOnlyWhereMoreOfTheResponseOrItsFinFollows) {
    plan::TransmitPlan keep_alive;
    keep_alive.add(std::string_view("HTTP/1.1 200 OK\r\n\r\n"));
    // The last run of a keep-alive response leaves at once...
    EXPECT_EQ(TransmitPump::more_flag(keep_alive, false), 0);
    // ...an earlier one waits for what follows it.
    EXPECT_EQ(TransmitPump::more_flag(keep_alive, true), MSG_MORE);

    plan::TransmitPlan closing;
    closing.add(std::string_view("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"));
    closing.disposition = plan::Disposition::Close;
    // The last run of a closing one waits for the FIN (same segment).
    EXPECT_EQ(TransmitPump::more_flag(closing, false), MSG_MORE);
    closing.linger = false;
    EXPECT_EQ(TransmitPump::more_flag(closing, false), MSG_MORE);
}

}  // namespace
}  // namespace tpserve::platform
