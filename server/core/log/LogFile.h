#pragma once
// Where a log's lines go: standard output, standard error, or a file opened
// for append by its path. A file can be opened again by the same path, which
// is how a log follows a rotation: logrotate renames `access.log` to
// `access.log.1` (the open stream keeps writing there) and then asks for a
// reopen (SIGUSR1), which creates a fresh `access.log`.
//
// Not thread-safe: its owner serialises every use (the access log's writer
// thread, the error log's mutex).
#include <cstdio>
#include <string>

namespace tpserve::log {

class LogFile {
public:
    LogFile() noexcept = default;  // no destination: get() is null
    LogFile(LogFile&& other) noexcept;
    LogFile& operator=(LogFile&& other) noexcept;
    LogFile(const LogFile&) = delete;
    LogFile& operator=(const LogFile&) = delete;
    ~LogFile();  // closes a file it opened (never stdout/stderr)

    // `destination`: "stdout", "stderr" or a file path, opened with fopen's
    // `mode` ("a" or "ab": O_WRONLY|O_CREAT|O_APPEND, a new file 0666 less the
    // umask). On failure returns false and sets `error` ("cannot open 'PATH':
    // reason"); this object is then unchanged.
    bool open(const std::string& destination, const char* mode, std::string& error);

    // Opens the path again with the same mode; on success the old stream is
    // closed and get() returns the new one. Nothing to do (true) for stdout,
    // stderr and no destination. On failure returns false, sets `error`, and
    // the old stream stays in use, so no line is lost.
    bool reopen(std::string& error);

    [[nodiscard]] std::FILE* get() const noexcept { return file_; }
    // True for a file path (what reopen() acts on).
    [[nodiscard]] bool is_path() const noexcept { return owned_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    void close() noexcept;

    std::FILE* file_ = nullptr;
    bool owned_ = false;  // opened here, so closed here
    const char* mode_ = "a";
    std::string path_;
};

}  // namespace tpserve::log
