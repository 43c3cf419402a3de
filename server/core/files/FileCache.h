#pragma once
// A FileSystem that remembers what another one opened: the open handle
// (shared by every request), its metadata, and misses too — most lookups
// of precompressed siblings ("a.css.br") find nothing, and a miss costs a
// path walk in the kernel like a hit. An entry is trusted for `validity`
// (nginx's open_file_cache_valid), then the path is opened again, so a
// file replaced on disk is served new within that window — or at once, when
// a DirectoryWatcher is attached (inotify, ReadDirectoryChangesW): the cache
// is its ChangeListener, and a notice makes the entry be opened again at its
// next use. A file changed in
// place keeps being sent through the old handle with its old size; if it
// shrinks under sendfile the backend fails the transmit and closes the
// connection, so a response never lies about its length.
//
// Small regular files (≤ max_file_bytes) also keep their bytes in memory
// (OpenResult::bytes), read once when the entry is filled and kept across
// revalidations while the file's identity (inode, size, mtime) is unchanged;
// the handler then sends them from memory (one writev/sendmsg with the head).
// Such an entry holds no handle (OpenResult::file is null), so it does not
// count against `max_open`. A file changed in place within the validity
// window is served as it was.
//
// Thread-safe: entries live in shards, each with its own mutex held for a
// few hundred nanoseconds (no lock is global, none is held during I/O).
// Bounded: at most `max_entries` (and `max_open` of them holding a handle),
// evicted by second chance (an entry not hit since eviction last passed it
// goes first), and at most `max_bytes` of file bytes in memory (beyond it
// files go uncached).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/Config.h"
#include "files/ChangeWatch.h"
#include "files/FileSystem.h"

namespace tpserve::files {

namespace cache {
struct Key;
}

class FileCache final : public FileSystem, public ChangeListener {
public:
    // The server passes its `cache` settings; the defaults are theirs
    // (config::Cache, one definition for both).
    struct Settings {
        std::chrono::milliseconds validity = config::Cache{}.validity;
        std::size_t max_entries = config::Cache{}.max_entries;
        std::uint64_t max_file_bytes = config::Cache{}.max_file_bytes;
        std::uint64_t max_bytes = config::Cache{}.max_bytes;
        // Entries holding an open handle: a cache must not take the
        // descriptors that accepting connections needs (one process, one limit).
        std::size_t max_open = SIZE_MAX;
    };

    // `inner` must outlive the cache.
    FileCache(const FileSystem& inner, Settings settings);
    ~FileCache() override;
    FileCache(const FileCache&) = delete;
    FileCache& operator=(const FileCache&) = delete;

    // As inner.open(), from the cache while the entry is fresh. Transient
    // errors (TooManyFiles, Other) are never cached. No allocation on a hit.
    [[nodiscard]] OpenResult open(std::string_view relative) const override;
    // From `relative`'s entry while its sibling set is fresh (one lookup for
    // all of them); the siblings are kept with the entry, not as entries.
    void open_siblings(std::string_view relative, std::span<const std::string_view> suffixes,
                       std::span<OpenResult> out) const override;
    // Listings are not cached: they are rare and must be current.
    [[nodiscard]] OpenError list(std::string_view relative,
                                 std::vector<DirEntry>& out) const override;
    [[nodiscard]] bool windows_names() const noexcept override;

    // Before serving: the cache asks `watcher` to watch each directory it
    // opens a path in. The watcher must stop (be destroyed) before the cache.
    void attach(DirectoryWatcher* watcher) noexcept { watcher_ = watcher; }
    // ChangeListener: from the watcher's thread.
    void changed(std::string_view relative) noexcept override;
    void changed_everything() noexcept override;

    // Lookups (a path, or a path's sibling set) answered from a fresh entry
    // or not; entries dropped by the bounds; entries now; file bytes in
    // memory. Takes each shard's lock in turn: for the scrape and tests.
    struct Counters {
        std::uint64_t hits = 0;
        std::uint64_t misses = 0;  // opened (or re-opened) through the inner file system
        std::uint64_t evictions = 0;
        std::uint64_t entries = 0;
        std::uint64_t bytes_in_memory = 0;
    };
    [[nodiscard]] Counters counters() const;

private:
    struct Shard;
    // Opens `path` through the inner system, with its bytes when it is small
    // (reusing those `key`'s entry kept for it: sibling < 0 is the path itself).
    OpenResult load(std::string_view path, Shard& shard, const cache::Key& key, int sibling,
                    std::uint64_t& charged) const;
    void fill_bytes(OpenResult& result) const;

    // Asks the watcher to watch `relative`'s directory.
    void watch_directory_of(std::string_view relative) const noexcept;

    const FileSystem& inner_;
    Settings settings_;
    DirectoryWatcher* watcher_ = nullptr;
    std::unique_ptr<Shard[]> shards_;  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    mutable std::atomic<std::uint64_t> bytes_used_{0};
};

}  // namespace tpserve::files
