#include "cachesim/config.hpp"

#include <bit>
#include <sstream>

#include "platform/host.hpp"

namespace cachescope::sim {

void validate(const LevelConfig& l) {
  const std::string who = (l.name.empty() ? std::string("cache level") : l.name) + ": ";
  if (l.ways == 0) throw ConfigError(who + "ways must be >= 1");
  if (l.lineBytes == 0 || !std::has_single_bit(l.lineBytes))
    throw ConfigError(who + "line size " + std::to_string(l.lineBytes) + " is not a power of two");
  if (l.lineBytes < kMinLineBytes || l.lineBytes > kMaxLineBytes)
    throw ConfigError(who + "line size " + std::to_string(l.lineBytes) + " is outside " +
                      std::to_string(kMinLineBytes) + ".." + std::to_string(kMaxLineBytes) + " bytes");
  if (l.sizeBytes == 0) throw ConfigError(who + "size must be > 0");
  const std::uint64_t wayBytes = std::uint64_t(l.ways) * l.lineBytes;
  if (l.sizeBytes % wayBytes != 0)
    throw ConfigError(who + "size " + std::to_string(l.sizeBytes) + " is not a multiple of ways x line (" +
                      std::to_string(l.ways) + " x " + std::to_string(l.lineBytes) + ")");
  if (l.sets() > (1ull << 32)) throw ConfigError(who + "more than 2^32 sets");
}

namespace {
// "10.8 GiB": memory figures are rarely whole units, unlike cache sizes
// (formatBytes), so one decimal in the largest unit below 1024.
std::string bytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (u < 6 && b >= 1024.0) {
    b /= 1024.0;
    ++u;
  }
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(u == 0 ? 0 : 1);
  os << b << ' ' << units[u];
  return os.str();
}
}  // namespace

MemoryEstimate simulatorBytes(const HierarchyConfig& c) {
  MemoryEstimate m;
  for (const LevelConfig& l : c.levels) {
    const double sets = double(l.sets()), lines = double(l.lines());
    const bool recency = c.replacement == Replacement::Lru || c.replacement == Replacement::Fifo;
    if (recency && l.ways <= 16)
      // RecencyLevel: a 32-byte head per set, tags at a power-of-two stride.
      m.levels += sets * 32 + sets * double(std::bit_ceil(l.ways)) * 8;
    else if (recency)
      m.levels += lines * (8 + 2);  // OrderedLevel: tag + way/dirty word
    else
      // Level: tag + dirty byte per line, last way per set, PLRU bits per set.
      m.levels += lines * (8 + 1) + sets * 4 + (c.replacement == Replacement::Plru ? sets * 8 : 0);
    // ShadowLru per line: hash slots (2 x 12 bytes at load <= 1/2), a stamp,
    // its ring (up to 4 x 4 bytes), and the level's id per way (4 bytes).
    if (c.missClasses == MissClasses::On) m.shadows += lines * (2 * 12 + 8 + 16 + 4);
  }
  return m;
}

void validate(const HierarchyConfig& c) { validate(c, availableMemoryBytes()); }

void validate(const HierarchyConfig& c, std::uint64_t availableBytes) {
  if (c.levels.empty()) throw ConfigError("the hierarchy needs at least one cache level");
  if (c.levels.size() > std::size_t(kMaxLevels))
    throw ConfigError("at most " + std::to_string(kMaxLevels) + " cache levels");
  for (const LevelConfig& l : c.levels) {
    validate(l);
    if (c.replacement == Replacement::Plru && !std::has_single_bit(l.ways))
      throw ConfigError(l.name + ": tree-PLRU needs a power-of-two number of ways, not " + std::to_string(l.ways) +
                        " (use lru, fifo or random)");
    if (c.replacement == Replacement::Plru && l.ways > 64)
      throw ConfigError(l.name + ": tree-PLRU supports at most 64 ways");
    if (c.missClasses == MissClasses::On && l.lines() > kMaxShadowLines)
      throw ConfigError(l.name + ": the three-C split supports at most 2^30 lines per level, not " +
                        std::to_string(l.lines()) + " (switch the miss classes off)");
  }
  const PrefetchConfig& p = c.prefetch;
  if (p.degree < 1 || p.degree > 16) throw ConfigError("prefetch degree " + std::to_string(p.degree) + " is outside 1..16");
  if (p.distance < 1 || p.distance > 64)
    throw ConfigError("prefetch distance " + std::to_string(p.distance) + " is outside 1..64");
  if (p.tableEntries < 1 || p.tableEntries > 1024)
    throw ConfigError("prefetch table of " + std::to_string(p.tableEntries) + " streams is outside 1..1024");
  const MemoryEstimate need = simulatorBytes(c);
  if (!fitsMemoryBudget(need.total(), availableBytes)) {
    std::string what = "the simulated caches need " + bytes(need.total()) + " of memory";
    if (need.shadows > 0) what += " (" + bytes(need.shadows) + " of it for the three-C split)";
    throw ConfigError(what + ", more than the " + bytes(kMemoryBudgetShare * double(availableBytes)) +
                      " a run may take (" + std::to_string(int(kMemoryBudgetShare * 100 + 0.5)) + "% of the " +
                      bytes(double(availableBytes)) + " available)");
  }
}

namespace {
bool parseUnsigned(const std::string& s, std::uint64_t& v) {
  if (s.empty() || s.size() > 12) return false;
  v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + std::uint64_t(ch - '0');
  }
  return true;
}
}  // namespace

