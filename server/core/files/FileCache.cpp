#include "files/FileCache.h"

#include <algorithm>
#include <array>

#include "files/FileCacheShard.h"
#include "files/SiblingName.h"
#include "time/TurnClock.h"

namespace tpserve::files {

namespace {

using cache::Clock;
using cache::Key;
using cache::key_of;
constexpr std::size_t kShards = 16;
// Sibling names longer than this are rare: they skip the cache's sibling set.
constexpr std::size_t kMaxName = 1024;

bool cacheable(OpenError error) noexcept {
    return error == OpenError::None || error == OpenError::NotFound ||
           error == OpenError::Forbidden;
}

// Identifies a suffix list, so that siblings looked up for one list are
// never answered for another.
std::size_t tag_of(std::span<const std::string_view> suffixes) noexcept {
    std::size_t tag = suffixes.size();
    for (const std::string_view suffix : suffixes)
        tag = tag * 1'000'003u ^ std::hash<std::string_view>{}(suffix);
    return tag;
}

}  // namespace

struct FileCache::Shard : cache::Shard {};

FileCache::FileCache(const FileSystem& inner, Settings settings)
    : inner_(inner), settings_(settings), shards_(std::make_unique<Shard[]>(kShards)) {
    const std::size_t per_shard = std::max<std::size_t>(1, settings_.max_entries / kShards);
    const std::size_t open_per_shard = std::max<std::size_t>(1, settings_.max_open / kShards);
    for (std::size_t i = 0; i < kShards; ++i)
        shards_[i].configure(per_shard, open_per_shard, &bytes_used_);
}

FileCache::~FileCache() = default;

OpenResult FileCache::open(std::string_view relative) const {
    const Key key = key_of(relative);
    Shard& shard = shards_[key.hash % kShards];
    const Clock::time_point now = time::TurnClock::now();
    OpenResult result;
    if (shard.find(key, now, settings_.validity, result)) return result;
    watch_directory_of(relative);
    const std::uint64_t changes = shard.changes();
    std::uint64_t charged = 0;
    result = load(relative, shard, key, -1, charged);
    if (cacheable(result.error)) shard.store(key, result, now, charged, changes);
    return result;
}

void FileCache::open_siblings(std::string_view relative, std::span<const std::string_view> suffixes,
                              std::span<OpenResult> out) const {
    std::size_t longest = 0;
    for (const std::string_view suffix : suffixes)
        longest = std::max(longest, suffix.size());
    if (suffixes.size() > cache::kMaxSiblings || out.size() < suffixes.size() ||
        relative.size() + longest > kMaxName) {
        FileSystem::open_siblings(relative, suffixes, out);  // each through open()
        return;
    }
    out = out.first(suffixes.size());
    const Key key = key_of(relative);
    Shard& shard = shards_[key.hash % kShards];
    const std::size_t tag = tag_of(suffixes);
    const Clock::time_point now = time::TurnClock::now();
    if (shard.find_siblings(key, tag, now, settings_.validity, out)) return;
    watch_directory_of(relative);
    const std::uint64_t changes = shard.changes();
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init): written before it is read
    std::array<char, kMaxName> name;
    std::array<std::uint64_t, cache::kMaxSiblings> charged{};
    bool all_cacheable = true;
    for (std::size_t i = 0; i < suffixes.size(); ++i) {
        const std::string_view sibling = sibling_name(relative, suffixes[i], name);  // fits
        out[i] = load(sibling, shard, key, static_cast<int>(i), charged[i]);
        all_cacheable = all_cacheable && cacheable(out[i].error);
    }
    const std::span<const std::uint64_t> charges(charged.data(), suffixes.size());
    if (all_cacheable) {
        shard.store_siblings(key, tag, out, charges, now, changes);
    } else {
        for (const std::uint64_t bytes : charges)
            bytes_used_.fetch_sub(bytes, std::memory_order_relaxed);
    }
}

OpenResult FileCache::load(std::string_view path, Shard& shard, const cache::Key& key, int sibling,
                           std::uint64_t& charged) const {
    OpenResult result = inner_.open(path);
    if (result.error != OpenError::None || result.info.kind != FileKind::Regular) return result;
    result.validators.format(result.info);  // once per entry, not per response
    if (result.info.size == 0 || result.info.size > settings_.max_file_bytes) return result;
    result.bytes = shard.previous_bytes(key, sibling, result.info);
    if (!result.bytes) {
        fill_bytes(result);
        if (result.bytes) charged = result.info.size;
    }
    // Served from memory: the descriptor would only count against the
    // open-handle bound (and the process's limit) for nothing.
    if (result.bytes) result.file.reset();
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

void FileCache::watch_directory_of(std::string_view relative) const noexcept {
    if (watcher_ == nullptr) return;
    const std::size_t slash = relative.rfind('/');
    watcher_->watch(slash == std::string_view::npos ? std::string_view{}
                                                    : relative.substr(0, slash));
}

void FileCache::changed(std::string_view relative) noexcept {
    const Key key = key_of(relative);
    shards_[key.hash % kShards].forget(key);
    // It may be a sibling ("a.css.br" of "a.css"): siblings are kept with
    // the entry of the name without its last extension.
    const std::size_t dot = relative.rfind('.');
    const std::size_t slash = relative.rfind('/');
    if (dot == std::string_view::npos || dot == 0 ||
        (slash != std::string_view::npos && dot <= slash + 1)) {
        return;
    }
    const Key base = key_of(relative.substr(0, dot));
    shards_[base.hash % kShards].forget_siblings(base);
}

void FileCache::changed_everything() noexcept {
    for (std::size_t i = 0; i < kShards; ++i)
        shards_[i].forget_all();
}

OpenError FileCache::list(std::string_view relative, std::vector<DirEntry>& out) const {
    return inner_.list(relative, out);
}

bool FileCache::windows_names() const noexcept {
    return inner_.windows_names();
}

FileCache::Counters FileCache::counters() const {
    Counters c;
    for (std::size_t i = 0; i < kShards; ++i) {
        const Shard::Stats stats = shards_[i].stats();
        c.hits += stats.hits;
        c.misses += stats.misses;
        c.evictions += stats.evictions;
        c.entries += stats.entries;
    }
    c.bytes_in_memory = bytes_used_.load(std::memory_order_relaxed);
    return c;
}

}  // namespace tpserve::files
