// Range requests (RFC 9110 §14): single ranges, multipart/byteranges parsed
// back by the independent strict reader in Multipart.h and compared byte for
// byte with the file, 416, ignored Range headers, the amplification limits,
// If-Range, and a download resumed after the file changed.
#include <algorithm>
#include <set>

#include "Multipart.h"
#include "ServerFixture.h"
#include "TestData.h"
#include "TestEnv.h"
#include "WaitUntil.h"

namespace tpserve::integration {
namespace {

constexpr std::size_t kSize = 10000;
constexpr std::time_t kMtime = 1700000000;  // Tue, 14 Nov 2023 22:13:20 GMT

struct Span {
    std::uint64_t first;
    std::uint64_t last;  // inclusive
};

class Ranges : public ServerFixture {
protected:
    void SetUp() override {
        data = random_bytes(kSize, 42);
        site.add("data.bin", data);
        tree.set_mtime("www/data.bin", kMtime);
        ASSERT_TRUE(start());
    }

    HttpResponse ranged(std::string_view path, std::string_view range,
                        std::string_view extra = "") {
        return get(path, "Range: " + std::string(range) + "\r\n" + std::string(extra));
    }

    // A 206 with one Content-Range and exactly the slice.
    void expect_single(const HttpResponse& r, const std::string& content, std::uint64_t first,
                       std::uint64_t last) {
        ASSERT_TRUE(well_framed(r));
        ASSERT_EQ(r.status, 206) << r.head;
        EXPECT_EQ(r.header_count("Content-Range"), 1u) << r.head;
        EXPECT_EQ(r.header("Content-Range").value_or("<none>"),
                  "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                      std::to_string(content.size()));
        const std::string slice = content.substr(first, last - first + 1);
        EXPECT_EQ(r.body, slice) << compare_bytes(slice, r.body);
        EXPECT_TRUE(r.header("ETag")) << r.head;
        EXPECT_TRUE(r.header("Last-Modified")) << r.head;
        EXPECT_EQ(r.header("Accept-Ranges").value_or("<none>"), "bytes");
        EXPECT_EQ(r.header("Content-Type").value_or("").rfind("multipart/", 0), std::string::npos)
            << "a single range must not be multipart (RFC 9110 §14.6)";
    }

    void expect_whole(const HttpResponse& r, const std::string& content) {
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 200) << r.head;
        EXPECT_FALSE(r.header("Content-Range")) << r.head;
        EXPECT_EQ(r.body, content) << compare_bytes(content, r.body);
    }

    // The parts of a 206 (multipart, or a single part when the server merged
    // everything into one range): sorted, disjoint and not touching (merged
    // otherwise), covering every requested byte, each intersecting a
    // requested range, each byte-for-byte the file's slice.
    void expect_ranges(const HttpResponse& r, const std::string& content,
                       const std::vector<Span>& requested, std::size_t exact_parts = 0) {
        ASSERT_TRUE(well_framed(r));
        ASSERT_EQ(r.status, 206) << r.head;
        std::vector<MultipartPart> parts;
        const std::string type = r.header("Content-Type").value_or("");
        if (type.rfind("multipart/byteranges", 0) == 0) {
            EXPECT_FALSE(r.header("Content-Range")) << "Content-Range on a multipart response";
            const MultipartBody m = parse_byteranges(type, r.body);
            ASSERT_TRUE(m.ok()) << m.error << "\n" << printable(r.body, 2000);
            EXPECT_GE(m.parts.size(), 2u) << "a multipart response with one part";
            parts = m.parts;
            for (const auto& p : parts) {
                EXPECT_EQ(p.complete, content.size());
                EXPECT_EQ(p.header("Content-Type").value_or("<none>"), "application/octet-stream")
                    << "each part carries the file's Content-Type";
            }
        } else {
            const auto cr = parse_content_range(r.header("Content-Range").value_or(""));
            ASSERT_TRUE(cr) << r.head;
            MultipartPart p;
            p.first = cr->first;
            p.last = cr->last;
            p.complete = cr->complete;
            p.data = r.body;
            parts.push_back(p);
        }
        if (exact_parts != 0) {
            EXPECT_EQ(parts.size(), exact_parts);
        }
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const auto& p = parts[i];
            SCOPED_TRACE("part " + std::to_string(i) + ": " + std::to_string(p.first) + "-" +
                         std::to_string(p.last));
            ASSERT_LT(p.last, content.size());
            const std::string slice = content.substr(p.first, p.last - p.first + 1);
            EXPECT_EQ(p.data, slice) << compare_bytes(slice, p.data);
            for (std::size_t j = 0; j < i; ++j) {
                const auto& q = parts[j];
                EXPECT_TRUE(p.first > q.last + 1 || q.first > p.last + 1)
                    << "parts " << j << " and " << i << " overlap or touch (not coalesced)";
            }
            const bool useful = std::any_of(requested.begin(), requested.end(), [&](Span s) {
                return s.first <= p.last && p.first <= s.last;
            });
            EXPECT_TRUE(useful) << "a part nobody asked for";
        }
        for (const Span& s : requested) {
            const bool covered = std::any_of(parts.begin(), parts.end(), [&](const auto& p) {
                return p.first <= s.first && s.last <= p.last;
            });
            EXPECT_TRUE(covered) << "requested " << s.first << "-" << s.last << " not covered";
        }
    }

