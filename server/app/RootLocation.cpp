#include "app/RootLocation.h"

#include <exception>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "app/ValueParsers.h"

namespace tpserve::app {

std::string root_location(const config::Config& config, std::size_t site_index) {
    const std::string& file = config.source;
    if (file.empty()) return "(defaults)";
    const std::vector<config::Site> sites = config::effective_sites(config);
    if (site_index >= sites.size()) return file;
    try {
        const YAML::Node top = YAML::LoadFile(file);
        YAML::Node node;
        if (!config.sites.empty() && config.sites[site_index].root_set) {
            node = top["sites"][site_index]["root"];
        } else {
            node = top["root"];
        }
        if (!node || !node.IsScalar() || node.Mark().is_null()) return file;
        // As the loader resolves it; a root the command line overrode is not this node's.
        std::error_code ec;
        const std::string base = std::filesystem::absolute(file, ec).parent_path().string();
        if (resolve_path(base, node.Scalar()) != sites[site_index].root) return file;
        return file + ":" + std::to_string(node.Mark().line + 1) + ":" +
               std::to_string(node.Mark().column + 1);
    } catch (const std::exception&) {
        return file;  // changed or unreadable since it was loaded: no position
    }
}

}  // namespace tpserve::app
