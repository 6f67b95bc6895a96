// A set-associative level for LRU and FIFO with at most 16 ways (every
// host cache we know of); wider sets (fully associative teaching caches)
// fall back to OrderedLevel, behind one well-predicted branch.
//
// Tags stay in their physical way: nothing moves on a hit. A set's tags
// start at a power-of-two stride (ways rounded up), so finding them is a
// shift. Next to them each set has a 32-byte head:
// - `mru`: the line at recency position 0, so the common hit (the line
//   used last in its set) is one load and one compare;
// - `order`: 16 four-bit fields, field p = the physical way at recency
//   position p (0 = most recently used (LRU) / filled (FIFO), ways-1 = the
//   victim). Moving a way to the front is a few shifts of one word, where an
//   ordered array would move up to 15 tags;
// - `sig`: one byte per way: bits 0-6 a hash of its line, bit 7 its dirty
//   bit. A lookup compares all 16 hashes at once (SSE2) and reads the full
//   tag of a matching way only, so a miss usually reads no tag at all.
//
// Unused order fields (p >= ways) hold 0xF, which no way < 15 equals, so
// the position search needs no mask; unused sig bytes hold 0xFF, which no
// 7-bit hash equals. Empty ways start at the end, lowest way last, so the
// lowest empty way is filled first (policies.hpp).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cachesim/config.hpp"
#include "cachesim/ordered_level.hpp"
#include "cachesim/policies.hpp"
#include "cachesim/set_index.hpp"

namespace cachescope::sim {

template <bool kMoveToFront>  // true: LRU, false: FIFO
class RecencyLevel {
 public:
  static constexpr std::uint32_t kMiss = ~std::uint32_t(0);
  static constexpr std::uint32_t kMaxNarrowWays = 16;

  struct Victim {
    std::uint32_t way;
    std::uint64_t line;  // kInvalidLine: the way was empty
    bool dirty;
  };

 private:
  static constexpr std::uint8_t kDirty = 0x80;

  struct alignas(32) SetHead {
    std::uint8_t sig[16];
    std::uint64_t order;
    std::uint64_t mru;
  };

  // Fibonacci hashing: the top bits of line * 2^64/phi depend on every bit
  // of the line, also the high ones that tell the lines of one set apart.
  [[gnu::always_inline]] static std::uint8_t hash(std::uint64_t line) {
    return std::uint8_t((line * 0x9e3779b97f4a7c15ull) >> 57);
  }

  // Recency position of physical way w, times 4: the zero field of
  // order ^ w...w. Subtracting 1 from each field sets the top bit of a zero
  // field; a borrow can only mark fields above the first zero, so the
  // lowest marked field is the exact one (w is always present).
  [[gnu::always_inline]] static std::uint32_t fieldOf(std::uint64_t order, std::uint32_t w) {
    constexpr std::uint64_t kOnes = 0x1111111111111111ull;
    const std::uint64_t x = order ^ (kOnes * w);
    const std::uint64_t zero = (x - kOnes) & ~x & (kOnes << 3);
    return std::uint32_t(__builtin_ctzll(zero)) & ~3u;
  }

 public:
  // The probe of one line: its line number and hash, the hash broadcast for
  // the SSE2 compare. Computed once per reference and shared by the levels
  // with the same line size.
  struct Key {
    std::uint64_t line;
    std::uint8_t hash;
#if defined(__SSE2__)
    __m128i wide;
#endif
    [[gnu::always_inline]] explicit Key(std::uint64_t l) : line(l), hash(RecencyLevel::hash(l)) {
#if defined(__SSE2__)
      wide = _mm_set1_epi8(char(hash));
#endif
    }
  };

