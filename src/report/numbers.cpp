#include "report/numbers.hpp"

#include <cmath>
#include <cstdio>

namespace cachescope {

std::string fixedText(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  char buf[384];  // %f of the largest double has 309 digits
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string significantText(double v, int digits) {
  if (!std::isfinite(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string groupedText(std::uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(std::size_t(i), ",");
  return s;
}

std::string rateText(double v) { return fixedText(v, v < 10 ? 2 : 1); }

std::string durationText(double s) {
  if (!std::isfinite(s)) return "-";
  if (s < 1e-3) return fixedText(s * 1e6, 1) + " us";
  if (s < 1.0) return fixedText(s * 1e3, 2) + " ms";
  return fixedText(s, 3) + " s";
}

}  // namespace cachescope
