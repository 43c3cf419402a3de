#include "TempTree.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace tpserve::files::test {

namespace {

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    ASSERT_TRUE(out.good()) << path;
}

void link(const std::string& target, const std::string& path) {
    ASSERT_EQ(::symlink(target.c_str(), path.c_str()), 0) << path << ": " << std::strerror(errno);
}

}  // namespace

TempTree::TempTree() {
    char tmpl[] = "/tmp/tpserve-files-XXXXXX";
    const char* dir = ::mkdtemp(tmpl);
    if (dir == nullptr) {
        ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
        return;
    }
    base_ = dir;
    const std::string r = root();
    const std::string out = base_ + "/outside";
    std::filesystem::create_directories(r + "/sub/deeper");
    std::filesystem::create_directories(out);
    write_file(out + "/secret", kSecret);
    write_file(r + "/index.html", "<h1>hello</h1>\n");
    write_file(r + "/sub/file.txt", "inside file\n");
    write_file(r + "/sub/deeper/x.txt", "deeper\n");
    write_file(r + "/noread.txt", "no read\n");
    ::chmod((r + "/noread.txt").c_str(), 0);

    link("sub/file.txt", r + "/link_inside");
    link(r + "/sub/file.txt", r + "/link_inside_abs");
    link("sub", r + "/link_dir_inside");
    link("../index.html", r + "/sub/link_up_in");
    link("../root/index.html", r + "/link_out_and_back");
    link(out + "/secret", r + "/link_out_abs");
    link("../outside/secret", r + "/link_out_rel");
    link("../outside", r + "/link_dir_out");
    link(out, r + "/link_dir_out_abs");
    link("../../outside/secret", r + "/sub/link_out_rel2");
    link("/proc/self/root" + out + "/secret", r + "/link_proc");
    link("/", r + "/link_fs_root");
    link("loop", r + "/loop");
    link("missing", r + "/dangling");
    EXPECT_EQ(::mkfifo((r + "/fifo").c_str(), 0644), 0);
    EXPECT_EQ(::mkfifo((out + "/fifo").c_str(), 0644), 0);
    link(out + "/fifo", r + "/link_fifo_out");

    const std::string sock = r + "/socket";
    const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (s >= 0 && sock.size() < sizeof addr.sun_path) {
        std::memcpy(addr.sun_path, sock.c_str(), sock.size() + 1);
        has_socket_ = ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    if (s >= 0) ::close(s);
    // A character device (like /dev/null) needs privilege; tested when allowed.
    has_device_ = ::mknod((r + "/device").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0;
}

TempTree::~TempTree() {
    if (base_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(base_, ec);
}

std::string read_all(int fd) {
    std::string data;
    char buf[4096];
    off_t off = 0;
    for (;;) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, off);
        if (n <= 0) break;
        data.append(buf, static_cast<std::size_t>(n));
        off += n;
    }
    return data;
}

}  // namespace tpserve::files::test
