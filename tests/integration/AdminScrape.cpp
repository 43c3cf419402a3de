#include "AdminScrape.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace tpserve::integration {

std::uint16_t admin_port(const ServerProcess& server) {
    const std::string err = server.stderr_text();
    const std::string marker = "admin listener on http://";
    const std::size_t at = err.find(marker);
    if (at == std::string::npos) return 0;
    const std::size_t slash = err.find('/', at + marker.size());
    const std::size_t colon = err.rfind(':', slash);
    if (slash == std::string::npos || colon == std::string::npos || colon < at) return 0;
    return static_cast<std::uint16_t>(std::stoul(err.substr(colon + 1, slash - colon - 1)));
}

HttpResponse admin_get(const ServerProcess& server, std::uint16_t port, const std::string& path) {
    HttpClient client;
    if (!client.connect(server.host(), port)) {
        HttpResponse failed;
        failed.error = "connect to the admin port: " + client.error();
        return failed;
    }
    return client.request(make_request("GET", path));
}

std::optional<double> sample_value(const std::string& exposition, const std::string& series) {
    std::istringstream lines(exposition);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
            line[series.size()] == ' ') {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return std::nullopt;
}

std::vector<std::uint16_t> listening_ports(int pid) {
    // The socket inodes the process holds...
    std::set<std::string> inodes;
    const std::filesystem::path fds = "/proc/" + std::to_string(pid) + "/fd";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(fds, ec)) {
        const std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
        if (target.starts_with("socket:[")) inodes.insert(target.substr(8, target.size() - 9));
    }
    // ... and which of them are listening TCP sockets (state 0A), on which port.
    std::set<std::uint16_t> ports;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
            fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
                timeout >> inode;
            if (state != "0A" || !inodes.contains(inode)) continue;
            ports.insert(static_cast<std::uint16_t>(
                std::stoul(local.substr(local.rfind(':') + 1), nullptr, 16)));
        }
    }
    return {ports.begin(), ports.end()};
}

}  // namespace tpserve::integration
