#include "cachesim/shadow_lru.hpp"

#include <stdexcept>

namespace cachescope::sim {

ShadowLru::ShadowLru(std::uint64_t capacityLines) : capacity_(capacityLines) {
  if (capacity_ == 0 || capacity_ > (1ull << 30)) throw std::invalid_argument("shadow LRU capacity out of range");
  shift_ = 64 - 10;  // 1024 slots to start; grows with the footprint
  keys_.assign(1024, kEmpty);
  values_.assign(1024, kNotResident);
  nodeLine_.reserve(std::size_t(std::min<std::uint64_t>(capacity_, 1 << 20)));
}

std::uint64_t ShadowLru::slotOf(std::uint64_t line) const {
  const std::uint64_t mask = keys_.size() - 1;
  std::uint64_t s = (line * 0x9e3779b97f4a7c15ull) >> shift_;
  while (keys_[s] != line && keys_[s] != kEmpty) s = (s + 1) & mask;
  return s;
}

void ShadowLru::grow() {
  std::vector<std::uint64_t> oldKeys(keys_.size() * 2, kEmpty);
  std::vector<std::int32_t> oldValues(values_.size() * 2, kNotResident);
  oldKeys.swap(keys_);
  oldValues.swap(values_);
  --shift_;
  for (std::size_t i = 0; i < oldKeys.size(); ++i) {
    if (oldKeys[i] == kEmpty) continue;
    const std::uint64_t s = slotOf(oldKeys[i]);
    keys_[s] = oldKeys[i];
    values_[s] = oldValues[i];
  }
}

void ShadowLru::unlink(std::int32_t n) {
  const std::int32_t p = prev_[n], x = next_[n];
  if (p >= 0) next_[p] = x; else head_ = x;
  if (x >= 0) prev_[x] = p; else tail_ = p;
}

void ShadowLru::linkFront(std::int32_t n) {
  prev_[n] = -1;
  next_[n] = head_;
  if (head_ >= 0) prev_[head_] = n;
  head_ = n;
  if (tail_ < 0) tail_ = n;
}

std::int32_t ShadowLru::pushFront(std::uint64_t line) {
  std::int32_t n;
  if (nodeLine_.size() < capacity_) {
    n = std::int32_t(nodeLine_.size());
    nodeLine_.push_back(line);
    prev_.push_back(-1);
    next_.push_back(-1);
  } else {
    n = tail_;
    unlink(n);
    values_[slotOf(nodeLine_[n])] = kNotResident;
    nodeLine_[n] = line;
  }
  linkFront(n);
  return n;
}

ShadowLru::Result ShadowLru::access(std::uint64_t line, bool allocate) {
  // The most recent line again (a row walked element by element): no probe.
  if (head_ >= 0 && nodeLine_[std::size_t(head_)] == line) return {true, true};
  std::uint64_t s = slotOf(line);
  if (keys_[s] == kEmpty) {
    // Keep the load factor <= 1/2 so probes stay short.
    if (2 * (used_ + 1) > keys_.size()) {
      grow();
      s = slotOf(line);
    }
    ++used_;
    keys_[s] = line;
    values_[s] = kNotResident;
    // pushFront may rewrite another slot's value, never move slots.
    if (allocate) values_[s] = pushFront(line);
    return {false, false};
  }
  const std::int32_t n = values_[s];
  if (n != kNotResident) {
    if (n != head_) {
      unlink(n);
      linkFront(n);
    }
    return {true, true};
  }
  if (allocate) values_[s] = pushFront(line);
  return {true, false};
}

}  // namespace cachescope::sim
