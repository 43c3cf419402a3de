#include "files/FileSystem.h"

#include <algorithm>
#include <array>

namespace tpserve::files {

void FileSystem::open_siblings(std::string_view relative,
                               std::span<const std::string_view> suffixes,
                               std::span<OpenResult> out) const {
    // Names of any usual length are built on the stack; a longer one (rare,
    // bounded by the request line) allocates.
    // Written before it is read: zeroing 1 KiB per call showed in the handler benchmark.
    std::array<char, 1024> buffer;  // NOLINT(cppcoreguidelines-pro-type-member-init)
    std::string long_name;
    const std::size_t count = std::min(suffixes.size(), out.size());
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t length = relative.size() + suffixes[i].size();
        if (length <= buffer.size()) {
            std::copy(relative.begin(), relative.end(), buffer.begin());
            std::copy(suffixes[i].begin(), suffixes[i].end(),
                      buffer.begin() + static_cast<std::ptrdiff_t>(relative.size()));
            out[i] = open(std::string_view(buffer.data(), length));
        } else {
            long_name.assign(relative).append(suffixes[i]);
            out[i] = open(long_name);
        }
    }
}

}  // namespace tpserve::files
