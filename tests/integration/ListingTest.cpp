// Directory listings: off by default (403), HTML with escaped names and
// URL-escaped links, JSON (Accept or ?format=json) parsed back strictly,
// sorted directories first, hidden entries never listed unless served.
#include <algorithm>

#include "Json.h"
#include "ServerFixture.h"
#include "TestData.h"
#include "TestEnv.h"

namespace tpserve::integration {
namespace {

using support::JsonParse;
using support::JsonValue;
using support::parse_json;

constexpr std::time_t kMtime = 1690000000;

struct Entry {
    std::string name;
    bool dir;
    std::size_t size;
    std::time_t mtime;
};

class ListingBase : public ServerFixture {
protected:
    void make_tree() {
        windows = server_is_windows();
        entries = {
            {"dir-sub", true, 0, kMtime + 1},     {"dir-zed", true, 0, kMtime + 2},
            {"100%.txt", false, 7, kMtime + 3},   {"file-a.txt", false, 1234, kMtime + 4},
            {"file-b.txt", false, 5, kMtime + 5}, {"my file.txt", false, 11, kMtime + 6},
            {"x&y.txt", false, 3, kMtime + 7},
        };
        // '<' and '>' cannot be in a Windows file name.
        if (!windows) entries.push_back({"<script>.html", false, 9, kMtime + 8});
        for (const Entry& e : entries) {
            if (e.dir) {
                tree.mkdir("www/list/" + e.name);
            } else {
                site.add("list/" + e.name, std::string(e.size, 'z'));
            }
        }
        site.add("list/dir-sub/inner.txt", "inner\n");
        site.add("list/.secret", "hidden\n");
        site.add("list/.hiddendir/x.txt", "hidden too\n");
        for (const Entry& e : entries)
            tree.set_mtime("www/list/" + e.name, e.mtime);
        // Byte order of the names, directories first.
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
            if (a.dir != b.dir) return a.dir;
            return a.name < b.name;
        });
    }

    // Checks a parsed JSON listing against `want` exactly, in order.
    void expect_json_listing(const HttpResponse& r, const std::vector<Entry>& want) {
        ASSERT_TRUE(well_framed(r));
        ASSERT_EQ(r.status, 200) << r.head;
        EXPECT_EQ(r.header("Content-Type").value_or("").rfind("application/json", 0), 0u) << r.head;
        const JsonParse j = parse_json(r.body);
        ASSERT_TRUE(j.value) << j.error << "\n" << printable(r.body, 2000);
        ASSERT_TRUE(j.value->is_array()) << printable(r.body);
        const auto& items = j.value->items;
        ASSERT_EQ(items.size(), want.size()) << printable(r.body, 2000);
        for (std::size_t i = 0; i < want.size(); ++i) {
            SCOPED_TRACE("entry " + std::to_string(i) + " (" + want[i].name + ")");
            const JsonValue& o = items[i];
            ASSERT_TRUE(o.is_object());
            for (const char* key : {"name", "type", "mtime"}) {
                ASSERT_EQ(o.count(key), 1u) << key;
                EXPECT_TRUE(o.find(key)->is_string()) << key;
            }
            EXPECT_EQ(o.find("name")->text, want[i].name);
            EXPECT_EQ(o.find("type")->text, want[i].dir ? "directory" : "file");
            EXPECT_EQ(o.find("mtime")->text, http_date(want[i].mtime));
            if (!want[i].dir) {
                ASSERT_EQ(o.count("size"), 1u);
                ASSERT_TRUE(o.find("size")->is_number());
                EXPECT_EQ(o.find("size")->text, std::to_string(want[i].size));
            }
        }
    }

    bool windows = false;
    std::vector<Entry> entries;
};

class ListingOff : public ListingBase {
protected:
    void SetUp() override {
        make_tree();
        ASSERT_TRUE(start());
    }
};

TEST_F(ListingOff, IsTheDefaultAnd403) {
    for (const char* target : {"/list/", "/list/?format=json"}) {
        const HttpResponse r = get(target, "Accept: application/json\r\n");
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 403) << r.head;
        EXPECT_EQ(r.body.find("file-a.txt"), std::string::npos);
    }
}

class Listing : public ListingBase {
protected:
    void SetUp() override {
        make_tree();
        ASSERT_TRUE(start("listing: true\n"));
    }
};

