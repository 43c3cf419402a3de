#include "handler/SiteTable.h"

#include <algorithm>
#include <array>

namespace tpserve::handler {

SiteTable::SiteTable(std::vector<std::unique_ptr<Site>> sites) : sites_(std::move(sites)) {
    for (const auto& site : sites_) {
        if (site->settings.is_default && default_ == nullptr) default_ = site.get();
        for (const std::string& host : site->settings.hosts) {
            if (host.starts_with("*.")) {
                wildcards_.push_back(Name{std::string_view(host).substr(2), site.get()});
            } else {
                exact_.push_back(Name{host, site.get()});
            }
        }
    }
    if (default_ == nullptr && !sites_.empty()) default_ = sites_.front().get();
    std::sort(exact_.begin(), exact_.end(),
              [](const Name& a, const Name& b) { return a.name < b.name; });
    std::stable_sort(wildcards_.begin(), wildcards_.end(),
                     [](const Name& a, const Name& b) { return a.name.size() > b.name.size(); });
}

const Site& SiteTable::select(std::string_view host) const noexcept {
    if (exact_.empty() && wildcards_.empty()) return *default_;
    // Drop the port: after the closing ']' for an IPv6 literal, else after the last ':'.
    if (!host.empty() && host.front() == '[') {
        const std::size_t close = host.find(']');
        if (close != std::string_view::npos) host = host.substr(0, close + 1);
    } else if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
        host = host.substr(0, colon);
    }
    if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
    std::array<char, 256> lower{};
    if (host.empty() || host.size() > lower.size()) return *default_;
    for (std::size_t i = 0; i < host.size(); ++i) {
        const char c = host[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    const std::string_view name(lower.data(), host.size());

    const auto it = std::lower_bound(exact_.begin(), exact_.end(), name,
                                     [](const Name& n, std::string_view v) { return n.name < v; });
    if (it != exact_.end() && it->name == name) return *it->site;
    for (const Name& wildcard : wildcards_) {
        // "*.example.com" covers "a.example.com" and "a.b.example.com", not "example.com".
        if (name.size() > wildcard.name.size() + 1 && name.ends_with(wildcard.name) &&
            name[name.size() - wildcard.name.size() - 1] == '.') {
            return *wildcard.site;
        }
    }
    return *default_;
}

}  // namespace tpserve::handler
