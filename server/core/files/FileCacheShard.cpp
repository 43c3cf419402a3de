#include "files/FileCacheShard.h"

#include <algorithm>
#include <iterator>

namespace tpserve::files::cache {

bool same_file(const FileInfo& a, const FileInfo& b) noexcept {
    return a.kind == b.kind && a.size == b.size && a.inode == b.inode &&
           a.mtime_sec == b.mtime_sec && a.mtime_nsec == b.mtime_nsec;
}

void Shard::configure(std::size_t capacity, std::size_t open_capacity,
                      std::atomic<std::uint64_t>* bytes_used) noexcept {
    capacity_ = capacity;
    open_capacity_ = open_capacity;
    bytes_used_ = bytes_used;
}

void Shard::forget(const Key& key) noexcept {
    const std::lock_guard lock(mutex_);
    changes_.fetch_add(1, std::memory_order_release);
    if (const auto it = index_.find(key); it != index_.end()) {
        it->second->changed = true;
        it->second->siblings.count = 0;
    }
}

void Shard::forget_siblings(const Key& key) noexcept {
    const std::lock_guard lock(mutex_);
    changes_.fetch_add(1, std::memory_order_release);
    if (const auto it = index_.find(key); it != index_.end()) it->second->siblings.count = 0;
}

void Shard::forget_all() noexcept {
    const std::lock_guard lock(mutex_);
    changes_.fetch_add(1, std::memory_order_release);
    for (Entry& entry : lru_) {
        entry.changed = true;
        entry.siblings.count = 0;
    }
}

bool Shard::find(const Key& key, Clock::time_point now, Clock::duration validity, OpenResult& out) {
    const std::lock_guard lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end() || it->second->changed || now - it->second->checked > validity) {
        ++misses_;
        return false;
    }
    ++hits_;
    it->second->referenced = true;
    out = it->second->main.result;
    return true;
}

bool Shard::find_siblings(const Key& key, std::size_t tag, Clock::time_point now,
                          Clock::duration validity, std::span<OpenResult> out) {
    const std::lock_guard lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end()) {
        ++misses_;
        return false;
    }
    const Siblings& siblings = it->second->siblings;
    if (siblings.count == 0 || siblings.tag != tag || siblings.count != out.size() ||
        now - siblings.checked > validity) {
        ++misses_;
        return false;
    }
    ++hits_;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (siblings.found) {
            out[i] = (*siblings.found)[i].result;
        } else {
            out[i] = OpenResult{};
            out[i].error = OpenError::NotFound;
        }
    }
    return true;
}

std::shared_ptr<const std::byte[]> Shard::previous_bytes(const Key& key, int sibling,
                                                         const FileInfo& info) {
    const std::lock_guard lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    const Entry& entry = *it->second;
    const Cached* cached = &entry.main;
    if (sibling >= 0) {
        const auto i = static_cast<std::size_t>(sibling);
        if (!entry.siblings.found || i >= entry.siblings.count) return nullptr;
        cached = &(*entry.siblings.found)[i];
    }
    if (!cached->result.bytes || !same_file(cached->result.info, info)) return nullptr;
    return cached->result.bytes;
}

void Shard::store(const Key& key, const OpenResult& result, Clock::time_point now,
                  std::uint64_t charged, std::uint64_t changes_seen) {
    const std::lock_guard lock(mutex_);
    // A notice since the open may be about this file: keep the result (its
    // bytes can still be reused) but open the path again at its next use.
    const bool changed = changes_.load(std::memory_order_relaxed) != changes_seen;
    if (const auto it = index_.find(key); it != index_.end()) {
        Entry& entry = *it->second;
        replace(entry.main, result, charged);
        entry.checked = now;
        entry.referenced = true;
        entry.changed = changed;
        lru_.splice(lru_.begin(), lru_, it->second);
    } else {
        lru_.push_front(Entry{std::string(key.text), key.hash, {}, now, {}, false, changed});
        replace(lru_.front().main, result, charged);
        index_.emplace(Key{lru_.front().key, key.hash}, lru_.begin());
    }
    evict();
}

void Shard::store_siblings(const Key& key, std::size_t tag, std::span<const OpenResult> results,
                           std::span<const std::uint64_t> charged, Clock::time_point now,
                           std::uint64_t changes_seen) {
    const std::lock_guard lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end() || results.size() > kMaxSiblings ||
        changes_.load(std::memory_order_relaxed) != changes_seen) {
        for (const std::uint64_t bytes : charged)
            uncharge(bytes);
        return;
    }
    Entry& entry = *it->second;
    Siblings& siblings = entry.siblings;
    const bool any = std::any_of(results.begin(), results.end(), [](const OpenResult& r) {
        return r.error != OpenError::NotFound;
    });
    if (any && !siblings.found)
        siblings.found = std::make_unique<std::array<Cached, kMaxSiblings>>();
    if (siblings.found) {
        for (std::size_t i = 0; i < kMaxSiblings; ++i) {
            replace((*siblings.found)[i], any && i < results.size() ? results[i] : OpenResult{},
                    any && i < charged.size() ? charged[i] : 0);
        }
        if (!any) siblings.found.reset();
    }
    siblings.count = results.size();
    siblings.tag = tag;
    siblings.checked = now;
    evict();  // the siblings' handles count against the bound too
}

void Shard::replace(Cached& slot, const OpenResult& fresh, std::uint64_t charged) noexcept {
    if (fresh.bytes && fresh.bytes == slot.result.bytes) {
        charged += slot.charged;  // the same memory, counted once
    } else {
        uncharge(slot.charged);
    }
    open_ -= slot.result.file ? 1 : 0;
    open_ += fresh.file ? 1 : 0;
    slot.result = fresh;
    slot.charged = charged;
}

void Shard::release(Entry& entry) noexcept {
    replace(entry.main, OpenResult{}, 0);
    if (entry.siblings.found) {
        for (Cached& sibling : *entry.siblings.found)
            replace(sibling, OpenResult{}, 0);
    }
}

void Shard::uncharge(std::uint64_t bytes) const noexcept {
    if (bytes != 0) bytes_used_->fetch_sub(bytes, std::memory_order_relaxed);
}

// Until within bounds: the oldest entry not hit since the last pass goes
// (closing its handles unless a plan still holds them); one that was hit is
// moved behind the newest with its bit cleared. The newest (just stored)
// stays, and the loop ends: each entry gets at most one second chance.
void Shard::evict() {
    auto over = [this] { return lru_.size() > capacity_ || open_ > open_capacity_; };
    for (std::size_t chances = lru_.size(); lru_.size() > 1 && over();) {
        Entry& last = lru_.back();
        if (last.referenced && chances > 0) {
            --chances;
            last.referenced = false;
            lru_.splice(std::next(lru_.begin()), lru_, std::prev(lru_.end()));
            continue;
        }
        release(last);
        index_.erase(Key{last.key, last.hash});
        lru_.pop_back();
        ++evictions_;
    }
}

Shard::Stats Shard::stats() const {
    const std::lock_guard lock(mutex_);
    return Stats{hits_, misses_, evictions_, lru_.size()};
}

}  // namespace tpserve::files::cache