    std::string data;
};

TEST_F(Ranges, SingleRangeForms) {
    expect_single(ranged("/data.bin", "bytes=0-0"), data, 0, 0);
    expect_single(ranged("/data.bin", "bytes=100-1099"), data, 100, 1099);
    expect_single(ranged("/data.bin", "bytes=9990-"), data, 9990, 9999);  // open-ended
    expect_single(ranged("/data.bin", "bytes=0-"), data, 0, 9999);
    expect_single(ranged("/data.bin", "bytes=-10"), data, 9990, 9999);          // suffix
    expect_single(ranged("/data.bin", "bytes=-20000"), data, 0, 9999);          // suffix > size
    expect_single(ranged("/data.bin", "bytes=9000-123456"), data, 9000, 9999);  // clipped
    expect_single(ranged("/data.bin", "bytes=9999-9999"), data, 9999, 9999);
    expect_single(ranged("/data.bin", "BYTES=5-9"), data, 5, 9);  // the unit is case-insensitive
}

TEST_F(Ranges, SingleRangeKeepsTheTypeAndValidators) {
    const HttpResponse whole = get("/data.bin");
    ASSERT_TRUE(well_framed(whole));
    const HttpResponse r = ranged("/data.bin", "bytes=10-19");
    expect_single(r, data, 10, 19);
    EXPECT_EQ(r.header("Content-Type"), whole.header("Content-Type"));
    EXPECT_EQ(r.header("ETag"), whole.header("ETag"));
    EXPECT_EQ(r.header("Last-Modified"), whole.header("Last-Modified"));
    EXPECT_EQ(r.header("Content-Length").value_or(""), "10");
}

TEST_F(Ranges, RangeOnASmallTextFile) {
    const std::string& c = site.content("/c.txt");
    expect_single(ranged("/c.txt", "bytes=6-10"), c, 6, 10);
}

TEST_F(Ranges, UnsatisfiableIs416WithTheSize) {
    for (const char* range : {"bytes=10000-", "bytes=10000-10005", "bytes=20000-30000", "bytes=-0",
                              "bytes=10000-,20000-"}) {
        SCOPED_TRACE(range);
        const HttpResponse r = ranged("/data.bin", range);
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 416) << r.head;
        EXPECT_EQ(r.header("Content-Range").value_or("<none>"), "bytes */10000");
        EXPECT_EQ(r.body.find(data.substr(0, 64)), std::string::npos);
    }
}

TEST_F(Ranges, UnsatisfiableSpecsAreDroppedWhenOthersAreSatisfiable) {
    expect_single(ranged("/data.bin", "bytes=20000-30000,5-9"), data, 5, 9);
}

TEST_F(Ranges, MalformedOrForeignRangeIsIgnored) {
    for (const char* range : {"bytes=abc", "bytes=5-1", "bytes=", "bytes", "items=0-5", "bytes 0-5",
                              "bytes=--5", "bytes=0x10-20", "bytes=1-2-3", "bytes=+1-2",
                              "bytes=0-5,7-3", "bytes=-", "=0-5", "bytes=0-5;x", "bytes=1.5-2"}) {
        SCOPED_TRACE(range);
        expect_whole(ranged("/data.bin", range), data);
    }
}

