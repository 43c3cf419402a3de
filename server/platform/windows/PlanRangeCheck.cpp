#include "platform/windows/PlanRangeCheck.h"

#include <variant>

#include "platform/windows/SendTranslation.h"
#include "platform/windows/Win32.h"

namespace tpserve::platform {

bool plan_ranges_valid(const plan::TransmitPlan& plan) noexcept {
    // A multipart response names the same file again and again: one query each run.
    HANDLE last = nullptr;
    std::uint64_t size = 0;
    for (const plan::Part& part : plan.pending()) {
        const auto* file = std::get_if<plan::FilePart>(&part);
        if (file == nullptr) continue;
        const HANDLE handle = file_handle(file->file);
        if (handle != last) {
            LARGE_INTEGER got{};
            if (!::GetFileSizeEx(handle, &got) || got.QuadPart < 0) return false;
            size = static_cast<std::uint64_t>(got.QuadPart);
            last = handle;
        }
        if (file->offset > size || file->length > size - file->offset) return false;
    }
    return true;
}

}  // namespace tpserve::platform
