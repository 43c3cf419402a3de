#include "app/CommandLine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <vector>

namespace tpserve::app {
namespace {

namespace fs = std::filesystem;

ParsedCommandLine parse(std::initializer_list<const char*> args) {
    std::vector<const char*> argv{"tpserve"};
    argv.insert(argv.end(), args.begin(), args.end());
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

std::string data(const std::string& name) {
    return std::string(TPSERVE_TEST_DATA) + "/app/" + name;
}

TEST(CommandLine, NoArguments) {
    const ParsedCommandLine p = parse({});
    EXPECT_FALSE(p.exit_code.has_value());
    EXPECT_FALSE(p.cli.config_path);
    EXPECT_TRUE(p.cli.listen.empty());
    EXPECT_FALSE(p.cli.check_config);
    // With no --config, build_config gives the defaults.
    const config::Config c = build_config(p.cli);
    EXPECT_EQ(c.source, "");
    EXPECT_EQ(c.root, config::Config{}.root);
    EXPECT_EQ(c.listen, config::Config{}.listen);
}

TEST(CommandLine, AllFlagsLongAndShort) {
    const ParsedCommandLine p =
        parse({"-c", "a.yaml", "--root", "/srv", "-l", "127.0.0.1:1", "--listen", "[::1]:2",
               "--listen=*:3", "-w", "4", "--access-log", "off", "--log-level", "debug", "-t"});
    ASSERT_FALSE(p.exit_code.has_value()) << p.message;
    EXPECT_EQ(p.cli.config_path, "a.yaml");
    EXPECT_EQ(p.cli.root, "/srv");
    EXPECT_EQ(p.cli.listen, (std::vector<std::string>{"127.0.0.1:1", "[::1]:2", "*:3"}));
    EXPECT_EQ(p.cli.workers, "4");
    EXPECT_EQ(p.cli.access_log, "off");
    EXPECT_EQ(p.cli.log_level, "debug");
    EXPECT_TRUE(p.cli.check_config);
    EXPECT_TRUE(parse({"--check-config"}).cli.check_config);
}

TEST(CommandLine, HelpAndVersionExitZero) {
    for (const char* flag : {"--help", "-h"}) {
        const ParsedCommandLine p = parse({flag});
        ASSERT_EQ(p.exit_code, 0) << flag;
        EXPECT_NE(p.message.find("--listen"), std::string::npos);
        EXPECT_NE(p.message.find("--check-config"), std::string::npos);
    }
    for (const char* flag : {"--version", "-v"}) {
        const ParsedCommandLine p = parse({flag});
        ASSERT_EQ(p.exit_code, 0) << flag;
        EXPECT_EQ(p.message, std::string("tpserve ") + TPSERVE_VERSION + "\n");
    }
}

TEST(CommandLine, UsageErrorsExitTwo) {
    const std::vector<std::vector<const char*>> bad = {
        {"--bogus"},
        {"-x"},
        {"stray"},
        {"--workers", "0"},
        {"--workers", "abc"},
        {"--workers", "257"},
        {"--workers"},
        {"--listen", "nonsense"},
        {"--listen", "1.2.3.4:99999"},
        {"--log-level", "loud"},
        {"--access-log", ""},
        {"--root", "a", "--root", "b"},
        {"--conf", "x.yaml"},  // no abbreviations
    };
    for (const auto& args : bad) {
        std::vector<const char*> argv{"tpserve"};
        argv.insert(argv.end(), args.begin(), args.end());
        const ParsedCommandLine p = parse_command_line(static_cast<int>(argv.size()), argv.data());
        std::string joined;
        for (const char* a : args)
            joined += std::string(a) + " ";
        ASSERT_EQ(p.exit_code, 2) << joined;
        EXPECT_EQ(p.message.rfind("tpserve: ", 0), 0u) << p.message;
        EXPECT_NE(p.message.find("--help"), std::string::npos) << p.message;
    }
    EXPECT_NE(parse({"--workers", "0"}).message.find("--workers"), std::string::npos);
}

TEST(CommandLine, AdminListen) {
    const ParsedCommandLine p = parse({"--admin-listen", "127.0.0.1:9145"});
    ASSERT_FALSE(p.exit_code.has_value()) << p.message;
    const config::Config c = build_config(p.cli);
    ASSERT_TRUE(c.admin.listen.has_value());
    EXPECT_EQ(c.admin.listen->port, 9145);
    EXPECT_NE(parse({"--admin-listen", "nowhere"}).message.find("--admin-listen"),
              std::string::npos);
    // On the public address (the default 127.0.0.1:8080): refused.
    const ParsedCommandLine same = parse({"--admin-listen", "127.0.0.1:8080"});
    EXPECT_THROW(build_config(same.cli), ConfigError);
}

TEST(CommandLine, WorkersValues) {
    CommandLine cli;
    cli.workers = "auto";
    EXPECT_EQ(build_config(cli).workers, 0u);
    cli.workers = "4";
    EXPECT_EQ(build_config(cli).workers, 4u);
    for (const char* bad : {"0", "abc", "", "4x"}) {
        cli.workers = bad;
        try {
            build_config(cli);
            ADD_FAILURE() << bad;
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.file, "<command line>");
            EXPECT_EQ(e.line, 0);
            EXPECT_EQ(std::string(e.what()).rfind("<command line>: --workers: ", 0), 0u)
                << e.what();
        }
    }
}

TEST(CommandLine, OverridesBeatTheFile) {
    const ParsedCommandLine p =
        parse({"--config", data("good-full.yaml").c_str(), "-r", "rel/dir", "-l", "[::1]:1", "-l",
               "127.0.0.1:2", "-w", "auto", "--access-log", "stderr", "--log-level", "error"});
    ASSERT_FALSE(p.exit_code.has_value()) << p.message;
    const config::Config c = build_config(p.cli);
    EXPECT_EQ(c.source, data("good-full.yaml"));
    EXPECT_EQ(c.root, (fs::current_path() / "rel/dir").lexically_normal().string());
    EXPECT_EQ(c.listen, (std::vector<config::ListenAddress>{{"::1", 1}, {"127.0.0.1", 2}}));
    EXPECT_EQ(c.workers, 0u);
    EXPECT_EQ(c.log.access, "stderr");
    EXPECT_EQ(c.log.level, config::LogLevel::Error);
    // Untouched by the command line: the file's values.
    EXPECT_EQ(c.limits.header_count, 50u);
    EXPECT_EQ(c.symlinks, files::SymlinkPolicy::Never);

    // Without overrides the file's own values stand.
    const config::Config f = build_config(parse({"-c", data("good-full.yaml").c_str()}).cli);
    EXPECT_EQ(f.workers, 4u);
    EXPECT_EQ(f.listen.size(), 5u);
    EXPECT_EQ(f.log.level, config::LogLevel::Debug);
}

TEST(CommandLine, AccessLogPathIsRelativeToTheCurrentDirectory) {
    CommandLine cli;
    cli.access_log = "logs/a.log";
    EXPECT_EQ(build_config(cli).log.access,
              (fs::current_path() / "logs/a.log").lexically_normal().string());
}

TEST(CommandLine, DuplicateListenIsRefused) {
    CommandLine cli;
    cli.listen = {"127.0.0.1:80", "localhost:80"};
    EXPECT_THROW(build_config(cli), ConfigError);
}

TEST(CommandLine, BadConfigFilePropagates) {
    CommandLine cli;
    cli.config_path = data("bad-unknown-top.yaml");
    try {
        build_config(cli);
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.line, 3);
    }
}

TEST(CommandLine, ServiceActions) {
    for (const char* action : {"install", "uninstall", "run"}) {
        const ParsedCommandLine p = parse({"--service", action});
        EXPECT_FALSE(p.exit_code.has_value()) << action << ": " << p.message;
        EXPECT_EQ(p.cli.service, action);
    }
    EXPECT_FALSE(parse({}).cli.service);
    const ParsedCommandLine bad = parse({"--service", "start"});
    ASSERT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.message.find("install, uninstall or run"), std::string::npos) << bad.message;
    EXPECT_EQ(parse({"--service"}).exit_code, 2);
}

