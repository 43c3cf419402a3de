#pragma once
// An open file shared by every response that sends from it. The handle is
// opaque to core: only the platform that opened it knows how to use it.
#include <cstdint>
#include <memory>

namespace tpserve::plan {

class OpenFile {
public:
    virtual ~OpenFile() = default;
    // The platform's descriptor: an fd on Linux, a HANDLE (as intptr) on Windows.
    [[nodiscard]] virtual std::intptr_t native() const noexcept = 0;
};

// Reference-counted: a plan that names the file keeps it open until its
// transmit completes, even if the file cache has already dropped it.
using FileRef = std::shared_ptr<const OpenFile>;

}  // namespace tpserve::plan
