#pragma once

// Expected spellings of resolved paths, so the app tests compare exact strings
// on POSIX and on Windows alike. resolve_path returns path::string(), which
// on Windows uses '\' and gives a root-relative path ("/var/log/x") the drive
// of the directory it was resolved against; these helpers apply the same
// rules to a POSIX-style expectation instead of loosening the comparison.

#include <filesystem>
#include <string>

namespace tpserve::app::test {

// `path` with this platform's preferred separators: unchanged on POSIX,
// every '/' turned into '\' on Windows.
inline std::string native(std::filesystem::path path) {
    return path.make_preferred().string();
}

// A root-relative `rooted` path ("/srv/www") as resolved against `base`: it
// keeps base's root name (the drive on Windows, "Z:\srv\www"; nothing on
// POSIX, "/srv/www").
inline std::string on_drive_of(const std::filesystem::path& base, const std::string& rooted) {
    return native(base.root_name() / rooted);
}

}  // namespace tpserve::app::test
