// The probe's shared parts: option checks, sizes, the clock, the timing
// protocol, knee detection, the access streams and their simulation.
#include <sys/mman.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <numeric>
#include <thread>

#include "cachesim/cache_model.hpp"
#include "platform/cpu_time.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "platform/splitmix.hpp"
#include "probe/internal.hpp"
#include "probe/probe.hpp"

namespace cachescope::probe {

namespace detail {

Buffer::Buffer(std::uint64_t bytes) : bytes_(bytes) {
  constexpr std::uint64_t kHuge = std::uint64_t(2) << 20;
  const std::uint64_t rounded = (std::max<std::uint64_t>(bytes, 64) + kHuge - 1) / kHuge * kHuge;
  void* p = std::aligned_alloc(kHuge, rounded);
  if (!p) throw std::bad_alloc();
  data_ = static_cast<char*>(p);
  if (rounded >= kHuge) huge_ = ::madvise(p, rounded, MADV_HUGEPAGE) == 0;
  std::memset(data_, 0, rounded);  // touch every page now, not inside a timed rep
}

Buffer::~Buffer() { std::free(data_); }

double medianOf(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

Timing timePoint(const Protocol& protocol, std::uint64_t startCount, const std::function<void(std::uint64_t)>& body,
                 const std::atomic<bool>* cancel, bool cpuTime) {
  auto now = cpuTime ? threadCpuSeconds : detail::now;
  Timing t;
  std::uint64_t count = std::max<std::uint64_t>(startCount, 1);
  for (;;) {  // calibrate: one rep lasts at least minRepSeconds
    checkCancel(cancel);
    const double t0 = now();
    body(count);
    const double dt = now() - t0;
    if (dt >= protocol.minRepSeconds || count >= (std::uint64_t(1) << 40)) break;
    const double scale = dt > 0 ? protocol.minRepSeconds / dt * 1.2 : 16.0;
    count = std::uint64_t(double(count) * std::clamp(scale, 2.0, 16.0));
  }
  for (int w = 0; w < protocol.warmup; ++w) {
    checkCancel(cancel);
    body(count);
  }
  std::vector<double> times;
  for (int r = 0; r < protocol.reps; ++r) {
    checkCancel(cancel);
    const double t0 = now();
    body(count);
    times.push_back(now() - t0);
  }
  t.count = count;
  t.medianS = medianOf(times);
  t.minS = *std::min_element(times.begin(), times.end());
  t.maxS = *std::max_element(times.begin(), times.end());
  return t;
}

std::vector<std::uint64_t> hostLevelSizes() {
  std::vector<std::uint64_t> s;
  for (const CacheInfo& c : host().caches) s.push_back(c.sizeBytes);
  return s;
}

std::vector<std::string> hostLevelNames() {
  std::vector<std::string> s;
  for (const CacheInfo& c : host().caches) s.push_back("L" + std::to_string(c.level) + (c.type == "Data" ? "d" : ""));
  return s;
}

std::uint64_t resolvedMax(const ProbeOptions& options) {
  if (options.maxBytes) return options.maxBytes;
  const auto sizes = hostLevelSizes();
  std::uint64_t m = 4 * (sizes.empty() ? std::uint64_t(8) << 20 : sizes.back());
  m = std::max<std::uint64_t>(m, std::uint64_t(64) << 20);
  if (const std::uint64_t avail = availableMemoryBytes()) m = std::min(m, avail / 4);
  return std::max<std::uint64_t>(m / 64 * 64, options.minBytes);
}

std::vector<std::uint64_t> ladderSizes(const ProbeOptions& options) {
  const std::uint64_t lo = options.minBytes, hi = resolvedMax(options);
  std::vector<std::uint64_t> out;
  const double step = std::pow(2.0, 1.0 / options.pointsPerOctave);
  for (double b = double(lo); b < double(hi) * (1 - 1e-9); b *= step) {
    const std::uint64_t s = std::max<std::uint64_t>(64, std::uint64_t(std::llround(b / 64)) * 64);
    if (out.empty() || s > out.back()) out.push_back(s);
  }
  const std::uint64_t top = std::max<std::uint64_t>(64, hi / 64 * 64);
  if (out.empty() || top > out.back()) out.push_back(top);
  return out;
}

sim::HierarchyConfig simConfig(const ProbeOptions& options) {
  sim::HierarchyConfig c = options.cache;
  if (c.levels.empty()) {
    for (const CacheInfo& h : host().caches) {
      sim::LevelConfig l;
      l.name = "L" + std::to_string(h.level) + (h.type == "Data" ? "d" : "");
      l.ways = std::uint32_t(h.ways > 0 ? h.ways : 1);
      l.lineBytes = std::uint32_t(h.lineBytes > 0 ? h.lineBytes : 64);
      l.sizeBytes = h.sizeBytes;
      if (h.sets > 0 && l.sizeBytes % (std::uint64_t(l.ways) * l.lineBytes) != 0)
        l.sizeBytes = std::uint64_t(h.sets) * l.ways * l.lineBytes;
      c.levels.push_back(l);
      if (c.levels.size() == std::size_t(sim::kMaxLevels)) break;
    }
  }
  c.missClasses = sim::MissClasses::Off;
  return c;
}

namespace {

void runStream(sim::CacheModel& model, const std::vector<std::uint64_t>& stream) {
  constexpr std::size_t kChunk = 4096;
  std::vector<RefFlags> flags(kChunk, sim::batchFlags(8, sim::Op::Read));
  for (std::size_t i = 0; i < stream.size(); i += kChunk)
    model.countBatch(stream.data() + i, flags.data(), std::min(kChunk, stream.size() - i));
}

}  // namespace

std::vector<double> servedShares(const sim::HierarchyConfig& config, const std::vector<std::uint64_t>& stream,
                                 int warmPasses, int countedPasses) {
  sim::CacheModel model(config);
  for (int p = 0; p < warmPasses; ++p) runStream(model, stream);
  model.resetCounters();
  for (int p = 0; p < countedPasses; ++p) runStream(model, stream);
  const double total = double(stream.size()) * countedPasses;
  std::vector<double> shares;
  const auto counters = model.allCounters();
  for (const sim::LevelCounters& c : counters) shares.push_back(total > 0 ? double(c.hits) / total : 0);
  shares.push_back(total > 0 && !counters.empty() ? double(counters.back().misses) / total : 0);
  return shares;
}

std::vector<double> hitRates(const sim::HierarchyConfig& config, const std::vector<std::uint64_t>& stream) {
  sim::CacheModel model(config);
  runStream(model, stream);
  std::vector<double> r;
  for (const sim::LevelCounters& c : model.allCounters()) r.push_back(c.hitRate());
  return r;
}

}  // namespace detail

namespace {
std::string gibText(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / double(1ull << 30));
  return buf;
}
}  // namespace

void validate(const ProbeOptions& options) {
  if (options.minBytes < 1024) throw InputError("--min-size must be at least 1K (got " + formatBytes(options.minBytes) + ")");
  if (options.maxBytes != 0 && options.maxBytes < 1024)
    throw InputError("--max-size must be at least 1K (got " + formatBytes(options.maxBytes) + ")");
  const std::uint64_t max = detail::resolvedMax(options);
  if (options.minBytes > max)
    throw InputError("--min-size " + formatBytes(options.minBytes) + " is above --max-size " + formatBytes(max));
  if (options.pointsPerOctave < 1 || options.pointsPerOctave > 32)
    throw InputError("--points-per-octave must be 1..32 (got " + std::to_string(options.pointsPerOctave) + ")");
  const int cores = std::max(1, host().logicalCores);
  if (options.threads < 1 || options.threads > cores)
    throw InputError("--threads must be 1.." + std::to_string(cores) + " (got " + std::to_string(options.threads) + ")");
  if (options.protocol.reps < 1) throw InputError("--reps must be at least 1 (got " + std::to_string(options.protocol.reps) + ")");
  if (options.protocol.warmup < 0) throw InputError("warmup passes must be 0 or more");
  if (!(options.protocol.minRepSeconds > 0 && options.protocol.minRepSeconds <= 10))
    throw InputError("minimum repetition time must be in (0, 10] s");
  // The ladder's buffer, its permutation and (with simulate) the stream.
  const double need = double(max) * (options.simulate ? 1.6 : 1.2);
  if (!fitsMemoryBudget(need))
    throw InputError("working set " + formatBytes(max) + " does not fit the memory budget (" +
                     gibText(kMemoryBudgetShare * double(availableMemoryBytes())) +
                     " of the available memory may be used)");
  if (options.simulate) sim::validate(detail::simConfig(options));
}

const char* toString(ChaseOrder order) { return order == ChaseOrder::Random ? "random" : "sequential"; }

std::vector<std::uint64_t> detectKnees(const std::vector<LatencyPoint>& curve, int maxKnees) {
  const std::size_t n = curve.size();
  std::vector<std::uint64_t> knees;
  if (n < 3 || maxKnees <= 0) return knees;
  std::vector<double> y(n), s(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = std::log(std::max(curve[i].nsPerLoad, 1e-12));
  // Median of three: one noisy point makes no step and hides none.
  for (std::size_t i = 0; i < n; ++i) {
    if (i == 0 || i + 1 == n) {
      s[i] = y[i];
      continue;
    }
    double a = y[i - 1], b = y[i], c = y[i + 1];
    s[i] = std::max(std::min(a, b), std::min(std::max(a, b), c));
  }
  // Rises: runs of steps up by more than 6% (a single flat step allowed
  // inside a run) that climb 40% or more in all. The knee of a rise is where
  // the smoothed curve crosses the geometric mean of the latencies before
  // and after it (interpolated on log2 bytes): a cache of capacity C under
  // a random chase sits there, past C the share of hits falls as C / W.
  struct Rise {
    std::uint64_t knee;
    double height;
  };
  std::vector<Rise> rises;
  const double stepUp = std::log(1.06), clear = std::log(1.4);
  std::size_t i = 0;
  while (i + 1 < n) {
    if (s[i + 1] - s[i] <= stepUp) {
      ++i;
      continue;
    }
    std::size_t start = i, end = i + 1;
    while (end + 1 < n && (s[end + 1] - s[end] > stepUp || (end + 2 < n && s[end + 2] - s[end] > 2 * stepUp))) ++end;
    const double low = s[start], high = *std::max_element(s.begin() + std::ptrdiff_t(start), s.begin() + std::ptrdiff_t(end + 1));
    // Sustained: the points after the step stay up (a burst of noise that
    // lifts a few points and falls back is no level).
    bool sustained = true;
    for (std::size_t k = end + 1; k < std::min(n, end + 4); ++k)
      if (y[k] < low + 0.5 * (high - low)) sustained = false;
    if (high - low >= clear && sustained) {
      const double mid = 0.5 * (low + high);
      std::size_t k = start + 1;
      while (k < end && s[k] < mid) ++k;
      const double x0 = std::log2(double(curve[k - 1].bytes)), x1 = std::log2(double(curve[k].bytes));
      const double t = s[k] > s[k - 1] ? std::clamp((mid - s[k - 1]) / (s[k] - s[k - 1]), 0.0, 1.0) : 0.0;
      rises.push_back({std::uint64_t(std::llround(std::exp2(x0 + t * (x1 - x0)))), high - low});
    }
    i = end;
  }
  std::sort(rises.begin(), rises.end(), [](const Rise& a, const Rise& b) { return a.height > b.height; });
  if (rises.size() > std::size_t(maxKnees)) rises.resize(std::size_t(maxKnees));
  for (const Rise& r : rises) knees.push_back(r.knee);
  std::sort(knees.begin(), knees.end());
  return knees;
}

std::vector<std::uint64_t> accessStream(StreamKind kind, std::uint64_t bytesOrN, int stride, std::uint64_t seed) {
  std::vector<std::uint64_t> out;
  switch (kind) {
    case StreamKind::RandomChase: {
      const std::uint64_t lines = std::max<std::uint64_t>(1, bytesOrN / 64);
      const std::vector<std::uint32_t> next = cyclicPermutation(lines, seed);
      out.reserve(lines);
      std::uint64_t cur = 0;
      for (std::uint64_t k = 0; k < lines; ++k) {
        out.push_back(cur * 64);
        cur = next[cur];
      }
      break;
    }
    case StreamKind::SequentialChase: {
      const std::uint64_t lines = std::max<std::uint64_t>(1, bytesOrN / 64);
      out.reserve(lines);
      for (std::uint64_t k = 0; k < lines; ++k) out.push_back(k * 64);
      break;
    }
    case StreamKind::StrideRead: {
      if (stride < 1) throw InputError("stride must be at least 1 (got " + std::to_string(stride) + ")");
      const std::uint64_t elems = bytesOrN / 8;
      out.reserve(elems / std::uint64_t(stride) + 1);
      for (std::uint64_t e = 0; e < elems; e += std::uint64_t(stride)) out.push_back(e * 8);
      break;
    }
    case StreamKind::RowSum:
    case StreamKind::ColumnSum: {
      const std::uint64_t n = bytesOrN;
      out.reserve(n * n);
      for (std::uint64_t a = 0; a < n; ++a)
        for (std::uint64_t b = 0; b < n; ++b)
          out.push_back((kind == StreamKind::RowSum ? a * n + b : b * n + a) * 8);
      break;
    }
  }
  return out;
}

std::vector<std::uint32_t> cyclicPermutation(std::uint64_t count, std::uint64_t seed) {
  if (count > (std::uint64_t(1) << 32)) throw InputError("random chase over more than 2^32 lines");
  std::vector<std::uint32_t> a(count);
  std::iota(a.begin(), a.end(), 0u);
  SplitMix64 rng{seed};
  // Sattolo's algorithm: j < i (never i) makes a single cycle of all.
  for (std::uint64_t i = count; i-- > 1;) {
    const std::uint64_t j = rng.next() % i;
    std::swap(a[i], a[j]);
  }
  return a;
}

}  // namespace cachescope::probe

namespace cachescope::probe {
std::uint64_t resolvedMaxBytes(const ProbeOptions& options) { return detail::resolvedMax(options); }
std::vector<std::uint64_t> workingSets(const ProbeOptions& options) { return detail::ladderSizes(options); }
}  // namespace cachescope::probe
