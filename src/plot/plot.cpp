// [SECTION] tick labels
// [SECTION] nice ticks
// [SECTION] ranges and normalize
// [SECTION] palette
// [SECTION] CSV
#include "plot/plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace cachescope::plot {

namespace {

// [SECTION] tick labels

// Trims "1.500" to "1.5" and "2.000" to "2".
std::string trimZeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string fixedText(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", std::clamp(decimals, 0, 12), v);
  std::string s = buf;
  if (s == "-0") s = "0";
  return s;
}

// Compact labels: 12000 -> "12k", 1e6 -> "1M", 0.25 -> "0.25", 1e-5 -> "1e-05".
// `step` is the spacing of neighbouring ticks (0 when unknown) and decides
// how many decimals tell the ticks apart; `magnitude` (the largest |tick| of
// the axis) picks one suffix for all ticks, so "5k, 10k" rather than "5000, 10k".
std::string compactLabel(double v, double step, double magnitude = 0) {
  if (v == 0) return "0";
  const double a = std::max(std::fabs(v), magnitude);
  static const struct {
    double scale;
    const char* suffix;
  } kSi[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  if (a >= 1e4) {
    for (const auto& si : kSi) {
      if (a >= si.scale) {
        double s = step > 0 ? step / si.scale : 0;
        int decimals = s > 0 && s < 1 ? int(std::ceil(-std::log10(s) - 1e-9)) : 0;
        if (step <= 0) decimals = 2;
        return trimZeros(fixedText(v / si.scale, std::min(decimals, 3))) + si.suffix;
      }
    }
  }
  if (std::fabs(v) < 1e-3) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", v);
    return buf;
  }
  int decimals = step > 0 ? std::max(0, int(std::ceil(-std::log10(step) - 1e-9))) : 3;
  return trimZeros(fixedText(v, std::min(decimals, 6)));
}

// Powers of two: below 10000 in full ("4096"), above in binary units ("16K", "1M").
std::string binaryLabel(double v) {
  if (v < 1e4) return compactLabel(v, v < 1 ? v : 1);
  static const struct {
    double scale;
    const char* suffix;
  } kBin[] = {{1099511627776.0, "T"}, {1073741824.0, "G"}, {1048576.0, "M"}, {1024.0, "K"}};
  for (const auto& b : kBin)
    if (v >= b.scale) return trimZeros(fixedText(v / b.scale, 2)) + b.suffix;
  return compactLabel(v, 1);
}

double niceStep(double span, int target) {
  double raw = span / std::max(target, 1);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / mag;
  double nice = f <= 1.0 ? 1 : f <= 2.0 ? 2 : f <= 5.0 ? 5 : 10;
  return nice * mag;
}

std::vector<Tick> linearTicks(double lo, double hi, int target) {
  double step = niceStep(hi - lo, target);
  std::vector<Tick> ticks;
  const double eps = step * 1e-9;
  double magnitude = 0;
  for (double k = std::ceil((lo - eps) / step); k * step <= hi + eps; k += 1) {
    double v = k * step;
    if (std::fabs(v) < eps) v = 0;  // no "-0" or 1e-17 at the origin
    ticks.push_back({v, ""});
    magnitude = std::max(magnitude, std::fabs(v));
    if (ticks.size() > 1000) break;
  }
  for (Tick& t : ticks) t.label = compactLabel(t.value, step, magnitude);
  return ticks;
}

// Ticks at base^k, every `every` powers, within [lo, hi].
std::vector<Tick> powerTicks(double lo, double hi, double base, int target) {
  const double lb = std::log(base);
  const double eps = 1e-9;
  int k0 = int(std::ceil(std::log(lo) / lb - eps));
  int k1 = int(std::floor(std::log(hi) / lb + eps));
  int count = k1 - k0 + 1;
  std::vector<Tick> ticks;
  if (count >= 2) {
    int every = std::max(1, int(std::ceil(double(count) / std::max(target, 1))));
    // Align to multiples of `every` so 2^0, 2^2, 2^4 rather than 2^1, 2^3.
    int start = every == 1 ? k0 : int(std::ceil(double(k0) / every)) * every;
    for (int k = start; k <= k1; k += every) {
      double v = std::pow(base, k);
      ticks.push_back({v, base == 2 ? binaryLabel(v) : compactLabel(v, v)});
    }
    if (ticks.size() >= 2) return ticks;
  }
  ticks.clear();
  if (base == 10) {
    // Less than two decades: 1, 2, 5 x 10^k reads well on a log axis.
    for (int k = int(std::floor(std::log10(lo))) ; k <= int(std::ceil(std::log10(hi))); ++k)
      for (double m : {1.0, 2.0, 5.0}) {
        double v = m * std::pow(10.0, k);
        if (v >= lo * (1 - eps) && v <= hi * (1 + eps)) ticks.push_back({v, compactLabel(v, v / 10)});
      }
    if (ticks.size() >= 2) return ticks;
  }
  // A narrow range on a log axis: linear nice ticks inside it.
  ticks = linearTicks(lo, hi, target);
  std::erase_if(ticks, [](const Tick& t) { return t.value <= 0; });
  return ticks;
}

}  // namespace

// [SECTION] nice ticks

std::vector<Tick> niceTicks(double lo, double hi, Scale scale, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (lo > hi) std::swap(lo, hi);
  target = std::clamp(target, 2, 50);
  if (scale == Scale::Linear) {
    if (lo == hi) {
      // A single value: one tick at it, with a label precise enough to read.
      return {{lo, compactLabel(lo, std::fabs(lo) > 0 ? std::fabs(lo) / 100 : 1)}};
    }
    return linearTicks(lo, hi, target);
  }
  if (hi <= 0) return {};
  if (lo <= 0) lo = hi / 1e6;  // a log axis cannot reach 0
  if (lo == hi) return {{lo, scale == Scale::Log2 && std::fabs(std::log2(lo) - std::round(std::log2(lo))) < 1e-9
                                 ? binaryLabel(lo)
                                 : compactLabel(lo, lo / 100)}};
  return powerTicks(lo, hi, scale == Scale::Log2 ? 2.0 : 10.0, target);
}

