#pragma once
// Whether this process runs under Wine (ntdll exports wine_get_version).
// Used to choose Wine-safe defaults (no socket reuse) and by tests that pin
// down Wine's known differences; never to change HTTP behaviour.
namespace tpserve::platform {

// The Wine version ("8.0"), or nullptr on Windows. Thread-safe.
[[nodiscard]] const char* wine_version() noexcept;
[[nodiscard]] inline bool running_under_wine() noexcept {
    return wine_version() != nullptr;
}

}  // namespace tpserve::platform
