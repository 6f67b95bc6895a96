// The yardstick of the three-C miss split: a fully associative LRU cache of
// the same number of lines as the level it shadows, plus the memory of every
// line ever seen. A real miss is
//   compulsory  if the line was never touched at this level before,
//   capacity    if the fully associative LRU cache misses too,
//   conflict    otherwise (only the set mapping made it miss).
//
// O(1) per access: one open-addressing hash table maps a line to its node in
// an intrusive recency list, or to "seen, not resident". The table keeps
// every line ever seen (16 bytes each), so it grows with the footprint, not
// with the trace length. It is still the expensive part of a simulation
// (a hash probe per access at every level), hence MissClasses::Off.
#pragma once

#include <cstdint>
#include <vector>

namespace cachescope::sim {

class ShadowLru {
 public:
  struct Result {
    bool seen;  // the line was accessed at this level before
    bool hit;   // and is still resident in the fully associative LRU cache
  };

  explicit ShadowLru(std::uint64_t capacityLines);

  // `allocate` false: a miss does not bring the line in (no-write-allocate
  // writes), but it counts as seen.
  Result access(std::uint64_t line, bool allocate);

  std::uint64_t capacity() const { return capacity_; }

 private:
  static constexpr std::int32_t kNotResident = -1;
  static constexpr std::uint64_t kEmpty = ~std::uint64_t(0);

  std::uint64_t slotOf(std::uint64_t line) const;  // its slot or the empty slot where it would go
  void grow();
  std::int32_t pushFront(std::uint64_t line);  // evicts the tail when full
  void unlink(std::int32_t node);
  void linkFront(std::int32_t node);

  std::uint64_t capacity_;
  // hash table
  std::vector<std::uint64_t> keys_;
  std::vector<std::int32_t> values_;
  std::uint64_t used_ = 0;
  int shift_ = 0;
  // recency list over at most capacity_ nodes
  std::vector<std::uint64_t> nodeLine_;
  std::vector<std::int32_t> prev_, next_;
  std::int32_t head_ = -1, tail_ = -1;
};

}  // namespace cachescope::sim
