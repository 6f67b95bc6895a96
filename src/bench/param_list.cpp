#include "bench/param_list.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace cachescope {

namespace {

// Values in a range start, start+s, ... <= stop (or start, start*f, ...):
// floor of the steps that fit (a hair of slack for 64:1024:x2's log ratio
// rounding below 4), plus the start. Saturates instead of overflowing, as
// only the comparison with the bound matters.
double rangeCount(double start, double stop, double by, bool mult) {
  const double steps = mult ? std::log(stop / start) / std::log(by) : (stop - start) / by;
  if (!std::isfinite(steps) || steps > 1e18) return 1e18;
  return std::floor(steps + 1e-9) + 1;
}

std::string countText(double count) {
  if (count >= 1e18) return "more than 10^18";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", count);
  return buf;
}

UsageError tooManyValues(const std::string& what, const std::string& text) {
  return UsageError("--" + what + ": '" + text + "' has more than " + std::to_string(kMaxListValues) +
                    " values; a list holds at most " + std::to_string(kMaxListValues));
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::stringstream ss(s);
  while (std::getline(ss, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

double parseNumber(const std::string& s, const std::string& what, const std::string& whole) {
  if (s.empty()) throw UsageError("--" + what + ": empty item in '" + whole + "'");
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v))
    throw UsageError("--" + what + ": '" + s + "' is not a number (in '" + whole + "')");
  return v;
}

std::vector<double> parseList(const std::string& text, const std::string& what, bool integers) {
  if (text.empty()) throw UsageError("--" + what + ": empty list");
  std::vector<double> out;
  for (const std::string& item : split(text, ',')) {
    std::vector<std::string> parts = split(item, ':');
    if (parts.size() == 1) {
      out.push_back(parseNumber(item, what, text));
    } else if (parts.size() == 3) {
      double start = parseNumber(parts[0], what, text);
      double stop = parseNumber(parts[1], what, text);
      const std::string& step = parts[2];
      if (step.size() < 2 || (step[0] != 'x' && step[0] != '*' && step[0] != '+'))
        throw UsageError("--" + what + ": range step '" + step + "' must be xF (multiply) or +S (add), as in 64:1024:x2");
      double by = parseNumber(step.substr(1), what, text);
      bool mult = step[0] != '+';
      if (stop < start) throw UsageError("--" + what + ": range '" + item + "' ends before it starts");
      if (mult ? by <= 1.0 : by <= 0.0)
        throw UsageError("--" + what + ": range '" + item + "' never reaches its end (step " + step + ")");
      if (mult && start <= 0) throw UsageError("--" + what + ": multiplicative range '" + item + "' must start above 0");
      const double eps = 1e-9 * std::max(1.0, std::fabs(stop));
      // Count first, so a range like 1:1e12:+1 is refused without building
      // it; the checks on the list's size below catch what rounding lets by.
      const double count = rangeCount(start, stop, by, mult);
      if (count > double(kMaxListValues))
        throw UsageError("--" + what + ": range '" + item + "' has " + countText(count) + " values; a list holds at most " +
                         std::to_string(kMaxListValues));
      for (double v = start; v <= stop + eps; v = mult ? v * by : v + by) {
        out.push_back(integers ? std::round(v) : v);
        if (out.size() > kMaxListValues) throw tooManyValues(what, text);
      }
    } else {
      throw UsageError("--" + what + ": '" + item + "' is neither a value nor a range start:stop:step");
    }
    if (out.size() > kMaxListValues) throw tooManyValues(what, text);
  }
  if (integers) {
    for (double v : out) {
      if (v != std::floor(v)) throw UsageError("--" + what + ": '" + text + "' must contain whole numbers");
      if (std::fabs(v) > 2e9) throw UsageError("--" + what + ": value in '" + text + "' is too large");
    }
  }
  return out;
}

}  // namespace

std::vector<int> parseIntList(const std::string& text, const std::string& what) {
  std::vector<int> out;
  for (double v : parseList(text, what, true)) out.push_back(static_cast<int>(v));
  return out;
}

std::vector<double> parseDoubleList(const std::string& text, const std::string& what) {
  return parseList(text, what, false);
}

std::vector<std::string> splitIdList(const std::string& text) {
  std::vector<std::string> ids;
  for (std::string& id : split(text, ',')) {
    // "a, b" as "a,b", like the number lists.
    const std::size_t first = id.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    const std::size_t last = id.find_last_not_of(" \t");
    ids.push_back(id.substr(first, last - first + 1));
  }
  return ids;
}

}  // namespace cachescope
