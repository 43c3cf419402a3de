#pragma once
// A scratch directory tree under $TMPDIR (or /tmp) for one test, unit or
// integration: a document root, files outside it, config files. Removed
// (without following symlinks) when the object dies. Not thread-safe; one
// owner. POSIX only (the Windows unit tests have TestDir).
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>

namespace tpserve::support {

class TempTree {
public:
    TempTree();  // throws std::runtime_error if mkdtemp fails
    ~TempTree();
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;

    const std::filesystem::path& path() const { return base_; }

    // All relative paths are below path(); parent directories are created.
    std::filesystem::path write(const std::string& rel, std::string_view content);
    std::filesystem::path mkdir(const std::string& rel);
    // Creates rel as a symlink whose target text is exactly `target`.
    std::filesystem::path symlink(const std::string& rel, const std::string& target);
    // Sets both atime and mtime (seconds since the epoch, UTC).
    void set_mtime(const std::string& rel, std::time_t when);
    std::time_t mtime(const std::string& rel) const;

private:
    std::filesystem::path base_;
};

}  // namespace tpserve::support
