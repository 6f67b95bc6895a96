// Mattson's stack algorithm: the reuse (stack) distance of every access, and
// from their histogram the miss ratio of a fully associative LRU cache of
// every size at once (the miss-ratio curve). An access to line x has
// distance d = the number of distinct other lines touched since x was last
// touched; a fully associative LRU cache of C lines hits it iff d < C, and a
// first touch (cold) misses at every size. Exact, one pass.
//
// Order statistics over time: each line keeps the time of its last access,
// and a Fenwick tree over times holds a 1 at every line's last access, so d
// is the number of ones after that time (O(log) per access). Times are
// renumbered in order when they reach the tree's end, so the tree stays
// about twice the number of distinct lines however long the stream is.
#pragma once

#include <cstdint>
#include <vector>

namespace cachescope::sim {

class ReuseDistance {
 public:
  static constexpr std::uint64_t kCold = ~std::uint64_t(0);

  ReuseDistance();

  // The distance of this access to `line` (kCold on a first touch), counted.
  std::uint64_t access(std::uint64_t line);

  std::uint64_t accesses() const { return accesses_; }
  std::uint64_t cold() const { return cold_; }          // = distinct lines
  // histogram()[d]: accesses at distance d.
  const std::vector<std::uint64_t>& histogram() const { return hist_; }
  // Misses of a fully associative LRU cache of `lines` lines (lines >= 1).
  std::uint64_t misses(std::uint64_t lines) const;

 private:
  std::uint64_t slotOf(std::uint64_t line) const;
  void grow();
  void renumber();
  void add(std::uint32_t t, int delta);
  std::uint32_t prefix(std::uint32_t t) const;  // ones at times 1..t

  // line -> time of its last access (open addressing, keys kEmpty = free)
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> times_;
  std::uint64_t used_ = 0;
  int shift_ = 0;
  // Fenwick tree over times 1..tree_.size()-1
  std::vector<std::int32_t> tree_;
  std::uint32_t now_ = 0;  // the last time given out
  std::uint64_t accesses_ = 0, cold_ = 0;
  std::vector<std::uint64_t> hist_;
};

// The curve at log-spaced sizes: 1 line, then four sizes per octave up to
// the first power of two of at least twice the distinct lines.
struct MissRatioPoint {
  std::uint64_t lines = 0;
  std::uint64_t sizeBytes = 0;
  std::uint64_t misses = 0;
  double missRatio = 0;
};
std::vector<MissRatioPoint> missRatioCurve(const ReuseDistance& rd, std::uint32_t lineBytes);

}  // namespace cachescope::sim