  // The hot operations of a narrow level over plain pointers and copies of
  // the geometry. A batch loop keeps a View in locals: stores to tags and
  // heads cannot alias its fields, so the compiler keeps them in registers
  // instead of reloading them after every store, as it must for members.
  struct View {
    SetHead* heads;
    std::uint64_t* tags;  // set s at tags + (s << tagShift)
    std::uint32_t tagShift;
    std::uint32_t victimShift;
    std::uint64_t unusedFields;  // 0xF in the order fields >= ways
    SetIndex index;
#if defined(__SSE2__)
    __m128i hashMask;  // 0x7f for the ways, 0xff (matches nothing) beyond
#else
    std::uint32_t waysMask;
#endif

    [[gnu::always_inline]] std::uint64_t setOf(std::uint64_t line) const { return index(line); }

    // For a caller that knows the way count at compile time: the same
    // values, now constants the compiler can fold into the code.
    template <std::uint32_t kWays>
    [[gnu::always_inline]] void assumeWays() {
      static_assert(kWays >= 1 && kWays <= kMaxNarrowWays);
      tagShift = std::uint32_t(std::bit_width(kWays - 1));
      victimShift = 4 * (kWays - 1);
      unusedFields = kWays == 16 ? 0 : ~std::uint64_t(0) << (4 * (kWays % 16));
    }

    // Brings a set's head and tags towards the host's L1 ahead of a lookup.
    [[gnu::always_inline]] void prefetch(std::uint64_t set) const {
      __builtin_prefetch(&heads[set]);
      __builtin_prefetch(&tags[set << tagShift]);
    }

