#pragma once
// Plan → Winsock call arguments, as pure functions: no I/O, no allocation, no
// state; they only read the plan's pending parts. The caller makes the call,
// then `plan.consume(bytes actually sent)` and asks again until the plan is
// empty, so short sends, the per-call byte limit and the element limit are all
// the same loop. Pointers and handles written into the outputs borrow from
// the plan: they stay valid while the plan is pinned and unmodified.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "plan/TransmitPlan.h"
#include "platform/windows/Win32.h"

namespace tpserve::platform {

// TransmitPackets and TransmitFile refuse (WSAEINVAL) a call of more bytes
// than this; WSASend gets the same cap so every count fits a DWORD.
inline constexpr std::uint64_t kMaxBytesPerCall = 2'147'483'646;

// (a) TransmitPackets: one element per pending part, in order (TP_ELEMENT_MEMORY
// with pBuffer/cLength; TP_ELEMENT_FILE with hFile, an explicit nFileOffset and
// cLength). Stops after out.size() elements or when the next byte would exceed
// kMaxBytesPerCall, splitting the last part if needed. Never writes a zero
// cLength (for a file element that would mean "to the end of the file").
// Returns the element count (0 for an empty plan or empty `out`) and sets
// `bytes` to their total.
[[nodiscard]] std::size_t build_packets(const plan::TransmitPlan& plan,
                                        std::span<TRANSMIT_PACKETS_ELEMENT> out,
                                        std::uint64_t& bytes) noexcept;

// (b) Where TransmitPackets is missing (Wine): TransmitFile sends one head
// buffer, one file range and one tail buffer. Adjacent arena bytes are
// already one part (TransmitPlan merges them), but a plan may still hold
// several memory parts in a row (headers, then a cached body, or pipelined
// responses). Rule: a run of memory parts that ends at a file part goes as
// WSASend of all but its last part, and that last part rides as the file's
// head; the memory part right after the file is its tail. A run at the end of
// the plan goes entirely by WSASend. So 200/206 = one TransmitFile;
// multipart (mem, mem, file, mem, file, mem) = WSASend, then two TransmitFile.
struct TransmitFileCall {
    enum class Kind : std::uint8_t {
        Nothing,       // the plan is empty
        TransmitFile,  // TransmitFile(file, file_bytes, &overlapped(offset), buffers)
        Send,          // WSASend of build_wsabufs(plan, out, bytes, send_parts)
    };
    Kind kind = Kind::Nothing;
    // TransmitFile: Head/HeadLength and Tail/TailLength (null/0 if absent).
    TRANSMIT_FILE_BUFFERS buffers{};
    HANDLE file = nullptr;
    std::uint64_t offset = 0;  // for OVERLAPPED Offset / OffsetHigh
    DWORD file_bytes = 0;      // nNumberOfBytesToWrite: never 0 ("whole file")
    // Send: how many leading memory parts to gather.
    std::size_t send_parts = 0;
    // Bytes the call sends if it completes in full (head + file + tail, or the
    // parts to send, capped at kMaxBytesPerCall).
    std::uint64_t bytes = 0;

    [[nodiscard]] bool has_buffers() const noexcept {
        return buffers.HeadLength != 0 || buffers.TailLength != 0;
    }
};
[[nodiscard]] TransmitFileCall next_transmit_file(const plan::TransmitPlan& plan) noexcept;

// (c) WSASend: the leading memory parts (at most `max_parts` of them), up to the
// first file part, out.size() buffers and kMaxBytesPerCall bytes (so a part
// larger than a ULONG is split over calls). Returns the buffer count and sets
// `bytes` to their total; 0 if the plan starts with a file part or is empty.
[[nodiscard]] std::size_t build_wsabufs(
    const plan::TransmitPlan& plan, std::span<WSABUF> out, std::uint64_t& bytes,
    std::size_t max_parts = std::numeric_limits<std::size_t>::max()) noexcept;

// The HANDLE a FileRef carries (WindowsFileSystem stores it as intptr).
[[nodiscard]] inline HANDLE file_handle(const plan::FileRef& file) noexcept {
    return reinterpret_cast<HANDLE>(file->native());
}

}  // namespace tpserve::platform
