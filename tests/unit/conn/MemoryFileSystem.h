#pragma once
// A document root in memory: lets handler and connection tests run without
// touching the disk. Files are opaque handles whose native() is a fake id.
#include <map>
#include <memory>
#include <string>
#include <vector>

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

    // The direct children of `relative` (which must have been added with
    // add_dir, "" included), in map order; forbidden children are listed too,
    // as a mode-000 file would be on disk.
    files::OpenError list(std::string_view relative,
                          std::vector<files::DirEntry>& out) const override {
        const files::OpenResult dir = open(relative);
        if (dir.error != files::OpenError::None) return dir.error;
        if (dir.info.kind != files::FileKind::Directory) return files::OpenError::NotFound;
        const std::string prefix = relative.empty() ? std::string() : std::string(relative) + "/";
        for (auto it = entries_.lower_bound(prefix);
             it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
            const std::string name = it->first.substr(prefix.size());
            if (name.empty() || name.find('/') != std::string::npos) continue;
            out.push_back(
                files::DirEntry{name, it->second.kind, it->second.size, it->second.mtime_sec});
        }
        return files::OpenError::None;
    }

    // Every file's byte i is content_byte(i).
    bool read(const plan::OpenFile&, std::uint64_t offset,
              std::span<std::byte> out) const override {
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = content_byte(offset + i);
        return true;
    }
    static std::byte content_byte(std::uint64_t i) { return static_cast<std::byte>('0' + i % 10); }

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