    // Bit w set: way w holds a line with this hash.
    [[gnu::always_inline]] std::uint32_t candidates(const SetHead& h, const Key& k) const {
#if defined(__SSE2__)
      const __m128i bytes = _mm_and_si128(_mm_load_si128(reinterpret_cast<const __m128i*>(h.sig)), hashMask);
      return std::uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, k.wide)));
#else
      std::uint32_t m = 0;
      for (std::uint32_t w = 0; w < 16; ++w) m |= std::uint32_t((h.sig[w] & 0x7f) == k.hash) << w;
      return m & waysMask;
#endif
    }

    // Byte w of a set's signatures, replaced or or-ed into, as a store of
    // all 16: the next lookup of the set loads all 16 at once, and a load
    // cannot take its data from a narrower store still in the store buffer
    // (a stall of a dozen cycles or more on each access to a set used just
    // before, as every step of a column walk is when the column's lines
    // share a set).
    [[gnu::always_inline]] static void setSig(SetHead& h, std::uint32_t w, std::uint8_t value, bool keep) {
#if defined(__SSE2__)
      const __m128i lane = _mm_cmpeq_epi8(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm_set1_epi8(char(w)));
      __m128i* p = reinterpret_cast<__m128i*>(h.sig);
      const __m128i v = _mm_load_si128(p);
      const __m128i put = _mm_and_si128(lane, _mm_set1_epi8(char(value)));
      _mm_store_si128(p, _mm_or_si128(keep ? v : _mm_andnot_si128(lane, v), put));
#else
      h.sig[w] = std::uint8_t((keep ? h.sig[w] : 0) | value);
#endif
    }

    // On a hit: the physical way, the line becomes most recent (LRU) and
    // dirty when `markDirty`. On a miss: kMiss and nothing changes.
    [[gnu::always_inline]] std::uint32_t lookup(std::uint64_t set, const Key& k, bool markDirty) const {
      SetHead& h = heads[set];
      if (h.mru == k.line) [[likely]] {
        const std::uint32_t w = std::uint32_t(h.order & 15);
        if (markDirty) setSig(h, w, kDirty, true);
        return w;
      }
      const std::uint64_t* t = &tags[set << tagShift];
      std::uint32_t c = candidates(h, k);
      if (c == 0) return kMiss;
      std::uint32_t w = std::uint32_t(__builtin_ctz(c));
      while (t[w] != k.line) [[unlikely]] {
        c &= c - 1;
        if (c == 0) return kMiss;
        w = std::uint32_t(__builtin_ctz(c));
      }
      if constexpr (kMoveToFront) {
        // Fields 0..p-1 move up by one, w goes to field 0, the rest stay.
        const std::uint64_t o = h.order;
        const std::uint64_t through = (std::uint64_t(16) << fieldOf(o, w)) - 1;  // fields 0..p
        h.order = (o & ~through) | ((o << 4) & through) | w;
        h.mru = k.line;
      }
      if (markDirty) setSig(h, w, kDirty, true);
      return w;
    }

    // Puts the line first in `set`, replacing the last (oldest) entry.
    [[gnu::always_inline]] Victim fill(std::uint64_t set, const Key& k, bool dirty) const {
      SetHead& h = heads[set];
      std::uint64_t* t = &tags[set << tagShift];
      const std::uint64_t o = h.order;
      const std::uint32_t w = std::uint32_t(o >> victimShift) & 15;
      Victim v{w, t[w], (h.sig[w] & kDirty) != 0};
      t[w] = k.line;
      setSig(h, w, std::uint8_t(k.hash | (dirty ? kDirty : 0)), false);
      h.mru = k.line;
      // The victim's field moves past the last way: into an unused field
      // (which stays 0xF) or out of the word.
      h.order = (o << 4) | w | unusedFields;
      return v;
    }

    std::uint32_t find(std::uint64_t set, const Key& k) const {
      const std::uint64_t* t = &tags[set << tagShift];
      for (std::uint32_t c = candidates(heads[set], k); c; c &= c - 1) {
        const std::uint32_t w = std::uint32_t(__builtin_ctz(c));
        if (t[w] == k.line) return w;
      }
      return kMiss;
    }
  };

  RecencyLevel(const LevelConfig& c, std::uint64_t seed)
      : ways_(c.ways),
        narrow_(c.ways <= kMaxNarrowWays),
        lineShift_(std::uint32_t(std::countr_zero(c.lineBytes))),
        index_(c.sets()) {
    if (!narrow_) {
      wide_.emplace_back(c, seed);
      return;
    }
    tagShift_ = std::uint32_t(std::bit_width(ways_ - 1));
    victimShift_ = 4 * (ways_ - 1);
    unusedFields_ = ways_ == 16 ? 0 : ~std::uint64_t(0) << (4 * ways_);
    SetHead empty{};
    for (std::uint32_t w = 0; w < 16; ++w) empty.sig[w] = w < ways_ ? hash(kInvalidLine) : 0xff;
    empty.order = unusedFields_;
    for (std::uint32_t p = 0; p < ways_; ++p) empty.order |= std::uint64_t(ways_ - 1 - p) << (4 * p);
    empty.mru = kInvalidLine;
    for (std::uint32_t w = 0; w < 16; ++w) hashMask_[w] = w < ways_ ? 0x7f : 0xff;
    heads_.assign(c.sets(), empty);
    tags_.assign(c.sets() << tagShift_, kInvalidLine);
  }

  std::uint32_t ways() const { return ways_; }
  std::uint64_t sets() const { return index_.sets(); }
  std::uint32_t lineShift() const { return lineShift_; }
  [[gnu::always_inline]] std::uint64_t setOf(std::uint64_t line) const { return index_(line); }

  // Whether this level uses the 16-way representation (and has a View).
  bool narrow() const { return narrow_; }
  [[gnu::always_inline]] View view() const {
    View v{const_cast<SetHead*>(heads_.data()), const_cast<std::uint64_t*>(tags_.data()), tagShift_, victimShift_,
           unusedFields_, index_, {}};
#if defined(__SSE2__)
    v.hashMask = _mm_load_si128(reinterpret_cast<const __m128i*>(hashMask_));
#else
    v.waysMask = (std::uint32_t(1) << ways_) - 1;
#endif
    return v;
  }

  [[gnu::always_inline]] std::uint32_t lookup(std::uint64_t set, std::uint64_t line, bool markDirty) {
    if (!narrow_) [[unlikely]]
      return wide_[0].lookup(set, line, markDirty);
    return view().lookup(set, Key(line), markDirty);
  }

  [[gnu::always_inline]] Victim fill(std::uint64_t set, std::uint64_t line, bool dirty) {
    if (!narrow_) [[unlikely]] {
      const auto v = wide_[0].fill(set, line, dirty);
      return {v.way, v.line, v.dirty};
    }
    return view().fill(set, Key(line), dirty);
  }

  struct Invalidated {
    bool present;
    bool dirty;
  };
  Invalidated invalidate(std::uint64_t line) {
    if (!narrow_) {
      const auto r = wide_[0].invalidate(line);
      return {r.present, r.dirty};
    }
    const std::uint64_t set = setOf(line);
    const std::uint32_t w = view().find(set, Key(line));
    if (w == kMiss) return {false, false};
    SetHead& h = heads_[set];
    std::uint64_t* t = &tags_[set << tagShift_];
    const bool dirty = (h.sig[w] & kDirty) != 0;
    t[w] = kInvalidLine;
    h.sig[w] = hash(kInvalidLine);
    // The way leaves its position and joins the empty tail, which is kept in
    // descending way order so that the last position (the next to fill) is
    // the lowest empty way.
    std::uint32_t pos[16] = {};
    for (std::uint32_t p = 0; p < ways_; ++p) pos[p] = std::uint32_t(h.order >> (4 * p)) & 15;
    std::uint32_t p = 0;
    while (pos[p] != w) ++p;
    for (; p + 1 < ways_; ++p) pos[p] = pos[p + 1];
    std::uint32_t q = ways_ - 1;
    while (q > 0 && t[pos[q - 1]] == kInvalidLine && pos[q - 1] < w) {
      pos[q] = pos[q - 1];
      --q;
    }
    pos[q] = w;
    std::uint64_t order = unusedFields_;
    for (std::uint32_t r = 0; r < ways_; ++r) order |= std::uint64_t(pos[r]) << (4 * r);
    h.order = order;
    h.mru = t[pos[0]];
    return {true, dirty};
  }

  bool contains(std::uint64_t line) const {
    if (!narrow_) return wide_[0].contains(line);
    return view().find(setOf(line), Key(line)) != kMiss;
  }
  std::uint64_t lineAt(std::uint64_t set, std::uint32_t way) const {
    if (!narrow_) return wide_[0].lineAt(set, way);
    return tags_[(set << tagShift_) + way];
  }
  bool dirtyAt(std::uint64_t set, std::uint32_t way) const {
    if (!narrow_) return wide_[0].dirtyAt(set, way);
    return (heads_[set].sig[way] & kDirty) != 0;
  }

  // Makes `set` hold what it holds in `from`, a level of the same geometry,
  // recency order and dirty bits included (a split count's merge,
  // Hierarchy::absorb).
  void copySet(const RecencyLevel& from, std::uint64_t set) {
    if (!narrow_) {
      wide_[0].copySet(from.wide_[0], set);
      return;
    }
    heads_[set] = from.heads_[set];
    const std::size_t base = std::size_t(set) << tagShift_, count = std::size_t(1) << tagShift_;
    std::copy_n(from.tags_.begin() + std::ptrdiff_t(base), count, tags_.begin() + std::ptrdiff_t(base));
  }

 private:
  std::uint32_t ways_;
  bool narrow_;
  std::uint32_t lineShift_;
  std::uint32_t tagShift_ = 0;    // log2 of the tag stride of a set
  std::uint32_t victimShift_ = 0;
  std::uint64_t unusedFields_ = 0;
  alignas(16) std::uint8_t hashMask_[16] = {};
  SetIndex index_;
  std::vector<SetHead> heads_;
  std::vector<std::uint64_t> tags_;
  std::vector<OrderedLevel<kMoveToFront>> wide_;  // one element when ways > 16
};

}  // namespace cachescope::sim
