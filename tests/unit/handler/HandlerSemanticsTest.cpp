// StaticHandler's HTTP semantics over in-memory document roots: ranges,
// conditional requests, precompressed variants, sites by Host, SPA fallback,
// error pages, header rules, OPTIONS/TRACE and listings.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "conn/MemoryFileSystem.h"
#include "handler/StaticHandler.h"

namespace tpserve::handler {
namespace {

using testing::MemoryFileSystem;
using Headers = std::vector<http::Header>;

constexpr std::int64_t kMtime = 1'700'000'000;
constexpr std::string_view kLastModified = "Tue, 14 Nov 2023 22:13:20 GMT";

class HandlerSemanticsTest : public ::testing::Test {
protected:
    HandlerSemanticsTest() {
        for (MemoryFileSystem& f : files)
            f.add_dir("");
        fs.add_file("index.html", 30, kMtime);
        fs.add_file("a.txt", 1000, kMtime);
        fs.add_file("app.js", 1000, kMtime);
        fs.add_file("app.js.br", 300, kMtime);
        fs.add_file("app.js.gz", 400, kMtime + 10);  // newer is fine
        fs.add_file("old.css", 500, kMtime);
        fs.add_file("old.css.gz", 100, kMtime - 1);  // stale: never served
        fs.add_file("data.json", 800, kMtime);
        fs.add_file("data.json.zst", 80, kMtime);
        fs.add_file("dir.txt", 10, kMtime);
        fs.add_dir("dir.txt.br");  // not a regular file: no variant
        fs.add_dir("docs");
        fs.add_file("docs/index.html", 40, kMtime);
        fs.add_dir("list");
        fs.add_file("list/b.txt", 3, kMtime);
        fs.add_file("list/a.txt", 2, kMtime);
        fs.add_file("list/.hidden", 1, kMtime);
        fs.add_dir("list/sub");
        fs.add_dir("errors");
        fs.add_file("errors/404.html", 77, kMtime);
        fs.add_file("errors/405.html", 55, kMtime);
        fs.add_file("errors/416.html", 66, kMtime);
        fs.add_file("errors/403.txt", 33, kMtime);
        fs.forbid("secret.txt");
        fs.forbid("errors/500.html");
    }

    struct Result {
        ResponseInfo info;
        std::string wire;           // file parts as "<offset+length>"
        std::uint64_t content = 0;  // bytes after the head, file parts included
        std::size_t file_parts = 0;
        std::string_view site() const {
            return info.site != nullptr ? std::string_view(info.site->settings.name)
                                        : std::string_view();
        }
        bool has(std::string_view text) const { return wire.find(text) != std::string::npos; }
        std::string head() const { return wire.substr(0, wire.find("\r\n\r\n") + 4); }
        // The value of the first field `name` (exact case), "" if none.
        std::string field(std::string_view name) const {
            const std::string key = "\r\n" + std::string(name) + ": ";
            const std::size_t at = head().find(key);
            if (at == std::string::npos) return "";
            const std::size_t start = at + key.size();
            return wire.substr(start, wire.find("\r\n", start) - start);
        }
    };

    Result run(http::Method method, std::string_view target, Headers headers = {},
               std::uint8_t minor = 1) {
        bool host = false;
        for (const http::Header& h : headers)
            host = host || h.name == "Host";
        if (minor == 1 && !host) headers.push_back({"Host", "example.test"});
        http::Request request{};
        request.method = method;
        request.method_text = method == http::Method::Head ? "HEAD" : "GET";
        request.target = target;
        request.version_major = 1;
        request.version_minor = minor;
        headers_ = std::move(headers);
        request.headers = headers_;
        request.keep_alive = true;
        plan::TransmitPlan plan;
        Result r;
        r.info = handler().respond(request, true, resolver, plan);
        for (const plan::Part& part : plan.pending()) {
            if (const auto* memory = std::get_if<plan::MemoryPart>(&part)) {
                r.wire.append(reinterpret_cast<const char*>(memory->bytes.data()),
                              memory->bytes.size());
                r.content += memory->bytes.size();
            } else {
                ++r.file_parts;
                const auto& file = std::get<plan::FilePart>(part);
                r.wire +=
                    "<" + std::to_string(file.offset) + "+" + std::to_string(file.length) + ">";
                r.content += file.length;
            }
        }
        r.content -= r.info.head_bytes;
        return r;
    }
    Result get(std::string_view target, Headers headers = {}) {
        return run(http::Method::Get, target, std::move(headers));
    }

    // Built at first use, once the test has set up `config`: site i reads
    // files[i] (the top-level default site reads files[0]).
    StaticHandler& handler() {
        if (!handler_) {
            settings_ = config::effective_sites(config);
            std::vector<std::unique_ptr<Site>> sites;
            for (std::size_t i = 0; i < settings_.size(); ++i)
                sites.push_back(std::make_unique<Site>(settings_[i], files.at(i), nullptr));
            table_ = std::make_unique<SiteTable>(std::move(sites));
            handler_ = std::make_unique<StaticHandler>(config, *table_, mime);
        }
        return *handler_;
    }