TEST_F(Ranges, HeadIgnoresRange) {
    HttpClient c = connect();
    const HttpResponse h =
        c.request(make_request("HEAD", "/data.bin", "Range: bytes=0-9\r\n"), true);
    ASSERT_TRUE(h.ok()) << h.error;
    EXPECT_EQ(h.status, 200) << h.head;
    EXPECT_FALSE(h.header("Content-Range")) << h.head;
    EXPECT_EQ(h.header("Content-Length").value_or(""), std::to_string(kSize));
    EXPECT_FALSE(c.data_pending(200ms)) << "bytes after a HEAD response";
}

TEST_F(Ranges, TwoDistantRangesAreMultipart) {
    const HttpResponse r = ranged("/data.bin", "bytes=0-99,5000-5099");
    expect_ranges(r, data, {{0, 99}, {5000, 5099}}, 2);
    const auto type = r.header("Content-Type").value_or("");
    EXPECT_EQ(type.rfind("multipart/byteranges; boundary=", 0), 0u) << type;
}

TEST_F(Ranges, PartsComeBackInTheRequestedOrder) {
    // RFC 9110 §15.3.7.2: parts in the order the range-specs were requested.
    const HttpResponse r = ranged("/data.bin", "bytes=9000-9009, 2000-2009,-5,4000-4009");
    expect_ranges(r, data, {{9000, 9009}, {2000, 2009}, {9995, 9999}, {4000, 4009}}, 4);
    const MultipartBody m = parse_byteranges(r.header("Content-Type").value_or(""), r.body);
    ASSERT_TRUE(m.ok()) << m.error;
    ASSERT_EQ(m.parts.size(), 4u);
    EXPECT_EQ(m.parts[0].first, 9000u);
    EXPECT_EQ(m.parts[1].first, 2000u);
    EXPECT_EQ(m.parts[2].first, 9995u);
    EXPECT_EQ(m.parts[3].first, 4000u);
}

TEST_F(Ranges, OverlappingRangesAreCoalesced) {
    expect_ranges(ranged("/data.bin", "bytes=100-199,150-249"), data, {{100, 199}, {150, 249}}, 1);
    expect_ranges(ranged("/data.bin", "bytes=0-9,10-19,5000-5009"), data,
                  {{0, 9}, {10, 19}, {5000, 5009}}, 2);  // touching ranges merge too
}

TEST_F(Ranges, RangesWithASmallGapAreCoalesced) {
    expect_ranges(ranged("/data.bin", "bytes=0-9,12-19,7000-7009,7011-7020"), data,
                  {{0, 9}, {12, 19}, {7000, 7009}, {7011, 7020}}, 2);
}

TEST_F(Ranges, MultipartBoundaryIsRandom) {
    const HttpResponse a = ranged("/data.bin", "bytes=0-9,5000-5009");
    const HttpResponse b = ranged("/data.bin", "bytes=0-9,5000-5009");
    ASSERT_TRUE(well_framed(a));
    ASSERT_TRUE(well_framed(b));
    const auto ba = byteranges_boundary(a.header("Content-Type").value_or(""));
    const auto bb = byteranges_boundary(b.header("Content-Type").value_or(""));
    ASSERT_TRUE(ba && bb) << a.head << b.head;
    EXPECT_NE(*ba, *bb) << "the same boundary twice";
    EXPECT_GE(ba->size(), 16u) << "a short boundary is guessable: " << *ba;
}

TEST_F(Ranges, MultipartOnKeepAliveLeavesTheConnectionClean) {
    HttpClient c = connect();
    const HttpResponse r =
        c.request(make_request("GET", "/data.bin", "Range: bytes=1-2,3000-3999,-1\r\n"));
    expect_ranges(r, data, {{1, 2}, {3000, 3999}, {9999, 9999}}, 3);
    const HttpResponse next = c.request(make_request("GET", "/a.txt"));
    ASSERT_TRUE(well_framed(next));
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.body, site.content("/a.txt"));
}

TEST_F(Ranges, MultipartOfALargeFile) {
    const std::string big = random_bytes(3 * 1024 * 1024 + 17, 99);
    site.add("big.bin", big);
    const HttpResponse r = ranged("/big.bin", "bytes=0-65535,1048576-2097151,-100");
    expect_ranges(r, big, {{0, 65535}, {1048576, 2097151}, {big.size() - 100, big.size() - 1}}, 3);
}

