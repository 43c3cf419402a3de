#pragma once
// A configuration problem, located: thrown at start-up by the config loader
// and by build_config(), caught in main(), printed as what().
#include <stdexcept>
#include <string>

namespace tpserve::app {

struct ConfigError : std::runtime_error {
    // line and column are 1-based; 0 when there is no position (an unreadable
    // file, the command line). what() is "file:line:column: reason", or
    // "file: reason" without a position.
    ConfigError(std::string file_name, int line_number, int column_number, std::string why);

    std::string file;
    int line = 0, column = 0;
    std::string reason;  // what() without the location
};

}  // namespace tpserve::app
