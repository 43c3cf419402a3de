#pragma once
// The command line (Boost.Program_options) and how it combines with the
// config file into the one immutable config::Config. Start-up only.
//
//   tpserve [-c FILE] [-r DIR] [-l ADDR:PORT]... [-w N|auto] [--access-log DEST]
//           [--log-level LEVEL] [--io-backend auto|io_uring|epoll] [-t] [-v] [-h]
//   tpserve --service install|uninstall|run [-c FILE]      (Windows)
#include <optional>
#include <string>
#include <vector>

#include "app/ConfigError.h"
#include "app/RuntimeCheck.h"
#include "config/Config.h"

namespace tpserve::app {

struct CommandLine {
    std::optional<std::string> config_path;  // --config/-c
    std::optional<std::string> root;         // --root/-r
    std::vector<std::string>
        listen;  // --listen/-l, repeatable; replaces the file's list when non-empty
    std::optional<std::string> workers;       // --workers/-w: "auto" or N
    std::optional<std::string> access_log;    // --access-log off|stdout|stderr|PATH
    std::optional<std::string> log_level;     // --log-level debug|info|warn|error
    std::optional<std::string> io_backend;    // --io-backend auto|io_uring|epoll
    std::optional<std::string> admin_listen;  // --admin-listen ADDR:PORT ("" = off)
    // --service install|uninstall|run (Windows). With "install" config_path
    // is already absolute (the service starts in another directory) and no
    // other setting is allowed: the service's command line carries only --config.
    std::optional<std::string> service;
    bool check_config = false;  // --check-config/-t: validate, report, exit
    bool version = false;       // --version/-v
    bool help = false;          // --help/-h
};

struct ParsedCommandLine {
    CommandLine cli;
    // Set when main() should exit at once: 0 for --help/--version (message is
    // the text for stdout), 2 for a usage error (message is the error plus a
    // "Try --help" hint, for stderr). Unset: carry on with `cli`.
    std::optional<int> exit_code;
    std::string message;
};

// Never throws for bad input (that is exit_code 2). Values are checked here
// too (--workers 0, --listen bad, --log-level loud), so mistakes are usage errors.
ParsedCommandLine parse_command_line(int argc, const char* const* argv);

// Loads cli.config_path (or starts from the defaults when there is none),
// then applies the command-line overrides, which win. Overrides are checked
// like file values; a bad one throws ConfigError with file "<command line>"
// and line 0. A relative --root or --access-log path is relative to the
// current directory. Does not touch the root or log files (see check_runtime).
config::Config build_config(const CommandLine& cli);

// The text printed by --help.
std::string usage_text();

}  // namespace tpserve::app
