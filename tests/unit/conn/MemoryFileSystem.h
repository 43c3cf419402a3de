#pragma once
// A document root in memory: lets handler and connection tests run without
// touching the disk. Files are opaque handles whose native() is a fake id.
#include <map>
#include <memory>
#include <string>

#include "files/FileSystem.h"

namespace tpserve::testing {

class MemoryFileSystem final : public files::FileSystem {
public:
    void add_file(const std::string& path, std::uint64_t size, std::int64_t mtime = 1'700'000'000) {
        entries_[path] = files::FileInfo{files::FileKind::Regular, size, mtime, 0, next_inode_++};
    }
    void add_dir(const std::string& path) {
        entries_[path] =
            files::FileInfo{files::FileKind::Directory, 4096, 1'700'000'000, 0, next_inode_++};
    }
    void forbid(const std::string& path) { forbidden_[path] = true; }

    files::OpenResult open(std::string_view relative) const override {
        files::OpenResult result;
        const std::string key(relative);
        if (forbidden_.count(key) != 0) {
            result.error = files::OpenError::Forbidden;
            return result;
        }
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            result.error = files::OpenError::NotFound;
            return result;
        }
        result.info = it->second;
        result.file = std::make_shared<Handle>(static_cast<std::intptr_t>(it->second.inode));
        return result;
    }

private:
    struct Handle final : plan::OpenFile {
        explicit Handle(std::intptr_t id) : id_(id) {}
        std::intptr_t native() const noexcept override { return id_; }
        std::intptr_t id_;
    };
    std::map<std::string, files::FileInfo> entries_;
    std::map<std::string, bool> forbidden_;
    std::uint64_t next_inode_ = 100;
};

}  // namespace tpserve::testing
