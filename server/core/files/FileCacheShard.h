#pragma once
// Internal to FileCache: one shard of entries under its own mutex. An entry
// is a path's OpenResult and, once asked for, the OpenResults of its
// precompressed siblings (FileSystem::open_siblings), so that a request costs
// one lookup whatever the number of variants looked for.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "files/FileSystem.h"

namespace tpserve::files::cache {

using Clock = std::chrono::steady_clock;

// A path with its hash, computed once per lookup (it also picks the shard).
// The map compares hashes before bytes and never rehashes a key.
struct Key {
    std::string_view text;
    std::size_t hash = 0;
    bool operator==(const Key& other) const noexcept {
        return hash == other.hash && text == other.text;
    }
};

inline Key key_of(std::string_view text) noexcept {
    return Key{text, std::hash<std::string_view>{}(text)};
}

struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept { return key.hash; }
};

bool same_file(const FileInfo& a, const FileInfo& b) noexcept;

// What one open answered, and how many of its bytes the budget counts.
struct Cached {
    OpenResult result;
    std::uint64_t charged = 0;
};

inline constexpr std::size_t kMaxSiblings = 3;

// A path's siblings as last looked up. Most paths have none: then only this
// header is kept (no array of results), which a warm cache of many files
// feels in its memory.
struct Siblings {
    std::size_t count = 0;  // 0: never looked up
    std::size_t tag = 0;    // which suffix list they answer
    Clock::time_point checked;
    // The results, unless every one was NotFound.
    std::unique_ptr<std::array<Cached, kMaxSiblings>> found;
};

class Shard {
public:
    struct Entry {
        std::string key;
        std::size_t hash = 0;
        Cached main;
        Clock::time_point checked;
        Siblings siblings;
        bool referenced = false;  // hit since eviction last passed it
        bool changed = false;     // a change notice came since it was filled
    };

    void configure(std::size_t capacity, std::size_t open_capacity,
                   std::atomic<std::uint64_t>* bytes_used) noexcept;

    // Change notices: `key`'s entry (and its siblings) are opened again at
    // their next use; forget_siblings only the sibling set; forget_all every
    // entry. Each counts as a change (see changes()).
    void forget(const Key& key) noexcept;
    void forget_siblings(const Key& key) noexcept;
    void forget_all() noexcept;
    // Read before opening a path: a store() given an older count knows a
    // notice may have come while the file was being opened, and stores
    // the entry as changed.
    [[nodiscard]] std::uint64_t changes() const noexcept {
        return changes_.load(std::memory_order_acquire);
    }

    // The fresh entry for `key`, copied out; false if absent or stale.
    bool find(const Key& key, Clock::time_point now, Clock::duration validity, OpenResult& out);
    // The fresh siblings of `key` for suffix list `tag`, copied out.
    bool find_siblings(const Key& key, std::size_t tag, Clock::time_point now,
                       Clock::duration validity, std::span<OpenResult> out);

    // The bytes a stale entry kept (sibling < 0: the path's own, else that
    // sibling's), if they describe the same file as `info`.
    std::shared_ptr<const std::byte[]> previous_bytes(const Key& key, int sibling,
                                                      const FileInfo& info);

    // `charged`: bytes newly counted in the budget by the caller.
    void store(const Key& key, const OpenResult& result, Clock::time_point now,
               std::uint64_t charged, std::uint64_t changes_seen);
    // Stored only while `key` has an entry; otherwise the charges are returned.
    void store_siblings(const Key& key, std::size_t tag, std::span<const OpenResult> results,
                        std::span<const std::uint64_t> charged, Clock::time_point now,
                        std::uint64_t changes_seen);

    // What the shard counted, read under its lock (the scrape's, never the
    // request path's). Counting happens under the lock find() and evict()
    // hold anyway, so no shared counter is written besides the shard's own
    // state.
    struct Stats {
        std::uint64_t hits = 0;  // a fresh entry (or sibling set) answered
        std::uint64_t misses = 0;
        std::uint64_t evictions = 0;  // entries dropped to stay within the bounds
        std::uint64_t entries = 0;
    };
    [[nodiscard]] Stats stats() const;

private:
    // Eviction is second-chance (CLOCK) over this list, newest first: a hit
    // only sets `referenced`, so the hit path touches no neighbour.
    using Lru = std::list<Entry>;

    // Replaces `slot` with `fresh` (`charged` newly counted bytes), keeping
    // the budget and the handle count right.
    void replace(Cached& slot, const OpenResult& fresh, std::uint64_t charged) noexcept;
    void release(Entry& entry) noexcept;
    void uncharge(std::uint64_t bytes) const noexcept;
    void evict();

    mutable std::mutex mutex_;
    Lru lru_;
    std::uint64_t hits_ = 0;  // these three under mutex_
    std::uint64_t misses_ = 0;
    std::uint64_t evictions_ = 0;
    std::unordered_map<Key, Lru::iterator, KeyHash> index_;
    std::size_t capacity_ = 0;
    std::size_t open_capacity_ = 0;
    std::size_t open_ = 0;                   // handles held by entries and their siblings
    std::atomic<std::uint64_t> changes_{0};  // notices so far; written under mutex_
    std::atomic<std::uint64_t>* bytes_used_ = nullptr;
};

}  // namespace tpserve::files::cache
