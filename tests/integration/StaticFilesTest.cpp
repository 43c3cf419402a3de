// GET and HEAD of files and directories: types, validators, exact bodies.
#include <chrono>
#include <thread>

#include "ServerFixture.h"
#include "TestData.h"
#include "WaitUntil.h"

namespace tpserve::integration {
namespace {

class StaticFiles : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start()); }

    // The headers every 200 for a file must carry, and the exact body.
    void expect_file_response(const HttpResponse& r, const std::string& path) {
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 200) << r.head;
        EXPECT_EQ(r.version, "HTTP/1.1");
        EXPECT_EQ(r.body, site.content(path)) << compare_bytes(site.content(path), r.body);
        EXPECT_EQ(r.header("Server").value_or("<none>"), "tpserve") << r.head;
        EXPECT_EQ(r.header("Accept-Ranges").value_or("<none>"), "bytes") << r.head;
        const auto etag = r.header("ETag");
        ASSERT_TRUE(etag) << r.head;
        EXPECT_TRUE(etag->size() >= 3 && etag->front() == '"' && etag->back() == '"')
            << "not a strong quoted ETag: " << *etag;
        const auto date = r.header("Date");
        ASSERT_TRUE(date) << r.head;
        const auto t = parse_http_date(*date);
        ASSERT_TRUE(t) << "Date is not an IMF-fixdate: " << *date;
        EXPECT_LE(std::abs(static_cast<long>(*t - std::time(nullptr))), 60L) << *date;
        const auto lm = r.header("Last-Modified");
        ASSERT_TRUE(lm) << r.head;
        EXPECT_EQ(*lm, http_date(tree.mtime("www" + path))) << "Last-Modified must be the mtime";
        for (const char* name : {"Content-Length", "Content-Type", "ETag", "Date", "Server"}) {
            EXPECT_EQ(r.header_count(name), 1u) << name << " repeated in\n" << r.head;
        }
    }
};

struct TypeCase {
    const char* path;
    std::vector<std::string> accepted;  // Content-Type values, exact
};

TEST_F(StaticFiles, ContentTypesAndHeaders) {
    const TypeCase cases[] = {
        {"/index.html", {"text/html; charset=utf-8"}},
        {"/style.css", {"text/css; charset=utf-8"}},
        {"/app.js", {"application/javascript; charset=utf-8", "text/javascript; charset=utf-8"}},
        {"/logo.png", {"image/png"}},
        {"/icon.svg", {"image/svg+xml", "image/svg+xml; charset=utf-8"}},
        {"/notes.qqq", {"application/octet-stream"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.path);
        const HttpResponse r = get(c.path);
        expect_file_response(r, c.path);
        const auto type = r.header("Content-Type");
        ASSERT_TRUE(type) << r.head;
        EXPECT_NE(std::find(c.accepted.begin(), c.accepted.end(), *type), c.accepted.end())
            << "Content-Type: " << *type;
    }
}

TEST_F(StaticFiles, LastModifiedIsTheFileMtime) {
    tree.set_mtime("www/a.txt", 1614834367);  // Thu, 04 Mar 2021 05:06:07 GMT
    const HttpResponse r = get("/a.txt");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.header("Last-Modified").value_or("<none>"), "Thu, 04 Mar 2021 05:06:07 GMT");
}

TEST_F(StaticFiles, EtagChangesWhenTheFileChanges) {
    const HttpResponse before = get("/c.txt");
    expect_file_response(before, "/c.txt");
    const std::string new_body = "a different body, longer than before\n";
    const auto old_mtime = tree.mtime("www/c.txt");
    site.add("c.txt", new_body);
    // Another time for sure, and a past one: a future mtime is sent as Date.
    tree.set_mtime("www/c.txt", old_mtime - 5);
    // A file cache may revalidate lazily; allow it a few seconds, no more.
    HttpResponse after;
    support::wait_until(
        [&] {
            after = get("/c.txt");
            return after.body == new_body;
        },
        5s, 100ms);
    expect_file_response(after, "/c.txt");
    EXPECT_NE(after.header("ETag"), before.header("ETag"));
    EXPECT_NE(after.header("Last-Modified"), before.header("Last-Modified"));
}

TEST_F(StaticFiles, HeadHasTheHeadersOfGetAndNoBody) {
    HttpClient c = connect();
    const HttpResponse g = c.request(make_request("GET", "/logo.png"));
    ASSERT_TRUE(well_framed(g));
    const HttpResponse h = c.request(make_request("HEAD", "/logo.png"), true);
    ASSERT_TRUE(h.ok()) << h.error;
    EXPECT_EQ(h.status, 200);
    for (const char* name :
         {"Content-Length", "Content-Type", "ETag", "Last-Modified", "Accept-Ranges", "Server"}) {
        EXPECT_EQ(h.header(name), g.header(name)) << name;
    }
    // Nothing may follow the HEAD response's headers...
    EXPECT_FALSE(c.data_pending(300ms))
        << "bytes after a HEAD response: " << printable(c.read_some(200, 0ms));
    // ...so the next response on the connection parses right after them.
    const HttpResponse next = c.request(make_request("GET", "/a.txt"));
    ASSERT_TRUE(well_framed(next));
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.body, site.content("/a.txt"));
}

TEST_F(StaticFiles, MissingFileIs404AndKeepsTheConnection) {
    HttpClient c = connect();
    const HttpResponse r = c.request(make_request("GET", "/no-such-file.html"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.header("Content-Type").value_or("").rfind("text/html", 0), 0u) << r.head;
    EXPECT_FALSE(r.body.empty());
    EXPECT_LT(r.body.size(), 4096u);
    EXPECT_NE(r.header("Connection").value_or(""), "close");
    const HttpResponse next = c.request(make_request("GET", "/a.txt"));
    ASSERT_TRUE(well_framed(next));
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.body, site.content("/a.txt"));
}

TEST_F(StaticFiles, DirectoryWithoutSlashRedirects) {
    HttpResponse r = get("/docs");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("Location").value_or("<none>"), "/docs/");
    r = get("/docs?x=1");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("Location").value_or("<none>"), "/docs/?x=1");
}

TEST_F(StaticFiles, DirectoryServesItsIndex) {
    const HttpResponse r = get("/docs/");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type").value_or("<none>"), "text/html; charset=utf-8");
    EXPECT_EQ(r.body, site.content("/docs/index.html"));
    const HttpResponse root = get("/");
    ASSERT_TRUE(well_framed(root));
    EXPECT_EQ(root.status, 200);
    EXPECT_EQ(root.body, site.content("/index.html"));
}

TEST_F(StaticFiles, DirectoryWithoutIndexIs403) {
    const HttpResponse r = get("/empty/");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 403);
}

TEST_F(StaticFiles, QueryStringIsIgnoredForFiles) {
    const HttpResponse r = get("/a.txt?v=123");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, site.content("/a.txt"));
}

}  // namespace
}  // namespace tpserve::integration
