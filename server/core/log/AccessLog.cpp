#include "log/AccessLog.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "log/AccessLine.h"
#include "log/ErrorLog.h"
#include "log/LogFile.h"

namespace tpserve::log {

namespace {

constexpr std::size_t kChunkBytes = std::size_t{64} * 1024;
constexpr std::size_t kMinChunks = 4;
constexpr auto kSweepInterval = std::chrono::milliseconds(100);

struct Chunk {
    std::unique_ptr<char[]> data = std::make_unique<char[]>(kChunkBytes);
    std::size_t used = 0;
};

// One per (thread, AccessLog): the chunk that thread is filling. Its mutex is
// taken by the owning thread on every write and by the writer every sweep.
struct Slot {
    std::mutex mutex;
    Chunk* current = nullptr;
};

// A distinct id per AccessLog ever made, for the per-thread slot cache.
std::uint64_t next_log_id() noexcept {
    static std::atomic<std::uint64_t> next{1};
    return next.fetch_add(1);
}

void report_failure(const char* what, const char* reason) noexcept {
    try {
        error(std::string(what) + reason);
    } catch (...) {  // out of memory while reporting: nothing better to do
    }
}

}  // namespace

struct AccessLogState {
    std::uint64_t id = next_log_id();
    // Fixed once open() returns, so write() reads it without a lock.
    bool enabled = false;  // false: "off"
    AccessFormat format = AccessFormat::Combined;
    std::string software;  // the W3C #Software value, for every header
    // The writer thread's alone once it runs (reopen() swaps it there).
    LogFile out;
    std::size_t max_chunks = kMinChunks;
    std::atomic<std::uint64_t> dropped{0};

    // Lock order: slots_mutex -> Slot::mutex -> pool_mutex.
    std::mutex slots_mutex;
    std::vector<std::unique_ptr<Slot>> slots;

    std::mutex pool_mutex;
    std::condition_variable wake_writer;
    std::condition_variable flushed;
    std::vector<std::unique_ptr<Chunk>> all_chunks;  // owns every chunk
    std::vector<Chunk*> free_chunks;                 // capacity max_chunks: push never allocates
    std::vector<Chunk*> pending;                     // FIFO for the writer, same capacity
    std::uint64_t flush_requested = 0, flush_done = 0;
    bool stop = false;
    bool reopen_requested = false;
    bool write_failed = false;  // writer thread only

    std::thread writer;