TEST_F(Listing, HtmlNamesAreEscapedAndSorted) {
    const HttpResponse r = get("/list/", "Accept: text/html\r\n");
    ASSERT_TRUE(well_framed(r));
    ASSERT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(r.header("Content-Type").value_or("").rfind("text/html", 0), 0u) << r.head;
    const std::string& b = r.body;
    if (!windows) {
        EXPECT_NE(b.find("&lt;script&gt;.html"), std::string::npos) << printable(b, 4000);
        EXPECT_EQ(b.find("<script>.html"), std::string::npos) << "an unescaped name";
        EXPECT_NE(b.find("%3Cscript%3E.html"), std::string::npos) << "href not URL-escaped";
        // The link works: on Linux '<' is an ordinary byte in a name.
        const HttpResponse linked = get("/list/%3Cscript%3E.html");
        EXPECT_EQ(linked.status, 200) << linked.head;
    }
    EXPECT_NE(b.find("x&amp;y.txt"), std::string::npos) << printable(b, 4000);
    EXPECT_EQ(b.find("x&y"), std::string::npos) << "a raw '&' in the page";
    EXPECT_NE(b.find("my%20file.txt"), std::string::npos) << "href not URL-escaped";
    EXPECT_NE(b.find("100%25.txt"), std::string::npos) << "href not URL-escaped";
    EXPECT_TRUE(b.find("href=\"../\"") != std::string::npos ||
                b.find("href=\"/\"") != std::string::npos ||
                b.find("href=\"..\"") != std::string::npos)
        << "no parent link";
    // Directories first, then by name: each name's first appearance in order.
    std::size_t last = 0;
    std::string last_name = "(start)";
    for (const Entry& e : entries) {
        std::string shown = e.name;
        if (shown == "x&y.txt") shown = "x&amp;y.txt";
        if (shown == "<script>.html") shown = "&lt;script&gt;.html";
        if (shown == "my file.txt") shown = "my%20file.txt";
        if (shown == "100%.txt") shown = "100%25.txt";
        const auto at = b.find(shown);
        ASSERT_NE(at, std::string::npos) << e.name << " missing\n" << printable(b, 4000);
        EXPECT_GT(at, last) << e.name << " listed before " << last_name;
        last = at;
        last_name = e.name;
    }
    for (const char* hidden : {".secret", ".hiddendir"}) {
        EXPECT_EQ(b.find(hidden), std::string::npos) << hidden << " listed";
    }
}

TEST_F(Listing, JsonByAccept) {
    expect_json_listing(get("/list/", "Accept: application/json\r\n"), entries);
}

TEST_F(Listing, JsonByQuery) {
    expect_json_listing(get("/list/?format=json"), entries);
    expect_json_listing(get("/list/?format=json", "Accept: text/html\r\n"), entries);
}

TEST_F(Listing, SubdirectoriesAndEmptyDirectories) {
    expect_json_listing(get("/list/dir-sub/?format=json"),
                        {{"inner.txt", false, 6, tree.mtime("www/list/dir-sub/inner.txt")}});
    expect_json_listing(get("/list/dir-zed/?format=json"), {});
    const HttpResponse html = get("/list/dir-zed/");
    ASSERT_TRUE(well_framed(html));
    EXPECT_EQ(html.status, 200) << html.head;
}

TEST_F(Listing, AHiddenDirectoryIsNotListable) {
    const HttpResponse r = get("/list/.hiddendir/?format=json");
    ASSERT_TRUE(well_framed(r));
    EXPECT_GE(r.status, 400) << r.head;
    EXPECT_EQ(r.body.find("x.txt"), std::string::npos);
}

TEST_F(Listing, AnIndexFileStillWins) {
    const HttpResponse r = get("/docs/");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, site.content("/docs/index.html"));
}

TEST_F(Listing, WithoutTheSlashRedirects) {
    const HttpResponse r = get("/list");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 301) << r.head;
    EXPECT_EQ(r.header("Location").value_or(""), "/list/");
}

TEST_F(Listing, HeadOfAListing) {
    const HttpResponse g = get("/list/");
    ASSERT_TRUE(well_framed(g));
    HttpClient c = connect();
    const HttpResponse h = c.request(make_request("HEAD", "/list/"), true);
    ASSERT_TRUE(h.ok()) << h.error;
    EXPECT_EQ(h.status, 200) << h.head;
    EXPECT_EQ(h.header("Content-Type"), g.header("Content-Type"));
    EXPECT_FALSE(c.data_pending(150ms)) << "a body after HEAD";
}

class ListingHidden : public ListingBase {
protected:
    void SetUp() override {
        make_tree();
        ASSERT_TRUE(start("listing: true\nserve_hidden: true\n"));
    }
};

TEST_F(ListingHidden, HiddenEntriesAreListedWhenServed) {
    const HttpResponse r = get("/list/?format=json");
    ASSERT_TRUE(well_framed(r));
    const JsonParse j = parse_json(r.body);
    ASSERT_TRUE(j.value && j.value->is_array()) << j.error;
    std::vector<std::string> names;
    for (const auto& o : j.value->items) {
        if (const JsonValue* n = o.find("name")) names.push_back(n->text);
    }
    EXPECT_NE(std::find(names.begin(), names.end(), ".secret"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), ".hiddendir"), names.end());
    EXPECT_EQ(names.size(), entries.size() + 2);
}

TEST(MiniJsonReader, StrictAndDecodes) {
    const JsonParse ok = parse_json(R"( [{"a":"x\u0026\u003c\ud83d\ude00","n":-1.5e3,"t":true}] )");
    ASSERT_TRUE(ok.value) << ok.error;
    EXPECT_EQ(ok.value->items.at(0).find("a")->text, "x&<\xF0\x9F\x98\x80");
    EXPECT_EQ(ok.value->items.at(0).find("n")->number, -1500.0);
    for (const char* bad : {"[1,]", "{'a':1}", "[01]", "\"a\nb\"", "[1] x", "{\"a\" 1}",
                            "\"\\ud800\"", "[", "", "nul"}) {
        EXPECT_FALSE(parse_json(bad).value) << bad;
    }
}

}  // namespace
}  // namespace tpserve::integration
