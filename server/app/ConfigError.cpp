#include "app/ConfigError.h"

#include <utility>

namespace tpserve::app {

namespace {

std::string located(const std::string& file, int line, int column, const std::string& why) {
    if (line <= 0) return file + ": " + why;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + why;
}

}  // namespace

ConfigError::ConfigError(std::string file_name, int line_number, int column_number, std::string why)
    : std::runtime_error(located(file_name, line_number, column_number, why)),
      file(std::move(file_name)),
      line(line_number),
      column(column_number),
      reason(std::move(why)) {}

}  // namespace tpserve::app