// [SECTION] ranges and normalize

namespace {

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  bool any() const { return lo <= hi; }
  void add(double v, Scale scale) {
    if (!std::isfinite(v)) return;
    if (scale != Scale::Linear && v <= 0) return;  // not drawable on a log axis
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

bool hasBars(const Plot& plot) {
  return std::any_of(plot.series.begin(), plot.series.end(),
                     [](const Series& s) { return s.kind == SeriesKind::Bars; });
}

Range padded(Extent e, const Axis& axis, bool includeZero, double padShare) {
  if (!e.any()) {
    e.lo = axis.scale == Scale::Linear ? 0 : 1;
    e.hi = axis.scale == Scale::Linear ? 1 : 10;
  }
  Range r{e.lo, e.hi};
  if (axis.scale == Scale::Linear) {
    if (includeZero) {
      r.lo = std::min(r.lo, 0.0);
      r.hi = std::max(r.hi, 0.0);
    }
    if (r.lo == r.hi) {
      double d = r.lo == 0 ? 1 : std::fabs(r.lo) * 0.1;
      r.lo -= d;
      r.hi += d;
      if (includeZero && e.lo >= 0) r.lo = std::max(r.lo, 0.0);
    } else {
      double pad = (r.hi - r.lo) * padShare;
      if (!(includeZero && r.lo == 0)) r.lo -= pad;
      if (!(includeZero && r.hi == 0)) r.hi += pad;
    }
  } else {
    double l = std::log(r.lo), h = std::log(r.hi);
    double pad = h > l ? (h - l) * padShare : std::log(2.0);
    r.lo = std::exp(l - pad);
    r.hi = std::exp(h + pad);
  }
  if (axis.min && (axis.scale == Scale::Linear || *axis.min > 0)) r.lo = *axis.min;
  if (axis.max && (axis.scale == Scale::Linear || *axis.max > 0)) r.hi = *axis.max;
  if (r.lo > r.hi) std::swap(r.lo, r.hi);
  if (r.lo == r.hi) r.hi = r.lo + (axis.scale == Scale::Linear ? 1 : r.lo);
  return r;
}

}  // namespace

Range xRange(const Plot& plot) {
  const Axis& axis = plot.x;
  if (!axis.categories.empty() && axis.scale == Scale::Linear) {
    Range r{-0.5, double(axis.categories.size()) - 0.5};
    if (axis.min) r.lo = *axis.min;
    if (axis.max) r.hi = *axis.max;
    return r;
  }
  Extent e;
  for (const Series& s : plot.series)
    for (const Point& p : s.points) e.add(p.x, axis.scale);
  for (const Marker& m : plot.markers) e.add(m.x, axis.scale);
  if (hasBars(plot) && axis.scale == Scale::Linear && e.any()) {
    // Bars are about a unit wide around their x.
    e.lo -= 0.5;
    e.hi += 0.5;
    return padded(e, axis, false, 0.0);
  }
  return padded(e, axis, false, 0.03);
}

Range yRange(const Plot& plot) {
  const Axis& axis = plot.y;
  if (!plot.cells.empty() && !axis.categories.empty()) return Range{-0.5, double(axis.categories.size()) - 0.5};
  Extent e;
  for (const Series& s : plot.series)
    for (const Point& p : s.points) {
      e.add(p.y, axis.scale);
      e.add(p.y - p.errLow, axis.scale);
      e.add(p.y + p.errHigh, axis.scale);
    }
  return padded(e, axis, axis.scale == Scale::Linear, 0.05);
}

double normalize(double value, Range range, Scale scale) {
  if (!std::isfinite(value)) return std::numeric_limits<double>::quiet_NaN();
  if (scale == Scale::Linear) {
    if (range.hi == range.lo) return 0.5;
    return (value - range.lo) / (range.hi - range.lo);
  }
  if (value <= 0 || range.lo <= 0 || range.hi <= 0) return std::numeric_limits<double>::quiet_NaN();
  double l = std::log(range.lo), h = std::log(range.hi);
  if (h == l) return 0.5;
  return (std::log(value) - l) / (h - l);
}

// [SECTION] palette

Color paletteColor(std::size_t index) {
  // Paul Tol's "bright" scheme: distinguishable with the common colour-vision
  // deficiencies, mid-lightness so it reads on white paper, on a dark theme and
  // through a washed-out projector. Grey comes last: it is for "other".
  static const Color kColors[] = {0x4477AAFF, 0xEE6677FF, 0x228833FF, 0xCCBB44FF,
                                  0x66CCEEFF, 0xAA3377FF, 0xBBBBBBFF};
  return kColors[index % (sizeof kColors / sizeof kColors[0])];
}

// [SECTION] CSV

namespace {

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csvNumber(double v) {
  if (!std::isfinite(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

std::string toCsv(const Plot& plot) {
  std::ostringstream os;
  os << "series,x,y,err_low,err_high,label\n";
  for (const Series& s : plot.series)
    for (const Point& p : s.points)
      os << csvField(s.name) << ',' << csvNumber(p.x) << ',' << csvNumber(p.y) << ',' << csvNumber(p.errLow) << ','
         << csvNumber(p.errHigh) << ',' << csvField(p.label) << '\n';
  return os.str();
}

}  // namespace cachescope::plot
