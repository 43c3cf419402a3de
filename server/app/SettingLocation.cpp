#include "app/SettingLocation.h"

#include <exception>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "app/ValueParsers.h"

namespace tpserve::app {

namespace {

namespace fs = std::filesystem;

std::string file_of(const config::Config& config) {
    return config.source.empty() ? std::string("(defaults)") : config.source;
}

// The node that sets `setting` for site `index`, or a null node.
YAML::Node setting_node(const YAML::Node& top, const config::Config& config, std::size_t index,
                        SiteSetting setting) {
    const bool own = !config.sites.empty() &&
                     (setting == SiteSetting::Root ? config.sites[index].root_set
                                                   : config.sites[index].access_log_set);
    const YAML::Node holder = own ? top["sites"][index] : top;
    if (!holder.IsMap()) return {};
    return setting == SiteSetting::Root ? holder["root"] : holder["log"]["access"];
}

bool log_path_refused(const std::string& destination) {
    if (destination == "off" || destination == "stdout" || destination == "stderr") return false;
    std::error_code ec;
    const fs::path path(destination);
    if (fs::is_directory(path, ec)) return true;
    return !fs::is_directory(path.has_parent_path() ? path.parent_path() : fs::path("."), ec);
}

}  // namespace

std::string setting_location(const config::Config& config, std::size_t site_index,
                             SiteSetting setting) {
    std::string file = file_of(config);
    if (config.source.empty()) return file;
    const std::vector<config::Site> sites = config::effective_sites(config);
    if (site_index >= sites.size()) return file;
    try {
        const YAML::Node node = setting_node(YAML::LoadFile(file), config, site_index, setting);
        if (!node || !node.IsScalar() || node.Mark().is_null()) return file;
        // Resolved as the loader resolves it: a value the command line
        // overrode (--root, --access-log) is not this node's.
        const std::string& taken =
            setting == SiteSetting::Root ? sites[site_index].root : sites[site_index].access_log;
        std::error_code ec;
        const std::string base = fs::absolute(file, ec).parent_path().string();
        if (node.Scalar() != taken && resolve_path(base, node.Scalar()) != taken) return file;
        return file + ":" + std::to_string(node.Mark().line + 1) + ":" +
               std::to_string(node.Mark().column + 1);
    } catch (const std::exception&) {
        return file;  // unreadable or no longer YAML: no position
    }
}

std::string refused_setting_location(const config::Config& config) {
    const std::vector<config::Site> sites = config::effective_sites(config);
    for (std::size_t i = 0; i < sites.size(); ++i) {
        std::error_code ec;
        if (!fs::is_directory(sites[i].root, ec))
            return setting_location(config, i, SiteSetting::Root);
        if (log_path_refused(sites[i].access_log))
            return setting_location(config, i, SiteSetting::AccessLog);
    }
    return file_of(config);
}

}  // namespace tpserve::app
