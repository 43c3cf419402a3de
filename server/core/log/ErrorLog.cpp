#include "log/ErrorLog.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <utility>

#include "log/CivilTime.h"
#include "log/LogFile.h"

namespace tpserve::log {

namespace {

struct Sink {
    std::mutex mutex;
    LogFile file;  // no destination until configure(): stderr
    std::atomic<int> min_level{static_cast<int>(config::LogLevel::Info)};
};

// A function-local static so logging from other static initializers works.
Sink& sink() noexcept {
    static Sink s;
    return s;
}

// Appends `message` escaped; returns the new length (never beyond `cap`).
std::size_t append_escaped(char* out, std::size_t len, std::size_t cap,
                           std::string_view message) noexcept {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const char ch : message) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x7F || c == '\\') {
            if (len + 4 > cap) break;
            out[len++] = '\\';
            out[len++] = 'x';
            out[len++] = kHex[c >> 4];
            out[len++] = kHex[c & 0xF];
        } else {
            if (len + 1 > cap) break;
            out[len++] = ch;
        }
    }
    return len;
}

}  // namespace

std::string_view level_name(config::LogLevel level) noexcept {
    switch (level) {
        case config::LogLevel::Debug:
            return "debug";
        case config::LogLevel::Info:
            return "info";
        case config::LogLevel::Warn:
            return "warn";
        case config::LogLevel::Error:
            return "error";
    }
    return "unknown";
}

bool configure(config::LogLevel level, const std::string& destination, std::string& error) {
    // "a": text mode, as before LogFile (on Windows lines end in CRLF).
    LogFile file;
    if (!file.open(destination, "a", error)) {
        error.insert(0, "error log: ");
        return false;
    }
    Sink& s = sink();
    {
        const std::lock_guard lock(s.mutex);
        std::swap(s.file, file);
        s.min_level.store(static_cast<int>(level), std::memory_order_relaxed);
    }
    return true;  // `file` now holds the previous destination and closes it, unlocked
}

void reopen() noexcept {
    Sink& s = sink();
    try {
        std::string why;
        bool reopened = false;
        {
            // Under the mutex every line is written and flushed whole, so the
            // switch falls between two lines.
            const std::lock_guard lock(s.mutex);
            reopened = s.file.reopen(why);
        }
        if (!reopened) error("error log: reopen failed, still writing to the old file: " + why);
    } catch (...) {  // out of memory building the message: the old file stays, unreported
    }
}

bool enabled(config::LogLevel level) noexcept {
    return static_cast<int>(level) >= sink().min_level.load(std::memory_order_relaxed);
}

void log(config::LogLevel level, std::string_view message) noexcept {
    if (!enabled(level)) return;
    // A fixed buffer: no allocation, and an absurdly long message is cut, not lost.
    constexpr std::size_t kCap = 4096;
    char line[kCap];
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    format_iso8601(std::chrono::duration_cast<std::chrono::seconds>(now).count(), line);
    std::size_t len = kIsoLength;
    line[len++] = ' ';
    line[len++] = '[';
    const std::string_view name = level_name(level);
    std::memcpy(line + len, name.data(), name.size());
    len += name.size();
    line[len++] = ']';
    line[len++] = ' ';
    len = append_escaped(line, len, kCap - 1, message);
    line[len++] = '\n';

    Sink& s = sink();
    const std::lock_guard lock(s.mutex);
    std::FILE* f = s.file.get() != nullptr ? s.file.get() : stderr;
    (void)std::fwrite(line, 1, len, f);
    (void)std::fflush(f);
}

}  // namespace tpserve::log
