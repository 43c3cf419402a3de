// StaticHandler against an in-memory document root: methods, status codes,
// headers and the plan shape of each response.
#include <gtest/gtest.h>

#include <vector>

#include "conn/MemoryFileSystem.h"
#include "conn/TestSites.h"
#include "files/FileCache.h"
#include "handler/StaticHandler.h"

namespace tpserve::handler {
namespace {

using testing::MemoryFileSystem;

class StaticHandlerTest : public ::testing::Test {
protected:
    StaticHandlerTest() {
        fs.add_dir("");  // the root itself
        fs.add_file("index.html", 30);
        fs.add_file("style.css", 12);
        fs.add_file("empty.bin", 0);
        fs.add_file("photo.PNG", 5000);
        fs.add_dir("docs");
        fs.add_file("docs/index.html", 40);
        fs.add_dir("noindex");
        fs.add_dir("altindex");
        fs.add_file("altindex/default.htm", 7);
        fs.forbid("secret.txt");
        config.index = {"index.html", "default.htm"};
    }

    struct Result {
        ResponseInfo info;
        std::string wire;
        plan::Disposition disposition;
        std::size_t file_parts = 0;
    };

    Result run(http::Method method, std::string_view target, std::vector<http::Header> headers = {},
               std::uint8_t minor = 1, bool keep_alive = true) {
        http::Request request{};
        request.method = method;
        request.method_text = method == http::Method::Head ? "HEAD" : "GET";
        request.target = target;
        request.version_major = 1;
        request.version_minor = minor;
        if (minor == 1 && headers.empty()) headers.push_back({"Host", "example.test"});
        headers_ = std::move(headers);
        request.headers = headers_;
        request.keep_alive = true;
        plan::TransmitPlan plan;
        Result result;
        result.info = handler().respond(request, keep_alive, resolver, plan);
        result.disposition = plan.disposition;
        for (const plan::Part& part : plan.pending()) {
            if (const auto* memory = std::get_if<plan::MemoryPart>(&part)) {
                result.wire.append(reinterpret_cast<const char*>(memory->bytes.data()),
                                   memory->bytes.size());
            } else {
                ++result.file_parts;
                const auto& file = std::get<plan::FilePart>(part);
                result.wire +=
                    "<" + std::to_string(file.offset) + "+" + std::to_string(file.length) + ">";
            }
        }
        return result;
    }

    static bool has(const Result& result, std::string_view text) {
        return result.wire.find(text) != std::string::npos;
    }

