#include "app/RuntimeCheck.h"

#include <filesystem>

namespace tpserve::app {

namespace {

namespace fs = std::filesystem;

void check_log_path(const std::string& what, const std::string& dest,
                    std::vector<std::string>& problems) {
    if (dest == "off" || dest == "stdout" || dest == "stderr") return;
    std::error_code ec;
    const fs::path path(dest);
    if (fs::is_directory(path, ec)) {
        problems.push_back(what + " '" + dest + "' is a directory");
        return;
    }
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec)) {
        problems.push_back(what + " '" + dest + "': directory '" + dir.string() +
                           "' does not exist");
    }
}

}  // namespace

std::vector<std::string> check_runtime(const config::Config& config) {
    std::vector<std::string> problems;
    try {
        std::error_code ec;
        for (const config::Site& site : config::effective_sites(config)) {
            const std::string who = config.sites.empty() ? "" : "site " + site.name + ": ";
            const fs::file_status st = fs::status(site.root, ec);
            if (!fs::exists(st)) {
                problems.push_back(who + "root '" + site.root + "' does not exist");
            } else if (!fs::is_directory(st)) {
                problems.push_back(who + "root '" + site.root + "' is not a directory");
            }
            check_log_path(who + "access log", site.access_log, problems);
        }
        check_log_path("error log", config.log.error, problems);
    } catch (const std::exception& e) {
        problems.push_back(std::string("start-up check failed: ") + e.what());
    }
    return problems;
}

}  // namespace tpserve::app
