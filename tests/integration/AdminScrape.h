#pragma once
// What the admin-listener tests share: finding the admin port in the
// server's log, scraping /metrics and reading one sample back.
#include <cstdint>
#include <optional>
#include <string>

#include "HttpClient.h"
#include "ServerProcess.h"

namespace tpserve::integration {

// The port of the "admin listener on http://HOST:PORT/" line, or 0.
std::uint16_t admin_port(const ServerProcess& server);

// GET `path` from the admin listener on a fresh connection.
HttpResponse admin_get(const ServerProcess& server, std::uint16_t port, const std::string& path);

// The value of the sample whose series is exactly `series`
// (`name{label="v",...}` as rendered), or nullopt.
std::optional<double> sample_value(const std::string& exposition, const std::string& series);

// The TCP ports `pid` listens on (its sockets in /proc/net/tcp and tcp6 in
// state LISTEN), sorted; Linux only.
std::vector<std::uint16_t> listening_ports(int pid);

}  // namespace tpserve::integration
