// Conditional requests (RFC 9110 §13) as a pure function: one table per
// decision, the header fields of each row given in arrival order.
#include "handler/Preconditions.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace tpserve::handler {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Built {
    Fields fields;
    std::vector<http::Header> headers;
    http::Request request;

    explicit Built(Fields f) : fields(std::move(f)) {
        headers.push_back({"Host", "example.com"});
        for (const auto& [name, value] : fields)
            headers.push_back({name, value});
        request.headers = headers;
    }
    Built(const Built&) = delete;  // `headers` and `request` view the members
    Built& operator=(const Built&) = delete;
};

Precondition eval(Fields fields, const Validators& current, bool get_or_head = true) {
    return evaluate_preconditions(Built(std::move(fields)).request, current, get_or_head);
}

bool range_ok(Fields fields, const Validators& current) {
    return if_range_allows(Built(std::move(fields)).request, current);
}

std::string show(const Fields& fields) {
    std::string s;
    for (const auto& [name, value] : fields)
        s += name + ": " + value + " | ";
    return s;
}

// Last-Modified of the representation and dates around it.
constexpr std::int64_t kModified = 784111777;
const std::string kAt = "Sun, 06 Nov 1994 08:49:37 GMT";
const std::string kBefore = "Sun, 06 Nov 1994 08:49:36 GMT";
const std::string kAfter = "Sun, 06 Nov 1994 08:49:38 GMT";
const std::string kBefore850 = "Sunday, 06-Nov-94 08:49:36 GMT";
const std::string kAfter850 = "Sunday, 06-Nov-94 08:49:38 GMT";
const std::string kBeforeAsctime = "Sun Nov  6 08:49:36 1994";
const std::string kAfterAsctime = "Sun Nov  6 08:49:38 1994";

const Validators kStrong{R"("abc")", kModified, true};

constexpr auto P = Precondition::Proceed;
constexpr auto N = Precondition::NotModified;
constexpr auto F = Precondition::Failed;

struct Case {
    Fields fields;
    Precondition get;    // GET/HEAD
    Precondition other;  // any other method
};

