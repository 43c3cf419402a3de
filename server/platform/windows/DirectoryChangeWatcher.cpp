#include "platform/windows/DirectoryChangeWatcher.h"

#include <array>
#include <system_error>
#include <utility>

#include "platform/windows/Win32.h"
#include "platform/windows/WinPath.h"

namespace tpserve::platform {

namespace {

// Everything that can make a cached answer stale: a name appearing,
// disappearing or being renamed, its bytes, size, times or attributes
// (hidden, read-only) changing.
constexpr DWORD kFilter = FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME |
                          FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_SIZE |
                          FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_CREATION;
// Others may rename, replace or delete anything beneath the root while it
// is watched, as they may while it is served.
constexpr DWORD kShare = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

std::string failure(const std::string& root, const char* what, DWORD error) {
    return "cannot watch document root '" + root + "' for changes: " + what +
           " failed, Windows error " + std::to_string(error);
}

UniqueHandle manual_reset_event() noexcept {
    return UniqueHandle(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
}

}  // namespace

std::unique_ptr<DirectoryChangeWatcher> DirectoryChangeWatcher::start(
    const std::string& root_utf8, files::ChangeListener& listener, std::string& error) {
    // UTF-16 never needs more units than UTF-8 has bytes.
    std::wstring wide(root_utf8.size(), L'\0');
    const std::ptrdiff_t n = winpath::utf8_to_wide(root_utf8, wide.data(), root_utf8.size());
    if (n <= 0) {
        error = "document root '" + root_utf8 + "' is not a valid UTF-8 path";
        return nullptr;
    }
    wide.resize(static_cast<std::size_t>(n));
    // BACKUP_SEMANTICS is what lets CreateFileW open a directory.
    UniqueHandle directory(
        ::CreateFileW(wide.c_str(), FILE_LIST_DIRECTORY, kShare, nullptr, OPEN_EXISTING,
                      FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED, nullptr));
    if (!directory) {
        error = failure(root_utf8, "CreateFileW", ::GetLastError());
        return nullptr;
    }
    UniqueHandle completed = manual_reset_event();
    UniqueHandle stop = manual_reset_event();
    if (!completed || !stop) {
        error = failure(root_utf8, "CreateEventW", ::GetLastError());
        return nullptr;
    }
    auto watcher = std::make_unique<DirectoryChangeWatcher>(
        Key{}, std::move(directory), std::move(completed), std::move(stop), listener);
    // The thread issues the first read, not this one: Windows cancels a
    // thread's pending I/O when that thread exits, and the caller's may. The
    // promise is moved into the thread because set_value may still be
    // running when get() below returns.
    std::promise<unsigned long> started;
    std::future<unsigned long> result = started.get_future();
    try {
        watcher->thread_ =
            std::thread([&w = *watcher, p = std::move(started)]() mutable { w.run(p); });
    } catch (const std::system_error& e) {
        error = "cannot watch document root '" + root_utf8 + "' for changes: " + e.what();
        return nullptr;
    }
    const unsigned long read_error = result.get();
    if (read_error != ERROR_SUCCESS) {
        error = failure(root_utf8, "ReadDirectoryChangesW", read_error);
        return nullptr;  // the thread has already ended; the destructor joins it
    }
    return watcher;
}

DirectoryChangeWatcher::DirectoryChangeWatcher(Key /*key*/, UniqueHandle directory,
                                               UniqueHandle completed, UniqueHandle stop,
                                               files::ChangeListener& listener) noexcept
    : listener_(listener),
      directory_(std::move(directory)),
      completed_(std::move(completed)),
      stop_(std::move(stop)) {}

DirectoryChangeWatcher::~DirectoryChangeWatcher() {
    // The thread sees the stop event, cancels its pending read, waits for
    // the cancellation to land and ends; only then may the handles close.
    ::SetEvent(stop_.get());
    if (thread_.joinable()) thread_.join();
}

void DirectoryChangeWatcher::run(std::promise<unsigned long>& started) noexcept {
    if (!read_changes()) {
        started.set_value(::GetLastError());
        return;
    }
    started.set_value(ERROR_SUCCESS);
    // Stop first: when both are set, stopping wins and no notice follows.
    const std::array<HANDLE, 2> events{stop_.get(), completed_.get()};
    for (;;) {
        const DWORD woke = ::WaitForMultipleObjects(static_cast<DWORD>(events.size()),
                                                    events.data(), FALSE, INFINITE);
        if (woke != WAIT_OBJECT_0 + 1) {
            cancel_read();
            if (woke != WAIT_OBJECT_0) listener_.changed_everything();  // the wait failed
            return;
        }
        DWORD bytes = 0;
        // An overflow (more changes than the buffer holds) completes with 0
        // bytes and ERROR_NOTIFY_ENUM_DIR (measured under Wine 8.0); it is
        // a change like any other, not a failure.
        const bool ok = ::GetOverlappedResult(directory_.get(), &overlapped_, &bytes, FALSE) ||
                        ::GetLastError() == ERROR_NOTIFY_ENUM_DIR;
        // Re-issued before telling the listener; changes in between are
        // queued by the system on the handle, not lost. A failed read (the
        // root deleted or renamed away, a share gone) ends the notices: the
        // cache's validity window is the bound again.
        const bool again = ok && read_changes();
        listener_.changed_everything();
        if (!again) return;
    }
}

bool DirectoryChangeWatcher::read_changes() noexcept {
    overlapped_ = OVERLAPPED{};
    overlapped_.hEvent = completed_.get();
    ::ResetEvent(completed_.get());
    const BOOL ok = ::ReadDirectoryChangesW(directory_.get(), buffer_.data(),
                                            static_cast<DWORD>(sizeof(buffer_)), TRUE, kFilter,
                                            nullptr, &overlapped_, nullptr);
    return ok || ::GetLastError() == ERROR_IO_PENDING;
}

void DirectoryChangeWatcher::cancel_read() noexcept {
    // ERROR_NOT_FOUND from CancelIoEx means the read already completed; the
    // wait below returns at once then.
    ::CancelIoEx(directory_.get(), &overlapped_);
    DWORD bytes = 0;
    ::GetOverlappedResult(directory_.get(), &overlapped_, &bytes, TRUE);
}

}  // namespace tpserve::platform
