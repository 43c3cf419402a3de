#include "platform/linux/InotifyWatcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "log/ErrorLog.h"

namespace tpserve::platform {

namespace {

// Everything that can change what a path opens to. IN_MODIFY as well as
// IN_CLOSE_WRITE: a writer that keeps its file open is still noticed.
constexpr std::uint32_t kEvents = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY |
                                  IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF |
                                  IN_ONLYDIR | IN_EXCL_UNLINK;
// Entries beneath a directory that changed this way may resolve differently.
constexpr std::uint32_t kSubtreeEvents =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB;

std::string_view parent_of(std::string_view directory) noexcept {
    const std::size_t slash = directory.rfind('/');
    return slash == std::string_view::npos ? std::string_view{} : directory.substr(0, slash);
}

}  // namespace

std::unique_ptr<InotifyWatcher> InotifyWatcher::start(const std::string& root,
                                                      files::ChangeListener& listener,
                                                      std::string& error) {
    UniqueFd inotify(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!inotify) {
        error = std::string("inotify_init1: ") + std::strerror(errno);
        return nullptr;
    }
    UniqueFd wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!wake) {
        error = std::string("eventfd: ") + std::strerror(errno);
        return nullptr;
    }
    // Absolute, so that watches added later do not depend on the working directory.
    char real[PATH_MAX];
    std::string absolute = ::realpath(root.c_str(), real) != nullptr ? real : root;
    auto watcher = std::make_unique<InotifyWatcher>(std::move(inotify), std::move(wake),
                                                    std::move(absolute), listener);
    watcher->watch("");
    if (watcher->watched() == 0) {
        error = "cannot watch '" + root + "': " + std::strerror(watcher->last_error_);
        return nullptr;
    }
    return watcher;
}

InotifyWatcher::InotifyWatcher(UniqueFd inotify, UniqueFd wake, std::string root,
                               files::ChangeListener& listener)
    : inotify_(std::move(inotify)),
      wake_(std::move(wake)),
      root_(std::move(root)),
      listener_(listener),
      thread_([this] { run(); }) {}

InotifyWatcher::~InotifyWatcher() {
    const std::uint64_t one = 1;
    const ssize_t ignored = ::write(wake_.get(), &one, sizeof one);
    (void)ignored;
    thread_.join();
}

std::size_t InotifyWatcher::watched() const {
    const std::lock_guard lock(mutex_);
    return watched_.size();
}

void InotifyWatcher::watch(std::string_view directory) noexcept {
    const std::lock_guard lock(mutex_);
    if (full_ || watched_.find(directory) != watched_.end()) return;
    try {
        add_watch(directory);
    } catch (...) {
        // Out of memory for the bookkeeping: the validity window still holds.
    }
}

void InotifyWatcher::add_watch(std::string_view directory) {
    std::string path = root_;
    for (;;) {
        path.resize(root_.size());
        if (!directory.empty()) path.append("/").append(directory);
        const int wd = ::inotify_add_watch(inotify_.get(), path.c_str(), kEvents);
        if (wd >= 0) {
            auto& names = names_[wd];
            names.emplace_back(directory);
            watched_.emplace(directory);
            return;
        }
        last_error_ = errno;
        if (errno == ENOSPC) {
            full_ = true;
            log::warn(
                "file cache: the inotify watch limit (fs.inotify.max_user_watches) is "
                "reached; changes in further directories are seen within cache.validity");
            return;
        }
        if ((errno != ENOENT && errno != ENOTDIR) || directory.empty()) return;
        directory = parent_of(directory);
        if (watched_.find(directory) != watched_.end()) return;
    }
}

void InotifyWatcher::run() noexcept {
    // Aligned for inotify_event; room for many events per read.
    alignas(inotify_event) char buffer[16 * 1024];
    for (;;) {
        pollfd fds[2] = {{inotify_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if ((fds[1].revents & POLLIN) != 0) return;
        for (;;) {
            const ssize_t got = ::read(inotify_.get(), buffer, sizeof buffer);
            if (got <= 0) break;  // EAGAIN: all read
            for (ssize_t at = 0; at < got;) {
                inotify_event event{};
                std::memcpy(&event, buffer + at, sizeof event);
                const char* name = buffer + at + sizeof event;
                try {
                    handle(event.wd, event.mask,
                           std::string_view(name, ::strnlen(name, event.len)));
                } catch (...) {
                    listener_.changed_everything();  // no memory to say what changed
                }
                at += static_cast<ssize_t>(sizeof event + event.len);
            }
        }
    }
}

void InotifyWatcher::handle(int wd, std::uint32_t mask, std::string_view name) {
    if ((mask & IN_Q_OVERFLOW) != 0) {
        listener_.changed_everything();
        return;
    }
    if ((mask & IN_IGNORED) != 0) {  // the directory is gone; its removal was reported
        forget(wd);
        return;
    }
    if ((mask & (IN_DELETE_SELF | IN_MOVE_SELF)) != 0) {
        // A moved directory keeps its watch under the old name: drop it.
        if ((mask & IN_MOVE_SELF) != 0) ::inotify_rm_watch(inotify_.get(), wd);
        forget(wd);
        listener_.changed_everything();
        return;
    }
    // A subdirectory's entry, or the directory's own attributes (no name).
    if (((mask & IN_ISDIR) != 0 && (mask & kSubtreeEvents) != 0) || name.empty()) {
        listener_.changed_everything();
        return;
    }
    std::vector<std::string> directories;
    {
        const std::lock_guard lock(mutex_);
        const auto it = names_.find(wd);
        if (it == names_.end()) return;
        directories = it->second;
    }
    std::string path;
    for (const std::string& directory : directories) {
        path.assign(directory);
        if (!path.empty()) path.push_back('/');
        path.append(name);
        listener_.changed(path);
    }
}

void InotifyWatcher::forget(int wd) {
    const std::lock_guard lock(mutex_);
    const auto it = names_.find(wd);
    if (it == names_.end()) return;
    for (const std::string& directory : it->second)
        watched_.erase(directory);
    names_.erase(it);
}

}  // namespace tpserve::platform
