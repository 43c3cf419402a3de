#pragma once
// files::DirectoryWatcher on Windows: one thread keeps an overlapped
// ReadDirectoryChangesW pending on the document root (the whole subtree) and
// answers every completion with listener.changed_everything(), never with
// changed(name). A request path names a file case-insensitively and possibly
// through its 8.3 alias ("INDEX~1.HTM"), so the name in a notice need not be
// the key the cache holds; telling the cache "everything" makes it
// re-validate each entry at its next use, which is cheap and always right.
// Wine 8.0 misses two kinds of change (its server/change.c): writes in a
// subdirectory that existed before the watch started (only directories made
// or opened later get an inotify watch), and removal of the root itself
// (nothing completes). The cache's validity window bounds both.
#include <array>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "files/ChangeWatch.h"
#include "platform/windows/UniqueHandle.h"
#include "platform/windows/Win32.h"

namespace tpserve::platform {

class DirectoryChangeWatcher final : public files::DirectoryWatcher {
    struct Key {};

public:
    // Opens `root_utf8` (as configured: may be relative or use '/') and
    // returns once the first read is pending, so any change after the return
    // is noticed. On failure returns nullptr and sets `error` to a message
    // with the Win32 error. Start-up only (allocates, starts a thread).
    static std::unique_ptr<DirectoryChangeWatcher> start(const std::string& root_utf8,
                                                         files::ChangeListener& listener,
                                                         std::string& error);

    DirectoryChangeWatcher(Key key, UniqueHandle directory, UniqueHandle completed,
                           UniqueHandle stop, files::ChangeListener& listener) noexcept;
    // Stops the thread and waits for it (and for its cancelled read): no
    // notice reaches the listener after this returns.
    ~DirectoryChangeWatcher() override;
    DirectoryChangeWatcher(const DirectoryChangeWatcher&) = delete;
    DirectoryChangeWatcher& operator=(const DirectoryChangeWatcher&) = delete;

    // The subtree is watched from the start: nothing to add.
    void watch(std::string_view /*directory*/) noexcept override {}

private:
    // The thread: issues the first read, reports its Win32 error (0 = ok)
    // through `started`, then loops until stop or a failed read.
    void run(std::promise<unsigned long>& started) noexcept;
    [[nodiscard]] bool read_changes() noexcept;
    void cancel_read() noexcept;

    files::ChangeListener& listener_;
    UniqueHandle directory_;
    UniqueHandle completed_;  // manual-reset, the OVERLAPPED's event
    UniqueHandle stop_;       // manual-reset, set by the destructor
    // Touched only by the thread, which alone issues and cancels the read:
    // a destructor cancelling by itself could race a re-issue and leave a
    // read pending on memory about to be freed.
    OVERLAPPED overlapped_{};
    // The records are never read, so the buffer only has to exist: when it
    // is too small the read completes with 0 bytes (ERROR_NOTIFY_ENUM_DIR),
    // which means the same "everything" to us. DWORD-aligned, as
    // ReadDirectoryChangesW requires.
    std::array<DWORD, 256> buffer_{};
    std::thread thread_;
};

}  // namespace tpserve::platform
