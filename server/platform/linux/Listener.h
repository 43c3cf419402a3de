#pragma once
// Listening sockets for the share-nothing workers: one SO_REUSEPORT socket per
// worker per configured address, so the kernel spreads connections and no
// accept lock exists. Called once at start-up, before the workers start.
#include <string>
#include <vector>

#include "config/Config.h"
#include "platform/linux/Fd.h"

namespace tpserve::platform {

struct BoundListeners {
    std::vector<std::vector<UniqueFd>> per_worker;  // [worker][address]
    std::vector<std::string> urls;  // per address: "http://127.0.0.1:41234/", "http://[::1]:8080/"
};

// Sockets are nonblocking, close-on-exec, IPV6_V6ONLY for v6 addresses, listening
// with a backlog of SOMAXCONN (the kernel clamps it to net.core.somaxconn).
// Port 0: the first worker's socket gets an ephemeral port and every other
// worker binds that same port. `host` must be a numeric address ("localhost" is
// resolved by config). On failure returns false, `error` names the address and
// the errno text, and `out` is left empty (nothing stays bound).
bool bind_listeners(const std::vector<config::ListenAddress>& addresses, unsigned workers,
                    BoundListeners& out, std::string& error);

}  // namespace tpserve::platform