    config::Config config;
    MemoryFileSystem fs;
    files::MimeTable mime{{}, "application/octet-stream"};
    // Built at first use, once the test has set up `config`.
    StaticHandler& handler() {
        if (!handler_) {
            const files::FileSystem* served = &fs;
            if (cached) {
                files::FileCache::Settings settings;
                settings.max_file_bytes = 1024;
                cache_ = std::make_unique<files::FileCache>(fs, settings);
                served = cache_.get();
            }
            sites_ = std::make_unique<testing::TestSites>(config, *served);
            handler_ = std::make_unique<StaticHandler>(config, *sites_->table, mime);
        }
        return *handler_;
    }
    bool cached = false;  // serve through a FileCache that keeps files ≤ 1 KiB in memory
    std::unique_ptr<files::FileCache> cache_;
    std::unique_ptr<testing::TestSites> sites_;
    std::unique_ptr<StaticHandler> handler_;
    files::PathResolver resolver{false};
    std::vector<http::Header> headers_;
};

TEST_F(StaticHandlerTest, GetFileHasEveryRequiredHeader) {
    const Result r = run(http::Method::Get, "/style.css");
    EXPECT_EQ(r.info.status, 200);
    EXPECT_EQ(r.info.body_bytes, 12u);
    EXPECT_EQ(r.wire.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
    for (std::string_view field :
         {"Content-Type: text/css; charset=utf-8\r\n", "Content-Length: 12\r\n",
          "Last-Modified: Tue, 14 Nov 2023 22:13:20 GMT\r\n", "ETag: \"",
          "Date: ", "Server: tpserve\r\n", "Accept-Ranges: bytes\r\n"}) {
        EXPECT_TRUE(has(r, field)) << field << " missing in\n" << r.wire;
    }
    EXPECT_EQ(r.file_parts, 1u);
    EXPECT_TRUE(r.wire.ends_with("\r\n\r\n<0+12>"));
    EXPECT_EQ(r.disposition, plan::Disposition::KeepAlive);
}

TEST_F(StaticHandlerTest, HeadHasSameHeadersAndNoBody) {
    const Result get = run(http::Method::Get, "/style.css");
    const Result head = run(http::Method::Head, "/style.css");
    EXPECT_EQ(head.info.status, 200);
    EXPECT_EQ(head.info.body_bytes, 0u);
    EXPECT_EQ(head.file_parts, 0u);
    EXPECT_EQ(head.wire, get.wire.substr(0, get.wire.size() - std::string("<0+12>").size()));
}

TEST_F(StaticHandlerTest, EmptyFileHasNoFilePart) {
    const Result r = run(http::Method::Get, "/empty.bin");
    EXPECT_EQ(r.info.status, 200);
    EXPECT_TRUE(has(r, "Content-Length: 0\r\n"));
    EXPECT_TRUE(has(r, "Content-Type: application/octet-stream\r\n"));
    EXPECT_EQ(r.file_parts, 0u);
}

TEST_F(StaticHandlerTest, ExtensionLookupIgnoresCase) {
    EXPECT_TRUE(has(run(http::Method::Get, "/photo.PNG"), "Content-Type: image/png\r\n"));
}

TEST_F(StaticHandlerTest, MissingFileIs404WithHtmlBodyAndKeepsAlive) {
    const Result r = run(http::Method::Get, "/nope.txt");
    EXPECT_EQ(r.info.status, 404);
    EXPECT_TRUE(has(r, "Content-Type: text/html; charset=utf-8\r\n"));
    EXPECT_TRUE(has(r, "<h1>404 Not Found</h1>"));
    EXPECT_EQ(r.disposition, plan::Disposition::KeepAlive);
    const auto body = r.wire.substr(r.wire.find("\r\n\r\n") + 4);
    EXPECT_TRUE(has(r, "Content-Length: " + std::to_string(body.size()) + "\r\n"));
}

TEST_F(StaticHandlerTest, ForbiddenOpenIs403) {
    EXPECT_EQ(run(http::Method::Get, "/secret.txt").info.status, 403);
}

TEST_F(StaticHandlerTest, OtherMethodsAre405WithAllow) {
    for (http::Method method : {http::Method::Post, http::Method::Put, http::Method::Delete,
                                http::Method::Patch, http::Method::Trace}) {
        const Result r = run(method, "/style.css");
        EXPECT_EQ(r.info.status, 405);
        EXPECT_TRUE(has(r, "Allow: GET, HEAD, OPTIONS\r\n"));
    }
}

TEST_F(StaticHandlerTest, OptionsIs204WithAllowAndNoBody) {
    for (std::string_view target : {"/style.css", "*", "/missing"}) {
        const Result r = run(http::Method::Options, target);
        EXPECT_EQ(r.info.status, 204) << target;
        EXPECT_TRUE(has(r, "Allow: GET, HEAD, OPTIONS\r\n")) << target;
        EXPECT_FALSE(has(r, "Content-Length")) << target;
        EXPECT_TRUE(r.wire.ends_with("\r\n\r\n")) << target;
        EXPECT_EQ(r.disposition, plan::Disposition::KeepAlive) << target;
    }
}

TEST_F(StaticHandlerTest, UnknownMethodIs501) {
    EXPECT_EQ(run(http::Method::Other, "/style.css").info.status, 501);
}

TEST_F(StaticHandlerTest, DirectoryWithoutSlashRedirectsKeepingTheQuery) {
    const Result r = run(http::Method::Get, "/docs?page=2");
    EXPECT_EQ(r.info.status, 301);
    EXPECT_TRUE(has(r, "Location: /docs/?page=2\r\n")) << r.wire;
}

TEST_F(StaticHandlerTest, RedirectLocationComesFromTheNormalizedPath) {
    fs.add_dir("my docs");
    // A raw "//docs" echoed back would send a browser to the host "docs".
    for (std::string_view target :
         {"//docs", "/x/../docs", "http://example.test//docs", "/./docs"}) {
        const Result r = run(http::Method::Get, target);
        EXPECT_EQ(r.info.status, 301) << target;
        EXPECT_TRUE(has(r, "Location: /docs/\r\n")) << target << "\n" << r.wire;
    }
    EXPECT_TRUE(
        has(run(http::Method::Get, "/my%20docs?q=a%20b"), "Location: /my%20docs/?q=a%20b\r\n"));
}

TEST_F(StaticHandlerTest, InvalidHostValueIs400) {
    for (std::string_view host : {"a b", "h/../x", "user@host", "host:port", "[::1", "h:123456"}) {
        EXPECT_EQ(run(http::Method::Get, "/style.css", {{"Host", host}}).info.status, 400) << host;
    }
    for (std::string_view host : {"example.com", "example.com:8080", "127.0.0.1:80", "[::1]:8080",
                                  "xn--bcher-kva.example", ""}) {
        EXPECT_EQ(run(http::Method::Get, "/style.css", {{"Host", host}}).info.status, 200) << host;
    }
}

TEST_F(StaticHandlerTest, DirectoryServesItsIndexFromTheConfiguredList) {
    const Result docs = run(http::Method::Get, "/docs/");
    EXPECT_EQ(docs.info.status, 200);
    EXPECT_TRUE(has(docs, "<0+40>"));
    const Result alt = run(http::Method::Get, "/altindex/");
    EXPECT_EQ(alt.info.status, 200);
    EXPECT_TRUE(has(alt, "Content-Length: 7\r\n"));
    const Result root = run(http::Method::Get, "/");
    EXPECT_EQ(root.info.status, 200);
    EXPECT_TRUE(has(root, "Content-Type: text/html; charset=utf-8"));
}

TEST_F(StaticHandlerTest, DirectoryWithoutIndexIs403) {
    EXPECT_EQ(run(http::Method::Get, "/noindex/").info.status, 403);
}

TEST_F(StaticHandlerTest, FileWithTrailingSlashIs404) {
    EXPECT_EQ(run(http::Method::Get, "/style.css/").info.status, 404);
}

TEST_F(StaticHandlerTest, TraversalIs400AndCloses) {
    const Result r = run(http::Method::Get, "/../etc/passwd");
    EXPECT_EQ(r.info.status, 400);
    EXPECT_TRUE(r.info.close);
    EXPECT_EQ(r.disposition, plan::Disposition::Close);
    EXPECT_TRUE(has(r, "Connection: close\r\n"));
}

TEST_F(StaticHandlerTest, HiddenFileIs404) {
    fs.add_file(".env", 5);
    EXPECT_EQ(run(http::Method::Get, "/.env").info.status, 404);
}

TEST_F(StaticHandlerTest, Http11WithoutHostIs400) {
    const Result r = run(http::Method::Get, "/style.css", {{"Accept", "*/*"}});
    EXPECT_EQ(r.info.status, 400);
    EXPECT_EQ(r.disposition, plan::Disposition::Close);
    const Result two = run(http::Method::Get, "/style.css", {{"Host", "a"}, {"host", "b"}});
    EXPECT_EQ(two.info.status, 400);
}

TEST_F(StaticHandlerTest, Http10WithoutHostIsFine) {
    const Result r = run(http::Method::Get, "/style.css", {}, 0);
    EXPECT_EQ(r.info.status, 200);
}

TEST_F(StaticHandlerTest, NoKeepAliveMeansConnectionClose) {
    const Result r = run(http::Method::Get, "/style.css", {}, 1, false);
    EXPECT_TRUE(has(r, "Connection: close\r\n"));
    EXPECT_EQ(r.disposition, plan::Disposition::Close);
    EXPECT_TRUE(r.info.close);
}

TEST_F(StaticHandlerTest, ErrorResponseAlwaysCloses) {
    plan::TransmitPlan plan;
    const ResponseInfo info = handler().respond_error(431, plan);
    EXPECT_EQ(info.status, 431);
    EXPECT_TRUE(info.close);
    EXPECT_EQ(plan.disposition, plan::Disposition::Close);
}

TEST_F(StaticHandlerTest, EmptyServerHeaderIsOmitted) {
    config.server_header.clear();
    EXPECT_FALSE(has(run(http::Method::Get, "/style.css"), "Server:"));
}

TEST_F(StaticHandlerTest, ASmallCachedFileGoesFromMemoryWithItsHead) {
    cached = true;
    const Result r = run(http::Method::Get, "/style.css");
    EXPECT_EQ(r.info.status, 200);
    EXPECT_EQ(r.file_parts, 0u);
    EXPECT_TRUE(r.wire.ends_with("\r\n\r\n012345678901")) << r.wire;
    EXPECT_TRUE(has(r, "Content-Length: 12\r\n"));
    const Result range =
        run(http::Method::Get, "/style.css", {{"Host", "x"}, {"Range", "bytes=2-5"}});
    EXPECT_EQ(range.info.status, 206);
    EXPECT_EQ(range.file_parts, 0u);
    EXPECT_TRUE(range.wire.ends_with("\r\n\r\n2345")) << range.wire;
    const Result head = run(http::Method::Head, "/style.css");
    EXPECT_TRUE(head.wire.ends_with("\r\n\r\n")) << head.wire;
}

TEST_F(StaticHandlerTest, ALargerCachedFileStillGoesAsAFileRange) {
    cached = true;
    const Result r = run(http::Method::Get, "/photo.PNG");
    EXPECT_EQ(r.info.status, 200);
    EXPECT_EQ(r.file_parts, 1u);
    EXPECT_TRUE(has(r, "<0+5000>"));
}

}  // namespace
}  // namespace tpserve::handler
