#pragma once
// What the suite needs to know about where it runs.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace tpserve::integration {

// True when the server under test is a Windows build (tpserve.exe, run under
// Wine by scripts/test-windows.sh): file names with <>:"\|?* cannot exist
// there, so tests that need them skip those parts.
bool server_is_windows();

// An executable found on PATH, or nullopt.
std::optional<std::filesystem::path> find_on_path(const std::string& name);

// The whole file, or nullopt if it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& p);

}  // namespace tpserve::integration