const Case kCases[] = {
    {{}, P, P},
    // Step 1: If-Match, strong comparison.
    {{{"If-Match", R"("abc")"}}, P, P},
    {{{"If-Match", R"("xyz")"}}, F, F},
    {{{"If-Match", "*"}}, P, P},
    {{{"If-Match", R"(W/"abc")"}}, F, F},
    {{{"If-Match", R"("xyz", "abc")"}}, P, P},
    {{{"If-Match", R"("xyz",,  ,"abc" , )"}}, P, P},
    {{{"If-Match", R"("xyz")"}, {"If-Match", R"("abc")"}}, P, P},
    {{{"if-match", R"("abc")"}}, P, P},
    {{{"If-Match", R"("ABC")"}}, F, F},
    // Malformed If-Match is false (§13.1.1 "Otherwise").
    {{{"If-Match", R"("abc)"}}, F, F},
    {{{"If-Match", "abc"}}, F, F},
    {{{"If-Match", "W/abc"}}, F, F},
    {{{"If-Match", ""}}, F, F},
    {{{"If-Match", R"(*, "abc")"}}, F, F},
    {{{"If-Match", "*"}, {"If-Match", "*"}}, F, F},
    {{{"If-Match", R"("abc" junk)"}}, F, F},
    {{{"If-Match", R"("abc", junk)"}}, F, F},
    {{{"If-Match", R"("abc""abc")"}}, F, F},
    {{{"If-Match", R"("a,b")"}}, F, F},  // one tag a,b, not "a" and "b"
    {{{"If-Match", R"("a", "abc)"}}, F, F},
    // Step 2: If-Unmodified-Since, only without If-Match.
    {{{"If-Unmodified-Since", kBefore}}, F, F},
    {{{"If-Unmodified-Since", kAt}}, P, P},
    {{{"If-Unmodified-Since", kAfter}}, P, P},
    {{{"If-Unmodified-Since", kBefore850}}, F, F},
    {{{"If-Unmodified-Since", kBeforeAsctime}}, F, F},
    {{{"If-Unmodified-Since", "yesterday"}}, P, P},
    {{{"If-Unmodified-Since", kBefore + " x"}}, P, P},
    {{{"If-Unmodified-Since", kBefore}, {"If-Unmodified-Since", kBefore}}, P, P},
    {{{"If-Match", R"("abc")"}, {"If-Unmodified-Since", kBefore}}, P, P},
    {{{"If-Match", "*"}, {"If-Unmodified-Since", kBefore}}, P, P},
    {{{"If-Match", R"("xyz")"}, {"If-Unmodified-Since", kAfter}}, F, F},
    // Step 3: If-None-Match, weak comparison.
    {{{"If-None-Match", R"("abc")"}}, N, F},
    {{{"If-None-Match", R"(W/"abc")"}}, N, F},
    {{{"If-None-Match", R"("xyz")"}}, P, P},
    {{{"If-None-Match", "*"}}, N, F},
    {{{"If-None-Match", R"("xyz", W/"abc")"}}, N, F},
    {{{"If-None-Match", R"("x,y", "abc")"}}, N, F},
    {{{"If-None-Match", R"("x,abc")"}}, P, P},
    {{{"If-None-Match", R"("xyz")"}, {"If-None-Match", R"("abc")"}}, N, F},
    {{{"If-None-Match", ""}}, P, P},
    // Malformed If-None-Match is true (§13.1.2 "Otherwise"): proceed.
    {{{"If-None-Match", "W/abc"}}, P, P},
    {{{"If-None-Match", R"(w/"abc")"}}, P, P},
    {{{"If-None-Match", R"("abc)"}}, P, P},
    {{{"If-None-Match", R"("abc", garbage)"}}, P, P},
    {{{"If-None-Match", R"(*, "abc")"}}, P, P},
    {{{"If-None-Match", "abc"}}, P, P},
    {{{"If-None-Match", R"("a b")"}}, P, P},
    // Steps 1-3 together.
    {{{"If-Match", R"("xyz")"}, {"If-None-Match", R"("abc")"}}, F, F},
    {{{"If-Match", R"("abc")"}, {"If-None-Match", R"("abc")"}}, N, F},
    {{{"If-Match", R"("abc")"}, {"If-None-Match", R"("xyz")"}}, P, P},
    {{{"If-Unmodified-Since", kAfter}, {"If-None-Match", R"("abc")"}}, N, F},
    {{{"If-Unmodified-Since", kBefore}, {"If-None-Match", R"("abc")"}}, F, F},
    // Step 4: If-Modified-Since, GET/HEAD, only without If-None-Match.
    {{{"If-Modified-Since", kAt}}, N, P},
    {{{"If-Modified-Since", kAfter}}, N, P},
    {{{"If-Modified-Since", kBefore}}, P, P},
    {{{"If-Modified-Since", kAfter850}}, N, P},
    {{{"If-Modified-Since", kBefore850}}, P, P},
    {{{"If-Modified-Since", kAfterAsctime}}, N, P},
    {{{"If-Modified-Since", kBeforeAsctime}}, P, P},
    {{{"if-modified-since", kAt}}, N, P},
    {{{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 UTC"}}, P, P},
    {{{"If-Modified-Since", "sun, 06 nov 1994 08:49:37 GMT"}}, P, P},
    {{{"If-Modified-Since", kAt + ", " + kAt}}, P, P},
    {{{"If-Modified-Since", kAt}, {"If-Modified-Since", kAt}}, P, P},
    {{{"If-Modified-Since", ""}}, P, P},
    {{{"If-Modified-Since", "-1"}}, P, P},
    {{{"If-None-Match", R"("xyz")"}, {"If-Modified-Since", kAfter}}, P, P},
    {{{"If-None-Match", "W/abc"}, {"If-Modified-Since", kAfter}}, P, P},
    {{{"If-None-Match", ""}, {"If-Modified-Since", kAfter}}, P, P},
    {{{"If-Modified-Since", kAfter}, {"If-None-Match", R"("abc")"}}, N, F},
    {{{"If-Match", R"("abc")"}, {"If-Modified-Since", kAt}}, N, P},
    {{{"If-Unmodified-Since", kBefore}, {"If-Modified-Since", kAt}}, F, F},
};

TEST(Preconditions, Table) {
    for (const Case& c : kCases) {
        const Built b(c.fields);
        EXPECT_EQ(evaluate_preconditions(b.request, kStrong, true), c.get) << show(c.fields);
        EXPECT_EQ(evaluate_preconditions(b.request, kStrong, false), c.other) << show(c.fields);
    }
}

TEST(Preconditions, WithoutLastModifiedDatesAreIgnored) {
    const Validators v{R"("abc")", kModified, false};
    for (const std::string& date : {kBefore, kAt, kAfter}) {
        EXPECT_EQ(eval({{"If-Modified-Since", date}}, v), P);
        EXPECT_EQ(eval({{"If-Unmodified-Since", date}}, v), P);
    }
    EXPECT_EQ(eval({{"If-None-Match", R"("abc")"}}, v), N);
}

TEST(Preconditions, WithoutEntityTag) {
    for (std::string_view none : {"", "abc", "W/abc", "\"unterminated"}) {
        const Validators v{none, kModified, true};
        EXPECT_EQ(eval({{"If-Match", "*"}}, v), P) << none;
        EXPECT_EQ(eval({{"If-Match", R"("abc")"}}, v), F) << none;
        EXPECT_EQ(eval({{"If-Match", R"("")"}}, v), F) << none;
        EXPECT_EQ(eval({{"If-None-Match", "*"}}, v), N) << none;
        EXPECT_EQ(eval({{"If-None-Match", R"("abc")"}}, v), P) << none;
        EXPECT_EQ(eval({{"If-Modified-Since", kAt}}, v), N) << none;
    }
}

TEST(Preconditions, WeakCurrentTag) {
    const Validators v{R"(W/"abc")", kModified, true};
    EXPECT_EQ(eval({{"If-Match", R"("abc")"}}, v), F);  // strong comparison never matches weak
    EXPECT_EQ(eval({{"If-Match", R"(W/"abc")"}}, v), F);
    EXPECT_EQ(eval({{"If-Match", "*"}}, v), P);
    EXPECT_EQ(eval({{"If-None-Match", R"("abc")"}}, v), N);
    EXPECT_EQ(eval({{"If-None-Match", R"(W/"abc")"}}, v), N);
}

TEST(Preconditions, HugeLists) {
    std::string misses;
    for (int i = 0; i < 10000; ++i)
        misses += "\"t" + std::to_string(i) + "\", W/\"x,y\", ";
    EXPECT_EQ(eval({{"If-None-Match", misses + R"(W/"abc")"}}, kStrong), N);
    EXPECT_EQ(eval({{"If-None-Match", misses}}, kStrong), P);
    EXPECT_EQ(eval({{"If-None-Match", misses + "junk"}}, kStrong), P);
    EXPECT_EQ(eval({{"If-None-Match", R"("abc", )" + misses + "\"open"}}, kStrong), P);
    EXPECT_EQ(eval({{"If-Match", misses + R"("abc")"}}, kStrong), P);
    EXPECT_EQ(eval({{"If-Match", misses}}, kStrong), F);
    EXPECT_EQ(eval({{"If-None-Match", "\"" + std::string(200000, 'a')}}, kStrong), P);
    EXPECT_EQ(eval({{"If-None-Match", std::string(200000, ',')}}, kStrong), P);

    Fields many;
    for (int i = 0; i < 2000; ++i)
        many.emplace_back("If-None-Match", "\"n" + std::to_string(i) + "\"");
    many.emplace_back("If-None-Match", R"("abc")");
    EXPECT_EQ(eval(many, kStrong), N);
}

struct RangeCase {
    Fields fields;
    bool allows;
};

const RangeCase kRangeCases[] = {
    {{}, true},
    {{{"If-Range", R"("abc")"}}, true},
    {{{"if-range", R"("abc")"}}, true},
    {{{"If-Range", R"("xyz")"}}, false},
    {{{"If-Range", R"(W/"abc")"}}, false},  // weak never matches strongly
    {{{"If-Range", R"("abc)"}}, false},
    {{{"If-Range", R"("abc", "abc")"}}, false},
    {{{"If-Range", "abc"}}, false},
    {{{"If-Range", "W/abc"}}, false},
    {{{"If-Range", "*"}}, false},
    {{{"If-Range", ""}}, false},
    {{{"If-Range", kAt}}, true},
    {{{"If-Range", "Sunday, 06-Nov-94 08:49:37 GMT"}}, true},
    {{{"If-Range", "Sun Nov  6 08:49:37 1994"}}, true},
    {{{"If-Range", kBefore}}, false},
    {{{"If-Range", kAfter}}, false},  // exact match only, not "not modified since"
    {{{"If-Range", "tomorrow"}}, false},
    {{{"If-Range", R"("abc")"}, {"If-Range", R"("abc")"}}, false},
    {{{"If-Range", kAt}, {"If-Range", kAt}}, false},
};

TEST(IfRange, Table) {
    for (const RangeCase& c : kRangeCases) {
        EXPECT_EQ(range_ok(c.fields, kStrong), c.allows) << show(c.fields);
    }
}

TEST(IfRange, WeakOrMissingValidators) {
    const Validators weak{R"(W/"abc")", kModified, true};
    EXPECT_FALSE(range_ok({{"If-Range", R"(W/"abc")"}}, weak));
    EXPECT_FALSE(range_ok({{"If-Range", R"("abc")"}}, weak));
    EXPECT_TRUE(range_ok({{"If-Range", kAt}}, weak));

    const Validators no_date{R"("abc")", kModified, false};
    EXPECT_FALSE(range_ok({{"If-Range", kAt}}, no_date));
    EXPECT_TRUE(range_ok({{"If-Range", R"("abc")"}}, no_date));

    const Validators no_tag{"", kModified, true};
    EXPECT_FALSE(range_ok({{"If-Range", R"("")"}}, no_tag));
    EXPECT_TRUE(range_ok({{"If-Range", kAt}}, no_tag));
    EXPECT_TRUE(range_ok({}, no_tag));
}

}  // namespace
}  // namespace tpserve::handler
