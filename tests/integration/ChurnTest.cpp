// Accept/close churn: a thousand `Connection: close` requests, each on a new
// connection. On Windows this is the path where sockets are closed (or
// recycled) and replaced in the AcceptEx pool; everywhere it must lose
// nothing and leak nothing.
#include <dirent.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "ServerFixture.h"
#include "WaitUntil.h"

namespace tpserve::integration {
namespace {

// Descriptors the server process holds (for tpserve.exe under Wine: the Wine
// process, whose sockets and handles are Linux descriptors too).
int open_descriptors(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/fd";
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return -1;
    int count = 0;
    while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.') ++count;
    }
    ::closedir(dir);
    return count;
}

// The inodes of TCP sockets that are neither listening nor closed, from the
// process's network namespace (/proc/PID/net/tcp and tcp6).
std::set<std::string> connection_inodes(pid_t pid) {
    std::set<std::string> inodes;
    for (const char* table : {"tcp", "tcp6"}) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/net/" + table);
        std::string line;
        std::getline(in, line);  // the header
        while (std::getline(in, line)) {
            // sl local remote st tx:rx tr:when retrnsmt uid timeout inode
            std::istringstream fields(line);
            std::array<std::string, 10> f;
            for (std::string& field : f)
                fields >> field;
            if (f[3] != "0A") inodes.insert(f[9]);  // 0A: LISTEN
        }
    }
    return inodes;
}

// TCP connections the server process still holds (lingering closes included).
int open_connections(pid_t pid) {
    const std::set<std::string> connections = connection_inodes(pid);
    const std::string path = "/proc/" + std::to_string(pid) + "/fd";
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return -1;
    int count = 0;
    while (const dirent* entry = ::readdir(dir)) {
        std::array<char, 64> target{};
        const std::string fd = path + "/" + entry->d_name;
        const ssize_t n = ::readlink(fd.c_str(), target.data(), target.size() - 1);
        const std::string link(target.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
        // "socket:[INODE]"
        if (link.rfind("socket:[", 0) == 0 && connections.count(link.substr(8, link.size() - 9)))
            ++count;
    }
    ::closedir(dir);
    return count;
}

class Churn : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start()); }

    // One request on a new connection, asking the server to close it.
    bool one_close_request(int i) {
        HttpClient client;
        if (!client.connect(server.host(), server.port(), 10s)) {
            ADD_FAILURE() << "connection " << i << ": " << client.error();
            return false;
        }
        const std::string path = "/small/f" + std::to_string(i % 10) + ".txt";
        if (!client.send(make_request("GET", path, "Connection: close\r\n"))) {
            ADD_FAILURE() << "request " << i << ": " << client.error();
            return false;
        }
        const HttpResponse r = client.read_response(false, 10s);
        const bool good = r.ok() && r.status == 200 && r.body == site.content(path) &&
                          r.header("Connection").value_or("") == "close";
        if (!good) ADD_FAILURE() << "request " << i << ":\n" << r.head;
        return good;
    }
};

TEST_F(Churn, AThousandCloseRequestsLoseNothingAndLeakNothing) {
    // Warm up first, so lazily created pools and threads are counted in "before".
    for (int i = 0; i < 50; ++i)
        ASSERT_TRUE(one_close_request(i));
    // The warm-up's connections have ended (their lingering closes too):
    // what the server holds now is its own.
    support::wait_until([&] { return open_connections(server.pid()) <= 0; }, 5s, 20ms);
    const int before = open_descriptors(server.pid());
    int ok = 0;
    for (int i = 0; i < 1000; ++i)
        ok += one_close_request(i) ? 1 : 0;
    EXPECT_EQ(ok, 1000);
    // Lingering closes end within ~2 s of the client's close; give them time.
    int after = -1;
    support::wait_until(
        [&] {
            after = open_descriptors(server.pid());
            return after <= before;
        },
        4s, 100ms);
    if (before >= 0) {
        EXPECT_LE(after, before) << "descriptors grew from " << before << " to " << after
                                 << " over 1,000 close requests";
    }
    EXPECT_TRUE(well_framed(get("/index.html")));
}

}  // namespace
}  // namespace tpserve::integration
