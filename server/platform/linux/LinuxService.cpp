// The service part of platform/Platform.h on Linux: no `--service` (systemd
// units run the plain command), readiness through sd_notify.
#include <cstdio>

#include "log/ErrorLog.h"
#include "platform/Platform.h"
#include "platform/linux/SystemdNotify.h"

namespace tpserve::platform {

namespace {

void notify(std::string_view state) {
    std::string error;
    if (!systemd_notify(state, error)) log::warn(error);
}

}  // namespace

int service_command(std::string_view, const ServiceSettings&, const std::function<int()>&) {
    (void)std::fputs(
        "tpserve: --service is for Windows; on Linux use systemd (see docs/operations.md: "
        "a unit with Type=notify running tpserve --config FILE)\n",
        stderr);
    return 2;
}

void notify_ready() {
    notify("READY=1");
}

void notify_stopping() {
    notify("STOPPING=1");
}

}  // namespace tpserve::platform