    config::Config config;
    std::array<MemoryFileSystem, 3> files;
    MemoryFileSystem& fs = files[0];
    files::MimeTable mime{{}, "application/octet-stream"};
    std::vector<config::Site> settings_;
    std::unique_ptr<SiteTable> table_;
    std::unique_ptr<StaticHandler> handler_;
    files::PathResolver resolver{false};
    Headers headers_;
};

// --- Ranges ----------------------------------------------------------------

TEST_F(HandlerSemanticsTest, SingleRangeIs206WithContentRange) {
    const Result r = get("/a.txt", {{"Range", "bytes=100-199"}});
    EXPECT_EQ(r.info.status, 206);
    EXPECT_EQ(r.wire.rfind("HTTP/1.1 206 Partial Content\r\n", 0), 0u) << r.wire;
    EXPECT_EQ(r.field("Content-Range"), "bytes 100-199/1000");
    EXPECT_EQ(r.field("Content-Length"), "100");
    EXPECT_EQ(r.field("Accept-Ranges"), "bytes");
    EXPECT_TRUE(r.wire.ends_with("\r\n\r\n<100+100>")) << r.wire;
    EXPECT_EQ(r.info.body_bytes, 100u);

    EXPECT_EQ(get("/a.txt", {{"Range", "bytes=-10"}}).field("Content-Range"), "bytes 990-999/1000");
    EXPECT_EQ(get("/a.txt", {{"Range", "bytes=995-"}}).field("Content-Range"),
              "bytes 995-999/1000");
    EXPECT_EQ(get("/a.txt", {{"Range", "bytes=990-5000"}}).field("Content-Range"),
              "bytes 990-999/1000");
}

TEST_F(HandlerSemanticsTest, SeveralRangesAreMultipart) {
    const Result r = get("/a.txt", {{"Range", "bytes=0-9,500-509"}});
    ASSERT_EQ(r.info.status, 206) << r.wire;
    const std::string type = r.field("Content-Type");
    ASSERT_EQ(type.rfind("multipart/byteranges; boundary=", 0), 0u) << type;
    const std::string boundary = type.substr(type.find('=') + 1);
    EXPECT_EQ(boundary.size(), Boundary::kLength);
    EXPECT_EQ(r.field("Content-Range"), "");  // only inside the parts
    EXPECT_EQ(r.field("Content-Length"), std::to_string(r.content));
    EXPECT_EQ(r.info.body_bytes, r.content);
    EXPECT_EQ(r.file_parts, 2u);
    const std::size_t first = r.wire.find("<0+10>");
    const std::size_t second = r.wire.find("<500+10>");
    ASSERT_NE(first, std::string::npos);
    ASSERT_NE(second, std::string::npos);
    EXPECT_LT(first, second);
    EXPECT_TRUE(r.has("--" + boundary +
                      "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                      "Content-Range: bytes 0-9/1000\r\n\r\n<0+10>"))
        << r.wire;
    EXPECT_TRUE(r.has("Content-Range: bytes 500-509/1000\r\n\r\n<500+10>"));
    EXPECT_TRUE(r.wire.ends_with("\r\n--" + boundary + "--\r\n")) << r.wire;
    // A fresh boundary each time.
    const Result again = get("/a.txt", {{"Range", "bytes=0-9,500-509"}});
    EXPECT_NE(again.field("Content-Type"), type);
}

TEST_F(HandlerSemanticsTest, RangesKeepTheRequestOrderAndOverlapsCoalesce) {
    const Result ordered = get("/a.txt", {{"Range", "bytes=500-509,0-9"}});
    EXPECT_GT(ordered.wire.find("<0+10>"), ordered.wire.find("<500+10>"));
    const Result merged = get("/a.txt", {{"Range", "bytes=0-99,50-149"}});
    EXPECT_EQ(merged.info.status, 206);
    EXPECT_EQ(merged.field("Content-Range"), "bytes 0-149/1000");
    EXPECT_TRUE(merged.wire.ends_with("<0+150>"));
}

TEST_F(HandlerSemanticsTest, UnsatisfiableRangeIs416WithTheSize) {
    const Result r = get("/a.txt", {{"Range", "bytes=1000-2000"}});
    EXPECT_EQ(r.info.status, 416);
    EXPECT_EQ(r.field("Content-Range"), "bytes */1000");
    EXPECT_EQ(r.file_parts, 0u);
    EXPECT_EQ(r.info.site, &table_->default_site());
}

TEST_F(HandlerSemanticsTest, IgnoredRangesGiveTheWholeFile) {
    for (const char* range : {"bytes=abc", "items=0-1", "bytes=5-1", "bytes 0-1", ""}) {
        const Result r = get("/a.txt", {{"Range", range}});
        EXPECT_EQ(r.info.status, 200) << range;
        EXPECT_TRUE(r.wire.ends_with("<0+1000>")) << range;
    }
    // Two Range fields are no valid byte-ranges-specifier either.
    EXPECT_EQ(get("/a.txt", {{"Range", "bytes=0-1"}, {"Range", "bytes=3-4"}}).info.status, 200);
    // HEAD ignores Range.
    const Result head = run(http::Method::Head, "/a.txt", {{"Range", "bytes=0-1"}});
    EXPECT_EQ(head.info.status, 200);
    EXPECT_EQ(head.field("Content-Length"), "1000");
    EXPECT_EQ(head.file_parts, 0u);
}

TEST_F(HandlerSemanticsTest, RangesOfAnEmptyFile) {
    fs.add_file("empty.txt", 0, kMtime);
    const Result r = get("/empty.txt", {{"Range", "bytes=0-"}});
    EXPECT_EQ(r.info.status, 416);
    EXPECT_EQ(r.field("Content-Range"), "bytes */0");
    // A non-zero suffix is satisfiable (RFC 9110 §14.1.1): the whole, empty.
    const Result suffix = get("/empty.txt", {{"Range", "bytes=-5"}});
    EXPECT_EQ(suffix.info.status, 200);
    EXPECT_EQ(suffix.field("Content-Length"), "0");
}

TEST_F(HandlerSemanticsTest, MoreRangesThanTheLimitGiveTheWholeFile) {
    config.limits.max_ranges = 2;
    EXPECT_EQ(get("/a.txt", {{"Range", "bytes=0-0,100-100"}}).info.status, 206);
    const Result r = get("/a.txt", {{"Range", "bytes=0-0,100-100,200-200"}});
    EXPECT_EQ(r.info.status, 200);
    EXPECT_EQ(r.field("Content-Length"), "1000");
}

TEST_F(HandlerSemanticsTest, IfRangeNeedsAStrongETagOrTheExactDate) {
    const std::string etag = get("/a.txt").field("ETag");
    ASSERT_FALSE(etag.empty());
    const auto with = [&](std::string_view if_range) {
        return get("/a.txt", {{"Range", "bytes=0-9"}, {"If-Range", if_range}}).info.status;
    };
    EXPECT_EQ(with(etag), 206);
    EXPECT_EQ(with("\"other\""), 200);
    EXPECT_EQ(with("W/" + etag), 200);  // weak never matches
    EXPECT_EQ(with(kLastModified), 206);
    EXPECT_EQ(with("Tue, 14 Nov 2023 22:13:21 GMT"), 200);
    EXPECT_EQ(with("Tue, 14 Nov 2023 22:13:19 GMT"), 200);
    EXPECT_EQ(with("garbage"), 200);
}

// --- Conditional requests ------------------------------------------------------

TEST_F(HandlerSemanticsTest, IfNoneMatchGives304WithValidatorsAndNoBody) {
    config.headers.push_back(config::HeaderRule{"*.txt", "", 3600, {{"X-Txt", "1"}}});
    const Result full = get("/a.txt");
    const std::string etag = full.field("ETag");
    for (const std::string& value : {etag, "W/" + etag, "\"x\", " + etag, std::string("*")}) {
        const Result r = get("/a.txt", {{"If-None-Match", value}});
        EXPECT_EQ(r.info.status, 304) << value;
        EXPECT_EQ(r.wire.rfind("HTTP/1.1 304 Not Modified\r\n", 0), 0u);
        EXPECT_EQ(r.field("ETag"), etag);
        EXPECT_EQ(r.field("Last-Modified"), kLastModified);
        EXPECT_EQ(r.field("Cache-Control"), "max-age=3600");
        EXPECT_FALSE(r.field("Expires").empty());
        EXPECT_FALSE(r.field("Date").empty());
        EXPECT_EQ(r.field("X-Txt"), "1");
        EXPECT_EQ(r.field("X-Content-Type-Options"), "nosniff");
        EXPECT_FALSE(r.has("\r\nContent-Length:"));
        EXPECT_FALSE(r.has("\r\nContent-Type:"));
        EXPECT_EQ(r.content, 0u);
        EXPECT_EQ(r.info.body_bytes, 0u);
    }
    EXPECT_EQ(get("/a.txt", {{"If-None-Match", "\"x\""}}).info.status, 200);
    EXPECT_EQ(run(http::Method::Head, "/a.txt", {{"If-None-Match", etag}}).info.status, 304);
}

TEST_F(HandlerSemanticsTest, IfModifiedSinceOnlyWithoutIfNoneMatch) {
    EXPECT_EQ(get("/a.txt", {{"If-Modified-Since", kLastModified}}).info.status, 304);
    EXPECT_EQ(get("/a.txt", {{"If-Modified-Since", "Wed, 15 Nov 2023 00:00:00 GMT"}}).info.status,
              304);
    EXPECT_EQ(get("/a.txt", {{"If-Modified-Since", "Tue, 14 Nov 2023 22:13:19 GMT"}}).info.status,
              200);
    EXPECT_EQ(get("/a.txt", {{"If-Modified-Since", "yesterday"}}).info.status, 200);
    EXPECT_EQ(get("/a.txt", {{"If-None-Match", "\"x\""}, {"If-Modified-Since", kLastModified}})
                  .info.status,
              200);
}

TEST_F(HandlerSemanticsTest, IfMatchAndIfUnmodifiedSinceGive412) {
    config.headers.push_back(config::HeaderRule{"*", "", 60, {{"X-Rule", "1"}}});
    const std::string etag = get("/a.txt").field("ETag");
    EXPECT_EQ(get("/a.txt", {{"If-Match", etag}}).info.status, 200);
    EXPECT_EQ(get("/a.txt", {{"If-Match", "*"}}).info.status, 200);
    const Result failed = get("/a.txt", {{"If-Match", "\"other\""}});
    EXPECT_EQ(failed.info.status, 412);
    EXPECT_FALSE(failed.has("X-Rule")) << "header rules are not for errors";
    EXPECT_FALSE(failed.has("Cache-Control"));
    EXPECT_EQ(get("/a.txt", {{"If-Match", "W/" + etag}}).info.status, 412);  // strong comparison
    EXPECT_EQ(get("/a.txt", {{"If-Unmodified-Since", "Tue, 14 Nov 2023 22:13:19 GMT"}}).info.status,
              412);
    EXPECT_EQ(get("/a.txt", {{"If-Unmodified-Since", kLastModified}}).info.status, 200);
    // If-Match is evaluated first; a 412 beats a 304.
    EXPECT_EQ(get("/a.txt", {{"If-Match", "\"other\""}, {"If-None-Match", etag}}).info.status, 412);
    // Preconditions come before Range.
    EXPECT_EQ(get("/a.txt", {{"If-None-Match", etag}, {"Range", "bytes=0-1"}}).info.status, 304);
}

// --- Precompressed variants ----------------------------------------------------

TEST_F(HandlerSemanticsTest, ServerPreferenceAmongAcceptedVariants) {
    const Result br = get("/app.js", {{"Accept-Encoding", "gzip, br"}});
    EXPECT_EQ(br.info.status, 200);
    EXPECT_EQ(br.field("Content-Encoding"), "br");
    EXPECT_EQ(br.field("Content-Length"), "300");
    EXPECT_EQ(br.field("Content-Type"), mime.lookup("app.js"));  // the original's
    EXPECT_NE(mime.lookup("app.js"), mime.default_type());
    EXPECT_EQ(br.field("Vary"), "Accept-Encoding");
    EXPECT_EQ(br.info.encoding, "br");
    EXPECT_TRUE(br.wire.ends_with("<0+300>"));

    const Result gz = get("/app.js", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(gz.field("Content-Encoding"), "gzip");
    EXPECT_EQ(gz.field("Content-Length"), "400");
    EXPECT_EQ(gz.field("Last-Modified"), "Tue, 14 Nov 2023 22:13:30 GMT");  // its own
    EXPECT_NE(gz.field("ETag"), br.field("ETag"));
    EXPECT_EQ(get("/app.js", {{"Accept-Encoding", "x-gzip"}}).field("Content-Encoding"), "gzip");
    EXPECT_EQ(get("/app.js", {{"Accept-Encoding", "*"}}).field("Content-Encoding"), "br");
    EXPECT_EQ(get("/app.js", {{"Accept-Encoding", "br;q=0.5, gzip"}}).field("Content-Encoding"),
              "gzip");
}

TEST_F(HandlerSemanticsTest, QZeroAndNoAcceptEncodingGiveTheOriginalStillVaried) {
    for (const Headers& headers :
         {Headers{}, Headers{{"Accept-Encoding", "br;q=0, gzip;q=0"}},
          Headers{{"Accept-Encoding", "identity"}}, Headers{{"Accept-Encoding", "*;q=0"}},
          Headers{{"Accept-Encoding", "deflate"}}}) {
        const Result r = get("/app.js", headers);
        const std::string_view ae = headers.empty() ? "" : headers[0].value;
        EXPECT_EQ(r.field("Content-Encoding"), "") << ae;
        EXPECT_EQ(r.field("Content-Length"), "1000") << ae;
        EXPECT_EQ(r.field("Vary"), "Accept-Encoding") << ae;
        EXPECT_EQ(r.info.encoding, "") << ae;
    }
    EXPECT_EQ(get("/app.js", {{"Accept-Encoding", "br;q=0, *"}}).field("Content-Encoding"), "gzip");
}

TEST_F(HandlerSemanticsTest, VaryOnEveryResponseOfAPathWithAVariant) {
    const Result br = get("/app.js", {{"Accept-Encoding", "br"}});
    const Result not_modified =
        get("/app.js", {{"Accept-Encoding", "br"}, {"If-None-Match", br.field("ETag")}});
    EXPECT_EQ(not_modified.info.status, 304);
    EXPECT_EQ(not_modified.field("Vary"), "Accept-Encoding");
    // The identity response's ETag does not validate the br one.
    const Result identity = get("/app.js");
    EXPECT_EQ(get("/app.js", {{"Accept-Encoding", "br"}, {"If-None-Match", identity.field("ETag")}})
                  .info.status,
              200);
    const Result partial = get("/app.js", {{"Accept-Encoding", "br"}, {"Range", "bytes=0-9"}});
    EXPECT_EQ(partial.info.status, 206);
    EXPECT_EQ(partial.field("Content-Range"), "bytes 0-9/300");
    EXPECT_EQ(partial.field("Content-Encoding"), "br");
    EXPECT_EQ(partial.field("Vary"), "Accept-Encoding");
    const Result head = run(http::Method::Head, "/app.js", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(head.field("Vary"), "Accept-Encoding");
    EXPECT_EQ(head.field("Content-Length"), "400");
    // Paths without a variant do not vary.
    EXPECT_EQ(get("/a.txt", {{"Accept-Encoding", "br"}}).field("Vary"), "");
}

TEST_F(HandlerSemanticsTest, StaleOrNonRegularVariantsAreIgnored) {
    const Result stale = get("/old.css", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(stale.field("Content-Encoding"), "");
    EXPECT_EQ(stale.field("Content-Length"), "500");
    EXPECT_EQ(stale.field("Vary"), "");
    const Result dir = get("/dir.txt", {{"Accept-Encoding", "br"}});
    EXPECT_EQ(dir.field("Content-Encoding"), "");
    EXPECT_EQ(dir.field("Vary"), "");
}

TEST_F(HandlerSemanticsTest, ConfiguredEncodingsOnly) {
    config.precompressed.encodings = {"gzip"};
    EXPECT_EQ(get("/app.js", {{"Accept-Encoding", "br, gzip"}}).field("Content-Encoding"), "gzip");
    EXPECT_EQ(get("/app.js", {{"Accept-Encoding", "br"}}).field("Content-Encoding"), "");
    EXPECT_EQ(get("/data.json", {{"Accept-Encoding", "zstd"}}).field("Vary"), "");
}

TEST_F(HandlerSemanticsTest, ZstdUsesZst) {
    config.precompressed.encodings = {"zstd", "br", "gzip"};
    const Result r = get("/data.json", {{"Accept-Encoding", "zstd, br"}});
    EXPECT_EQ(r.field("Content-Encoding"), "zstd");
    EXPECT_EQ(r.field("Content-Length"), "80");
    EXPECT_EQ(r.field("Content-Type"), mime.lookup("data.json"));
}

TEST_F(HandlerSemanticsTest, DisabledPrecompressedNeverVaries) {
    config.precompressed.enabled = false;
    const Result r = get("/app.js", {{"Accept-Encoding", "br, gzip"}});
    EXPECT_EQ(r.field("Content-Encoding"), "");
    EXPECT_EQ(r.field("Content-Length"), "1000");
    EXPECT_EQ(r.field("Vary"), "");
}

// --- Sites ---------------------------------------------------------------------

class SitesTest : public HandlerSemanticsTest {
protected:
    SitesTest() {
        config::Site a;
        a.name = "a.test";
        a.hosts = {"a.test"};
        config::Site wild;
        wild.name = "*.b.test";
        wild.hosts = {"*.b.test", "b.test"};
        wild.listing = true;
        config::Site fallback;
        fallback.name = "default";
        fallback.is_default = true;
        config.sites = {a, wild, fallback};
        // who.txt tells the sites apart by its size.
        for (std::size_t i = 0; i < files.size(); ++i)
            files[i].add_file("who.txt", i + 1, kMtime);
    }
    std::uint64_t who(Headers headers, std::string_view target = "/who.txt",
                      std::uint8_t minor = 1) {
        const Result r = run(http::Method::Get, target, std::move(headers), minor);
        EXPECT_EQ(r.info.status, 200) << r.wire;
        return r.content;
    }
};

TEST_F(SitesTest, HostPicksTheSite) {
    EXPECT_EQ(who({{"Host", "a.test"}}), 1u);
    EXPECT_EQ(who({{"Host", "A.Test:8080"}}), 1u);
    EXPECT_EQ(who({{"Host", "b.test"}}), 2u);
    EXPECT_EQ(who({{"Host", "x.b.test"}}), 2u);
    EXPECT_EQ(who({{"Host", "x.y.b.test:1"}}), 2u);
    EXPECT_EQ(who({{"Host", "c.test"}}), 3u);
    EXPECT_EQ(who({{"Host", "127.0.0.1"}}), 3u);
    EXPECT_EQ(who({}, "/who.txt", 0), 3u);  // HTTP/1.0 without Host: the default
    EXPECT_EQ(run(http::Method::Get, "/who.txt", {{"Host", "x.b.test"}}).site(), "*.b.test");
}

TEST_F(SitesTest, AbsoluteFormTargetNamesTheSite) {
    EXPECT_EQ(who({{"Host", "c.test"}}, "http://a.test/who.txt"), 1u);
    EXPECT_EQ(who({{"Host", "a.test"}}, "HTTP://x.b.test:80/who.txt"), 2u);
    EXPECT_EQ(who({{"Host", "a.test"}}, "https://elsewhere/who.txt"), 3u);
    // The authority is checked like a Host value.
    const Result bad = run(http::Method::Get, "http://a b/who.txt", {{"Host", "a.test"}});
    EXPECT_EQ(bad.info.status, 400);
    // "http://a.test" has an empty path, which is "/": the site's listing or index.
    EXPECT_EQ(run(http::Method::Get, "http://b.test", {{"Host", "a.test"}}).info.status, 200);
}

TEST_F(SitesTest, MissingOrBadHostIs400FromTheDefaultSite) {
    const Result none = run(http::Method::Get, "/who.txt", {{"X", "y"}});
    EXPECT_EQ(none.info.status, 200);  // run() added a Host
    headers_.clear();
    http::Request request{};
    request.method = http::Method::Get;
    request.target = "/who.txt";
    request.keep_alive = true;
    plan::TransmitPlan plan;
    const ResponseInfo info = handler().respond(request, true, resolver, plan);
    EXPECT_EQ(info.status, 400);
    EXPECT_TRUE(info.close);
    EXPECT_EQ(info.site, &table_->default_site());
    EXPECT_EQ(
        run(http::Method::Get, "/who.txt", {{"Host", "a.test"}, {"Host", "a.test"}}).info.status,
        400);
}

TEST_F(SitesTest, EachSiteHasItsOwnSettings) {
    // Only the wildcard site lists directories.
    files[1].add_dir("d");
    files[0].add_dir("d");
    EXPECT_EQ(run(http::Method::Get, "/d/", {{"Host", "b.test"}}).info.status, 200);
    EXPECT_EQ(run(http::Method::Get, "/d/", {{"Host", "a.test"}}).info.status, 403);
}

TEST_F(SitesTest, ErrorPagesRulesAndVariantsArePerSite) {
    config.sites[0].error_pages = {{404, "/e.html"}};
    config.sites[0].headers.push_back(config::HeaderRule{"*", "", -1, {{"X-Site", "a"}}});
    config.sites[1].precompressed.enabled = false;
    files[0].add_file("e.html", 9, kMtime);
    files[1].add_file("e.html", 9, kMtime);
    for (MemoryFileSystem& f : files) {
        f.add_file("z.js", 100, kMtime);
        f.add_file("z.js.gz", 10, kMtime);
    }
    const Result a404 = run(http::Method::Get, "/nope", {{"Host", "a.test"}});
    EXPECT_EQ(a404.field("Content-Length"), "9");
    EXPECT_EQ(a404.site(), "a.test");
    const Result b404 = run(http::Method::Get, "/nope", {{"Host", "b.test"}});
    EXPECT_TRUE(b404.has("<h1>404 Not Found</h1>"));
    EXPECT_EQ(b404.site(), "*.b.test");
    EXPECT_EQ(run(http::Method::Get, "/who.txt", {{"Host", "a.test"}}).field("X-Site"), "a");
    EXPECT_EQ(run(http::Method::Get, "/who.txt", {{"Host", "b.test"}}).field("X-Site"), "");
    const Headers gzip_a{{"Host", "a.test"}, {"Accept-Encoding", "gzip"}};
    const Headers gzip_b{{"Host", "b.test"}, {"Accept-Encoding", "gzip"}};
    EXPECT_EQ(run(http::Method::Get, "/z.js", gzip_a).field("Content-Encoding"), "gzip");
    EXPECT_EQ(run(http::Method::Get, "/z.js", gzip_b).field("Content-Encoding"), "");
}

TEST_F(SitesTest, ErrorPageDoesNotDependOnThePreviousRequestsSite) {
    // Site a hides dot-files, site b serves them; a's 405 page sits in a
    // dot-directory. Whether a serves it must not depend on which site the
    // previous request on this handler went to.
    config.sites[0].error_pages = {{405, "/.e/405.html"}};
    config.sites[1].serve_hidden = true;
    files[0].add_dir(".e");
    files[0].add_file(".e/405.html", 45, kMtime);
    const Result first = run(http::Method::Trace, "/who.txt", {{"Host", "a.test"}});
    run(http::Method::Get, "/who.txt", {{"Host", "b.test"}});
    const Result second = run(http::Method::Trace, "/who.txt", {{"Host", "a.test"}});
    EXPECT_EQ(first.info.status, 405);
    EXPECT_EQ(second.info.status, 405);
    EXPECT_EQ(first.field("Content-Length"), second.field("Content-Length"));
}

// --- SPA fallback --------------------------------------------------------------

TEST_F(HandlerSemanticsTest, FallbackOnlyForClientsNamingHtml) {
    config.fallback = "/index.html";
    for (const char* accept : {"text/html", "text/html,application/xhtml+xml,*/*;q=0.8",
                               "application/json, TEXT/HTML;q=0.5", "text/html ; level=1"}) {
        const Result r = get("/app/route", {{"Accept", accept}});
        EXPECT_EQ(r.info.status, 200) << accept;
        EXPECT_EQ(r.field("Content-Length"), "30") << accept;
        EXPECT_EQ(r.field("Content-Type"), "text/html; charset=utf-8") << accept;
    }
    EXPECT_EQ(run(http::Method::Head, "/x", {{"Accept", "text/html"}}).info.status, 200);
    for (const char* accept : {"*/*", "text/*", "text/html;q=0", "text/htmlx", "image/*"}) {
        EXPECT_EQ(get("/app/route", {{"Accept", accept}}).info.status, 404) << accept;
    }
    EXPECT_EQ(get("/app/route").info.status, 404);  // no Accept at all
    // Existing files are served as they are.
    EXPECT_EQ(get("/a.txt", {{"Accept", "text/html"}}).field("Content-Length"), "1000");
    // Other methods are still refused.
    EXPECT_EQ(run(http::Method::Post, "/x", {{"Accept", "text/html"}}).info.status, 405);
}

TEST_F(HandlerSemanticsTest, FallbackNeedsTheWholeTypeName) {
    // "xtext/html" is another media type; only "*/*" makes it acceptable here.
    config.fallback = "/index.html";
    EXPECT_EQ(get("/route", {{"Accept", "application/xtext/html, */*"}}).info.status, 404);
    EXPECT_EQ(get("/route", {{"Accept", "notext/html, */*"}}).info.status, 404);
    EXPECT_EQ(get("/route", {{"Accept", "application/json, text/html"}}).info.status, 200);
}

TEST_F(HandlerSemanticsTest, NoFallbackByDefaultOrWhenItIsMissing) {
    EXPECT_EQ(get("/route", {{"Accept", "text/html"}}).info.status, 404);
    config.fallback = "/missing.html";
    EXPECT_EQ(get("/route", {{"Accept", "text/html"}}).info.status, 404);
}

TEST_F(HandlerSemanticsTest, FallbackMissingIs404WithItsErrorPage) {
    config.fallback = "/gone.html";
    config.error_pages = {{404, "/errors/404.html"}};
    const Result r = get("/route", {{"Accept", "text/html"}});
    EXPECT_EQ(r.info.status, 404);
    EXPECT_EQ(r.field("Content-Length"), "77");
}

// --- Error pages ---------------------------------------------------------------

TEST_F(HandlerSemanticsTest, CustomErrorPageKeepsItsStatus) {
    config.error_pages = {{404, "/errors/404.html"}, {403, "/errors/403.txt"}};
    const Result r = get("/missing");
    EXPECT_EQ(r.info.status, 404);
    EXPECT_EQ(r.wire.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
    EXPECT_EQ(r.field("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.field("Content-Length"), "77");
    EXPECT_TRUE(r.wire.ends_with("\r\n\r\n<0+77>")) << r.wire;
    EXPECT_EQ(r.info.body_bytes, 77u);
    EXPECT_EQ(r.info.site, &table_->default_site());
    const Result head = run(http::Method::Head, "/missing");
    EXPECT_EQ(head.field("Content-Length"), "77");
    EXPECT_EQ(head.file_parts, 0u);
    EXPECT_EQ(head.info.body_bytes, 0u);
    // Its own MIME type.
    const Result forbidden = get("/secret.txt");
    EXPECT_EQ(forbidden.info.status, 403);
    EXPECT_EQ(forbidden.field("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(forbidden.field("Content-Length"), "33");
}

TEST_F(HandlerSemanticsTest, ErrorPagesKeepTheirExtraFields) {
    config.error_pages = {{405, "/errors/405.html"}, {416, "/errors/416.html"}};
    const Result trace = run(http::Method::Trace, "/a.txt");
    EXPECT_EQ(trace.info.status, 405);
    EXPECT_EQ(trace.field("Allow"), "GET, HEAD, OPTIONS");
    EXPECT_EQ(trace.field("Content-Length"), "55");
    const Result range = get("/a.txt", {{"Range", "bytes=5000-"}});
    EXPECT_EQ(range.info.status, 416);
    EXPECT_EQ(range.field("Content-Range"), "bytes */1000");
    EXPECT_EQ(range.field("Content-Length"), "66");
}

TEST_F(HandlerSemanticsTest, UnusableErrorPageFallsBackToTheBuiltIn) {
    config.error_pages = {{404, "/errors/nope.html"},
                          {403, "/errors/500.html"},
                          {400, "/errors/404.html"},
                          {412, "/errors"}};
    const Result missing = get("/missing");
    EXPECT_EQ(missing.info.status, 404);
    EXPECT_TRUE(missing.has("<h1>404 Not Found</h1>"));
    EXPECT_EQ(missing.file_parts, 0u);
    const Result forbidden_page = get("/secret.txt");  // 403's page is forbidden itself
    EXPECT_EQ(forbidden_page.info.status, 403);
    EXPECT_TRUE(forbidden_page.has("<h1>403 Forbidden</h1>"));
    const Result directory_page = get("/a.txt", {{"If-Match", "\"x\""}});  // 412's is a directory
    EXPECT_EQ(directory_page.info.status, 412);
    EXPECT_EQ(directory_page.file_parts, 0u);
    // A 400 (which closes) may use a custom page too.
    const Result bad = get("/../x");
    EXPECT_EQ(bad.info.status, 400);
    EXPECT_TRUE(bad.info.close);
    EXPECT_EQ(bad.field("Content-Length"), "77");
    EXPECT_EQ(bad.field("Connection"), "close");
}

// --- Header rules --------------------------------------------------------------

TEST_F(HandlerSemanticsTest, HeaderRulesOnSuccessRedirectAndNotModifiedOnly) {
    config.headers.push_back(config::HeaderRule{"*", "", -1, {{"X-All", "1"}}});
    config.headers.push_back(config::HeaderRule{"*.txt", "", 60, {}});
    config.headers.push_back(config::HeaderRule{"/docs/", "no-cache", -1, {}});
    const auto rules_of = [](const Result& r) {
        return r.field("X-All") + "|" + r.field("X-Content-Type-Options") + "|" +
               r.field("Cache-Control");
    };
    const Result ok = get("/a.txt");
    EXPECT_EQ(rules_of(ok), "1|nosniff|max-age=60");
    EXPECT_FALSE(ok.field("Expires").empty());
    EXPECT_EQ(rules_of(get("/a.txt", {{"Range", "bytes=1-2"}})), "1|nosniff|max-age=60");
    EXPECT_EQ(rules_of(get("/a.txt", {{"Range", "bytes=1-2,8-9"}})), "1|nosniff|max-age=60");
    EXPECT_EQ(rules_of(get("/a.txt", {{"If-None-Match", ok.field("ETag")}})),
              "1|nosniff|max-age=60");
    const Result redirect = get("/docs");
    EXPECT_EQ(redirect.info.status, 301);
    EXPECT_EQ(rules_of(redirect), "1|nosniff|no-cache");  // matched as "/docs/"
    // The index file is matched by its own path.
    EXPECT_EQ(rules_of(get("/docs/")), "1|nosniff|");
    for (const Result& error :
         {get("/missing"), get("/secret.txt"), get("/a.txt", {{"Range", "bytes=9999-"}}),
          run(http::Method::Trace, "/a.txt")}) {
        EXPECT_EQ(rules_of(error), "||") << error.head();
        EXPECT_EQ(error.field("Expires"), "") << error.head();
    }
    config.error_pages = {{404, "/errors/404.html"}};
    handler_.reset();
    EXPECT_EQ(rules_of(get("/missing")), "||");
}

TEST_F(HandlerSemanticsTest, LongRuleValuesFitEveryHead) {
    const std::string policy(6000, 'p');
    config.headers.push_back(config::HeaderRule{
        "*", std::string(3000, 'c'), 31'536'000, {{"Content-Security-Policy", policy}}});
    config.listing = true;
    const Result ok = get("/app.js", {{"Accept-Encoding", "br"}, {"Range", "bytes=0-1,5-6"}});
    const std::string etag = get("/a.txt").field("ETag");
    for (const Result& r :
         {ok, get("/a.txt", {{"If-None-Match", etag}}), get("/docs"), get("/list/")}) {
        EXPECT_EQ(r.field("Content-Security-Policy"), policy) << r.info.status;
        EXPECT_EQ(r.field("Cache-Control"), std::string(3000, 'c')) << r.info.status;
        EXPECT_TRUE(r.head().ends_with("\r\n\r\n"));
    }
}

TEST_F(HandlerSemanticsTest, EmptyRuleListAddsNothing) {
    config.headers.clear();
    EXPECT_EQ(get("/a.txt").field("X-Content-Type-Options"), "");
}

// --- Methods -------------------------------------------------------------------

TEST_F(HandlerSemanticsTest, AFutureModificationTimeIsSentAsTheDate) {
    // RFC 9110 §8.8.2.1: never a Last-Modified later than the response's Date.
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    fs.add_file("future.txt", 5, now + 7200);
    const Result full = get("/future.txt");
    EXPECT_EQ(full.info.status, 200);
    EXPECT_EQ(full.field("Last-Modified"), full.field("Date"));
    const std::string etag = full.field("ETag");
    const Result not_modified = get("/future.txt", {{"If-None-Match", etag}});
    EXPECT_EQ(not_modified.info.status, 304);
    EXPECT_EQ(not_modified.field("Last-Modified"), not_modified.field("Date"));
    // The date the client was given works in the date conditionals...
    // (Until the mtime is reached that date moves with the clock: within the
    // same second it is unchanged, a second later it is a newer date.)
    const std::string sent = full.field("Last-Modified");
    const Result since = get("/future.txt", {{"If-Modified-Since", sent}});
    EXPECT_EQ(since.info.status, since.field("Date") == sent ? 304 : 200);
    const Result unmodified = get("/future.txt", {{"If-Unmodified-Since", sent}});
    EXPECT_EQ(unmodified.info.status, unmodified.field("Date") == sent ? 200 : 412);
    // ...but is weak, so it never makes a range conditional on it succeed.
    EXPECT_EQ(get("/future.txt", {{"Range", "bytes=0-1"}, {"If-Range", sent}}).info.status, 200);
    EXPECT_EQ(get("/future.txt", {{"Range", "bytes=0-1"}, {"If-Range", etag}}).info.status, 206);
    EXPECT_EQ(get("/a.txt").field("Last-Modified"), kLastModified);  // a past time stays
}

TEST_F(HandlerSemanticsTest, OptionsTraceAndOthers) {
    for (std::string_view target : {"*", "/a.txt", "/missing", "/docs"}) {
        const Result r = run(http::Method::Options, target);
        EXPECT_EQ(r.info.status, 204) << target;
        EXPECT_EQ(r.field("Allow"), "GET, HEAD, OPTIONS") << target;
        EXPECT_EQ(r.content, 0u) << target;
    }
    const Result trace = run(http::Method::Trace, "/a.txt", {{"X-Secret", "cookie"}});
    EXPECT_EQ(trace.info.status, 405);
    EXPECT_EQ(trace.field("Allow"), "GET, HEAD, OPTIONS");
    EXPECT_FALSE(trace.has("cookie")) << "TRACE must not echo the request";
    EXPECT_EQ(run(http::Method::Trace, "*").info.status, 405);
    EXPECT_EQ(run(http::Method::Delete, "/a.txt").info.status, 405);
    EXPECT_EQ(run(http::Method::Other, "/a.txt").info.status, 501);
    EXPECT_EQ(run(http::Method::Other, "/a.txt").field("Allow"), "");
    const Result star = get("*");
    EXPECT_EQ(star.info.status, 400);
    EXPECT_TRUE(star.info.close);
}

// --- Listings ------------------------------------------------------------------

TEST_F(HandlerSemanticsTest, ListingOffIs403) {
    EXPECT_EQ(get("/list/").info.status, 403);
}

TEST_F(HandlerSemanticsTest, ListingHtmlAndJson) {
    config.listing = true;
    const Result html = get("/list/");
    ASSERT_EQ(html.info.status, 200);
    EXPECT_EQ(html.field("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(html.field("Vary"), "Accept");
    EXPECT_EQ(html.field("X-Content-Type-Options"), "nosniff");  // a 200: rules apply
    EXPECT_EQ(html.field("Content-Length"), std::to_string(html.content));
    EXPECT_EQ(html.info.body_bytes, html.content);
    EXPECT_TRUE(html.has("Index of /list/"));
    EXPECT_TRUE(html.has("a.txt"));
    EXPECT_TRUE(html.has("sub/"));
    EXPECT_FALSE(html.has(".hidden"));
    EXPECT_LT(html.wire.find("sub/"), html.wire.find("a.txt"));  // directories first
    EXPECT_LT(html.wire.find("a.txt"), html.wire.find("b.txt"));

    for (const Result& json : {get("/list/", {{"Accept", "application/json"}}),
                               get("/list/?format=json"), get("/list/?x=1&format=json")}) {
        EXPECT_EQ(json.info.status, 200);
        EXPECT_EQ(json.field("Content-Type"), "application/json");
        const std::string body = json.wire.substr(json.wire.find("\r\n\r\n") + 4);
        EXPECT_TRUE(body.starts_with("[")) << body;
        EXPECT_TRUE(body.find("\"name\":\"a.txt\"") != std::string::npos) << body;
        EXPECT_TRUE(body.find("\"size\":2") != std::string::npos) << body;
        EXPECT_EQ(body.find(".hidden"), std::string::npos);
    }
    EXPECT_EQ(get("/list/?format=jsonx").field("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(get("/list/", {{"Accept", "text/html, application/json"}}).field("Content-Type"),
              "text/html; charset=utf-8");

    const Result head = run(http::Method::Head, "/list/");
    EXPECT_EQ(head.field("Content-Length"), html.field("Content-Length"));
    EXPECT_EQ(head.content, 0u);
    // An index file still wins over the listing.
    EXPECT_EQ(get("/docs/").field("Content-Length"), "40");
    EXPECT_EQ(get("/list").info.status, 301);
}

TEST_F(HandlerSemanticsTest, ListingShowsHiddenWhenServed) {
    config.listing = true;
    config.serve_hidden = true;
    EXPECT_TRUE(get("/list/").has(".hidden"));
}

}  // namespace
}  // namespace tpserve::handler
