// Pre-compressed variants (file.br / file.gz beside file): chosen by the
// client's Accept-Encoding q-values and the server's preference, with their
// own length and validators, Vary on every response for such a path, ranges
// on the variant, and never a stale or irregular variant.
#include "ServerFixture.h"
#include "TestData.h"

namespace tpserve::integration {
namespace {

constexpr std::time_t kMtime = 1650000000;

class Precompressed : public ServerFixture {
protected:
    void SetUp() override {
        make_files();
        ASSERT_TRUE(start(config()));
        const HttpResponse r = get("/pc/app.js");
        ASSERT_TRUE(well_framed(r));
        ASSERT_EQ(r.status, 200);
        js_type = r.header("Content-Type").value_or("");
        original_etag = r.header("ETag").value_or("");
    }

    virtual std::optional<std::string> config() { return std::nullopt; }

    void make_files() {
        original = "function tpserve() { return 42; }\n" + std::string(3000, '/') + "\n";
        gz = "\x1f\x8b" + random_bytes(700, 1);  // the server never decodes: any bytes do
        br = random_bytes(500, 2);
        site.add("pc/app.js", original);
        site.add("pc/app.js.gz", gz);
        site.add("pc/app.js.br", br);
        site.add("pc/only-gz.css", "body{}\n" + std::string(2000, ' '));
        site.add("pc/only-gz.css.gz", random_bytes(300, 3));
        site.add("pc/stale.js", "var stale = 1;\n");
        site.add("pc/stale.js.gz", random_bytes(60, 4));
        site.add("pc/dir-variant.js", "var d = 1;\n");
        tree.mkdir("www/pc/dir-variant.js.gz");
        site.add("pc/plain.js", "var plain = 1;\n");
        for (const char* f : {"www/pc/app.js", "www/pc/only-gz.css", "www/pc/dir-variant.js"})
            tree.set_mtime(f, kMtime);
        tree.set_mtime("www/pc/app.js.gz", kMtime);      // as old as the original: fine
        tree.set_mtime("www/pc/app.js.br", kMtime + 5);  // newer: fine
        tree.set_mtime("www/pc/only-gz.css.gz", kMtime + 5);
        tree.set_mtime("www/pc/stale.js", kMtime);
        tree.set_mtime("www/pc/stale.js.gz", kMtime - 3600);  // older: never used
    }

    HttpResponse with_ae(std::string_view path, std::string_view accept_encoding,
                         std::string_view extra = "") {
        return get(
            path, "Accept-Encoding: " + std::string(accept_encoding) + "\r\n" + std::string(extra));
    }

    void expect_variant(const HttpResponse& r, const std::string& coding, const std::string& body) {
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 200) << r.head;
        EXPECT_EQ(r.header("Content-Encoding").value_or("<none>"), coding) << r.head;
        EXPECT_EQ(r.body, body) << compare_bytes(body, r.body);
        EXPECT_EQ(r.header("Content-Type").value_or(""), js_type)
            << "the variant keeps the original's type";
        EXPECT_EQ(r.header("Vary").value_or("<none>"), "Accept-Encoding");
        EXPECT_NE(r.header("ETag").value_or(original_etag), original_etag)
            << "a variant needs its own ETag";
    }

    void expect_original(const HttpResponse& r, bool vary = true) {
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 200) << r.head;
        EXPECT_FALSE(r.header("Content-Encoding")) << r.head;
        EXPECT_EQ(r.body, original) << compare_bytes(original, r.body);
        if (vary) {
            EXPECT_EQ(r.header("Vary").value_or("<none>"), "Accept-Encoding")
                << "Vary on every response for a path with a variant";
        }
    }

    std::string original, gz, br, js_type, original_etag;
};

TEST_F(Precompressed, GzipWhenOnlyGzipIsAccepted) {
    expect_variant(with_ae("/pc/app.js", "gzip"), "gzip", gz);
    expect_variant(with_ae("/pc/app.js", "x-gzip"), "gzip", gz);
    expect_variant(with_ae("/pc/app.js", "GZip"), "gzip", gz);  // codings are case-insensitive
}

