// Statistics over repetition times: pure functions, no state.
//
// Edge cases: an empty sample gives NaN for every statistic and count 0.
// Fewer than two values: stddev is 0 (no spread can be estimated).
// median of an even count is the mean of the two middle values.
// stddev is the sample standard deviation (divides by count - 1).
#pragma once

#include <cstddef>
#include <vector>

namespace cachescope {

double median(std::vector<double> values);
double mean(const std::vector<double>& values);
double stddev(const std::vector<double>& values);
double minimum(const std::vector<double>& values);
double maximum(const std::vector<double>& values);

struct Stats {
  std::size_t count = 0;
  double median = 0, mean = 0, stddev = 0, min = 0, max = 0;
};

Stats summarize(const std::vector<double>& values);

}  // namespace cachescope
