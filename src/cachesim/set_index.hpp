// Set index of a line number. Power-of-two set counts take a mask; any other
// count (this machine's L3 has 32768 sets, Sapphire Rapids' 114688) takes
// Lemire's "fastmod": a 128-bit reciprocal computed once, then two
// multiplications instead of a 64-bit division on every access.
#pragma once

#include <bit>
#include <cstdint>

namespace cachescope::sim {

class SetIndex {
 public:
  explicit SetIndex(std::uint64_t sets = 1) : sets_(sets), pow2_(std::has_single_bit(sets)), mask_(sets - 1) {
    // M = ceil(2^128 / sets); exact for every 64-bit numerator because
    // 128 >= 64 + log2(sets).
    if (!pow2_) reciprocal_ = (~static_cast<unsigned __int128>(0)) / sets + 1;
  }

  [[gnu::always_inline]] std::uint64_t operator()(std::uint64_t line) const { return pow2_ ? (line & mask_) : fastMod(line); }
  std::uint64_t sets() const { return sets_; }

  // The remainder through the reciprocal: the fractional part of line/sets,
  // kept in 128 bits, times sets gives line % sets in the high word.
  std::uint64_t fastMod(std::uint64_t line) const {
    const unsigned __int128 frac = reciprocal_ * line;  // mod 2^128
    const unsigned __int128 lo = static_cast<std::uint64_t>(frac);
    const unsigned __int128 hi = frac >> 64;
    const unsigned __int128 sum = ((lo * sets_) >> 64) + hi * sets_;
    return static_cast<std::uint64_t>(sum >> 64);
  }

 private:
  std::uint64_t sets_;
  bool pow2_;
  std::uint64_t mask_;
  unsigned __int128 reciprocal_ = 0;
};

}  // namespace cachescope::sim
