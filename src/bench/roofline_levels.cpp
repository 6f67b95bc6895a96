#include "bench/roofline_levels.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <limits>

#include "platform/errors.hpp"

namespace cachescope {

std::vector<LevelBytes> levelTraffic(const sim::HierarchyConfig& cache, const std::vector<sim::LevelCounters>& levels,
                                     const sim::MemoryCounters& memory, double coreBytes) {
  if (cache.write != sim::WritePolicy::WriteBack)
    throw InputError("roofline levels: the traffic per level is derived for write-back caches only");
  if (cache.levels.empty() || levels.size() != cache.levels.size())
    throw InputError("roofline levels: " + std::to_string(levels.size()) + " level counters for " +
                     std::to_string(cache.levels.size()) + " cache levels");
  std::vector<LevelBytes> out;
  const std::size_t last = cache.levels.size() - 1;
  if (coreBytes >= 0) out.push_back({cache.levels[0].name, "core <-> " + cache.levels[0].name, coreBytes});
  for (std::size_t i = 0; i < last; ++i) {
    const double lines = double(levels[i].misses) + double(levels[i].writebacks);
    out.push_back({cache.levels[i + 1].name, cache.levels[i].name + " <-> " + cache.levels[i + 1].name,
                   lines * double(cache.levels[i].lineBytes)});
  }
  const double memLines = double(memory.reads) + double(memory.writes);
  out.push_back({"DRAM", cache.levels[last].name + " <-> memory", memLines * double(cache.levels[last].lineBytes)});
  return out;
}

namespace {

// "L1d" and "L1" name the same level.
std::string canonical(const std::string& level) {
  if (level == "L1d" || level == "L1") return "L1";
  if (level == "memory" || level == "DRAM") return "DRAM";
  return level;
}

}  // namespace

double levelRoofGBs(const RooflineMachine& m, const std::string& level) {
  for (const LevelRoof& r : m.levelRoofs)
    if (canonical(r.level) == canonical(level)) return r.gbPerSecond;
  return 0;
}

LevelPlacement placeByLevels(const RooflineMachine& m, Roof roof, double work, const std::vector<LevelBytes>& traffic) {
  LevelPlacement p;
  p.computePeak = m.peakOf(roof);
  if ((roof == Roof::Int8 || roof == Roof::Bf16) && p.computePeak <= 0) p.computePeak = m.peakGflops;  // as roofAt
  double best = p.computePeak > 0 ? p.computePeak : std::numeric_limits<double>::infinity();
  p.binding = p.computePeak > 0 ? "compute" : "";
  for (const LevelBytes& t : traffic) {
    LevelPoint q;
    q.level = t.level;
    q.boundary = t.boundary;
    q.bytes = t.bytes;
    q.intensity = t.bytes > 0 ? work / t.bytes : 0;
    q.roofGBs = levelRoofGBs(m, t.level);
    if (q.roofGBs > 0 && t.bytes > 0) {
      q.attainable = q.roofGBs * q.intensity;
      // Ties go to the deeper level (the later one): the lecture's "memory bound".
      if (q.attainable <= best) {
        best = q.attainable;
        p.binding = q.level;
      }
    }
    p.levels.push_back(q);
  }
  p.attainable = std::isfinite(best) ? best : 0;
  return p;
}

std::string aboveLevelReason(const LevelPoint& q, double achieved, bool traced, bool sampled, const std::string& caveat) {
  if (q.attainable <= 0 || !(achieved > q.attainable * 1.02)) return "";
  if (!traced) return "compulsory bytes only: not traced";
  if (!caveat.empty()) return "the traced nest is not the timed code";
  if (sampled) return "sampled traffic";
  return "beats the probe's " + q.level + " loop";
}

std::vector<LevelRoof> parseLevelRoofs(const std::string& text, const std::string& source) {
  std::vector<LevelRoof> roofs;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(source + ": '" + item + "' is not LEVEL=GB/s (e.g. L1d=210,L2=95,L3=40,DRAM=18)");
    const std::string level = canonical(item.substr(0, eq)) == "L1" ? "L1d" : canonical(item.substr(0, eq));
    if (level != "L1d" && level != "L2" && level != "L3" && level != "DRAM")
      throw InputError(source + ": level '" + item.substr(0, eq) + "' is not L1d, L2, L3 or DRAM");
    const std::string value = item.substr(eq + 1);
    double gbs = 0;
    std::size_t used = 0;
    try {
      gbs = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != value.size() || !(gbs > 0) || !std::isfinite(gbs))
      throw InputError(source + ": " + level + " bandwidth '" + value + "' is not a positive number of GB/s");
    for (const LevelRoof& r : roofs)
      if (r.level == level) throw InputError(source + ": " + level + " is given twice");
    roofs.push_back({level, gbs});
    pos = comma + 1;
  }
  const char* order[] = {"L1d", "L2", "L3", "DRAM"};
  std::sort(roofs.begin(), roofs.end(), [&](const LevelRoof& a, const LevelRoof& b) {
    return std::find(std::begin(order), std::end(order), a.level) < std::find(std::begin(order), std::end(order), b.level);
  });
  return roofs;
}

}  // namespace cachescope
