// Row- versus column-order sum of an n x n matrix of doubles: the first
// cache lesson. Both orders read the same n^2 elements; the column order
// uses one double of every line it brings in before moving n*8 bytes on.
#include <algorithm>
#include <cmath>

#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "probe/internal.hpp"
#include "probe/probe.hpp"

namespace cachescope::probe {

namespace {

volatile double gSum = 0;

__attribute__((noinline)) double rowSum(const double* a, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) s += a[i * n + j];
  return s;
}

__attribute__((noinline)) double colSum(const double* a, std::size_t n) {
  double s = 0;
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i < n; ++i) s += a[i * n + j];
  return s;
}

}  // namespace

int defaultTraversalN() {
  const std::vector<std::uint64_t> sizes = detail::hostLevelSizes();
  const double llc = sizes.empty() ? double(8 << 20) : double(sizes.back());
  int n = int(std::ceil(std::sqrt(2 * llc / 8) / 64)) * 64;  // twice the last level
  return std::clamp(n, 256, 4096);
}

TraversalResult measureTraversal(const ProbeOptions& options, int n) {
  ProbeOptions checked = options;
  if (n == 0) n = defaultTraversalN();
  if (n < 8 || n > 16384) throw InputError("--n must be 8..16384 (got " + std::to_string(n) + ")");
  const std::uint64_t bytes = std::uint64_t(n) * std::uint64_t(n) * 8;
  checked.maxBytes = std::max<std::uint64_t>(bytes, checked.minBytes);
  validate(checked);
  TraversalResult r;
  r.n = n;
  detail::Buffer buffer(bytes);
  double* a = reinterpret_cast<double*>(buffer.data());
  for (std::size_t i = 0; i < std::size_t(n) * std::size_t(n); ++i) a[i] = double(i % 7);
  const std::size_t N = std::size_t(n);
  try {
    Protocol proto = options.protocol;
    auto rows = [&](std::uint64_t c) {
      for (std::uint64_t k = 0; k < c; ++k) gSum = rowSum(a, N);
    };
    auto cols = [&](std::uint64_t c) {
      for (std::uint64_t k = 0; k < c; ++k) gSum = colSum(a, N);
    };
    const detail::Timing tr = detail::timePoint(proto, 1, rows, options.cancel, true);
    detail::setProgress(options.progress, options.simulate ? 0.25 : 0.5);
    const detail::Timing tc = detail::timePoint(proto, 1, cols, options.cancel, true);
    detail::setProgress(options.progress, options.simulate ? 0.5 : 1.0);
    r.rowSeconds = tr.medianS / double(tr.count);
    r.colSeconds = tc.medianS / double(tc.count);
    r.rowSpread = tr.minS > 0 ? tr.maxS / tr.minS : 0;
    r.colSpread = tc.minS > 0 ? tc.maxS / tc.minS : 0;
    r.rowGBs = double(bytes) / r.rowSeconds / 1e9;
    r.colGBs = double(bytes) / r.colSeconds / 1e9;
    if (options.simulate) {
      const sim::HierarchyConfig cfg = detail::simConfig(options);
      for (const sim::LevelConfig& l : cfg.levels) r.levelNames.push_back(l.name);
      detail::checkCancel(options.cancel);
      r.rowHitRate = detail::hitRates(cfg, accessStream(StreamKind::RowSum, N, 1, options.seed));
      detail::setProgress(options.progress, 0.75);
      detail::checkCancel(options.cancel);
      r.colHitRate = detail::hitRates(cfg, accessStream(StreamKind::ColumnSum, N, 1, options.seed));
    }
  } catch (const Cancelled&) {
    r.outcome = Outcome::Cancelled;
  }
  detail::setProgress(options.progress, 1.0);
  return r;
}

}  // namespace cachescope::probe