TEST_F(Precompressed, BrotliPreferredAtEqualQ) {
    expect_variant(with_ae("/pc/app.js", "gzip, deflate, br"), "br", br);
    expect_variant(with_ae("/pc/app.js", "br;q=0.8, gzip;q=0.8"), "br", br);
}

TEST_F(Precompressed, QValuesChoose) {
    expect_variant(with_ae("/pc/app.js", "gzip;q=1.0, br;q=0.5"), "gzip", gz);
    expect_variant(with_ae("/pc/app.js", "br;q=0, gzip"), "gzip", gz);
    expect_variant(with_ae("/pc/app.js", "br ; q=0.001, gzip;q=0.002"), "gzip", gz);
    expect_variant(with_ae("/pc/app.js", "*"), "br", br);
    expect_variant(with_ae("/pc/app.js", "br;q=0, *"), "gzip", gz);
}

TEST_F(Precompressed, QZeroExcludesEverything) {
    expect_original(with_ae("/pc/app.js", "br;q=0, gzip;q=0"));
    expect_original(with_ae("/pc/app.js", "gzip;q=0.000, br;q=0"));
    expect_original(with_ae("/pc/app.js", "*;q=0, identity"));
}

TEST_F(Precompressed, NoAcceptEncodingGetsTheOriginalWithVary) {
    expect_original(get("/pc/app.js"));
    expect_original(with_ae("/pc/app.js", "identity"));
    expect_original(with_ae("/pc/app.js", "deflate, zstd"));
    EXPECT_EQ(get("/pc/app.js").header("ETag").value_or(""), original_etag);
}

TEST_F(Precompressed, OnlyTheExistingVariantIsUsed) {
    const HttpResponse r = with_ae("/pc/only-gz.css", "br, gzip");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.header("Content-Encoding").value_or("<none>"), "gzip") << r.head;
    EXPECT_EQ(r.body, site.content("/pc/only-gz.css.gz"));
    EXPECT_EQ(r.header("Vary").value_or("<none>"), "Accept-Encoding");
    const HttpResponse only_br = with_ae("/pc/only-gz.css", "br");
    ASSERT_TRUE(well_framed(only_br));
    EXPECT_FALSE(only_br.header("Content-Encoding")) << only_br.head;
    EXPECT_EQ(only_br.body, site.content("/pc/only-gz.css"));
    EXPECT_EQ(only_br.header("Vary").value_or("<none>"), "Accept-Encoding");
}

TEST_F(Precompressed, AVariantOlderThanTheOriginalIsNotUsed) {
    const HttpResponse r = with_ae("/pc/stale.js", "gzip");
    ASSERT_TRUE(well_framed(r));
    EXPECT_FALSE(r.header("Content-Encoding")) << r.head;
    EXPECT_EQ(r.body, site.content("/pc/stale.js"));
}

TEST_F(Precompressed, ADirectoryNamedLikeAVariantIsNotUsed) {
    const HttpResponse r = with_ae("/pc/dir-variant.js", "gzip");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200) << r.head;
    EXPECT_FALSE(r.header("Content-Encoding")) << r.head;
    EXPECT_EQ(r.body, site.content("/pc/dir-variant.js"));
}

TEST_F(Precompressed, NoVaryWithoutAVariant) {
    const HttpResponse r = with_ae("/pc/plain.js", "gzip, br");
    ASSERT_TRUE(well_framed(r));
    EXPECT_FALSE(r.header("Content-Encoding")) << r.head;
    EXPECT_EQ(r.body, site.content("/pc/plain.js"));
    EXPECT_FALSE(r.header("Vary")) << "nothing varies for a path without variants";
}

