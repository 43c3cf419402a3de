#pragma once
// files::DirectoryWatcher over inotify: one watch per directory the cache
// opened a path in (inotify is not recursive, and watching a whole tree up
// front would spend the user's watch limit on directories nobody asks for),
// and one thread that turns events into ChangeListener calls.
//
// A name's event → changed("dir/name"). A subdirectory created, deleted,
// renamed or chmod'ed, a watched directory moved or deleted, or a queue
// overflow → changed_everything(): entries beneath may now resolve
// differently. A directory that cannot be watched (gone, or the kernel's
// fs.inotify.max_user_watches reached) is left to the cache's validity.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "files/ChangeWatch.h"
#include "platform/linux/Fd.h"

namespace tpserve::platform {

class InotifyWatcher final : public files::DirectoryWatcher {
public:
    // Watches directories beneath `root` (a path; watching starts with the
    // root itself). Null + error when inotify is unavailable.
    static std::unique_ptr<InotifyWatcher> start(const std::string& root,
                                                 files::ChangeListener& listener,
                                                 std::string& error);
    InotifyWatcher(UniqueFd inotify, UniqueFd wake, std::string root,
                   files::ChangeListener& listener);
    ~InotifyWatcher() override;
    InotifyWatcher(const InotifyWatcher&) = delete;
    InotifyWatcher& operator=(const InotifyWatcher&) = delete;

    void watch(std::string_view directory) noexcept override;

    // Directories watched now (for tests and the status log).
    [[nodiscard]] std::size_t watched() const;

private:
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const noexcept {
            return std::hash<std::string_view>{}(name);
        }
    };
    using NameSet = std::unordered_set<std::string, NameHash, std::equal_to<>>;

    // Adds a watch for `directory`, or else for its nearest existing
    // ancestor (whose events then tell when `directory` appears).
    void add_watch(std::string_view directory);
    void run() noexcept;
    void handle(int wd, std::uint32_t mask, std::string_view name);
    void forget(int wd);

    UniqueFd inotify_;
    UniqueFd wake_;
    std::string root_;
    files::ChangeListener& listener_;
    mutable std::mutex mutex_;
    NameSet watched_;                                          // directories with a watch
    std::unordered_map<int, std::vector<std::string>> names_;  // wd → its directories
    bool full_ = false;   // the kernel's watch limit was reached
    int last_error_ = 0;  // of the last inotify_add_watch that failed
    std::thread thread_;
};

}  // namespace tpserve::platform
