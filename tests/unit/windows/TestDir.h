#pragma once
// A fresh directory under %TEMP% for one test, removed with its contents
// afterwards. Under Wine %TEMP% is a real directory of the host, so tests can
// also look at it from outside.
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/windows/Win32.h"

namespace tpserve::platform::test {

class TestDir {
public:
    TestDir();
    ~TestDir();
    TestDir(const TestDir&) = delete;
    TestDir& operator=(const TestDir&) = delete;

    [[nodiscard]] const std::wstring& path() const { return path_; }
    [[nodiscard]] std::string utf8() const;
    [[nodiscard]] std::wstring operator/(std::wstring_view name) const {
        return path_ + L"\\" + std::wstring(name);
    }
    // Creates (or truncates) `name` with `bytes`; returns false on failure.
    bool write(std::wstring_view name, std::string_view bytes) const;
    bool mkdir(std::wstring_view name) const;

private:
    std::wstring path_;
};

std::string to_utf8(std::wstring_view wide);

}  // namespace tpserve::platform::test
