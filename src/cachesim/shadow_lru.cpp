#include "cachesim/shadow_lru.hpp"

#include <algorithm>
#include <stdexcept>

namespace cachescope::sim {

ShadowLru::ShadowLru(std::uint64_t capacityLines) : capacity_(capacityLines) {
  if (capacity_ == 0 || capacity_ > (1ull << 30)) throw std::invalid_argument("shadow LRU capacity out of range");
  shift_ = 64 - 10;  // 1024 slots to start; grows with the footprint
  slots_.assign(1024, Slot{});
  ring_.assign(1024, kNoId);
  ringMask_ = ring_.size() - 1;
}

std::uint64_t ShadowLru::slotOf(std::uint64_t line) const {
  const std::uint64_t mask = slots_.size() - 1;
  std::uint64_t s = home(line);
  while (slots_[s].key != line && slots_[s].key != kEmpty) s = (s + 1) & mask;
  return s;
}

void ShadowLru::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  --shift_;
  for (const Slot& o : old) {
    if (o.key == kEmpty) continue;
    slots_[slotOf(o.key)] = o;
  }
}

// The live stamps of [tail_, now_] in order, renumbered from now_ + 1 into a
// ring at least four times the live ones (so a renumbering comes at most
// every 3/4 of the ring's accesses: amortised O(1)). Evicted and seen-only lines keep stamps
// below the new tail.
void ShadowLru::compact() {
  std::size_t size = ring_.size();
  while (4 * (resident_ + 1) > size) size *= 2;
  std::vector<std::uint32_t> fresh(size, kNoId);
  const std::uint64_t mask = size - 1;
  std::uint64_t t = now_;
  for (std::uint64_t old = tail_; old <= now_; ++old) {
    const std::uint32_t id = ring_[old & ringMask_];
    if (stamp_[id] != old) continue;
    ++t;
    stamp_[id] = t;
    fresh[t & mask] = id;
  }
  tail_ = now_ + 1;
  now_ = t;
  ring_.swap(fresh);
  ringMask_ = mask;
}

ShadowLru::Result ShadowLru::access(std::uint64_t line, bool allocate) {
  std::uint64_t s = slotOf(line);
  if (slots_[s].key == kEmpty) {
    // Keep the load factor <= 1/2 so probes stay short.
    if (2 * (stamp_.size() + 1) > slots_.size()) {
      grow();
      s = slotOf(line);
    }
    const std::uint32_t id = std::uint32_t(stamp_.size());
    slots_[s] = Slot{line, id};
    stamp_.push_back(kSeenOnly);
    if (allocate) restamp(id, false);
    return {false, false, id};
  }
  return touch(slots_[s].id, allocate);
}

}  // namespace cachescope::sim
