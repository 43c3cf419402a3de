// The pure helpers behind WindowsFileSystem.
#include "platform/windows/WinPath.h"

#include <gtest/gtest.h>

#include <array>

namespace tpserve::platform::winpath {
namespace {

TEST(WinPath, Utf8ToWideConvertsAndRejectsBadInput) {
    std::array<wchar_t, 16> out{};
    EXPECT_EQ(utf8_to_wide("", out.data(), out.size()), 0);
    ASSERT_EQ(utf8_to_wide("caf\xc3\xa9", out.data(), out.size()), 4);
    EXPECT_EQ(std::wstring_view(out.data(), 4), L"caf\u00e9");
    EXPECT_EQ(utf8_to_wide("\xc3", out.data(), out.size()), -1);               // truncated sequence
    EXPECT_EQ(utf8_to_wide("\xc0\xaf", out.data(), out.size()), -1);           // overlong '/'
    EXPECT_EQ(utf8_to_wide("0123456789abcdefg", out.data(), out.size()), -1);  // too long
}

TEST(WinPath, StripLongPrefix) {
    EXPECT_EQ(strip_long_prefix(L"\\\\?\\C:\\www"), L"C:\\www");
    EXPECT_EQ(strip_long_prefix(L"\\\\?\\UNC\\srv\\share"), L"UNC\\srv\\share");
    EXPECT_EQ(strip_long_prefix(L"C:\\www"), L"C:\\www");
}

TEST(WinPath, IsBeneathComparesWholeComponentsIgnoringCase) {
    EXPECT_TRUE(is_beneath(L"C:\\www", L"C:\\www"));
    EXPECT_TRUE(is_beneath(L"C:\\www", L"C:\\www\\a.txt"));
    EXPECT_TRUE(is_beneath(L"C:\\WWW", L"c:\\www\\Sub\\a.txt"));
    EXPECT_FALSE(is_beneath(L"C:\\www", L"C:\\www2\\a.txt"));
    EXPECT_FALSE(is_beneath(L"C:\\www", L"C:\\ww"));
    EXPECT_FALSE(is_beneath(L"C:\\www", L"D:\\www\\a.txt"));
    EXPECT_FALSE(is_beneath(L"C:\\www\\", L"C:\\secret.txt"));
    EXPECT_TRUE(is_beneath(L"C:\\", L"C:\\anything\\x"));
    EXPECT_FALSE(is_beneath(L"C:\\", L"D:\\x"));
    EXPECT_FALSE(is_beneath(L"", L"C:\\x"));
    EXPECT_TRUE(is_beneath(L"UNC\\srv\\share", L"UNC\\SRV\\share\\x"));
}

TEST(WinPath, FiletimeToUnix) {
    constexpr std::uint64_t kEpoch = 116'444'736'000'000'000ULL;
    EXPECT_EQ(filetime_to_unix(kEpoch).sec, 0);
    EXPECT_EQ(filetime_to_unix(kEpoch).nsec, 0u);
    const UnixTime t = filetime_to_unix(kEpoch + 17'000'000'000'000'000ULL + 1234567);
    EXPECT_EQ(t.sec, 1'700'000'000);
    EXPECT_EQ(t.nsec, 123'456'700u);
    const UnixTime before = filetime_to_unix(kEpoch - 5);  // 500 ns before 1970
    EXPECT_EQ(before.sec, -1);
    EXPECT_EQ(before.nsec, 999'999'500u);
    EXPECT_EQ(filetime_to_unix(0).sec, -11'644'473'600);
}

}  // namespace
}  // namespace tpserve::platform::winpath
