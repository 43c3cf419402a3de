#pragma once
// A file's validators as the header values that carry them: its ETag and
// its Last-Modified date. FileCache formats them once when it opens a file
// and keeps them with the entry, so a response from the cache formats
// neither; for an uncached file the handler formats them per response.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tpserve::files {

struct FileInfo;

class ValidatorText {
public:
    // Both values for `info` (files::format_etag, files::format_http_date).
    void format(const FileInfo& info) noexcept;

    [[nodiscard]] bool formatted() const noexcept { return etag_size_ != 0; }
    [[nodiscard]] std::string_view etag() const noexcept { return {etag_.data(), etag_size_}; }
    [[nodiscard]] std::string_view last_modified() const noexcept {
        return {last_modified_.data(), last_modified_.size()};
    }

    static constexpr std::size_t kEtagCapacity = 60;  // files::kMaxETagLength
    static constexpr std::size_t kDateLength = 29;    // files::kHttpDateLength

private:
    std::array<char, kEtagCapacity> etag_{};
    std::array<char, kDateLength> last_modified_{};
    std::uint8_t etag_size_ = 0;  // 0: not formatted
};

}  // namespace tpserve::files
