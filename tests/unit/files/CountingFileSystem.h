#pragma once
// An in-memory FileSystem for FileCache tests that counts what reaches it:
// opens and reads; every file's content is a fixed pattern.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "files/FileSystem.h"

namespace tpserve::files {

class CountingFileSystem final : public FileSystem {
public:
    void set(const std::string& path, std::uint64_t size, OpenError error = OpenError::None,
             std::int64_t mtime = 1'700'000'000) {
        const std::lock_guard lock(mutex_);
        files_[path] = {size, error, mtime};
    }
    void remove(const std::string& path) {
        const std::lock_guard lock(mutex_);
        files_.erase(path);
    }
    OpenResult open(std::string_view relative) const override {
        opens.fetch_add(1);
        const std::lock_guard lock(mutex_);
        OpenResult r;
        const auto it = files_.find(std::string(relative));
        if (it == files_.end()) {
            r.error = OpenError::NotFound;
            return r;
        }
        r.error = it->second.error;
        if (r.error != OpenError::None) return r;
        r.info.kind = FileKind::Regular;
        r.info.size = it->second.size;
        r.info.mtime_sec = it->second.mtime;
        r.info.inode = 42;
        r.file = std::make_shared<Handle>();
        return r;
    }
    OpenError list(std::string_view, std::vector<DirEntry>& out) const override {
        out.push_back(DirEntry{"listed", FileKind::Regular, 1, 0});
        return OpenError::None;
    }
    bool windows_names() const noexcept override { return false; }

    // Byte i of every file is content_byte(i), unless reads fail.
    bool read(const plan::OpenFile&, std::uint64_t offset,
              std::span<std::byte> out) const override {
        reads.fetch_add(1);
        if (fail_reads) return false;
        for (std::size_t i = 0; i < out.size(); ++i)
            out[i] = content_byte(offset + i);
        return true;
    }
    static std::byte content_byte(std::uint64_t i) { return static_cast<std::byte>('a' + i % 26); }

    mutable std::atomic<int> opens{0};
    mutable std::atomic<int> reads{0};
    std::atomic<bool> fail_reads{false};

private:
    struct Handle final : plan::OpenFile {
        std::intptr_t native() const noexcept override { return 7; }
    };
    struct File {
        std::uint64_t size;
        OpenError error;
        std::int64_t mtime;
    };
    mutable std::mutex mutex_;
    std::map<std::string, File> files_;
};

}  // namespace tpserve::files
