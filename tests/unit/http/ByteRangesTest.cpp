#include <gtest/gtest.h>

#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "http/ByteRanges.h"

namespace tpserve::http {

// Found by gtest through ADL, so it lives in the enum's own namespace.
void PrintTo(RangeOutcome outcome, std::ostream* os);
void PrintTo(RangeOutcome outcome, std::ostream* os) {
    switch (outcome) {
        case RangeOutcome::Ignore:
            *os << "Ignore";
            return;
        case RangeOutcome::Satisfiable:
            *os << "Satisfiable";
            return;
        case RangeOutcome::Unsatisfiable:
            *os << "Unsatisfiable";
            return;
    }
}

namespace {

constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

std::string describe(std::span<const ByteRange> ranges) {
    std::string out;
    for (const ByteRange& r : ranges) {
        out += std::to_string(r.first) + "-" + std::to_string(r.last) + " ";
    }
    return out;
}

struct Case {
    const char* name;
    std::string value;
    std::uint64_t size;
    RangeOutcome outcome;
    std::vector<ByteRange> ranges;  // expected, when Satisfiable
    std::uint32_t max_ranges = 16;
    std::uint64_t merge_gap = 80;
};

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name;
}

std::string case_name(const ::testing::TestParamInfo<Case>& param_info) {
    return param_info.param.name;
}

class ByteRangesTable : public ::testing::TestWithParam<Case> {};

TEST_P(ByteRangesTable, ParsesAsExpected) {
    const Case& c = GetParam();
    const RangeSet set = parse_byte_ranges(c.value, c.size, c.max_ranges, c.merge_gap);
    EXPECT_EQ(set.outcome, c.outcome) << "value: " << c.value;
    if (c.outcome == RangeOutcome::Satisfiable) {
        const std::vector<ByteRange> got(set.view().begin(), set.view().end());
        EXPECT_EQ(describe(got), describe(c.ranges)) << "value: " << c.value;
        std::uint64_t total = 0;
        for (const ByteRange& r : c.ranges)
            total += r.length();
        EXPECT_EQ(set.total(), total);
        for (const ByteRange& r : got) {
            EXPECT_LE(r.first, r.last);
            EXPECT_LT(r.last, c.size);
        }
    } else {
        EXPECT_EQ(set.count, 0u);
        EXPECT_TRUE(set.view().empty());
    }
}

using O = RangeOutcome;

const Case kValid[] = {
    {"first_last", "bytes=0-499", 10000, O::Satisfiable, {{0, 499}}},
    {"middle", "bytes=500-999", 10000, O::Satisfiable, {{500, 999}}},
    {"open_ended", "bytes=9500-", 10000, O::Satisfiable, {{9500, 9999}}},
    {"suffix", "bytes=-500", 10000, O::Satisfiable, {{9500, 9999}}},
    {"single_byte", "bytes=0-0", 10000, O::Satisfiable, {{0, 0}}},
    {"last_byte", "bytes=9999-9999", 10000, O::Satisfiable, {{9999, 9999}}},
    {"last_clipped", "bytes=9000-20000", 10000, O::Satisfiable, {{9000, 9999}}},
    {"suffix_larger_than_file", "bytes=-20000", 10000, O::Satisfiable, {{0, 9999}}},
    {"suffix_equal_to_file", "bytes=-10", 10, O::Satisfiable, {{0, 9}}},
    {"unit_case_insensitive", "BYTES=0-1", 10, O::Satisfiable, {{0, 1}}},
    {"unit_mixed_case", "Bytes=0-1", 10, O::Satisfiable, {{0, 1}}},
    {"leading_zeros", "bytes=0005-0007", 10, O::Satisfiable, {{5, 7}}},
    {"surrounding_ows", " \tbytes=1-2 \t", 10, O::Satisfiable, {{1, 2}}},
    {"whole_file", "bytes=0-", 10, O::Satisfiable, {{0, 9}}},
    {"one_byte_file", "bytes=0-", 1, O::Satisfiable, {{0, 0}}},
    {"ows_around_commas",
     "bytes=0-1 , 500-600\t,\t900-999",
     10000,
     O::Satisfiable,
     {{0, 1}, {500, 600}, {900, 999}}},
    {"empty_elements", "bytes=, ,0-1,,500-600, ,", 10000, O::Satisfiable, {{0, 1}, {500, 600}}},
    {"two_far_apart", "bytes=0-99,1000-1099", 10000, O::Satisfiable, {{0, 99}, {1000, 1099}}},
    {"unsatisfiable_dropped", "bytes=0-9,20000-30000", 10000, O::Satisfiable, {{0, 9}}},
    {"suffix_zero_dropped", "bytes=-0,5-6", 10, O::Satisfiable, {{5, 6}}},
    {"first_equals_last", "bytes=3-3", 10, O::Satisfiable, {{3, 3}}},
};

const Case kCoalescing[] = {
    {"request_order_kept", "bytes=5000-5099,0-99", 10000, O::Satisfiable, {{5000, 5099}, {0, 99}}},
    {"overlap_merged", "bytes=0-199,100-299", 10000, O::Satisfiable, {{0, 299}}},
    {"adjacent_merged", "bytes=0-99,100-199", 10000, O::Satisfiable, {{0, 199}}},
    {"contained_merged", "bytes=0-199,10-20", 10000, O::Satisfiable, {{0, 199}}},
    {"small_gap_merged", "bytes=0-99,179-199", 10000, O::Satisfiable, {{0, 199}}},  // gap 79
    {"gap_equal_to_merge_gap_kept",
     "bytes=0-99,180-199",
     10000,
     O::Satisfiable,
     {{0, 99}, {180, 199}}},  // gap 80
    {"merge_gap_zero_keeps_gap_of_one",
     "bytes=0-9,11-19",
     100,
     O::Satisfiable,
     {{0, 9}, {11, 19}},
     16,
     0},
    {"merge_gap_zero_merges_adjacent", "bytes=0-9,10-19", 100, O::Satisfiable, {{0, 19}}, 16, 0},
    {"unsorted_chain_merges",
     "bytes=300-399,0-99,100-199,200-299",
     10000,
     O::Satisfiable,
     {{0, 399}}},
    {"mixed",
     "bytes=9000-9099,-100,0-9,50-59,2000-2009",
     10000,
     O::Satisfiable,
     // A merged range takes its earliest spec's place.
     {{9000, 9099}, {9900, 9999}, {0, 59}, {2000, 2009}}},
    {"suffix_and_open_overlap", "bytes=-100,9950-", 10000, O::Satisfiable, {{9900, 9999}}},
};

const Case kInvalid[] = {
    {"empty", "", 10, O::Ignore, {}},
    {"no_equals", "bytes", 10, O::Ignore, {}},
    {"other_unit", "items=0-1", 10, O::Ignore, {}},
    {"unit_prefix", "bytesx=0-1", 10, O::Ignore, {}},
    {"space_before_equals", "bytes =0-1", 10, O::Ignore, {}},
    {"no_specs", "bytes=", 10, O::Ignore, {}},
    {"only_commas", "bytes=, ,", 10, O::Ignore, {}},
    {"dash_only", "bytes=-", 10, O::Ignore, {}},
    {"last_before_first", "bytes=5-3", 10, O::Ignore, {}},
    {"one_bad_spec_poisons_all", "bytes=0-1,5-3", 10, O::Ignore, {}},
    {"other_range_spec", "bytes=0-1,abc", 10, O::Ignore, {}},
    {"negative_first", "bytes=-5-10", 100, O::Ignore, {}},
    {"negative_last", "bytes=5--10", 100, O::Ignore, {}},
    {"plus_sign", "bytes=+5-10", 100, O::Ignore, {}},
    {"space_in_first", "bytes=1 0-20", 100, O::Ignore, {}},
    {"space_in_last", "bytes=10-2 0", 100, O::Ignore, {}},
    {"space_around_dash", "bytes=10 - 20", 100, O::Ignore, {}},
    {"no_dash", "bytes=10", 100, O::Ignore, {}},
    {"two_dashes", "bytes=1-2-3", 100, O::Ignore, {}},
    {"hex", "bytes=0x10-0x20", 100, O::Ignore, {}},
    {"semicolon", "bytes=0-1;2-3", 100, O::Ignore, {}},
    {"equals_twice", "bytes==0-1", 100, O::Ignore, {}},
    {"control_char", std::string("bytes=0-1\r"), 100, O::Ignore, {}},
    {"nul_char", std::string("bytes=0-1\0", 10), 100, O::Ignore, {}},
    {"utf8_digit", "bytes=\xd9\xa1-2", 100, O::Ignore, {}},
};

const Case kUnsatisfiable[] = {
    {"first_at_size", "bytes=10-", 10, O::Unsatisfiable, {}},
    {"first_past_size", "bytes=100-200", 10, O::Unsatisfiable, {}},
    {"suffix_zero", "bytes=-0", 10, O::Unsatisfiable, {}},
    {"all_unsatisfiable", "bytes=10-11,-0,50-", 10, O::Unsatisfiable, {}},
    {"empty_file_open", "bytes=0-", 0, O::Unsatisfiable, {}},
    {"empty_file_range", "bytes=0-0", 0, O::Unsatisfiable, {}},
    // RFC 9110 §14.1.1: a non-zero suffix is satisfiable (the whole), but an
    // empty whole has no Content-Range: ignored, 200.
    {"empty_file_suffix", "bytes=-5", 0, O::Ignore, {}},
    {"empty_file_suffix_among_others", "bytes=0-0,-5", 0, O::Ignore, {}},
    {"empty_file_zero_suffix", "bytes=-0", 0, O::Unsatisfiable, {}},
    {"empty_file_still_checks_syntax", "bytes=5-3", 0, O::Ignore, {}},
};

const Case kLimits[] = {
    {"at_max_ranges",
     "bytes=0-0,10-10,20-20",
     100,
     O::Satisfiable,
     {{0, 0}, {10, 10}, {20, 20}},
     3,
     0},
    {"over_max_ranges", "bytes=0-0,10-10,20-20,30-30", 100, O::Ignore, {}, 3, 0},
    {"unsatisfiable_specs_count", "bytes=0-0,200-,300-,400-", 100, O::Ignore, {}, 3, 0},
    {"empty_elements_do_not_count",
     "bytes=0-0,,,,10-10, ,20-20",
     100,
     O::Satisfiable,
     {{0, 0}, {10, 10}, {20, 20}},
     3,
     0},
    {"max_ranges_zero_disables", "bytes=0-0", 100, O::Ignore, {}, 0},
    {"sum_equal_to_size_ok", "bytes=0-4,5-9", 10, O::Satisfiable, {{0, 9}}},
    {"sum_over_size", "bytes=0-5,4-9", 10, O::Ignore, {}},
    {"repeated_whole_file", "bytes=0-,0-", 1000, O::Ignore, {}},
    {"repeated_suffix", "bytes=-600,-600", 1000, O::Ignore, {}},
    {"sum_counts_clipped_lengths", "bytes=0-4,5-100000", 10, O::Satisfiable, {{0, 9}}},
};

const Case kOverflow[] = {
    {"first_overflow_unsatisfiable", "bytes=99999999999999999999999-", 10, O::Unsatisfiable, {}},
    {"first_overflow_with_last",
     "bytes=99999999999999999999999-99999999999999999999999",
     10,
     O::Unsatisfiable,
     {}},
    {"first_overflow_dropped", "bytes=0-1,99999999999999999999999-", 10, O::Satisfiable, {{0, 1}}},
    {"last_overflow_clamped", "bytes=5-99999999999999999999999", 10, O::Satisfiable, {{5, 9}}},
    {"suffix_overflow_whole", "bytes=-99999999999999999999999", 10, O::Satisfiable, {{0, 9}}},
    {"u64_max_exact", "bytes=0-18446744073709551615", 10, O::Satisfiable, {{0, 9}}},
    {"u64_max_plus_one", "bytes=0-18446744073709551616", 10, O::Satisfiable, {{0, 9}}},
    {"huge_file",
     "bytes=18446744073709551613-",
     kU64Max,
     O::Satisfiable,
     {{kU64Max - 2, kU64Max - 1}}},
    {"huge_file_suffix", "bytes=-3", kU64Max, O::Satisfiable, {{kU64Max - 3, kU64Max - 1}}},
    {"overflowing_last_before_overflowing_first",
     "bytes=200000000000000000000-100000000000000000000",
     10,
     O::Ignore,
     {}},
    {"overflowing_last_before_first_leading_zeros",
     "bytes=200000000000000000000-000100000000000000000000",
     10,
     O::Ignore,
     {}},
    {"leading_zeros_compare_by_value", "bytes=0009-010", 100, O::Satisfiable, {{9, 10}}},
};

INSTANTIATE_TEST_SUITE_P(Valid, ByteRangesTable, ::testing::ValuesIn(kValid), case_name);
INSTANTIATE_TEST_SUITE_P(Coalescing, ByteRangesTable, ::testing::ValuesIn(kCoalescing), case_name);
INSTANTIATE_TEST_SUITE_P(Invalid, ByteRangesTable, ::testing::ValuesIn(kInvalid), case_name);
INSTANTIATE_TEST_SUITE_P(Unsatisfiable, ByteRangesTable, ::testing::ValuesIn(kUnsatisfiable),
                         case_name);
INSTANTIATE_TEST_SUITE_P(Limits, ByteRangesTable, ::testing::ValuesIn(kLimits), case_name);
INSTANTIATE_TEST_SUITE_P(Overflow, ByteRangesTable, ::testing::ValuesIn(kOverflow), case_name);

// --- hostile inputs built at run time ------------------------------------------

std::string many_specs(std::size_t n) {
    std::string value = "bytes=";
    for (std::size_t i = 0; i < n; ++i) {
        if (i != 0) value += ",";
        value += std::to_string(i * 1000) + "-" + std::to_string(i * 1000);
    }
    return value;
}

TEST(ByteRangesHostile, TenThousandSpecsIgnored) {
    const RangeSet set = parse_byte_ranges(many_specs(10'000), 100'000'000, 16);
    EXPECT_EQ(set.outcome, RangeOutcome::Ignore);
}

TEST(ByteRangesHostile, MaxRangesCappedAtHardLimit) {
    const std::uint64_t size = 1'000'000;
    const RangeSet at_cap = parse_byte_ranges(many_specs(kMaxByteRanges), size, 100'000, 0);
    ASSERT_EQ(at_cap.outcome, RangeOutcome::Satisfiable);
    EXPECT_EQ(at_cap.count, kMaxByteRanges);
    EXPECT_EQ(at_cap.view().back(),
              (ByteRange{(kMaxByteRanges - 1) * 1000, (kMaxByteRanges - 1) * 1000}));
    const RangeSet over = parse_byte_ranges(many_specs(kMaxByteRanges + 1), size, 100'000, 0);
    EXPECT_EQ(over.outcome, RangeOutcome::Ignore);
}

TEST(ByteRangesHostile, ManySmallRangesCoalesceIntoFew) {
    // 128 one-byte ranges 100 bytes apart with merge_gap 200: one range.
    const RangeSet set = parse_byte_ranges(
        [] {
            std::string v = "bytes=";
            for (int i = 127; i >= 0; --i)
                v += std::to_string(i * 100) + "-" + std::to_string(i * 100) + ",";
            return v;
        }(),
        1'000'000, 128, 200);
    ASSERT_EQ(set.outcome, RangeOutcome::Satisfiable);
    ASSERT_EQ(set.count, 1u);
    EXPECT_EQ(set.view()[0], (ByteRange{0, 12700}));
}

TEST(ByteRangesHostile, VeryLongNumberAndPadding) {
    const std::string zeros(100'000, '0');
    EXPECT_EQ(parse_byte_ranges("bytes=" + zeros + "1-" + zeros + "2", 10, 16).view()[0],
              (ByteRange{1, 2}));
    const std::string nines(100'000, '9');
    EXPECT_EQ(parse_byte_ranges("bytes=" + nines + "-", 10, 16).outcome,
              RangeOutcome::Unsatisfiable);
    const std::string blanks(100'000, ' ');
    EXPECT_EQ(parse_byte_ranges("bytes=" + blanks + "0-1" + blanks + "," + blanks, 10, 16).outcome,
              RangeOutcome::Satisfiable);
    const std::string commas(100'000, ',');
    EXPECT_EQ(parse_byte_ranges("bytes=" + commas, 10, 16).outcome, RangeOutcome::Ignore);
}

TEST(ByteRangesHostile, AnyNonDigitInsideASpecIgnoresTheHeader) {
    // No byte may crash or produce an out-of-bounds range.
    for (int c = 0; c < 256; ++c) {
        std::string value = "bytes=1-5";
        value += static_cast<char>(c);
        value += "7";
        const RangeSet set = parse_byte_ranges(value, 10, 16);
        for (const ByteRange& r : set.view()) {
            EXPECT_LE(r.first, r.last);
            EXPECT_LT(r.last, 10u);
        }
        const bool digit = c >= '0' && c <= '9';
        EXPECT_EQ(set.outcome, digit ? RangeOutcome::Satisfiable : RangeOutcome::Ignore)
            << "byte " << c;
    }
}

TEST(ByteRangesHostile, SingleSpecIsNotMergedOrReordered) {
    const RangeSet set = parse_byte_ranges("bytes=7-8", 10, 16, 1'000'000);
    ASSERT_EQ(set.count, 1u);
    EXPECT_EQ(set.view()[0], (ByteRange{7, 8}));
}

}  // namespace
}  // namespace tpserve::http
