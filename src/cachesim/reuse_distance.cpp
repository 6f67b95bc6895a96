#include "cachesim/reuse_distance.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>

namespace cachescope::sim {

namespace {
constexpr std::uint64_t kEmpty = ~std::uint64_t(0);
constexpr std::uint32_t kMinTree = 1 << 12;
}  // namespace

ReuseDistance::ReuseDistance() {
  shift_ = 64 - 10;
  keys_.assign(1024, kEmpty);
  times_.assign(1024, 0);
  tree_.assign(kMinTree + 1, 0);
}

std::uint64_t ReuseDistance::slotOf(std::uint64_t line) const {
  const std::uint64_t mask = keys_.size() - 1;
  std::uint64_t s = (line * 0x9e3779b97f4a7c15ull) >> shift_;
  while (keys_[s] != line && keys_[s] != kEmpty) s = (s + 1) & mask;
  return s;
}

void ReuseDistance::grow() {
  std::vector<std::uint64_t> oldKeys(keys_.size() * 2, kEmpty);
  std::vector<std::uint32_t> oldTimes(times_.size() * 2, 0);
  oldKeys.swap(keys_);
  oldTimes.swap(times_);
  --shift_;
  for (std::size_t i = 0; i < oldKeys.size(); ++i) {
    if (oldKeys[i] == kEmpty) continue;
    const std::uint64_t s = slotOf(oldKeys[i]);
    keys_[s] = oldKeys[i];
    times_[s] = oldTimes[i];
  }
}

void ReuseDistance::add(std::uint32_t t, int delta) {
  for (std::size_t i = t; i < tree_.size(); i += i & (~i + 1)) tree_[i] += delta;
}

std::uint32_t ReuseDistance::prefix(std::uint32_t t) const {
  std::int64_t sum = 0;
  for (std::size_t i = t; i > 0; i &= i - 1) sum += tree_[i];
  return std::uint32_t(sum);
}

// Every line's last time becomes its rank among them (1..lines, order kept),
// in a tree of twice that many times.
void ReuseDistance::renumber() {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> live;  // (time, slot)
  live.reserve(used_);
  for (std::size_t s = 0; s < keys_.size(); ++s)
    if (keys_[s] != kEmpty) live.emplace_back(times_[s], s);
  std::sort(live.begin(), live.end());
  for (std::size_t r = 0; r < live.size(); ++r) times_[live[r].second] = std::uint32_t(r + 1);
  const std::size_t size = std::max<std::size_t>(kMinTree, 2 * live.size()) + 1;
  tree_.assign(size, 0);
  // A tree of ones at 1..L: node i covers (i - lowbit(i), i].
  for (std::size_t i = 1; i < size; ++i) {
    const std::size_t lo = i - (i & (~i + 1));
    tree_[i] = std::int32_t(std::min(i, live.size()) - std::min(lo, live.size()));
  }
  now_ = std::uint32_t(live.size());
}

std::uint64_t ReuseDistance::access(std::uint64_t line) {
  ++accesses_;
  if (now_ + 1 >= tree_.size()) renumber();
  const std::uint32_t t = ++now_;
  std::uint64_t s = slotOf(line);
  if (keys_[s] == kEmpty) {
    if (2 * (used_ + 1) > keys_.size()) {
      grow();
      s = slotOf(line);
    }
    ++used_;
    ++cold_;
    keys_[s] = line;
    times_[s] = t;
    add(t, 1);
    return kCold;
  }
  const std::uint32_t last = times_[s];
  // Ones after `last`: the distinct lines touched since (all but this one).
  const std::uint64_t d = used_ - prefix(last);
  add(last, -1);
  add(t, 1);
  times_[s] = t;
  if (d >= hist_.size()) hist_.resize(std::max<std::size_t>(d + 1, 2 * hist_.size()), 0);
  ++hist_[d];
  return d;
}

std::uint64_t ReuseDistance::misses(std::uint64_t lines) const {
  std::uint64_t hits = 0;
  for (std::size_t d = 0; d < hist_.size() && d < lines; ++d) hits += hist_[d];
  return accesses_ - hits;
}

std::vector<MissRatioPoint> missRatioCurve(const ReuseDistance& rd, std::uint32_t lineBytes) {
  const std::uint64_t top = std::bit_ceil(std::max<std::uint64_t>(2, 2 * rd.cold()));
  std::vector<std::uint64_t> sizes;
  for (int q = 0;; ++q) {
    const std::uint64_t lines = std::uint64_t(std::llround(std::exp2(q / 4.0)));
    if (sizes.empty() || lines != sizes.back()) sizes.push_back(lines);
    if (lines >= top) break;
  }
  // Hits at size C = accesses at distance < C: one running sum.
  const auto& h = rd.histogram();
  std::vector<MissRatioPoint> curve;
  std::uint64_t hits = 0;
  std::size_t d = 0;
  for (std::uint64_t c : sizes) {
    for (; d < h.size() && d < c; ++d) hits += h[d];
    MissRatioPoint p;
    p.lines = c;
    p.sizeBytes = c * lineBytes;
    p.misses = rd.accesses() - hits;
    p.missRatio = rd.accesses() ? double(p.misses) / double(rd.accesses()) : 0.0;
    curve.push_back(p);
  }
  return curve;
}

}  // namespace cachescope::sim
