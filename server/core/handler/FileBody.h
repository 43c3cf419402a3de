#pragma once
// How a response body (or a part of one) is taken from an opened file: from
// the bytes the file cache holds, in the same gather as the head, or else as
// a file range (sendfile / TransmitFile). An entry with bytes may hold no
// handle at all (the cache drops it), so every body goes through here.
#include <cstdint>

#include "files/FileSystem.h"
#include "plan/TransmitPlan.h"

namespace tpserve::handler {

// Appends bytes [offset, offset + length) of `source`, which must lie within
// its info.size; pins the memory or the handle in `plan`.
void add_file_body(plan::TransmitPlan& plan, const files::OpenResult& source, std::uint64_t offset,
                   std::uint64_t length);

}  // namespace tpserve::handler
