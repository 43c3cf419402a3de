#include "handler/DirectoryListing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tpserve::handler {
namespace {

using files::DirEntry;
using files::FileKind;

constexpr std::int64_t kNov25 = 1'795'600'800;  // Wed, 25 Nov 2026 10:00:00 GMT
constexpr std::int64_t kLeap = 1'709'251'199;   // Thu, 29 Feb 2024 23:59:59 GMT

DirEntry file(std::string name, std::uint64_t size, std::int64_t mtime = kNov25) {
    return DirEntry{std::move(name), FileKind::Regular, size, mtime};
}
DirEntry dir(std::string name, std::int64_t mtime = kNov25) {
    return DirEntry{std::move(name), FileKind::Directory, 4096, mtime};
}

std::string html(std::string_view url_path, std::vector<DirEntry> entries, bool hidden = false) {
    std::string out;
    render_listing_html(url_path, std::move(entries), hidden, out);
    return out;
}

// The rows only: what lies between <tbody> and </tbody>.
std::string rows(const std::string& page) {
    const auto begin = page.find("<tbody>\n");
    const auto end = page.find("</tbody>");
    if (begin == std::string::npos || end == std::string::npos) return "NO TBODY";
    return page.substr(begin + 8, end - begin - 8);
}

std::string json(std::vector<DirEntry> entries, bool hidden = false) {
    std::string out;
    render_listing_json(std::move(entries), hidden, out);
    return out;
}

const std::string kParent =
    "<tr><td><a href=\"../\">../</a></td><td class=\"n\"></td><td class=\"d\"></td></tr>\n";

TEST(DirectoryListingHtml, PageIsCompleteAndSelfContained) {
    const std::string page = html("/docs/", {file("a.txt", 12)});
    EXPECT_TRUE(
        page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                         "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                         "content=\"width=device-width, initial-scale=1\">\n"
                         "<title>Index of /docs/</title>\n<style>"))
        << page;
    EXPECT_NE(page.find("</style>\n</head>\n<body>\n<h1>Index of /docs/</h1>\n<table>\n"
                        "<thead><tr><th>Name</th><th class=\"n\">Size</th>"
                        "<th>Last modified</th></tr></thead>\n"),
              std::string::npos)
        << page;
    EXPECT_TRUE(page.ends_with("</tbody>\n</table>\n</body>\n</html>\n")) << page;
    EXPECT_NE(page.find("--accent:#1f6feb"), std::string::npos) << "www/style.css colours";
    for (const char* external : {"<script", "<link", "src=", "url(", "@import", "http://"}) {
        EXPECT_EQ(page.find(external), std::string::npos) << external;
    }
}

TEST(DirectoryListingHtml, RowsHaveLinksSizesAndDates) {
    EXPECT_EQ(rows(html("/docs/", {file("a.txt", 12), dir("sub", kLeap)})),
              kParent +
                  "<tr><td><a href=\"sub/\">sub/</a></td><td class=\"n\">-</td>"
                  "<td class=\"d\">2024-02-29 23:59</td></tr>\n"
                  "<tr><td><a href=\"a.txt\">a.txt</a></td><td class=\"n\" title=\"12 bytes\">"
                  "12 B</td><td class=\"d\">2026-11-25 10:00</td></tr>\n");
}

TEST(DirectoryListingHtml, NoParentLinkAtTheRoot) {
    const std::string page = html("/", {file("a", 1)});
    EXPECT_EQ(page.find("../"), std::string::npos);
    EXPECT_EQ(rows(page),
              "<tr><td><a href=\"a\">a</a></td><td class=\"n\" title=\"1 byte\">1 B</td>"
              "<td class=\"d\">2026-11-25 10:00</td></tr>\n");
    EXPECT_EQ(rows(html("/", {})), "");
    EXPECT_EQ(rows(html("/empty/", {})), kParent);
}

TEST(DirectoryListingHtml, NamesAreEscapedInTextAndHref) {
    const std::string r =
        rows(html("/", {file("<script>.html", 1), file("a&b", 1), file("quote\"s'", 1),
                        file("two words", 1), file("caf\xc3\xa9 \xe2\x82\xac.txt", 1)}));
    EXPECT_NE(r.find("<a href=\"%3Cscript%3E.html\">&lt;script&gt;.html</a>"), std::string::npos)
        << r;
    EXPECT_NE(r.find("<a href=\"a&amp;b\">a&amp;b</a>"), std::string::npos) << r;
    EXPECT_NE(r.find("<a href=\"quote%22s&#39;\">quote&quot;s&#39;</a>"), std::string::npos) << r;
    EXPECT_NE(r.find("<a href=\"two%20words\">two words</a>"), std::string::npos) << r;
    EXPECT_NE(r.find("<a href=\"caf%C3%A9%20%E2%82%AC.txt\">caf\xc3\xa9 \xe2\x82\xac.txt</a>"),
              std::string::npos)
        << r;
    EXPECT_EQ(r.find("<script"), std::string::npos);
}

