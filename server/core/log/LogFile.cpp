#include "log/LogFile.h"

#include <cerrno>
#include <cstring>
#include <utility>

namespace tpserve::log {

namespace {

std::FILE* open_path(const std::string& path, const char* mode, std::string& error) {
    std::FILE* file = std::fopen(path.c_str(), mode);
    if (file == nullptr) error = "cannot open '" + path + "': " + std::strerror(errno);
    return file;
}

}  // namespace

LogFile::LogFile(LogFile&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)),
      owned_(std::exchange(other.owned_, false)),
      mode_(other.mode_),
      path_(std::move(other.path_)) {}

LogFile& LogFile::operator=(LogFile&& other) noexcept {
    if (this != &other) {
        close();
        file_ = std::exchange(other.file_, nullptr);
        owned_ = std::exchange(other.owned_, false);
        mode_ = other.mode_;
        path_ = std::move(other.path_);
    }
    return *this;
}

LogFile::~LogFile() {
    close();
}

void LogFile::close() noexcept {
    // fclose's error (a last buffered write failing) has no one left to tell.
    if (owned_ && file_ != nullptr) (void)std::fclose(file_);
    file_ = nullptr;
    owned_ = false;
}

bool LogFile::open(const std::string& destination, const char* mode, std::string& error) {
    if (destination == "stdout" || destination == "stderr") {
        close();
        file_ = destination == "stdout" ? stdout : stderr;
        path_ = destination;
        return true;
    }
    if (destination.empty()) {
        error = "empty destination";
        return false;
    }
    std::FILE* file = open_path(destination, mode, error);
    if (file == nullptr) return false;
    close();
    file_ = file;
    owned_ = true;
    mode_ = mode;
    path_ = destination;
    return true;
}

bool LogFile::reopen(std::string& error) {
    if (!owned_) return true;
    // The new stream first: if the path cannot be opened (a directory in its
    // place, a full or read-only file system), lines keep going to the old one.
    std::FILE* file = open_path(path_, mode_, error);
    if (file == nullptr) return false;
    (void)std::fclose(file_);  // everything was flushed line by line or chunk by chunk
    file_ = file;
    return true;
}

}  // namespace tpserve::log
