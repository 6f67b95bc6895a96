#include <catch2/catch.hpp>
#include <cmath>

#include "bench/stats.hpp"

using namespace cachescope;

TEST_CASE("median of odd and even counts", "[stats]") {
  CHECK(median({3.0, 1.0, 2.0}) == 2.0);
  CHECK(median({4.0, 1.0, 3.0, 2.0}) == 2.5);
  CHECK(median({7.0}) == 7.0);
}

TEST_CASE("mean, stddev, min, max with literal values", "[stats]") {
  std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
  CHECK(mean(v) == 5.0);
  // sample stddev: sum of squares 32, / 7
  CHECK(stddev(v) == Approx(std::sqrt(32.0 / 7.0)));
  CHECK(minimum(v) == 2.0);
  CHECK(maximum(v) == 9.0);
}

TEST_CASE("statistics edge cases", "[stats]") {
  CHECK(std::isnan(median({})));
  CHECK(std::isnan(mean({})));
  CHECK(std::isnan(stddev({})));
  CHECK(stddev({1.5}) == 0.0);
  Stats s = summarize({});
  CHECK(s.count == 0);
  CHECK(std::isnan(s.median));
  Stats t = summarize({1.0, 3.0});
  CHECK(t.count == 2);
  CHECK(t.median == 2.0);
  CHECK(t.stddev == Approx(std::sqrt(2.0)));
}