TEST(DirectoryListingHtml, HrefsEncodeWhatIsNotAPathCharacter) {
    const std::string r = rows(html("/", {file("javascript:alert(1)", 1), file("a?b#c%d", 1),
                                          file("keep-._~!$()*+,;=@", 1), file("\\x", 1)}));
    // A colon in a relative reference's first segment would make it a scheme.
    EXPECT_NE(r.find("href=\"javascript%3Aalert(1)\""), std::string::npos) << r;
    EXPECT_NE(r.find("href=\"a%3Fb%23c%25d\""), std::string::npos) << r;
    EXPECT_NE(r.find("href=\"keep-._~!$()*+,;=@\""), std::string::npos) << r;
    EXPECT_NE(r.find("href=\"%5Cx\""), std::string::npos) << r;
}

TEST(DirectoryListingHtml, BadBytesAndControlCharactersStayVisibleAndLinkable) {
    const std::string r = rows(html("/", {file("a\xff"
                                               "b",
                                               1),
                                          file("c\nd\x7f", 1)}));
    EXPECT_NE(r.find("<a href=\"a%FFb\">a&#xFFFD;b</a>"), std::string::npos) << r;
    EXPECT_NE(r.find("<a href=\"c%0Ad%7F\">c&#x240A;d&#x2421;</a>"), std::string::npos) << r;
}

TEST(DirectoryListingHtml, TitleIsEscaped) {
    const std::string page = html("/<b>&\"x\"/", {});
    EXPECT_NE(page.find("<title>Index of /&lt;b&gt;&amp;&quot;x&quot;/</title>"),
              std::string::npos);
    EXPECT_NE(page.find("<h1>Index of /&lt;b&gt;&amp;&quot;x&quot;/</h1>"), std::string::npos);
}

TEST(DirectoryListingHtml, HiddenEntriesOnlyWhenAsked) {
    const std::vector<DirEntry> entries = {file(".env", 1), dir(".git"), file("a", 1)};
    const std::string hidden_off = rows(html("/", entries, false));
    EXPECT_EQ(hidden_off.find(".env"), std::string::npos);
    EXPECT_EQ(hidden_off.find(".git"), std::string::npos);
    EXPECT_NE(hidden_off.find(">a</a>"), std::string::npos);
    const std::string hidden_on = rows(html("/", entries, true));
    EXPECT_LT(hidden_on.find(">.git/</a>"), hidden_on.find(">.env</a>"));
    EXPECT_LT(hidden_on.find(">.env</a>"), hidden_on.find(">a</a>"));
}

TEST(DirectoryListingHtml, SortsDirectoriesFirstThenByBytes) {
    const std::string r = rows(html("/", {file("b", 1), dir("z"), file("B", 1), file("\xc3\xa9", 1),
                                          dir("a"), file("a", 1), file("a0", 1)}));
    const std::vector<std::string> order = {">a/</a>", ">z/</a>", ">B</a>",       ">a</a>",
                                            ">a0</a>", ">b</a>",  ">\xc3\xa9</a>"};
    std::size_t at = 0;
    for (const std::string& name : order) {
        const std::size_t next = r.find(name);
        ASSERT_NE(next, std::string::npos) << name;
        EXPECT_GT(next, at) << name << " out of order in\n" << r;
        at = next;
    }
}

TEST(DirectoryListingHtml, SizesAreHumanWithExactBytesInTitle) {
    const auto cell = [](std::uint64_t size) {
        const std::string r = rows(html("/", {file("f", size)}));
        const auto begin = r.find("<td class=\"n\"");
        return r.substr(begin, r.find("</td>", begin) - begin);
    };
    EXPECT_EQ(cell(0), "<td class=\"n\" title=\"0 bytes\">0 B");
    EXPECT_EQ(cell(1023), "<td class=\"n\" title=\"1023 bytes\">1023 B");
    EXPECT_EQ(cell(1024), "<td class=\"n\" title=\"1024 bytes\">1.0 KiB");
    EXPECT_EQ(cell(1229), "<td class=\"n\" title=\"1229 bytes\">1.2 KiB");
    EXPECT_EQ(cell(1997), "<td class=\"n\" title=\"1997 bytes\">2.0 KiB");
    EXPECT_EQ(cell(1048575), "<td class=\"n\" title=\"1048575 bytes\">1.0 MiB");
    EXPECT_EQ(cell(5ULL << 30), "<td class=\"n\" title=\"5368709120 bytes\">5.0 GiB");
    EXPECT_EQ(cell(UINT64_MAX), "<td class=\"n\" title=\"18446744073709551615 bytes\">16.0 EiB");
}