TEST_F(Precompressed, VariantHeadersAndHead) {
    const HttpResponse g = with_ae("/pc/app.js", "gzip");
    expect_variant(g, "gzip", gz);
    EXPECT_EQ(g.header("Content-Length").value_or(""), std::to_string(gz.size()));
    EXPECT_EQ(g.header("Last-Modified").value_or(""), http_date(kMtime));
    const HttpResponse h =
        fetch(make_request("HEAD", "/pc/app.js", "Accept-Encoding: gzip\r\n"), true);
    ASSERT_TRUE(h.ok()) << h.error;
    EXPECT_EQ(h.status, 200);
    for (const char* name :
         {"Content-Length", "Content-Encoding", "ETag", "Last-Modified", "Vary", "Content-Type"}) {
        EXPECT_EQ(h.header(name), g.header(name)) << name;
    }
    const HttpResponse b = with_ae("/pc/app.js", "br");
    ASSERT_TRUE(well_framed(b));
    EXPECT_EQ(b.header("Last-Modified").value_or(""), http_date(kMtime + 5));
    EXPECT_NE(b.header("ETag"), g.header("ETag"));
}

TEST_F(Precompressed, RangeAppliesToTheVariant) {
    const HttpResponse r = with_ae("/pc/app.js", "gzip", "Range: bytes=10-109\r\n");
    ASSERT_TRUE(well_framed(r));
    ASSERT_EQ(r.status, 206) << r.head;
    EXPECT_EQ(r.header("Content-Encoding").value_or("<none>"), "gzip");
    EXPECT_EQ(r.header("Content-Range").value_or(""), "bytes 10-109/" + std::to_string(gz.size()));
    EXPECT_EQ(r.body, gz.substr(10, 100));
    EXPECT_EQ(r.header("Vary").value_or("<none>"), "Accept-Encoding");
    // Past the variant's end (but inside the original): unsatisfiable for the variant.
    const HttpResponse past = with_ae("/pc/app.js", "gzip", "Range: bytes=2000-\r\n");
    ASSERT_TRUE(well_framed(past));
    EXPECT_EQ(past.status, 416) << past.head;
    EXPECT_EQ(past.header("Content-Range").value_or(""), "bytes */" + std::to_string(gz.size()));
}

TEST_F(Precompressed, ConditionalsUseTheVariantsEtag) {
    const auto tag = with_ae("/pc/app.js", "gzip").header("ETag");
    ASSERT_TRUE(tag);
    HttpClient c = connect();
    const HttpResponse r =
        c.request(make_request("GET", "/pc/app.js",
                               "Accept-Encoding: gzip\r\nIf-None-Match: " + *tag + "\r\n"),
                  true);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.status, 304) << r.head;
    EXPECT_EQ(r.header("ETag").value_or(""), *tag);
    EXPECT_EQ(r.header("Vary").value_or("<none>"), "Accept-Encoding") << "Vary on a 304 too";
    EXPECT_FALSE(c.data_pending(150ms));
    // The gzip variant's tag does not validate the original.
    const HttpResponse plain = get("/pc/app.js", "If-None-Match: " + *tag + "\r\n");
    expect_original(plain);
}

class PrecompressedDisabled : public Precompressed {
protected:
    std::optional<std::string> config() override {
        return std::string("precompressed: {enabled: false}\n");
    }
};

TEST_F(PrecompressedDisabled, TheOriginalIsAlwaysServed) {
    const HttpResponse r = with_ae("/pc/app.js", "br, gzip");
    expect_original(r, false);
    EXPECT_FALSE(r.header("Vary")) << "no variants are served, so nothing varies";
}

class PrecompressedGzipOnly : public Precompressed {
protected:
    std::optional<std::string> config() override {
        return std::string("precompressed:\n  encodings: [gzip]\n");
    }
};

TEST_F(PrecompressedGzipOnly, OnlyTheListedEncodings) {
    expect_variant(with_ae("/pc/app.js", "br, gzip"), "gzip", gz);
    expect_original(with_ae("/pc/app.js", "br"));
}

}  // namespace
}  // namespace tpserve::integration
