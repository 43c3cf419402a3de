#pragma once
// The access log. Worker threads call write() once per finished request;
// a single writer thread owned by the AccessLog does all the I/O.
//
// How a line travels: write() formats it into a per-thread line buffer (no
// lock), then appends it to this thread's chunk (a 64 KiB block; a mutex only
// that thread and the writer ever take). A full chunk is queued for the
// writer; the writer also collects partly filled chunks every ~100 ms, so a
// quiet server's lines still show up. Chunks are recycled, so once the pool
// has grown to the traffic's size nothing is allocated. If the writer falls
// so far behind that the pool reaches its cap, lines are dropped and counted
// (dropped()) rather than stalling a worker.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "log/AccessFormat.h"
#include "log/AccessRecord.h"

namespace tpserve::log {

struct AccessLogState;  // defined in AccessLog.cpp

class AccessLog {
    struct Key {};  // only open() can name it, so only open() constructs

public:
    static constexpr std::size_t kDefaultMaxBufferBytes = 16u << 20;

    // destination: "off", "stdout", "stderr" or a file path (opened for append,
    // created if missing). Returns nullptr and fills `error` on failure.
    // `max_buffer_bytes` caps the memory of lines waiting for the writer.
    // For W3c, the #Software/#Version/#Date/#Fields directives are written
    // (and flushed) before open() returns, every time it opens a destination
    // other than "off"; `software` is the #Software value ("tpserve 0.1.0").
    // One AccessLog per destination: two logs on the same file interleave
    // their chunks and, for W3c, repeat the directives.
    static std::unique_ptr<AccessLog> open(const std::string& destination, AccessFormat format,
                                           std::string& error,
                                           std::size_t max_buffer_bytes = kDefaultMaxBufferBytes,
                                           std::string_view software = "tpserve");
    // The combined format (kept for existing callers).
    static std::unique_ptr<AccessLog> open(const std::string& destination, std::string& error,
                                           std::size_t max_buffer_bytes = kDefaultMaxBufferBytes);

    AccessLog(Key, std::unique_ptr<AccessLogState> state) noexcept;
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;
    // Flushes, stops and joins the writer, closes a file it opened. Every
    // write() must have returned before destruction.
    ~AccessLog();

    // False for "off": write() then does nothing and callers may skip building records.
    [[nodiscard]] bool enabled() const noexcept;
    [[nodiscard]] AccessFormat format() const noexcept;

    // Thread-safe; never blocks on I/O; no allocation once this thread has
    // written its first line.
    void write(const AccessRecord& record) noexcept;

    // Blocks until every line written (by any thread) before the call has
    // reached the destination (fwrite + fflush). For shutdown and tests.
    void flush() noexcept;

    // Opens a file destination again by its path (log rotation, SIGUSR1;
    // "off", stdout, stderr: nothing). Never blocks: the writer thread does
    // it after writing the lines collected so far, between whole chunks, so
    // every line lands whole in exactly one of the two files. A W3C log's new
    // file starts with the directives. If the path cannot be opened, the old
    // file stays in use and the error log says why. Thread-safe.
    void reopen() noexcept;

    // Lines dropped because the writer fell behind (or failed to allocate).
    [[nodiscard]] std::uint64_t dropped() const noexcept;

private:
    std::unique_ptr<AccessLogState> state_;
};

}  // namespace tpserve::log
