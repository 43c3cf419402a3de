#pragma once
// A throw-away directory tree for the file-system tests:
//   <base>/outside/secret          the file no request may ever read
//   <base>/root/...                the document root, with links in and out
#include <string>

namespace tpserve::files::test {

inline constexpr const char* kSecret = "TOP-SECRET-outside-the-root\n";

class TempTree {
public:
    TempTree();  // builds the tree; fails the current test on error
    ~TempTree();
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;

    [[nodiscard]] const std::string& base() const { return base_; }
    [[nodiscard]] std::string root() const { return base_ + "/root"; }
    [[nodiscard]] bool has_socket() const { return has_socket_; }
    [[nodiscard]] bool has_device() const { return has_device_; }

private:
    std::string base_;
    bool has_socket_ = false;
    bool has_device_ = false;
};

// Reads a whole file through an fd from its current offset (pread from 0).
std::string read_all(int fd);

}  // namespace tpserve::files::test
