#include "platform/windows/SendTranslation.h"

#include <algorithm>
#include <variant>

namespace tpserve::platform {

namespace {

using plan::FilePart;
using plan::MemoryPart;

std::uint64_t length_of(const plan::Part& part) noexcept {
    if (const auto* memory = std::get_if<MemoryPart>(&part)) return memory->bytes.size();
    return std::get<FilePart>(part).length;
}

// Winsock's structures take non-const pointers even
// for the buffers it only reads.
void* mutable_bytes(const std::byte* data) noexcept {
    return const_cast<std::byte*>(data);
}

}  // namespace

std::size_t build_packets(const plan::TransmitPlan& plan, std::span<TRANSMIT_PACKETS_ELEMENT> out,
                          std::uint64_t& bytes) noexcept {
    bytes = 0;
    std::size_t count = 0;
    for (const plan::Part& part : plan.pending()) {
        if (count == out.size() || bytes == kMaxBytesPerCall) break;
        const std::uint64_t n = std::min(length_of(part), kMaxBytesPerCall - bytes);
        TRANSMIT_PACKETS_ELEMENT& element = out[count];
        element = TRANSMIT_PACKETS_ELEMENT{};
        element.cLength = static_cast<ULONG>(n);
        if (const auto* memory = std::get_if<MemoryPart>(&part)) {
            element.dwElFlags = TP_ELEMENT_MEMORY;
            element.pBuffer = mutable_bytes(memory->bytes.data());
        } else {
            const auto& file = std::get<FilePart>(part);
            element.dwElFlags = TP_ELEMENT_FILE;
            element.hFile = file_handle(file.file);
            element.nFileOffset.QuadPart = static_cast<LONGLONG>(file.offset);
        }
        bytes += n;
        ++count;
    }
    return count;
}

TransmitFileCall next_transmit_file(const plan::TransmitPlan& plan) noexcept {
    TransmitFileCall call;
    const std::span<const plan::Part> parts = plan.pending();
    if (parts.empty()) return call;

    // Memory parts before the first file part, and whether a file follows them.
    std::size_t run = 0;
    while (run < parts.size() && std::holds_alternative<MemoryPart>(parts[run]))
        ++run;
    const bool file_follows = run < parts.size();
    const std::uint64_t head_length =
        run > 0 && file_follows ? std::get<MemoryPart>(parts[run - 1]).bytes.size() : 0;

    // WSASend first when the run has parts before its last one, has no file
    // after it, or its last part leaves no room for a file byte in the call.
    const std::size_t send_parts =
        !file_follows ? run : (head_length >= kMaxBytesPerCall ? run : run - (run > 0 ? 1 : 0));
    if (send_parts > 0) {
        call.kind = TransmitFileCall::Kind::Send;
        call.send_parts = send_parts;
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < send_parts && total < kMaxBytesPerCall; ++i) {
            total = std::min(kMaxBytesPerCall, total + length_of(parts[i]));
        }
        call.bytes = total;
        return call;
    }

    call.kind = TransmitFileCall::Kind::TransmitFile;
    if (run == 1) {
        const auto& head = std::get<MemoryPart>(parts[0]).bytes;
        call.buffers.Head = mutable_bytes(head.data());
        call.buffers.HeadLength = static_cast<DWORD>(head.size());
    }
    const auto& file = std::get<FilePart>(parts[run]);
    const std::uint64_t file_bytes = std::min(file.length, kMaxBytesPerCall - head_length);
    call.file = file_handle(file.file);
    call.offset = file.offset;
    call.file_bytes = static_cast<DWORD>(file_bytes);
    call.bytes = head_length + file_bytes;
    // The tail only if the whole file range is in this call and it still fits.
    if (file_bytes == file.length && run + 1 < parts.size()) {
        if (const auto* tail = std::get_if<MemoryPart>(&parts[run + 1]);
            tail != nullptr && call.bytes + tail->bytes.size() <= kMaxBytesPerCall) {
            call.buffers.Tail = mutable_bytes(tail->bytes.data());
            call.buffers.TailLength = static_cast<DWORD>(tail->bytes.size());
            call.bytes += tail->bytes.size();
        }
    }
    return call;
}

std::size_t build_wsabufs(const plan::TransmitPlan& plan, std::span<WSABUF> out,
                          std::uint64_t& bytes, std::size_t max_parts) noexcept {
    bytes = 0;
    std::size_t count = 0;
    std::size_t parts_used = 0;
    for (const plan::Part& part : plan.pending()) {
        if (count == out.size() || parts_used == max_parts || bytes == kMaxBytesPerCall) break;
        const auto* memory = std::get_if<MemoryPart>(&part);
        if (memory == nullptr) break;
        const std::uint64_t n =
            std::min<std::uint64_t>(memory->bytes.size(), kMaxBytesPerCall - bytes);
        out[count].buf = static_cast<CHAR*>(mutable_bytes(memory->bytes.data()));
        out[count].len = static_cast<ULONG>(n);
        bytes += n;
        ++count;
        ++parts_used;
    }
    return count;
}

}  // namespace tpserve::platform
