#include "app/ConfigLoader.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "app/ConfigReader.h"
#include "app/ConfigSites.h"
#include "app/ConfigTables.h"
#include "app/ValueParsers.h"

namespace tpserve::app {

namespace {

namespace fs = std::filesystem;

config::Config load(const Reader& r, const YAML::Node& root) {
    config::Config cfg;
    cfg.source = r.source();
    if (root.IsNull()) return cfg;  // empty file (or only comments): all defaults
    if (!root.IsMap())
        r.fail(root, std::string("the top level must be a map of settings, not ") + kind_of(root));
    const KeyTable<config::Config>& table = top_level_keys();
    std::optional<Entry> sites;
    for (const Entry& e : r.entries(root, "", key_names(table))) {
        if (e.first.Scalar() == "sites") {
            sites = e;  // after every other key: sites inherit them
        } else {
            rule_for(table, e.first.Scalar()).read(r, e, cfg);
        }
    }
    if (sites) read_sites(r, *sites, cfg);
    // After both keys, whichever came first: the admin address apart from the public ones.
    if (std::string why = check_admin_apart(cfg); !why.empty())
        r.fail(root["admin"]["listen"], why);
    return cfg;
}

}  // namespace

config::Config load_config_text(std::string_view yaml, const std::string& source_name,
                                const std::string& base_dir) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::ParserException& e) {
        throw ConfigError(source_name, e.mark.line + 1, e.mark.column + 1,
                          "YAML syntax error: " + e.msg);
    } catch (const YAML::Exception& e) {
        throw ConfigError(source_name, 0, 0, std::string("YAML error: ") + e.what());
    }
    return load(Reader(source_name, base_dir), root);
}

config::Config load_config_file(const std::string& path) {
    struct Closer {
        void operator()(std::FILE* f) const noexcept { (void)std::fclose(f); }
    };
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw ConfigError(path, 0, 0, "cannot read: it is a directory");
    const std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw ConfigError(path, 0, 0, std::string("cannot read: ") + std::strerror(errno));
    std::string text;
    char buf[8192];
    for (std::size_t n = 0; (n = std::fread(buf, 1, sizeof buf, file.get())) > 0;)
        text.append(buf, n);
    if (std::ferror(file.get()) != 0) throw ConfigError(path, 0, 0, "read error");
    const fs::path base = fs::absolute(path, ec).parent_path();
    return load_config_text(text, path, base.string());
}

}  // namespace tpserve::app
