#include "app/ConfigSites.h"

#include <string>
#include <vector>

#include "app/ConfigTables.h"
#include "app/ConfigValues.h"
#include "app/SiteParsers.h"

namespace tpserve::app {

namespace {

using config::Site;

// The hosts of a site; `earlier` are the sites before it.
void read_hosts(const Reader& r, const Entry& e, const std::vector<Site>& earlier,
                std::vector<std::string>& out) {
    for (const auto& [hk, h] : r.scalars(e.first, e.second, "a host name")) {
        std::string host = h.Scalar();
        r.check(hk, h, normalize_site_host(host));
        for (const Site& other : earlier) {
            for (const std::string& taken : other.hosts) {
                if (taken == host) r.fail(h, "'hosts': '" + host + "' belongs to an earlier site");
            }
        }
        for (const std::string& taken : out) {
            if (taken == host) r.fail(h, "'hosts': '" + host + "' is listed twice");
        }
        out.push_back(std::move(host));
    }
}

// The keys of one site: its own (hosts, default, log) and the settings it
// may take from the top level. `earlier` are the sites read before it;
// `default_at` is the site that said `default: true`, if one did.
KeyTable<Site> site_keys(const std::vector<Site>& earlier, const YAML::Node*& default_at,
                         const YAML::Node& item) {
    KeyTable<Site> table = {
        member_key("hosts", &Site::hosts,
                   [&earlier](const Reader& r, const Entry& e, std::vector<std::string>& out) {
                       read_hosts(r, e, earlier, out);
                   }),
        member_key("default", &Site::is_default,
                   [&default_at, &item](const Reader& r, const Entry& e, bool& out) {
                       out = r.boolean(e.first, e.second);
                       if (!out) return;
                       if (default_at != nullptr)
                           r.fail(e.second,
                                  "only one site can be the default (another one is, line " +
                                      std::to_string(default_at->Mark().line + 1) + ")");
                       default_at = &item;
                   }),
    };
    for (const KeyRule<config::SiteSettings>& rule : site_setting_keys<config::SiteSettings>()) {
        table.push_back({rule.key,
                         [&rule](const Reader& r, const Entry& e, Site& site) {
                             rule.read(r, e, site);
                             if (rule.key == "root") site.root_set = true;
                         },
                         [&rule](const Site& a, const Site& b) { return rule.same(a, b); }});
    }
    table.push_back(nested_keys("log", site_log_keys()));
    return table;
}

// One destination is written by one log in one format.
void check_log_formats(const Reader& r, const std::vector<Site>& sites,
                       const std::vector<YAML::Node>& site_nodes) {
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const Site& site = sites[i];
        for (std::size_t j = 0; j < i; ++j) {
            const Site& earlier = sites[j];
            if (site.access_log == "off" || earlier.access_log != site.access_log ||
                earlier.access_format == site.access_format) {
                continue;
            }
            r.fail(site_nodes[i], "site " + site.name + " logs to " + site.access_log +
                                      " in another format than site " + earlier.name +
                                      " (one destination, one format: give it its own log.access)");
        }
    }
}

}  // namespace

void read_sites(const Reader& r, const Entry& e, config::Config& config) {
    const auto& [key, v] = e;
    if (v.IsNull()) return;
    if (!v.IsSequence()) {
        r.fail(v.Mark().is_null() ? key : v,
               "'sites' must be a list of sites, not " + std::string(kind_of(v)));
    }
    std::vector<Site>& sites = config.sites;
    const YAML::Node* default_at = nullptr;
    std::vector<YAML::Node> site_nodes;
    for (const auto& item : v)
        site_nodes.push_back(item);
    for (const YAML::Node& item : site_nodes) {
        if (!item.IsMap())
            r.fail(item,
                   "a site must be a map (hosts, root, ...), not " + std::string(kind_of(item)));
        Site site;
        static_cast<config::SiteSettings&>(site) = config::top_level_site(config);
        read_keys(r, item, "sites", site_keys(sites, default_at, item), site);
        if (site.hosts.empty() && !site.is_default)
            r.fail(item, "a site needs 'hosts' (or 'default: true')");
        site.name = site.hosts.empty() ? "default" : site.hosts.front();
        sites.push_back(std::move(site));
    }
    if (!sites.empty() && default_at == nullptr) sites.front().is_default = true;
    check_log_formats(r, sites, site_nodes);
}

}  // namespace tpserve::app
