#include "TempTree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace tpserve::support {

namespace fs = std::filesystem;

TempTree::TempTree() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/tpserve-test-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
        throw std::runtime_error("mkdtemp(" + pattern + "): " + std::strerror(errno));
    }
    base_ = buf.data();
}

TempTree::~TempTree() {
    std::error_code ec;
    fs::remove_all(base_, ec);  // does not follow symlinks, so ../outside is safe
}

fs::path TempTree::write(const std::string& rel, std::string_view content) {
    const fs::path p = base_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write " + p.string());
    return p;
}

fs::path TempTree::mkdir(const std::string& rel) {
    const fs::path p = base_ / rel;
    fs::create_directories(p);
    return p;
}

fs::path TempTree::symlink(const std::string& rel, const std::string& target) {
    const fs::path p = base_ / rel;
    fs::create_directories(p.parent_path());
    if (::symlink(target.c_str(), p.c_str()) != 0) {
        throw std::runtime_error("symlink " + p.string() + ": " + std::strerror(errno));
    }
    return p;
}

void TempTree::set_mtime(const std::string& rel, std::time_t when) {
    const fs::path p = base_ / rel;
    const timespec times[2] = {{when, 0}, {when, 0}};
    if (::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
        throw std::runtime_error("utimensat " + p.string() + ": " + std::strerror(errno));
    }
}

std::time_t TempTree::mtime(const std::string& rel) const {
    struct stat st {};
    const fs::path p = base_ / rel;
    if (::stat(p.c_str(), &st) != 0) {
        throw std::runtime_error("stat " + p.string() + ": " + std::strerror(errno));
    }
    return st.st_mtim.tv_sec;
}

}  // namespace tpserve::support
