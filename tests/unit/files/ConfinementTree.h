#pragma once
// The tree the file-system confinement tests open, in a support::TempTree:
//   <base>/outside/secret          the file no request may ever read
//   <base>/root/...                the document root, with links in and out
#include <string>

#include "TempTree.h"

namespace tpserve::files::test {

inline constexpr const char* kSecret = "TOP-SECRET-outside-the-root\n";

class ConfinementTree {
public:
    ConfinementTree();  // builds the tree; throws (the test fails) on error

    [[nodiscard]] std::string base() const { return tree_.path().string(); }
    [[nodiscard]] std::string root() const { return base() + "/root"; }
    [[nodiscard]] bool has_socket() const { return has_socket_; }
    [[nodiscard]] bool has_device() const { return has_device_; }

private:
    support::TempTree tree_;
    bool has_socket_ = false;
    bool has_device_ = false;
};

// Reads a whole file through an fd from its current offset (pread from 0).
std::string read_all(int fd);

}  // namespace tpserve::files::test
