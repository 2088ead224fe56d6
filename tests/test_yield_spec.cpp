// Yield specifications: absolute and reference-relative thresholds, and the error
// message for malformed ones.
#include <gtest/gtest.h>

#include <string>

#include "common/errors.hpp"
#include "stats/yield_spec.hpp"

namespace xbarmc::study {
namespace {

std::string spec_error(const std::string& text) {
  try {
    parse_yield_spec(text);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

const ReferenceAccuracies kRefs{0.795, 0.78, 0.77};

TEST(YieldSpec, AbsoluteAccuracyAsFractionOrPercent) {
  EXPECT_EQ(yield_threshold(parse_yield_spec("0.75"), kRefs), 0.75);
  EXPECT_EQ(yield_threshold(parse_yield_spec("75%"), kRefs), 0.75);
  EXPECT_EQ(yield_threshold(parse_yield_spec("1"), kRefs), 1.0);
  EXPECT_EQ(parse_yield_spec("0.75").text, "0.75");
}

TEST(YieldSpec, RelativeSpecsSubtractPercentagePointsFromTheirReference) {
  EXPECT_NEAR(yield_threshold(parse_yield_spec("float-1pp"), kRefs), 0.785, 1e-15);
  EXPECT_NEAR(yield_threshold(parse_yield_spec("float-0.5pp"), kRefs), 0.79, 1e-15);
  EXPECT_NEAR(yield_threshold(parse_yield_spec("mapped-2pp"), kRefs), 0.76, 1e-15);
  EXPECT_NEAR(yield_threshold(parse_yield_spec("nominal-2pp"), kRefs), 0.75, 1e-15);
  EXPECT_NEAR(yield_threshold(parse_yield_spec("nominal+1pp"), kRefs), 0.78, 1e-15);
  EXPECT_EQ(yield_threshold(parse_yield_spec("float"), kRefs), 0.795);
}

TEST(YieldSpec, ChipExactlyAtARelativeThresholdCounts) {
  // 0.795 − 0.01 is not exactly 0.785 in binary; 785/1000 must still pass.
  const double threshold = yield_threshold(parse_yield_spec("float-1pp"), kRefs);
  EXPECT_TRUE(meets_threshold(785.0 / 1000.0, threshold));
  EXPECT_FALSE(meets_threshold(784.0 / 1000.0, threshold));
}

TEST(YieldSpec, MalformedSpecsNameThemselves) {
  for (const char* bad : {"", "fast-1pp", "float-1", "float-pp", "float1pp", "float-xpp", "1.5",
                          "-0.1", "120%", "0.75 ", "nan", "float-200pp"}) {
    const std::string msg = spec_error(bad);
    EXPECT_NE(msg.find(std::string("'") + bad + "'"), std::string::npos) << bad << ": " << msg;
  }
}

}  // namespace
}  // namespace xbarmc::study
