#pragma once
// Change notices from the operating system (inotify on Linux,
// ReadDirectoryChangesW on Windows) that let a FileCache look a path up
// again as soon as it changes on disk, instead of at the end of its
// `validity` window. The window stays the bound: a notice that is lost,
// late, or never asked for (a directory the platform could not watch) only
// means the old bound applies.
#include <string_view>

namespace tpserve::files {

// Told by a watcher's own thread; implementations must be thread-safe.
class ChangeListener {
public:
    virtual ~ChangeListener() = default;
    // `relative` (root-relative, '/'-separated, no leading '/', the form
    // PathResolver produces) was created, written, deleted, renamed or had
    // its attributes changed.
    virtual void changed(std::string_view relative) noexcept = 0;
    // Anything may have changed: a directory was renamed or deleted, the
    // queue of notices overflowed, or names are not exact (Windows: case
    // and 8.3 aliases).
    virtual void changed_everything() noexcept = 0;
};

// The platform's side: it tells its listener about changes beneath the
// directories it watches. Destroying it stops the notices (joins its thread).
class DirectoryWatcher {
public:
    virtual ~DirectoryWatcher() = default;
    // Asks for notices about the entries of `directory` (relative as above;
    // "" is the root). Called by the cache before it opens a path there;
    // cheap when the directory is already watched; thread-safe. A platform
    // that watches the whole tree from the start ignores it.
    virtual void watch(std::string_view directory) noexcept = 0;
};

}  // namespace tpserve::files
