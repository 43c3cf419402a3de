#include "app/RestartOnly.h"

#include <functional>
#include <string_view>
#include <vector>

namespace tpserve::app {

namespace {

using config::Config;

struct RestartOnlyKey {
    std::string_view name;
    std::function<bool(const Config& running, const Config& next)> differs;
    std::function<void(const Config& running, Config& next)> keep;
};

// A row names its member once, so it cannot compare one member and keep another.
template <class M>
RestartOnlyKey key(std::string_view name, M Config::*member) {
    return {name, [member](const Config& a, const Config& b) { return !(a.*member == b.*member); },
            [member](const Config& a, Config& b) { b.*member = a.*member; }};
}

template <class S, class M>
RestartOnlyKey key(std::string_view name, S Config::*section, M S::*member) {
    return {name,
            [section, member](const Config& a, const Config& b) {
                return !((a.*section).*member == (b.*section).*member);
            },
            [section, member](const Config& a, Config& b) {
                (b.*section).*member = (a.*section).*member;
            }};
}

// Why each is restart-only:
//   listen                        the sockets are bound once, per worker (SO_REUSEPORT);
//                                 keeping, adding and closing listeners live is a later step
//   admin.listen                  the admin listener is bound once, with its own proactor
//   workers                       the threads and their proactors are made at start-up
//   io.backend                    chosen once, by probing the kernel
//   limits.max_connections        each worker's slot table and its engine's, sized at start-up
//   timeouts.drain                handed to each proactor when it is created
//   windows.socket_reuse          decided when the IOCP engine is created
//   windows.accepts_per_listener  the AcceptEx pool, posted at start-up
const std::vector<RestartOnlyKey>& restart_only_keys() {
    static const std::vector<RestartOnlyKey> table = {
        key("listen", &Config::listen),
        key("admin.listen", &Config::admin, &config::Admin::listen),
        key("workers", &Config::workers),
        key("io.backend", &Config::io, &config::Io::backend),
        key("limits.max_connections", &Config::limits, &config::Limits::max_connections),
        key("timeouts.drain", &Config::timeouts, &config::Timeouts::drain),
        key("windows.socket_reuse", &Config::windows, &config::Windows::socket_reuse),
        key("windows.accepts_per_listener", &Config::windows,
            &config::Windows::accepts_per_listener),
    };
    return table;
}

}  // namespace

std::vector<std::string> restart_only_changes(const config::Config& running,
                                              const config::Config& next) {
    std::vector<std::string> changed;
    for (const RestartOnlyKey& row : restart_only_keys()) {
        if (row.differs(running, next)) changed.emplace_back(row.name);
    }
    return changed;
}

void keep_restart_only(const config::Config& running, config::Config& next) {
    for (const RestartOnlyKey& row : restart_only_keys())
        row.keep(running, next);
}

}  // namespace tpserve::app