TEST_F(Ranges, MoreThanMaxRangesGetsTheWholeFile) {
    std::string spec = "bytes=";
    for (int i = 0; i < 17; ++i) {  // the default limit is 16
        if (i > 0) spec += ",";
        spec += std::to_string(i * 500) + "-" + std::to_string(i * 500 + 1);
    }
    expect_whole(ranged("/data.bin", spec), data);
}

TEST_F(Ranges, SixteenRangesAreStillServed) {
    std::string spec = "bytes=";
    std::vector<Span> want;
    for (std::uint64_t i = 0; i < 16; ++i) {
        if (i > 0) spec += ",";
        spec += std::to_string(i * 600) + "-" + std::to_string(i * 600 + 1);
        want.push_back({i * 600, i * 600 + 1});
    }
    expect_ranges(ranged("/data.bin", spec), data, want, 16);
}

TEST_F(Ranges, RequestedLengthsBeyondTheFileSizeGetTheWholeFile) {
    // 6000 + 6000 bytes asked of a 10000-byte file: the amplification defence.
    expect_whole(ranged("/data.bin", "bytes=0-5999,4000-9999"), data);
    expect_whole(ranged("/data.bin", "bytes=0-,0-,0-"), data);
}

TEST_F(Ranges, IfRangeWithTheCurrentEtagIs206) {
    const auto etag = get("/data.bin").header("ETag");
    ASSERT_TRUE(etag);
    expect_single(ranged("/data.bin", "bytes=0-9", "If-Range: " + *etag + "\r\n"), data, 0, 9);
}

TEST_F(Ranges, IfRangeWithAnotherEtagIsTheWholeFile) {
    const auto etag = get("/data.bin").header("ETag");
    ASSERT_TRUE(etag);
    expect_whole(ranged("/data.bin", "bytes=0-9", "If-Range: \"not-the-etag\"\r\n"), data);
    // If-Range needs a strong match: the weak form of the current tag does not.
    expect_whole(ranged("/data.bin", "bytes=0-9", "If-Range: W/" + *etag + "\r\n"), data);
}

TEST_F(Ranges, IfRangeWithTheLastModifiedDateIs206) {
    expect_single(ranged("/data.bin", "bytes=0-9", "If-Range: " + http_date(kMtime) + "\r\n"), data,
                  0, 9);
}

TEST_F(Ranges, IfRangeWithAnotherDateIsTheWholeFile) {
    expect_whole(ranged("/data.bin", "bytes=0-9", "If-Range: " + http_date(kMtime - 1) + "\r\n"),
                 data);
    // Only an exact match counts, not "not modified since".
    expect_whole(ranged("/data.bin", "bytes=0-9", "If-Range: " + http_date(kMtime + 3600) + "\r\n"),
                 data);
}

TEST_F(Ranges, IfRangeWithoutRangeIsAPlain200) {
    expect_whole(get("/data.bin", "If-Range: \"x\"\r\n"), data);
}

// A download manager got the first part, the file changed (size and mtime),
// and it resumes with Range + If-Range: it must get the whole new file, for
// either validator it kept.
TEST_F(Ranges, ResumeAfterTheFileChangedGetsTheWholeNewFile) {
    const HttpResponse first = ranged("/data.bin", "bytes=0-3999");
    expect_single(first, data, 0, 3999);
    const std::string old_etag = first.header("ETag").value_or("");
    const std::string old_date = first.header("Last-Modified").value_or("");
    ASSERT_FALSE(old_etag.empty());
    ASSERT_EQ(old_date, http_date(kMtime));

    const std::string fresh = random_bytes(kSize + 1234, 4242);
    site.add("data.bin", fresh);
    tree.set_mtime("www/data.bin", kMtime + 100);
    ASSERT_TRUE(
        support::wait_until([&] { return get("/data.bin").header("ETag") != old_etag; }, 5s, 50ms))
        << "the server never noticed the file changed";

    for (const std::string& validator : {old_etag, old_date}) {
        SCOPED_TRACE("If-Range: " + validator);
        const HttpResponse resumed =
            ranged("/data.bin", "bytes=4000-", "If-Range: " + validator + "\r\n");
        expect_whole(resumed, fresh);
        EXPECT_NE(resumed.header("ETag").value_or(old_etag), old_etag);
    }
    // With the new validator the resume is a 206 of the new bytes.
    const auto new_etag = get("/data.bin").header("ETag");
    ASSERT_TRUE(new_etag);
    expect_single(ranged("/data.bin", "bytes=4000-", "If-Range: " + *new_etag + "\r\n"), fresh,
                  4000, fresh.size() - 1);
}

