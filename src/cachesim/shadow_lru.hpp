// The yardstick of the three-C miss split: a fully associative LRU cache of
// the same number of lines as the level it shadows, plus the memory of every
// line ever seen. A real miss is
//   compulsory  if the line was never touched at this level before,
//   capacity    if the fully associative LRU cache misses too,
//   conflict    otherwise (only the set mapping made it miss).
//
// Recency by time stamps, amortised O(1) per access and no list to splice:
// every line seen gets a stable id (an open-addressing hash table maps the
// line to it, a 16-byte slot at load <= 1/2) and keeps the time of its last access. A ring
// indexed by time holds the id accessed at each time; the resident lines are
// exactly those stamped at or after `tail`, the time of the least recently
// used one (stamps in the ring that a later access superseded are dead and
// skipped). A hit restamps its line; a miss that fills evicts the oldest live
// stamp when the cache is full. When the ring runs out, the live stamps are
// renumbered in order into a fresh window, so memory stays about twice the
// resident lines however long the stream is.
//
// touch(id) is access() without the hash probe, for a caller that already
// knows the line's id (the hierarchy keeps the id of every line its level
// holds next to the level's ways: a real hit needs no probe at all).
#pragma once

#include <cstdint>
#include <vector>

namespace cachescope::sim {

class ShadowLru {
 public:
  static constexpr std::uint32_t kNoId = ~std::uint32_t(0);

  struct Result {
    bool seen;  // the line was accessed at this level before
    bool hit;   // and is still resident in the fully associative LRU cache
    std::uint32_t id = kNoId;  // the line's id (access() only)
  };

  explicit ShadowLru(std::uint64_t capacityLines);

  // `allocate` false: a miss does not bring the line in (no-write-allocate
  // writes), but it counts as seen.
  Result access(std::uint64_t line, bool allocate);
  // The same for the line with this id (from an earlier access()).
  [[gnu::always_inline]] Result touch(std::uint32_t id, bool allocate) {
    const std::uint64_t t = stamp_[id];
    if (t == now_) return {true, true, id};  // the most recent line again
    const bool hit = t >= tail_;
    if (!hit && !allocate) return {true, false, id};
    restamp(id, hit);
    return {true, hit, id};
  }

  std::uint64_t capacity() const { return capacity_; }

  // Asks for the cache line of `line`'s home slot in the hash table, so that
  // an access() to it a few references later does not wait for memory (the
  // table is ~32 bytes a line seen: beyond L2 for a few MiB of data, and a
  // probe lands anywhere in it).
  [[gnu::always_inline]] void prefetch(std::uint64_t line) const { __builtin_prefetch(&slots_[home(line)]); }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t(0);
  // Stamps: 0 seen but never resident (a no-write-allocate first touch),
  // then times from 2 (now_ starts at 1, which no line has).
  static constexpr std::uint64_t kSeenOnly = 0, kFirstTime = 2;

  std::uint64_t home(std::uint64_t line) const { return (line * 0x9e3779b97f4a7c15ull) >> shift_; }
  std::uint64_t slotOf(std::uint64_t line) const;  // its slot or the empty slot where it would go
  void grow();
  // id becomes the most recent (evicting the oldest when it was not
  // resident and the cache is full).
  [[gnu::always_inline]] void restamp(std::uint32_t id, bool hit) {
    if (!hit) {
      if (resident_ == capacity_) {
        // The least recently used line: the oldest live stamp.
        while (stamp_[ring_[tail_ & ringMask_]] != tail_) ++tail_;
        ++tail_;
      } else {
        ++resident_;
      }
    }
    if (now_ + 1 - tail_ >= ringMask_ + 1) [[unlikely]]
      compact();
    ++now_;
    ring_[now_ & ringMask_] = id;
    stamp_[id] = now_;
  }
  [[gnu::noinline]] void compact();

  std::uint64_t capacity_;
  // hash table: line -> id, key and id side by side (one cache line a probe)
  struct Slot {
    std::uint64_t key = kEmpty;
    std::uint32_t id = kNoId;
  };
  std::vector<Slot> slots_;
  int shift_ = 0;
  // per id: the time of its last access
  std::vector<std::uint64_t> stamp_;
  // ring over times [tail_, now_]: the id stamped at each time
  std::vector<std::uint32_t> ring_;
  std::uint64_t ringMask_ = 0;
  std::uint64_t now_ = kFirstTime - 1, tail_ = kFirstTime;
  std::uint64_t resident_ = 0;
};

}  // namespace cachescope::sim