TEST(DirectoryListingHtml, OtherKindsAreTextNotLinks) {
    const std::string r =
        rows(html("/", {DirEntry{"fifo", FileKind::Other, 0, kNov25}, file("a", 1)}));
    EXPECT_NE(r.find("<tr><td>fifo</td><td class=\"n\">-</td><td class=\"d\">2026-11-25 10:00"),
              std::string::npos)
        << r;
}

TEST(DirectoryListingHtml, AppendsToOut) {
    std::string out = "prefix";
    render_listing_html("/", {}, false, out);
    EXPECT_TRUE(out.starts_with("prefix<!DOCTYPE html>"));
}

TEST(DirectoryListingJson, MatchesNginxAutoindexFormat) {
    EXPECT_EQ(json({file("a.txt", 12), dir("sub", kLeap), DirEntry{"p", FileKind::Other, 7, 0}}),
              "[\r\n"
              "{ \"name\":\"sub\", \"type\":\"directory\", "
              "\"mtime\":\"Thu, 29 Feb 2024 23:59:59 GMT\" },\r\n"
              "{ \"name\":\"a.txt\", \"type\":\"file\", "
              "\"mtime\":\"Wed, 25 Nov 2026 10:00:00 GMT\", \"size\":12 },\r\n"
              "{ \"name\":\"p\", \"type\":\"other\", \"mtime\":\"Thu, 01 Jan 1970 00:00:00 GMT\" }"
              "\r\n]");
}

TEST(DirectoryListingJson, EmptyListing) {
    EXPECT_EQ(json({}), "[\r\n]");
    EXPECT_EQ(json({file(".hidden", 1)}), "[\r\n]");
}

TEST(DirectoryListingJson, NamesAreJsonEscaped) {
    const auto name_of = [](std::string name) {
        const std::string out = json({file(std::move(name), 1)});
        const auto begin = out.find("\"name\":") + 7;
        return out.substr(begin, out.find(", \"type\"") - begin);
    };
    EXPECT_EQ(name_of("quote\"s"), "\"quote\\\"s\"");
    EXPECT_EQ(name_of("back\\slash"), "\"back\\\\slash\"");
    EXPECT_EQ(name_of("<script>.html"), "\"<script>.html\"");
    EXPECT_EQ(name_of("a&b c"), "\"a&b c\"");
    EXPECT_EQ(name_of("t\tn\nr\rb\bf\f"), "\"t\\tn\\nr\\rb\\bf\\f\"");
    EXPECT_EQ(name_of(std::string("\x01\x1b\x1f\x7f", 4)), "\"\\u0001\\u001B\\u001F\x7f\"");
    EXPECT_EQ(name_of(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
    EXPECT_EQ(name_of("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
              "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

TEST(DirectoryListingJson, BytesThatAreNotUtf8BecomeReplacementCharacters) {
    const auto name_of = [](std::string name) {
        const std::string out = json({file(std::move(name), 1)});
        const auto begin = out.find("\"name\":") + 7;
        return out.substr(begin, out.find(", \"type\"") - begin);
    };
    EXPECT_EQ(name_of("\xff"
                      "z"),
              "\"\\ufffdz\"");
    EXPECT_EQ(name_of("\xc3"), "\"\\ufffd\"");                                   // truncated
    EXPECT_EQ(name_of("\xc0\xaf"), "\"\\ufffd\\ufffd\"");                        // overlong '/'
    EXPECT_EQ(name_of("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");             // a surrogate
    EXPECT_EQ(name_of("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
    EXPECT_EQ(name_of("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");              // U+10FFFF itself
}

TEST(DirectoryListingJson, HiddenAndOrderAsInHtml) {
    const std::vector<DirEntry> entries = {file("b", 1), file(".h", 1), dir("z"), dir("a")};
    const std::string off = json(entries, false);
    EXPECT_EQ(off.find(".h"), std::string::npos);
    EXPECT_LT(off.find("\"a\""), off.find("\"z\""));
    EXPECT_LT(off.find("\"z\""), off.find("\"b\""));
    const std::string on = json(entries, true);
    EXPECT_LT(on.find("\"z\""), on.find("\".h\""));
    EXPECT_LT(on.find("\".h\""), on.find("\"b\""));
}

}  // namespace
}  // namespace tpserve::handler