class RangesConfigured : public Ranges {
protected:
    void SetUp() override {
        data = random_bytes(kSize, 42);
        site.add("data.bin", data);
        ASSERT_TRUE(start("limits:\n  max_ranges: 2\n"));
    }
};

TEST_F(RangesConfigured, MaxRangesFromTheConfig) {
    expect_ranges(ranged("/data.bin", "bytes=0-9,5000-5009"), data, {{0, 9}, {5000, 5009}}, 2);
    expect_whole(ranged("/data.bin", "bytes=0-9,3000-3009,6000-6009"), data);
}

// The reader itself must reject what a sloppy writer could produce, or the
// byte-for-byte checks above would prove nothing.
TEST(MultipartReader, AcceptsAWellFormedBody) {
    const std::string body =
        "--XyZ\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-2/10\r\n\r\nabc\r\n"
        "--XyZ\r\nContent-Range: bytes 8-9/10\r\n\r\nij\r\n--XyZ--\r\n";
    const MultipartBody m = parse_byteranges("multipart/byteranges; boundary=XyZ", body);
    ASSERT_TRUE(m.ok()) << m.error;
    ASSERT_EQ(m.parts.size(), 2u);
    EXPECT_EQ(m.parts[0].data, "abc");
    EXPECT_EQ(m.parts[1].first, 8u);
    EXPECT_EQ(m.parts[1].data, "ij");
    EXPECT_TRUE(parse_byteranges("multipart/byteranges; boundary=\"XyZ\"", "\r\n" + body).ok());
}

TEST(MultipartReader, RejectsBadFraming) {
    const std::string ct = "multipart/byteranges; boundary=XyZ";
    const char* bad[] = {
        // LF instead of CRLF
        "--XyZ\nContent-Range: bytes 0-2/10\n\nabc\n--XyZ--\n",
        // data longer than the Content-Range says
        "--XyZ\r\nContent-Range: bytes 0-2/10\r\n\r\nabcd\r\n--XyZ--\r\n",
        // data shorter
        "--XyZ\r\nContent-Range: bytes 0-2/10\r\n\r\nab\r\n--XyZ--\r\n",
        // no Content-Range
        "--XyZ\r\nContent-Type: text/plain\r\n\r\nabc\r\n--XyZ--\r\n",
        // a malformed Content-Range
        "--XyZ\r\nContent-Range: bytes 2-0/10\r\n\r\nabc\r\n--XyZ--\r\n",
        // no close delimiter
        "--XyZ\r\nContent-Range: bytes 0-2/10\r\n\r\nabc\r\n--XyZ\r\n",
        // another boundary
        "--Abc\r\nContent-Range: bytes 0-2/10\r\n\r\nabc\r\n--Abc--\r\n",
        // garbage after the end
        "--XyZ\r\nContent-Range: bytes 0-2/10\r\n\r\nabc\r\n--XyZ--\r\nxx",
        // complete lengths disagree
        "--XyZ\r\nContent-Range: bytes 0-2/10\r\n\r\nabc\r\n"
        "--XyZ\r\nContent-Range: bytes 5-5/11\r\n\r\nf\r\n--XyZ--\r\n",
    };
    for (const char* b : bad) {
        SCOPED_TRACE(printable(b));
        EXPECT_FALSE(parse_byteranges(ct, b).ok());
    }
    const std::string good = "--XyZ\r\nContent-Range: bytes 0-2/10\r\n\r\nabc\r\n--XyZ--\r\n";
    EXPECT_FALSE(parse_byteranges("multipart/mixed; boundary=XyZ", good).ok());
    EXPECT_FALSE(parse_byteranges("multipart/byteranges", good).ok());
    EXPECT_FALSE(parse_byteranges("multipart/byteranges; boundary=", good).ok());
}

}  // namespace
}  // namespace tpserve::integration
