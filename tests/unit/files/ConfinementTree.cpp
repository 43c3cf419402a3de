#include "ConfinementTree.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>

namespace tpserve::files::test {

ConfinementTree::ConfinementTree() {
    const std::string r = root();
    const std::string out = base() + "/outside";
    tree_.write("outside/secret", kSecret);
    tree_.write("root/index.html", "<h1>hello</h1>\n");
    tree_.write("root/sub/file.txt", "inside file\n");
    tree_.write("root/sub/deeper/x.txt", "deeper\n");
    tree_.write("root/noread.txt", "no read\n");
    ::chmod((r + "/noread.txt").c_str(), 0);

    tree_.symlink("root/link_inside", "sub/file.txt");
    tree_.symlink("root/link_inside_abs", r + "/sub/file.txt");
    tree_.symlink("root/link_dir_inside", "sub");
    tree_.symlink("root/sub/link_up_in", "../index.html");
    tree_.symlink("root/link_out_and_back", "../root/index.html");
    tree_.symlink("root/link_out_abs", out + "/secret");
    tree_.symlink("root/link_out_rel", "../outside/secret");
    tree_.symlink("root/link_dir_out", "../outside");
    tree_.symlink("root/link_dir_out_abs", out);
    tree_.symlink("root/sub/link_out_rel2", "../../outside/secret");
    tree_.symlink("root/link_proc", "/proc/self/root" + out + "/secret");
    tree_.symlink("root/link_fs_root", "/");
    tree_.symlink("root/loop", "loop");
    tree_.symlink("root/dangling", "missing");
    EXPECT_EQ(::mkfifo((r + "/fifo").c_str(), 0644), 0);
    EXPECT_EQ(::mkfifo((out + "/fifo").c_str(), 0644), 0);
    tree_.symlink("root/link_fifo_out", out + "/fifo");

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