LevelConfig parseLevelSpec(const std::string& spec, const std::string& name) {
  const std::string bad = "bad cache spec '" + spec + "' for " + name + ": ";
  auto c1 = spec.find(':');
  auto c2 = c1 == std::string::npos ? std::string::npos : spec.find(':', c1 + 1);
  if (c2 == std::string::npos || spec.find(':', c2 + 1) != std::string::npos)
    throw ConfigError(bad + "expected SIZE:WAYS:LINE, e.g. 48K:12:64");
  LevelConfig l;
  l.name = name;
  std::uint64_t size = 0, ways = 0, line = 0;
  if (!parseByteSize(spec.substr(0, c1), size)) throw ConfigError(bad + "size must be bytes with optional K/M/G suffix, below 2^64");
  if (!parseUnsigned(spec.substr(c1 + 1, c2 - c1 - 1), ways) || ways > (1u << 31))
    throw ConfigError(bad + "ways must be a whole number");
  if (!parseUnsigned(spec.substr(c2 + 1), line) || line > (1u << 31))
    throw ConfigError(bad + "line must be a whole number of bytes");
  l.sizeBytes = size;
  l.ways = std::uint32_t(ways);
  l.lineBytes = std::uint32_t(line);
  validate(l);
  return l;
}

Replacement parseReplacement(const std::string& t) {
  if (t == "lru") return Replacement::Lru;
  if (t == "fifo") return Replacement::Fifo;
  if (t == "plru") return Replacement::Plru;
  if (t == "random") return Replacement::Random;
  throw ConfigError("unknown replacement policy '" + t + "' (use lru, fifo, plru or random)");
}

WritePolicy parseWritePolicy(const std::string& t) {
  if (t == "back" || t == "write-back") return WritePolicy::WriteBack;
  if (t == "through" || t == "write-through") return WritePolicy::WriteThrough;
  throw ConfigError("unknown write policy '" + t + "' (use back or through)");
}

PrefetchConfig parsePrefetch(const std::string& t) {
  PrefetchConfig p;
  const auto colon = t.find(':');
  const std::string kind = t.substr(0, colon);
  if (kind == "none") p.kind = PrefetchKind::None;
  else if (kind == "next-line" || kind == "nextline") p.kind = PrefetchKind::NextLine;
  else if (kind == "stride") p.kind = PrefetchKind::Stride;
  else throw ConfigError("unknown prefetch model '" + t + "' (use none, next-line or stride[:DEGREE[:DISTANCE]])");
  if (colon == std::string::npos) return p;
  if (p.kind == PrefetchKind::None) throw ConfigError("prefetch model 'none' takes no degree or distance: '" + t + "'");
  const std::string rest = t.substr(colon + 1);
  const auto colon2 = rest.find(':');
  auto number = [&](const std::string& text, const char* what, int lo, int hi) {
    int v = 0;
    std::size_t used = 0;
    try {
      v = std::stoi(text, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != text.size() || v < lo || v > hi)
      throw ConfigError("prefetch " + std::string(what) + " '" + text + "' in '" + t + "' is not a whole number in " +
                        std::to_string(lo) + ".." + std::to_string(hi));
    return v;
  };
  p.degree = number(rest.substr(0, colon2), "degree", 1, 16);
  if (colon2 != std::string::npos) {
    if (p.kind != PrefetchKind::Stride) throw ConfigError("only the stride prefetcher takes a distance: '" + t + "'");
    p.distance = number(rest.substr(colon2 + 1), "distance", 1, 64);
  }
  return p;
}

const char* toString(PrefetchKind k) {
  switch (k) {
    case PrefetchKind::None: return "none";
    case PrefetchKind::NextLine: return "next-line";
    case PrefetchKind::Stride: return "stride";
  }
  return "?";
}

std::string describe(const PrefetchConfig& p) {
  if (p.kind == PrefetchKind::None) return "none";
  std::string s = std::string(toString(p.kind)) + ", degree " + std::to_string(p.degree);
  if (p.kind == PrefetchKind::Stride) s += ", distance " + std::to_string(p.distance);
  return s;
}

const char* toString(Replacement r) {
  switch (r) {
    case Replacement::Lru: return "lru";
    case Replacement::Fifo: return "fifo";
    case Replacement::Plru: return "plru";
    case Replacement::Random: return "random";
  }
  return "?";
}

const char* toString(WritePolicy w) { return w == WritePolicy::WriteThrough ? "write-through" : "write-back"; }

std::string describe(const LevelConfig& l) {
  std::ostringstream os;
  os << formatBytes(l.sizeBytes) << ' ';
  if (l.sets() == 1)
    os << "fully assoc.";
  else
    os << l.ways << "-way";
  os << ' ' << l.lineBytes << " B lines (" << l.sets() << (l.sets() == 1 ? " set)" : " sets)");
  return os.str();
}

std::string toSpec(const LevelConfig& l) {
  std::string size;
  if (l.sizeBytes % (1024 * 1024) == 0)
    size = std::to_string(l.sizeBytes / (1024 * 1024)) + "M";
  else if (l.sizeBytes % 1024 == 0)
    size = std::to_string(l.sizeBytes / 1024) + "K";
  else
    size = std::to_string(l.sizeBytes);
  return size + ":" + std::to_string(l.ways) + ":" + std::to_string(l.lineBytes);
}

}  // namespace cachescope::sim
