// Warning rules of benchmark records (run_warnings.hpp).
#include "bench/run_warnings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

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

std::optional<double> relativeSpread(const std::vector<double>& timesS) {
  if (timesS.size() < 2) return std::nullopt;
  std::vector<double> s = timesS;
  std::sort(s.begin(), s.end());
  const std::size_t m = s.size() / 2;
  const double median = s.size() % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
  if (!(median > 0) || !std::isfinite(s.back())) return std::nullopt;
  return (s.back() - s.front()) / median;
}

std::optional<CpuTimes> parseCpuTimes(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("cpu ", 0) != 0) continue;
    std::istringstream fields(line.substr(4));
    // user nice system idle iowait irq softirq steal [guest guest_nice]:
    // guest time is already counted in user and nice, so only eight add up.
    unsigned long long v[8] = {};
    int count = 0;
    while (count < 8 && (fields >> v[count])) ++count;
    if (count < 4) return std::nullopt;
    CpuTimes t;
    for (int i = 0; i < count; ++i) t.total += v[i];
    if (count >= 8) t.steal = v[7];
    return t;
  }
  return std::nullopt;
}

std::optional<CpuTimes> readCpuTimes(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return parseCpuTimes(text.str());
}

std::optional<double> stealShare(const std::optional<CpuTimes>& before, const std::optional<CpuTimes>& after) {
  if (!before || !after || after->total <= before->total || after->steal < before->steal) return std::nullopt;
  return double(after->steal - before->steal) / double(after->total - before->total);
}

std::string unreliableReason(const std::vector<double>& timesS, std::optional<double> load1, int cores,
                             std::optional<double> steal) {
  std::string reason;
  char buf[96];
  auto add = [&] { reason += (reason.empty() ? "" : "; ") + std::string(buf); };
  if (int(timesS.size()) >= kUnreliableMinReps)
    if (auto s = relativeSpread(timesS); s && *s > kUnreliableSpread) {
      std::snprintf(buf, sizeof buf, "spread %.0f%% > %.0f%%", 100 * *s, 100 * kUnreliableSpread);
      add();
    }
  if (load1 && cores >= 1 && *load1 >= double(cores)) {
    std::snprintf(buf, sizeof buf, "load %.2f >= %d core%s", *load1, cores, cores == 1 ? "" : "s");
    add();
  }
  if (steal && *steal > kUnreliableSteal) {
    std::snprintf(buf, sizeof buf, "steal %.0f%% > %.0f%%", 100 * *steal, 100 * kUnreliableSteal);
    add();
  }
  return reason;
}

std::string clampedBlockWarning(int requested, int used, int n) {
  return "block " + std::to_string(requested) + " is wider than n = " + std::to_string(n) + ": ran with block " +
         std::to_string(used) + " (a tile is at most n x n)";
}

}  // namespace cachescope