    Slot* slot_for_this_thread() noexcept;
    Chunk* take_free_chunk() noexcept;   // pool_mutex held
    void submit(Chunk* chunk) noexcept;  // pool_mutex held
    void writer_loop() noexcept;
    void sweep() noexcept;
    void write_out(std::vector<Chunk*>& batch) noexcept;
    void reopen_out() noexcept;
    bool write_header(std::string& error) const;
};

Slot* AccessLogState::slot_for_this_thread() noexcept {
    // A few logs per thread at most (tests make several); ids are never reused,
    // so a stale entry for a destroyed log can never match.
    struct Entry {
        std::uint64_t log_id = 0;
        Slot* slot = nullptr;
    };
    constexpr std::size_t kEntries = 4;
    thread_local Entry cache[kEntries];
    thread_local std::size_t next_victim = 0;
    for (const Entry& e : cache) {
        if (e.log_id == id) return e.slot;
    }
    Slot* slot = nullptr;
    try {
        auto fresh = std::make_unique<Slot>();
        // Each thread may hold a partly filled chunk, so grow the pool with the threads.
        constexpr int kExtra = 2;
        std::vector<std::unique_ptr<Chunk>> extra;
        extra.reserve(kExtra);
        for (int i = 0; i < kExtra; ++i)
            extra.push_back(std::make_unique<Chunk>());
        {
            const std::lock_guard lock(slots_mutex);
            slots.push_back(std::move(fresh));
            slot = slots.back().get();
        }
        // Nothing below can throw: both vectors were reserved to max_chunks.
        const std::lock_guard lock(pool_mutex);
        for (auto& c : extra) {
            if (all_chunks.size() >= max_chunks) break;
            free_chunks.push_back(c.get());
            all_chunks.push_back(std::move(c));
        }
    } catch (...) {
        return nullptr;
    }
    cache[next_victim] = Entry{id, slot};
    next_victim = (next_victim + 1) % kEntries;
    return slot;
}

Chunk* AccessLogState::take_free_chunk() noexcept {
    if (!free_chunks.empty()) {
        Chunk* c = free_chunks.back();
        free_chunks.pop_back();
        return c;
    }
    if (all_chunks.size() >= max_chunks) return nullptr;
    // Growing under the lock is rare (a burst beyond anything seen so far).
    try {
        all_chunks.push_back(std::make_unique<Chunk>());
        return all_chunks.back().get();
    } catch (...) {
        return nullptr;
    }
}

void AccessLogState::submit(Chunk* chunk) noexcept {
    pending.push_back(chunk);  // capacity reserved: cannot throw
    wake_writer.notify_one();
}

void AccessLogState::sweep() noexcept {
    // Partly filled chunks go through the same FIFO as full ones, so each
    // thread's lines keep their order.
    const std::lock_guard slots_lock(slots_mutex);
    for (auto& slot : slots) {
        const std::lock_guard slot_lock(slot->mutex);
        if (slot->current == nullptr || slot->current->used == 0) continue;
        const std::lock_guard pool_lock(pool_mutex);
        pending.push_back(slot->current);
        slot->current = nullptr;
    }
}

void AccessLogState::write_out(std::vector<Chunk*>& batch) noexcept {
    for (Chunk* c : batch) {
        if (c->used > 0 && std::fwrite(c->data.get(), 1, c->used, out.get()) != c->used &&
            !write_failed) {
            write_failed = true;  // report once, not once per chunk
            report_failure("access log: write failed: ", std::strerror(errno));
        }
        c->used = 0;
    }
    if (!batch.empty() && std::fflush(out.get()) != 0 && !write_failed) {
        write_failed = true;
        report_failure("access log: flush failed: ", std::strerror(errno));
    }
}

bool AccessLogState::write_header(std::string& error) const {
    if (format != AccessFormat::W3c) return true;
    // Every file begins with the directives (a reader of a file appended to
    // across restarts or rotations sees where each run's lines begin, as
    // with IIS).
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const std::string header =
        w3c_header(software, std::chrono::duration_cast<std::chrono::seconds>(now).count());
    if (std::fwrite(header.data(), 1, header.size(), out.get()) != header.size() ||
        std::fflush(out.get()) != 0) {
        error = "cannot write to '" + out.path() + "': " + std::strerror(errno);
        return false;
    }
    return true;
}

// On the writer thread, after a batch was written and flushed: every chunk
// (so every line) went whole to the old file, the next ones go to the new.
void AccessLogState::reopen_out() noexcept {
    try {
        std::string why;
        if (!out.reopen(why)) {
            error("access log: reopen failed, still writing to the old file: " + why);
            return;
        }
        write_failed = false;  // a new file: report its first failure again
        if (!write_header(why)) error("access log: " + why);
    } catch (...) {  // out of memory building a message: nothing better to do
    }
}

void AccessLogState::writer_loop() noexcept {
    std::vector<Chunk*> batch;
    batch.reserve(max_chunks);
    auto last_sweep = std::chrono::steady_clock::now();
    for (;;) {
        std::uint64_t flush_ticket = 0;
        bool stopping = false;
        bool reopening = false;
        {
            std::unique_lock lock(pool_mutex);
            wake_writer.wait_for(lock, kSweepInterval, [&] {
                return !pending.empty() || stop || reopen_requested ||
                       flush_requested != flush_done;
            });
            flush_ticket = flush_requested;
            stopping = stop;
            reopening = std::exchange(reopen_requested, false);
        }
        const auto now = std::chrono::steady_clock::now();
        // Before a reopen, the lines written so far go to the old file.
        const bool must_sweep = stopping || reopening || flush_ticket != flush_done;
        if (must_sweep || now - last_sweep >= kSweepInterval) {
            sweep();
            last_sweep = now;
        }
        {
            const std::lock_guard lock(pool_mutex);
            batch.swap(pending);  // both reserved to max_chunks: no allocation
        }
        write_out(batch);
        if (reopening) reopen_out();
        {
            const std::lock_guard lock(pool_mutex);
            for (Chunk* c : batch)
                free_chunks.push_back(c);
            batch.clear();
            flush_done = flush_ticket;
        }
        flushed.notify_all();
        if (stopping) return;
    }
}

AccessLog::AccessLog(Key, std::unique_ptr<AccessLogState> state) noexcept
    : state_(std::move(state)) {}

std::unique_ptr<AccessLog> AccessLog::open(const std::string& destination, std::string& error,
                                           std::size_t max_buffer_bytes) {
    return open(destination, AccessFormat::Combined, error, max_buffer_bytes);
}

std::unique_ptr<AccessLog> AccessLog::open(const std::string& destination, AccessFormat format,
                                           std::string& error, std::size_t max_buffer_bytes,
                                           std::string_view software) {
    try {
        auto state = std::make_unique<AccessLogState>();
        state->format = format;
        state->software = software;
        if (destination == "off") return std::make_unique<AccessLog>(Key{}, std::move(state));
        if (!state->out.open(destination, "ab", error)) {
            error.insert(0, "access log: ");
            return nullptr;
        }
        state->enabled = true;
        // From here the AccessLog owns the file: an early return closes it.
        auto log = std::make_unique<AccessLog>(Key{}, std::move(state));
        AccessLogState& s = *log->state_;
        // Written before the writer starts, so it precedes every line.
        if (!s.write_header(error)) {
            error.insert(0, "access log: ");
            return nullptr;
        }
        s.max_chunks = std::max(kMinChunks, max_buffer_bytes / kChunkBytes);
        s.all_chunks.reserve(s.max_chunks);
        s.free_chunks.reserve(s.max_chunks);
        s.pending.reserve(s.max_chunks);
        for (std::size_t i = 0; i < kMinChunks; ++i) {
            s.all_chunks.push_back(std::make_unique<Chunk>());
            s.free_chunks.push_back(s.all_chunks.back().get());
        }
        s.writer = std::thread([&s] { s.writer_loop(); });
        return log;
    } catch (const std::exception& e) {
        error = std::string("access log: ") + e.what();
        return nullptr;
    }
}

AccessLog::~AccessLog() {
    if (state_->writer.joinable()) {
        {
            const std::lock_guard lock(state_->pool_mutex);
            state_->stop = true;
        }
        state_->wake_writer.notify_one();
        state_->writer.join();
    }
}

bool AccessLog::enabled() const noexcept {
    return state_->enabled;
}

AccessFormat AccessLog::format() const noexcept {
    return state_->format;
}

std::uint64_t AccessLog::dropped() const noexcept {
    return state_->dropped.load(std::memory_order_relaxed);
}

void AccessLog::write(const AccessRecord& record) noexcept {
    AccessLogState& s = *state_;
    if (!s.enabled) return;
    thread_local char line[kMaxAccessLine];
    const std::size_t len = format_access_line(s.format, record, line);

    Slot* slot = s.slot_for_this_thread();
    if (slot == nullptr) {
        s.dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    const std::lock_guard slot_lock(slot->mutex);
    if (slot->current != nullptr && slot->current->used + len > kChunkBytes) {
        const std::lock_guard pool_lock(s.pool_mutex);
        s.submit(slot->current);
        slot->current = s.take_free_chunk();
    } else if (slot->current == nullptr) {
        const std::lock_guard pool_lock(s.pool_mutex);
        slot->current = s.take_free_chunk();
    }
    if (slot->current == nullptr) {
        s.dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    std::memcpy(slot->current->data.get() + slot->current->used, line, len);
    slot->current->used += len;
}

void AccessLog::flush() noexcept {
    AccessLogState& s = *state_;
    if (!s.enabled || !s.writer.joinable()) return;
    std::unique_lock lock(s.pool_mutex);
    const std::uint64_t ticket = ++s.flush_requested;
    s.wake_writer.notify_one();
    s.flushed.wait(lock, [&] { return s.flush_done >= ticket; });
}

void AccessLog::reopen() noexcept {
    AccessLogState& s = *state_;
    if (!s.out.is_path() || !s.writer.joinable()) return;
    {
        const std::lock_guard lock(s.pool_mutex);
        s.reopen_requested = true;
    }
    s.wake_writer.notify_one();
}

}  // namespace tpserve::log
