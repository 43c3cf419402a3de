#pragma once
// Writes a response's status line and header fields straight into memory
// reserved in the transmit plan: no intermediate string, no allocation.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tpserve::handler {

class HeadWriter {
public:
    explicit HeadWriter(std::span<std::byte> out) noexcept : out_(out) {}

    void status_line(std::uint16_t status) noexcept;
    void field(std::string_view name, std::string_view value) noexcept;
    void field(std::string_view name, std::uint64_t value) noexcept;
    void end() noexcept { append("\r\n"); }

    [[nodiscard]] std::size_t size() const noexcept { return used_; }
    // True if the reserved space was too small; the head is then unusable.
    [[nodiscard]] bool overflowed() const noexcept { return overflowed_; }

private:
    void append(std::string_view text) noexcept;
    void append_number(std::uint64_t value) noexcept;

    std::span<std::byte> out_;
    std::size_t used_ = 0;
    bool overflowed_ = false;
};

}  // namespace tpserve::handler
