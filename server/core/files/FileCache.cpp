#include "files/FileCache.h"

#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <unordered_map>

namespace tpserve::files {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kShards = 16;

// Lets the maps be searched with a string_view: no key is built on a hit.
struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
        return std::hash<std::string_view>{}(key);
    }
};

bool cacheable(OpenError error) noexcept {
    return error == OpenError::None || error == OpenError::NotFound ||
           error == OpenError::Forbidden;
}

bool same_file(const FileInfo& a, const FileInfo& b) noexcept {
    return a.kind == b.kind && a.size == b.size && a.inode == b.inode &&
           a.mtime_sec == b.mtime_sec && a.mtime_nsec == b.mtime_nsec;
}

}  // namespace

struct FileCache::Shard {
    struct Entry {
        std::string key;
        OpenResult result;
        Clock::time_point checked;
        std::uint64_t charged = 0;  // bytes counted in the cache's budget
    };
    using Lru = std::list<Entry>;  // most recently used first

    std::mutex mutex;
    Lru lru;
    std::unordered_map<std::string_view, Lru::iterator, KeyHash, std::equal_to<>> index;
    std::size_t capacity = 0;
    std::size_t open_capacity = 0;
    std::size_t open = 0;  // entries holding a handle
    std::atomic<std::uint64_t>* bytes_used = nullptr;
    std::atomic<std::uint64_t> hits{0};
    std::atomic<std::uint64_t> misses{0};

    // The fresh entry for `key`, copied out; false if absent or stale.
    bool find(std::string_view key, Clock::time_point now, Clock::duration validity,
              OpenResult& out) {
        const std::lock_guard lock(mutex);
        const auto it = index.find(key);
        if (it == index.end() || now - it->second->checked > validity) return false;
        lru.splice(lru.begin(), lru, it->second);
        out = it->second->result;
        return true;
    }

    // The bytes the stale entry for `key` kept, if it describes the same file.
    std::shared_ptr<const std::byte[]> previous_bytes(std::string_view key, const FileInfo& info) {
        const std::lock_guard lock(mutex);
        const auto it = index.find(key);
        if (it == index.end() || !it->second->result.bytes) return nullptr;
        if (!same_file(it->second->result.info, info)) return nullptr;
        return it->second->result.bytes;
    }

    // `charged`: bytes of result.bytes newly counted in the budget by the caller.
    void store(std::string_view key, const OpenResult& result, Clock::time_point now,
               std::uint64_t charged) {
        const std::lock_guard lock(mutex);
        if (const auto it = index.find(key); it != index.end()) {
            Entry& entry = *it->second;
            if (result.bytes && result.bytes == entry.result.bytes) {
                charged += entry.charged;  // the same memory, counted once
            } else {
                uncharge(entry);
            }
            open -= entry.result.file ? 1 : 0;
            open += result.file ? 1 : 0;
            entry.result = result;
            entry.checked = now;
            entry.charged = charged;
            lru.splice(lru.begin(), lru, it->second);
        } else {
            lru.push_front(Entry{std::string(key), result, now, charged});
            index.emplace(lru.front().key, lru.begin());
            open += result.file ? 1 : 0;
        }
        while (lru.size() > 1 && (lru.size() > capacity || open > open_capacity)) {
            Entry& last = lru.back();
            uncharge(last);
            open -= last.result.file ? 1 : 0;
            index.erase(last.key);
            lru.pop_back();  // closes the handle unless a plan still holds it
        }
    }

    void uncharge(Entry& entry) const noexcept {
        if (entry.charged != 0) bytes_used->fetch_sub(entry.charged, std::memory_order_relaxed);
        entry.charged = 0;
    }
};

FileCache::FileCache(const FileSystem& inner, Settings settings)
    : inner_(inner), settings_(settings), shards_(std::make_unique<Shard[]>(kShards)) {
    const std::size_t per_shard = std::max<std::size_t>(1, settings_.max_entries / kShards);
    const std::size_t open_per_shard = std::max<std::size_t>(1, settings_.max_open / kShards);
    for (std::size_t i = 0; i < kShards; ++i) {
        shards_[i].capacity = per_shard;
        shards_[i].open_capacity = open_per_shard;
        shards_[i].bytes_used = &bytes_used_;
    }
}

FileCache::~FileCache() = default;

OpenResult FileCache::open(std::string_view relative) const {
    Shard& shard = shards_[KeyHash{}(relative) % kShards];
    const Clock::time_point now = Clock::now();
    OpenResult result;
    if (shard.find(relative, now, settings_.validity, result)) {
        shard.hits.fetch_add(1, std::memory_order_relaxed);
        return result;
    }
    shard.misses.fetch_add(1, std::memory_order_relaxed);
    result = inner_.open(relative);
    if (!cacheable(result.error)) return result;
    std::uint64_t charged = 0;
    if (result.error == OpenError::None && result.info.kind == FileKind::Regular &&
        result.info.size > 0 && result.info.size <= settings_.max_file_bytes) {
        result.bytes = shard.previous_bytes(relative, result.info);
        if (!result.bytes) {
            fill_bytes(result);
            if (result.bytes) charged = result.info.size;
        }
    }
    shard.store(relative, result, now, charged);
    return result;
}

void FileCache::fill_bytes(OpenResult& result) const {
    const std::uint64_t size = result.info.size;
    if (bytes_used_.fetch_add(size, std::memory_order_relaxed) + size > settings_.max_bytes) {
        bytes_used_.fetch_sub(size, std::memory_order_relaxed);  // over budget: sendfile it
        return;
    }
    auto bytes = std::make_shared_for_overwrite<std::byte[]>(size);
    if (!inner_.read(*result.file, 0, std::span<std::byte>(bytes.get(), size))) {
        bytes_used_.fetch_sub(size, std::memory_order_relaxed);
        return;
    }
    result.bytes = std::move(bytes);
}

OpenError FileCache::list(std::string_view relative, std::vector<DirEntry>& out) const {
    return inner_.list(relative, out);
}

bool FileCache::windows_names() const noexcept {
    return inner_.windows_names();
}

FileCache::Counters FileCache::counters() const noexcept {
    Counters c;
    for (std::size_t i = 0; i < kShards; ++i) {
        c.hits += shards_[i].hits.load(std::memory_order_relaxed);
        c.misses += shards_[i].misses.load(std::memory_order_relaxed);
    }
    c.bytes_in_memory = bytes_used_.load(std::memory_order_relaxed);
    return c;
}

}  // namespace tpserve::files
