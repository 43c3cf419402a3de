#include "handler/FileBody.h"

#include <span>

namespace tpserve::handler {

void add_file_body(plan::TransmitPlan& plan, const files::OpenResult& source, std::uint64_t offset,
                   std::uint64_t length) {
    if (length == 0) return;
    if (source.bytes) {
        plan.add(std::span<const std::byte>(source.bytes.get() + offset, length));
        plan.keep(source.bytes);
    } else {
        plan.add(source.file, offset, length);
    }
}

}  // namespace tpserve::handler
