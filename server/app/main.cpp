// tpserve: parse the command line and the configuration (exceptions stop
// here, exit code 2 like nginx -t), then run the server.
#include <cstdio>
#include <exception>
#include <string>

#include "app/CommandLine.h"
#include "app/ConfigLoader.h"
#include "app/Server.h"
#include "platform/Platform.h"

int main(int argc, char** argv) {
    using namespace tpserve;
    const app::ParsedCommandLine parsed = app::parse_command_line(argc, argv);
    if (parsed.exit_code) {
        (void)std::fputs(parsed.message.c_str(), *parsed.exit_code == 0 ? stdout : stderr);
        return *parsed.exit_code;
    }
    config::Config config;
    try {
        config = app::build_config(parsed.cli);
    } catch (const app::ConfigError& failure) {
        (void)std::fprintf(stderr, "tpserve: %s\n", failure.what());
        return 2;
    } catch (const std::exception& failure) {
        (void)std::fprintf(stderr, "tpserve: %s\n", failure.what());
        return 2;
    }
    const std::vector<std::string> problems = app::check_runtime(config);
    for (const std::string& problem : problems)
        (void)std::fprintf(stderr, "tpserve: %s\n", problem.c_str());
    if (!problems.empty()) return 2;
    if (parsed.cli.check_config) {
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
        (void)std::fprintf(stderr, "tpserve: configuration %s test is successful\n",
                           source.c_str());
        return 0;
    }
    try {
        return app::run_server(config);
    } catch (const std::exception& failure) {
        // Start-up only: a thread or a buffer the system refused to give.
        (void)std::fprintf(stderr, "tpserve: cannot start: %s\n", failure.what());
        return 1;
    }
}
