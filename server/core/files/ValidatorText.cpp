#include "files/ValidatorText.h"

#include "files/ETag.h"
#include "files/HttpDate.h"

namespace tpserve::files {

static_assert(ValidatorText::kEtagCapacity == kMaxETagLength);
static_assert(ValidatorText::kDateLength == kHttpDateLength);
static_assert(kMaxETagLength <= UINT8_MAX);

void ValidatorText::format(const FileInfo& info) noexcept {
    etag_size_ = static_cast<std::uint8_t>(format_etag(info, etag_));
    format_http_date(info.mtime_sec, last_modified_);
}

}  // namespace tpserve::files
