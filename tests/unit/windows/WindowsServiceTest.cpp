// The service entry outside the service manager, and the error texts. The
// whole install → start → stop → uninstall cycle needs services.exe:
// tests/tools/wine_service_test.sh.
#include <gtest/gtest.h>

#include <string>

#include "platform/Platform.h"
#include "platform/windows/Win32.h"
#include "platform/windows/WindowsService.h"

namespace tpserve::platform {
namespace {

TEST(WindowsService, RunFromAConsoleIsRefusedWithoutRunningTheServer) {
    bool ran = false;
    testing::internal::CaptureStderr();
    const int code = service_command("run", ServiceSettings{}, [&ran] {
        ran = true;
        return 0;
    });
    const std::string message = testing::internal::GetCapturedStderr();
    EXPECT_EQ(code, 2);
    EXPECT_FALSE(ran);
    EXPECT_NE(message.find("error 1063"), std::string::npos) << message;  // ..._CONTROLLER_CONNECT
    EXPECT_NE(message.find("without --service"), std::string::npos) << message;
    EXPECT_FALSE(winservice::active());
}

TEST(WindowsService, InstallStopsAtAFailedConfigurationCheck) {
    testing::internal::CaptureStderr();
    const int code = service_command("install", ServiceSettings{}, [] { return 2; });
    (void)testing::internal::GetCapturedStderr();
    EXPECT_EQ(code, 2);  // and nothing was registered: the check comes first
}

TEST(WindowsService, NotificationsOutsideAServiceDoNothing) {
    notify_ready();
    notify_stopping();
    EXPECT_FALSE(winservice::active());
}

TEST(WindowsService, ErrorTextNamesTheCode) {
    const std::string denied = winservice::error_text(ERROR_ACCESS_DENIED);
    EXPECT_NE(denied.find("(error 5)"), std::string::npos) << denied;
    EXPECT_GT(denied.size(), std::string("(error 5)").size() + 1) << denied;
    EXPECT_EQ(denied.find('\n'), std::string::npos) << denied;
    const std::string unknown = winservice::error_text(0x2BADBEEF);
    EXPECT_NE(unknown.find("error"), std::string::npos) << unknown;
}

}  // namespace
}  // namespace tpserve::platform
