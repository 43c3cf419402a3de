#include "app/CommandLine.h"

#include <boost/program_options.hpp>

#include <filesystem>
#include <sstream>

#include "app/ConfigLoader.h"
#include "app/ValueParsers.h"

#ifndef TPSERVE_VERSION
#define TPSERVE_VERSION "unknown"
#endif

namespace tpserve::app {

namespace {

namespace po = boost::program_options;

const char* const kCommandLine = "<command line>";

po::options_description describe() {
    po::options_description d("Options");
    // clang-format off
    d.add_options()
        ("config,c", po::value<std::string>()->value_name("FILE"),
         "configuration file (YAML); without it the built-in defaults are used")
        ("root,r", po::value<std::string>()->value_name("DIR"),
         "document root (relative to the current directory)")
        ("listen,l", po::value<std::vector<std::string>>()->value_name("ADDR:PORT"),
         "address to listen on, e.g. 127.0.0.1:8080 or [::]:8080; repeat for several "
         "(replaces the file's list)")
        ("workers,w", po::value<std::string>()->value_name("N|auto"),
         "worker threads, 1..256, or auto (one per core)")
        ("access-log", po::value<std::string>()->value_name("DEST"),
         "access log: off, stdout, stderr or a file path")
        ("log-level", po::value<std::string>()->value_name("LEVEL"),
         "error log level: debug, info, warn or error")
        ("io-backend", po::value<std::string>()->value_name("NAME"),
         "Linux I/O engine: auto (io_uring, else epoll), io_uring or epoll")
        ("admin-listen", po::value<std::string>()->value_name("ADDR:PORT"),
         "admin listener for /metrics, /healthz and /readyz, e.g. 127.0.0.1:9145; "
         "\"\" turns it off")
        ("service", po::value<std::string>()->value_name("ACTION"),
         "Windows service: install (auto start, with this --config), uninstall, or run "
         "(how the service manager starts it)")
        ("check-config,t", po::bool_switch(), "check the configuration and the root, then exit")
        ("version,v", po::bool_switch(), "print the version and exit")
        ("help,h", po::bool_switch(), "print this help and exit");
    // clang-format on
    return d;
}

ParsedCommandLine usage_error(const std::string& why) {
    ParsedCommandLine r;
    r.exit_code = 2;
    r.message = "tpserve: " + why + "\nTry 'tpserve --help' for more information.\n";
    return r;
}

// The checks shared by parse_command_line (usage errors) and build_config
// (ConfigError): returns "" or "--flag: reason".
std::string check_overrides(const CommandLine& cli) {
    if (cli.root && (cli.root->empty() || cli.root->find('\0') != std::string::npos)) {
        return "--root: expected a directory path";
    }
    for (const std::string& l : cli.listen) {
        config::ListenAddress a;
        if (std::string why = parse_listen(l, a); !why.empty()) return "--listen: " + why;
    }
    unsigned workers = 0;
    if (cli.workers) {
        if (std::string why = parse_workers(*cli.workers, workers); !why.empty()) {
            return "--workers: " + why;
        }
    }
    if (cli.access_log) {
        if (std::string why = check_access_destination(*cli.access_log); !why.empty()) {
            return "--access-log: " + why;
        }
    }
    config::IoBackend backend{};
    if (cli.io_backend) {
        if (std::string why = parse_io_backend(*cli.io_backend, backend); !why.empty()) {
            return "--io-backend: " + why;
        }
    }
    std::optional<config::ListenAddress> admin;
    if (cli.admin_listen) {
        if (std::string why = parse_admin_listen(*cli.admin_listen, admin); !why.empty()) {
            return "--admin-listen: " + why;
        }
    }
    config::LogLevel level{};
    if (cli.log_level) {
        if (std::string why = parse_log_level(*cli.log_level, level); !why.empty()) {
            return "--log-level: " + why;
        }
    }
    if (cli.service) {
        const std::string& action = *cli.service;
        if (action != "install" && action != "uninstall" && action != "run") {
            return "--service: expected install, uninstall or run, not '" + action + "'";
        }
        const bool only_config = !cli.root && cli.listen.empty() && !cli.workers &&
                                 !cli.access_log && !cli.log_level && !cli.io_backend &&
                                 !cli.admin_listen && !cli.check_config;
        if (action == "uninstall" && (!only_config || cli.config_path)) {
            return "--service uninstall takes no other option";
        }
        if (action == "install" && !only_config) {
            return "--service install takes only --config (put the other settings in the "
                   "config file: the service runs with it alone)";
        }
    }
    return "";
}

std::string from_cwd(const std::string& path) {
    std::error_code ec;
    const std::filesystem::path cwd = std::filesystem::current_path(ec);
    return resolve_path(ec ? std::string() : cwd.string(), path);
}

}  // namespace

std::string usage_text() {
    std::ostringstream out;
    out << "Usage: tpserve [options]\n"
        << "A static-file HTTP/1.1 server. Command-line options override the config file.\n\n"
        << describe();
    return out.str();
}

ParsedCommandLine parse_command_line(int argc, const char* const* argv) {
    ParsedCommandLine r;
    po::variables_map vm;
    try {
        const auto style = po::command_line_style::default_style &
                           ~po::command_line_style::allow_guessing;  // no silent abbreviations
        const po::positional_options_description none;               // so a stray word is an error
        po::store(po::command_line_parser(argc, argv)
                      .options(describe())
                      .positional(none)
                      .style(style)
                      .run(),
                  vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        return usage_error(e.what());
    }
    CommandLine& c = r.cli;
    c.help = vm["help"].as<bool>();
    c.version = vm["version"].as<bool>();
    c.check_config = vm["check-config"].as<bool>();
    if (c.help) {
        r.exit_code = 0;
        r.message = usage_text();
        return r;
    }
    if (c.version) {
        r.exit_code = 0;
        r.message = std::string("tpserve ") + TPSERVE_VERSION + "\n";
        return r;
    }
    const auto optional = [&vm](const char* name) -> std::optional<std::string> {
        if (vm.count(name) == 0) return std::nullopt;
        return vm[name].as<std::string>();
    };
    c.config_path = optional("config");
    c.root = optional("root");
    c.workers = optional("workers");
    c.access_log = optional("access-log");
    c.log_level = optional("log-level");
    c.io_backend = optional("io-backend");
    c.admin_listen = optional("admin-listen");
    c.service = optional("service");
    if (vm.count("listen") != 0) c.listen = vm["listen"].as<std::vector<std::string>>();
    if (std::string why = check_overrides(c); !why.empty()) return usage_error(why);
    if (c.service == "install" && c.config_path) c.config_path = from_cwd(*c.config_path);
    return r;
}

config::Config build_config(const CommandLine& cli) {
    config::Config cfg;
    if (cli.config_path) cfg = load_config_file(*cli.config_path);
    if (std::string why = check_overrides(cli); !why.empty()) {
        throw ConfigError(kCommandLine, 0, 0, why);
    }
    if (cli.root) {
        // The top-level root is every site's default: sites that name their
        // own root keep it.
        cfg.root = from_cwd(*cli.root);
        for (config::Site& site : cfg.sites) {
            if (!site.root_set) site.root = cfg.root;
        }
    }
    if (!cli.listen.empty()) {
        cfg.listen.clear();
        for (const std::string& l : cli.listen) {
            config::ListenAddress a;
            parse_listen(l, a);  // checked above
            for (const auto& earlier : cfg.listen) {
                if (earlier == a)
                    throw ConfigError(kCommandLine, 0, 0, "--listen: " + l + " is given twice");
            }
            cfg.listen.push_back(std::move(a));
        }
    }
    if (cli.workers) parse_workers(*cli.workers, cfg.workers);
    if (cli.access_log) {
        const std::string& a = *cli.access_log;
        cfg.log.access = (a == "off" || a == "stdout" || a == "stderr") ? a : from_cwd(a);
        for (config::Site& site : cfg.sites) {
            if (!site.access_log_set) site.access_log = cfg.log.access;
        }
        // As the loader checks for the file's own destinations: one
        // destination is written by one log in one format.
        for (std::size_t i = 0; i < cfg.sites.size(); ++i) {
            for (std::size_t j = 0; j < i; ++j) {
                const config::Site& first = cfg.sites[j];
                const config::Site& second = cfg.sites[i];
                if (second.access_log != "off" && first.access_log == second.access_log &&
                    first.access_format != second.access_format) {
                    throw ConfigError(kCommandLine, 0, 0,
                                      "--access-log: site " + second.name + " would write " +
                                          second.access_log + " in another format than site " +
                                          first.name);
                }
            }
        }
    }
    if (cli.log_level) parse_log_level(*cli.log_level, cfg.log.level);
    if (cli.io_backend) parse_io_backend(*cli.io_backend, cfg.io.backend);
    if (cli.admin_listen) parse_admin_listen(*cli.admin_listen, cfg.admin.listen);
    if (cli.admin_listen || !cli.listen.empty()) {
        if (std::string why = check_admin_apart(cfg); !why.empty()) {
            throw ConfigError(kCommandLine, 0, 0, why);
        }
    }
    return cfg;
}

}  // namespace tpserve::app
