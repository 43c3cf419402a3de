#include "files/MimeTable.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace tpserve::files {
namespace {

MimeTable plain() {
    return MimeTable({}, "application/octet-stream");
}

TEST(MimeTable, CommonTypes) {
    const MimeTable t = plain();
    EXPECT_EQ(t.lookup("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(t.lookup("/a/b/style.css"), "text/css; charset=utf-8");
    EXPECT_EQ(t.lookup("app.js"), "application/javascript; charset=utf-8");
    EXPECT_EQ(t.lookup("mod.mjs"), "application/javascript; charset=utf-8");
    EXPECT_EQ(t.lookup("data.json"), "application/json; charset=utf-8");
    EXPECT_EQ(t.lookup("logo.svg"), "image/svg+xml; charset=utf-8");
    EXPECT_EQ(t.lookup("site.webmanifest"), "application/manifest+json; charset=utf-8");
    EXPECT_EQ(t.lookup("photo.jpg"), "image/jpeg");
    EXPECT_EQ(t.lookup("photo.JPG"), "image/jpeg");
    EXPECT_EQ(t.lookup("Photo.JpEg"), "image/jpeg");
    EXPECT_EQ(t.lookup("x.wasm"), "application/wasm");
    EXPECT_EQ(t.lookup("font.woff2"), "font/woff2");
    EXPECT_EQ(t.lookup("a.tar.gz"), "application/gzip");
    EXPECT_EQ(t.lookup("a.png"), "image/png");
}

TEST(MimeTable, DefaultWhenNoOrUnknownExtension) {
    const MimeTable t = plain();
    EXPECT_EQ(t.lookup("README"), "application/octet-stream");
    EXPECT_EQ(t.lookup(""), "application/octet-stream");
    EXPECT_EQ(t.lookup("file."), "application/octet-stream");
    EXPECT_EQ(t.lookup("file.unknownext"), "application/octet-stream");
    EXPECT_EQ(t.lookup("dir.html/README"), "application/octet-stream");  // last segment only
    EXPECT_EQ(t.lookup("x.h"), "application/octet-stream");
    EXPECT_EQ(t.lookup("x.htmlx"), "application/octet-stream");
    EXPECT_EQ(t.lookup("x.ht"), "application/octet-stream");

    const MimeTable text({}, "text/plain");
    EXPECT_EQ(text.lookup("README"), "text/plain; charset=utf-8");
    EXPECT_EQ(text.default_type(), "text/plain; charset=utf-8");
}

TEST(MimeTable, OverridesWinCaseInsensitively) {
    const std::vector<config::MimeOverride> overrides{
        {"html", "application/xhtml+xml"},
        {"wasm", "application/x-custom"},
        {"md", "text/plain"},
        {"DAT", "application/x-dat"},
        {".raw", "image/x-raw"},
        {"md", "text/markdown; charset=iso-8859-1"},  // the later one wins
    };
    const MimeTable t(overrides, "application/octet-stream");
    EXPECT_EQ(t.lookup("a.HTML"), "application/xhtml+xml; charset=utf-8");
    EXPECT_EQ(t.lookup("a.wasm"), "application/x-custom");
    EXPECT_EQ(t.lookup("a.dat"), "application/x-dat");
    EXPECT_EQ(t.lookup("a.Raw"), "image/x-raw");
    EXPECT_EQ(t.lookup("notes.md"), "text/markdown; charset=iso-8859-1");
    EXPECT_EQ(t.lookup("a.css"), "text/css; charset=utf-8");  // untouched entries remain
}

TEST(MimeTable, WantsCharset) {
    EXPECT_TRUE(MimeTable::wants_charset("text/plain"));
    EXPECT_TRUE(MimeTable::wants_charset("application/json"));
    EXPECT_TRUE(MimeTable::wants_charset("application/rss+xml"));
    EXPECT_TRUE(MimeTable::wants_charset("application/ld+json"));
    EXPECT_FALSE(MimeTable::wants_charset("image/png"));
    EXPECT_FALSE(MimeTable::wants_charset("application/octet-stream"));
    EXPECT_FALSE(MimeTable::wants_charset("application/wasm"));
}

// Every extension nginx knows maps to nginx's type (plus our charset).
TEST(MimeTable, CoversNginxMimeTypes) {
    std::ifstream in("/etc/nginx/mime.types");
    if (!in) GTEST_SKIP() << "/etc/nginx/mime.types not present";
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const auto open = text.find('{');
    const auto close = text.rfind('}');
    ASSERT_NE(open, std::string::npos);
    ASSERT_NE(close, std::string::npos);
    text = text.substr(open + 1, close - open - 1);

    std::map<std::string, std::string> nginx;
    std::stringstream statements(text);
    std::string statement;
    while (std::getline(statements, statement, ';')) {
        std::stringstream words(statement);
        std::string type;
        if (!(words >> type)) continue;
        std::string ext;
        while (words >> ext)
            nginx[ext] = type;
    }
    ASSERT_GT(nginx.size(), 90u);

    const MimeTable t({}, "x-test/default");
    for (const auto& [ext, type] : nginx) {
        const std::string expected =
            type + (MimeTable::wants_charset(type) ? "; charset=utf-8" : "");
        EXPECT_EQ(t.lookup("file." + ext), expected) << ext;
    }
}

}  // namespace
}  // namespace tpserve::files
