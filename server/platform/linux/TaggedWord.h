#pragma once
// Internal to the Linux backends: the 64-bit word the kernel hands back with
// an event (an io_uring CQE's user_data, an epoll event's data) says what the
// event is for: tag (8 bits) | sequence (24 bits) | index (32 bits). The
// sequence changes with every new use of an index, so an event that outlives
// that use never touches the next one. Each backend has its own Tag enum.
#include <cstdint>
#include <type_traits>

namespace tpserve::platform {

inline constexpr std::uint32_t kSequenceMask = 0xFFFFFFu;

template <class Tag>
requires std::is_enum_v<Tag>
constexpr std::uint64_t encode(Tag tag, std::uint32_t sequence, std::uint32_t index) noexcept {
    return (std::uint64_t{static_cast<std::uint8_t>(tag)} << 56) |
           (std::uint64_t{sequence & kSequenceMask} << 32) | index;
}
template <class Tag>
requires std::is_enum_v<Tag>
constexpr Tag tag_of(std::uint64_t word) noexcept {
    return static_cast<Tag>(word >> 56);
}
constexpr std::uint32_t sequence_of(std::uint64_t word) noexcept {
    return static_cast<std::uint32_t>(word >> 32) & kSequenceMask;
}
constexpr std::uint32_t index_of(std::uint64_t word) noexcept {
    return static_cast<std::uint32_t>(word);
}
// Whether `word` was made with (the low 24 bits of) `sequence`.
constexpr bool same_sequence(std::uint64_t word, std::uint32_t sequence) noexcept {
    return sequence_of(word) == (sequence & kSequenceMask);
}

}  // namespace tpserve::platform
