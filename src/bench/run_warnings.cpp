// Warning rules of benchmark records (run_warnings.hpp).
#include "bench/run_warnings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace cachescope {

std::optional<std::string> spreadWarning(const std::vector<double>& timesS) {
  if (timesS.size() < 2) return std::nullopt;
  const auto [lo, hi] = std::minmax_element(timesS.begin(), timesS.end());
  if (!(*lo > 0) || !std::isfinite(*hi)) return std::nullopt;
  const double ratio = *hi / *lo;
  if (!(ratio > kSpreadLimit)) return std::nullopt;
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "spread: slowest rep %.2fx the fastest (warns above max/min %.1fx): the machine was busy or "
                "the clock changed; rerun, or raise --reps",
                ratio, kSpreadLimit);
  return std::string(buf);
}

std::optional<double> loadAverage1(const std::string& path) {
  std::ifstream in(path);
  double load = 0;
  if (!(in >> load) || !std::isfinite(load) || load < 0) return std::nullopt;
  return load;
}

std::optional<std::string> busyMachineWarning(std::optional<double> load1, int cores) {
  if (!load1 || cores < 1 || *load1 < double(cores)) return std::nullopt;
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "busy machine: load average %.2f on %d core%s when the run started (warns at load >= cores): "
                "other programs competed for the CPU",
                *load1, cores, cores == 1 ? "" : "s");
  return std::string(buf);
}

std::string clampedBlockWarning(int requested, int used, int n) {
  return "block " + std::to_string(requested) + " is wider than n = " + std::to_string(n) + ": ran with block " +
         std::to_string(used) + " (a tile is at most n x n)";
}

}  // namespace cachescope
