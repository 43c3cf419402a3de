// The service part of platform/Platform.h on Linux: no `--service` (systemd
// units run the plain command), readiness through sd_notify.
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

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

void notify_reloading() {
    // sd_notify(3): RELOADING=1 must carry the monotonic time at which the
    // reload began, so systemd can tell this reload from an earlier one.
    timespec now{};
    (void)clock_gettime(CLOCK_MONOTONIC, &now);
    const auto usec = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000U +
                      static_cast<std::uint64_t>(now.tv_nsec) / 1'000U;
    notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

}  // namespace tpserve::platform
