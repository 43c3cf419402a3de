#pragma once
// YAML -> config::Config. The schema, with every key, its default and its
// allowed values, is documented in config/default.yaml. Every key is
// optional; unknown keys, wrong types, out-of-range values, duplicate keys
// and YAML syntax errors are refused with the file, line and column of the
// offending node. Start-up only: throws, allocates freely.
#include <string>
#include <string_view>

#include "app/ConfigError.h"
#include "config/Config.h"

namespace tpserve::app {

// Reads and parses `path`. A relative `root` or log file path in it is
// taken relative to the file's directory. Config::source = `path`.
// Throws ConfigError (unreadable file, syntax, validation).
config::Config load_config_file(const std::string& path);

// Parses `yaml` as if read from `source_name` (used in messages and as
// Config::source). Relative paths are resolved against `base_dir` (left
// as written when `base_dir` is empty). Throws ConfigError.
config::Config load_config_text(std::string_view yaml, const std::string& source_name,
                                const std::string& base_dir);

}  // namespace tpserve::app
