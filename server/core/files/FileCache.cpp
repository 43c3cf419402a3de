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

}  // namespace

struct FileCache::Shard {
    struct Entry {
        std::string key;
        OpenResult result;
        Clock::time_point checked;
    };
    using Lru = std::list<Entry>;  // most recently used first

    std::mutex mutex;
    Lru lru;
    std::unordered_map<std::string_view, Lru::iterator, KeyHash, std::equal_to<>> index;
    std::size_t capacity = 0;
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

    void store(std::string_view key, const OpenResult& result, Clock::time_point now) {
        const std::lock_guard lock(mutex);
        if (const auto it = index.find(key); it != index.end()) {
            it->second->result = result;
            it->second->checked = now;
            lru.splice(lru.begin(), lru, it->second);
            return;
        }
        lru.push_front(Entry{std::string(key), result, now});
        index.emplace(lru.front().key, lru.begin());
        while (lru.size() > capacity) {
            index.erase(lru.back().key);
            lru.pop_back();  // closes the handle unless a plan still holds it
        }
    }
};

FileCache::FileCache(const FileSystem& inner, Settings settings)
    : inner_(inner), settings_(settings), shards_(std::make_unique<Shard[]>(kShards)) {
    const std::size_t per_shard = std::max<std::size_t>(1, settings_.max_entries / kShards);
    for (std::size_t i = 0; i < kShards; ++i)
        shards_[i].capacity = per_shard;
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
    if (cacheable(result.error)) shard.store(relative, result, now);
    return result;
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
    return c;
}

}  // namespace tpserve::files
