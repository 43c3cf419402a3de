// tpserve: parse the command line and the configuration (exceptions stop
// here, exit code 2 like nginx -t), then run the server — directly, or as
// the Windows service (`--service`, platform::service_command).
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "app/CommandLine.h"
#include "app/ConfigLoader.h"
#include "app/Server.h"
#include "platform/Platform.h"

namespace {

using namespace tpserve;

// The validated configuration, or nullopt after printing why not (exit 2).
std::optional<config::Config> load(const app::CommandLine& cli) {
    config::Config config;
    try {
        config = app::build_config(cli);
    } catch (const app::ConfigError& failure) {
        (void)std::fprintf(stderr, "tpserve: %s\n", failure.what());
        return std::nullopt;
    } catch (const std::exception& failure) {
        (void)std::fprintf(stderr, "tpserve: %s\n", failure.what());
        return std::nullopt;
    }
    const std::vector<std::string> problems = app::check_runtime(config);
    for (const std::string& problem : problems)
        (void)std::fprintf(stderr, "tpserve: %s\n", problem.c_str());
    if (!problems.empty()) return std::nullopt;
    return config;
}

int check_only(const config::Config& config) {
    // Like a start, without binding: the I/O engine this machine would give.
    const platform::EngineChoice engine = platform::choose_io_engine(config);
    if (!engine.ok) {
        (void)std::fprintf(stderr, "tpserve: %s\n", engine.note.c_str());
        return 2;
    }
    (void)std::fprintf(stderr, "tpserve: I/O engine %s%s%s%s\n", engine.name.c_str(),
                       engine.note.empty() ? "" : " (", engine.note.c_str(),
                       engine.note.empty() ? "" : ")");
    const std::string source = config.source.empty() ? "(defaults)" : config.source;
    (void)std::fprintf(stderr, "tpserve: configuration %s test is successful\n", source.c_str());
    return 0;
}

// Loads the configuration and serves until a stop; the exit code.
int serve(const app::CommandLine& cli) {
    const std::optional<config::Config> config = load(cli);
    if (!config) return 2;
    if (cli.check_config) return check_only(*config);
    try {
        // A reload reads the file again with the same command-line overrides.
        return app::run_server(*config, [&cli] { return app::build_config(cli); });
    } catch (const std::exception& failure) {
        // Start-up only: a thread or a buffer the system refused to give.
        (void)std::fprintf(stderr, "tpserve: cannot start: %s\n", failure.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    const app::ParsedCommandLine parsed = app::parse_command_line(argc, argv);
    if (parsed.exit_code) {
        (void)std::fputs(parsed.message.c_str(), *parsed.exit_code == 0 ? stdout : stderr);
        return *parsed.exit_code;
    }
    const app::CommandLine& cli = parsed.cli;
    if (!cli.service) return serve(cli);

    platform::ServiceSettings settings;
    settings.config_path = cli.config_path.value_or("");
    if (*cli.service == "install") {
        // Install only a configuration that loads here: a broken one would
        // make a service that fails at every boot.
        return platform::service_command("install", settings, [&cli] { return load(cli) ? 0 : 2; });
    }
    // "run": the configuration is read on the service's thread, so a bad one
    // becomes the service's exit code in the service manager's status.
    return platform::service_command(*cli.service, settings, [&cli] { return serve(cli); });
}