TEST(CommandLine, ServiceInstallStoresAnAbsoluteConfigPath) {
    const ParsedCommandLine p = parse({"--service", "install", "-c", "conf/../site.yaml"});
    ASSERT_FALSE(p.exit_code.has_value()) << p.message;
    ASSERT_TRUE(p.cli.config_path);
    EXPECT_TRUE(fs::path(*p.cli.config_path).is_absolute()) << *p.cli.config_path;
    EXPECT_EQ(*p.cli.config_path, (fs::current_path() / "site.yaml").lexically_normal().string());
    // "run" keeps the path as given: the installed command line already has it absolute.
    EXPECT_EQ(parse({"--service", "run", "-c", "site.yaml"}).cli.config_path, "site.yaml");
}

TEST(CommandLine, ServiceInstallAndUninstallRefuseOtherSettings) {
    const ParsedCommandLine install = parse({"--service", "install", "-r", "/srv"});
    ASSERT_EQ(install.exit_code, 2);
    EXPECT_NE(install.message.find("only --config"), std::string::npos) << install.message;
    EXPECT_EQ(parse({"--service", "install", "-t"}).exit_code, 2);
    EXPECT_EQ(parse({"--service", "uninstall", "-c", "a.yaml"}).exit_code, 2);
    EXPECT_EQ(parse({"--service", "uninstall", "-w", "2"}).exit_code, 2);
    // The service's own start may carry overrides, like any start.
    EXPECT_FALSE(parse({"--service", "run", "-w", "2"}).exit_code.has_value());
}

TEST(RuntimeCheck, RootAndLogDirectories) {
    const fs::path dir =
        fs::temp_directory_path() /
        ("tpserve-runtime-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    fs::create_directories(dir / "www");
    std::ofstream(dir / "file.txt") << "x";
    config::Config c;
    c.root = (dir / "www").string();
    c.log.access = (dir / "access.log").string();
    EXPECT_TRUE(check_runtime(c).empty());

    c.root = (dir / "missing").string();
    c.log.access = (dir / "nodir" / "access.log").string();
    c.log.error = (dir / "www").string();  // a directory, not a file
    const auto problems = check_runtime(c);
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_NE(problems[0].find("does not exist"), std::string::npos) << problems[0];
    EXPECT_NE(problems[1].find("nodir"), std::string::npos) << problems[1];
    EXPECT_NE(problems[2].find("is a directory"), std::string::npos) << problems[2];

    c = config::Config{};
    c.root = (dir / "file.txt").string();
    ASSERT_EQ(check_runtime(c).size(), 1u);
    EXPECT_NE(check_runtime(c)[0].find("not a directory"), std::string::npos);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace tpserve::app
