#pragma once
// Reason phrases and the built-in HTML bodies of error responses.
#include <cstdint>
#include <string_view>

namespace tpserve::handler {

// "Not Found" for 404; "Unknown" for codes the server never sends.
[[nodiscard]] std::string_view reason_phrase(std::uint16_t status) noexcept;

// A small, complete HTML page for an error status (static storage, never freed).
[[nodiscard]] std::string_view error_page(std::uint16_t status) noexcept;

}  // namespace tpserve::handler
