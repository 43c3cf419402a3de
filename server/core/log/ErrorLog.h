#pragma once
// The process-wide error log: start-up problems, I/O failures, anything an
// operator must see. Not on the per-request hot path (it takes a mutex and
// flushes every line), so call it for events, not for every request.
//
// Lines look like "2026-11-25T08:00:00Z [info] message\n". Control bytes,
// '\' and bytes >= 0x7F in the message are written as \xHH, so a message
// quoting client input can never forge a line.
//
// Thread-safety: every function may be called from any thread at any time.
// Until configure() succeeds, messages at Info and above go to stderr.
#include <string>
#include <string_view>

#include "config/Config.h"

namespace tpserve::log {

// Opens `destination` ("stderr", "stdout" or a file path, opened for append)
// and sets the minimum level. On failure returns false, fills `error`, and
// keeps the previous destination. Meant to be called once at start-up
// (calling it again switches destination; a file it opened is closed).
bool configure(config::LogLevel level, const std::string& destination, std::string& error);

// Opens the file destination again by its path (log rotation, SIGUSR1):
// the line being written finishes in the old file, the next one goes to the
// new. stdout/stderr: nothing. On failure the old file stays in use and an
// error line says why. Never throws; may be called from any thread.
void reopen() noexcept;

// True when a message at `level` would be written: lets callers skip
// building expensive messages. Lock-free.
[[nodiscard]] bool enabled(config::LogLevel level) noexcept;

// Writes one line if `level` is enabled. Never throws; a failed write is lost.
void log(config::LogLevel level, std::string_view message) noexcept;

inline void debug(std::string_view message) noexcept {
    log(config::LogLevel::Debug, message);
}
inline void info(std::string_view message) noexcept {
    log(config::LogLevel::Info, message);
}
inline void warn(std::string_view message) noexcept {
    log(config::LogLevel::Warn, message);
}
inline void error(std::string_view message) noexcept {
    log(config::LogLevel::Error, message);
}

// The level's name as written in lines and in the config ("debug", "info", "warn", "error").
[[nodiscard]] std::string_view level_name(config::LogLevel level) noexcept;

}  // namespace tpserve::log
