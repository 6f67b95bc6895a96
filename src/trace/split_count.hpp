// A counting run split across threads by set, with the same counts and the
// same final contents as one thread counting everything in order.
//
// Why it is exact: with Hierarchy::splitsBySet() every set of every level
// changes only on accesses to its own lines, and a level's set is fixed by
// the low bits of its line number. Bits [lo, hi) of an address, with lo the
// largest line shift of the levels and hi the smallest (line shift + the
// power of two in the set count), lie inside every level's set index and
// above every level's line offset. References whose bits [lo, hi) fold to
// the same part therefore share every set they can touch with no other
// part; each part is counted by its own copy of the hierarchy, in the
// order the references came, and what each level sees of a set is exactly
// the sequence one thread would have shown it. At the end the parts' sets
// and counters are merged into the caller's hierarchy (absorb()).
//
// The thread running the loop nest (the producer) counts one part itself;
// each other part has a worker thread of its own with a ring of slots that
// countBatch() fills. A full ring makes the producer wait, an empty one its
// worker (C++20 atomic wait: a futex, no spinning). Running the nest and
// dealing out its references costs about a third of counting them (naive
// ijk, 2 levels), so the producer counts less than a worker: the address
// bits fold to K = 4 x workers keys (fewer when there are fewer bits), the
// producer counts key 0 and the workers share the rest (with one worker:
// keys 1-3, three times the producer's share). Every part is counted in
// order whatever the timing, so the result never depends on the schedule.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "cachesim/hierarchy.hpp"
#include "platform/cpu_time.hpp"
#include "platform/ref_batch.hpp"

namespace cachescope::trace {

// Address bits [lo, lo + bits) fold to a key of keyBits bits; `threads`
// threads count (the producer and threads - 1 workers). threads == 1: no
// split.
struct SplitPlan {
  std::uint32_t lo = 0, bits = 0, keyBits = 0;
  unsigned threads = 1;
  // The thread that counts a key: 0 the producer, w >= 1 worker w.
  unsigned owner(unsigned key) const { return key == 0 ? 0 : 1 + (key - 1) % (threads - 1); }
};

// How a hierarchy may be split across at most `threads` threads (threads
// == 1 in the result: it may not be, or one is all there is).
template <class H>
SplitPlan splitPlan(const H& h, unsigned threads) {
  SplitPlan p;
  if (threads < 2 || !h.splitsBySet()) return p;
  std::uint32_t lo = 0, hi = 64;
  for (int l = 0; l < h.levels(); ++l) {
    const auto& L = h.level(l);
    if (L.lineShift() < 3) return p;  // a batched reference could cover two lines
    lo = std::max(lo, L.lineShift());
    hi = std::min(hi, L.lineShift() + std::uint32_t(std::countr_zero(L.sets())));
  }
  if (hi <= lo) return p;
  p.lo = lo;
  p.bits = hi - lo;
  const unsigned workers = std::min(threads - 1, 64u);
  p.keyBits = std::min({p.bits, 8u, std::uint32_t(std::bit_width(std::bit_ceil(4 * workers)) - 1)});
  // Every worker needs a key of its own.
  p.threads = std::min(workers, (1u << p.keyBits) - 1) + 1;
  return p;
}

// The key of an address: bit b of it is the parity of the bits of
// [lo, lo + bits) whose index is b modulo keyBits, so a stream that walks
// any one of those bits alternates between keys.
struct PartOf {
  std::uint32_t lo = 0, keyBits = 0;
  std::uint64_t select[8] = {};  // per key bit, the address bits it folds (above lo)
  explicit PartOf(const SplitPlan& p) : lo(p.lo), keyBits(p.keyBits) {
    if (keyBits)
      for (std::uint32_t i = 0; i < p.bits; ++i) select[i % keyBits] |= std::uint64_t(1) << i;
  }
  [[gnu::always_inline]] unsigned operator()(std::uint64_t address) const {
    const std::uint64_t x = address >> lo;
    unsigned key = 0;
    for (std::uint32_t b = 0; b < keyBits; ++b) key |= unsigned(__builtin_parityll(x & select[b])) << b;
    return key;
  }
};

template <class H>
class SplitCounter {
 public:
  static constexpr std::size_t kSlot = 4096;  // references per slot
  static constexpr std::uint32_t kSlots = 8;  // slots per worker's ring

  // Counts into `h` (the producer's part on it, each worker's on a copy of
  // it as it is now, merged back by finish()).
  SplitCounter(H& h, const SplitPlan& plan) : h_(h), plan_(plan) {
    // The owner of each value of the address bits [lo, lo + min(bits, 12)):
    // one table load per reference (the key folds the higher bits only when
    // there are more than 12, which the table then does without).
    const std::uint32_t tableBits = std::min(plan.bits, 12u);
    tableMask_ = (std::uint64_t(1) << tableBits) - 1;
    SplitPlan folded = plan;
    folded.bits = tableBits;
    const PartOf keyOf(folded);
    ownerOf_.resize(std::size_t(tableMask_) + 1);
    for (std::uint64_t v = 0; v <= tableMask_; ++v)
      ownerOf_[std::size_t(v)] = std::uint8_t(plan.owner(keyOf(v << plan.lo)));
    cursor_[0] = Cursor{ownAddress_, ownFlags_, 0, kOwn, nullptr};
    try {
      for (unsigned w = 1; w < plan.threads; ++w) {
        workers_.push_back(std::make_unique<Worker>(h));
        Worker& worker = *workers_.back();
        cursor_[w] = Cursor{worker.slots[0].address, worker.slots[0].flags, 0, kSlot, &worker};
        worker.thread = std::thread([this, &worker] { workLoop(worker); });
      }
    } catch (...) {
      close();  // the workers started so far (a thread or a copy that could not be made)
      throw;
    }
  }
  SplitCounter(const SplitCounter&) = delete;
  SplitCounter& operator=(const SplitCounter&) = delete;
  ~SplitCounter() {
    if (!closed_) close();
  }

  // Threads counting, the producer's included.
  unsigned parts() const { return plan_.threads; }

  // Hands each reference to the part of its key; then counts the
  // producer's own. No branch on the key: every reference is stored
  // through its part's cursor (a branch on a key that follows the address
  // bits would be mispredicted every few references).
  void countBatch(const std::uint64_t* address, const RefFlags* flags, std::size_t n) {
    if (plan_.threads == 2) {
      countBatchTwo(address, flags, n);
      return;
    }
    const std::uint8_t* owner = ownerOf_.data();
    const std::uint32_t lo = plan_.lo;
    const std::uint64_t mask = tableMask_;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t a = address[i];
      Cursor& c = cursor_[owner[(a >> lo) & mask]];
      c.address[c.fill] = a;
      c.flags[c.fill] = flags[i];
      if (++c.fill == c.capacity) [[unlikely]]
        full(c);
    }
    countOwn();
  }

  // A reference that cannot be batched: one 1-byte reference per line of L1
  // it covers, each to its part (Hierarchy::count() looks up each line in
  // turn, and a part sees its own lines in that order).
  void count(std::uint64_t address, std::uint32_t size, sim::Op op) {
    const std::uint32_t shift = h_.lineShift0();
    const std::uint64_t first = address >> shift, last = (address + (size ? size : 1) - 1) >> shift;
    const RefFlags f = sim::batchFlags(1, op);
    for (std::uint64_t l = first;; ++l) {
      const std::uint64_t a = l << shift;
      countBatch(&a, &f, 1);
      if (l == last) break;
    }
  }

  // Waits for every worker to count what it was given and merges their
  // sets and counters into the hierarchy given at construction. Rethrows
  // what a worker threw.
  void finish() {
    close();
    for (unsigned w = 1; w < plan_.threads; ++w) {
      const Worker& worker = *workers_[w - 1];
      if (worker.error) std::rethrow_exception(worker.error);
      h_.absorb(worker.copy, [&](int level, std::uint64_t set) {
        // A set's low bits are its lines' low bits, and those hold the
        // address bits of the key (see the header comment).
        return ownerOf(set << h_.level(level).lineShift()) == w;
      });
    }
  }

  // CPU seconds the workers took (valid after finish()).
  double workerCpuSeconds() const {
    double s = 0;
    for (const auto& w : workers_) s += w->cpuSeconds;
    return s;
  }

 private:
  static constexpr std::size_t kOwn = 1024;
  static constexpr unsigned kMaxThreads = 65;  // splitPlan: at most 64 workers

  struct Slot {
    std::uint64_t address[kSlot];
    RefFlags flags[kSlot];
    std::size_t n = 0;
  };
  struct Worker {
    explicit Worker(const H& from) : copy(from) {}
    H copy;
    Slot slots[kSlots];
    // Slots published (by the producer) and counted (by the worker), each
    // on a cache line of its own. `published` carries a closing bit,
    // (count << 1) | closed, so one wait sees either.
    alignas(64) std::atomic<std::uint32_t> published{0};
    alignas(64) std::atomic<std::uint32_t> counted{0};
    // The producer's count of slots published (it fills slots[head % kSlots]).
    alignas(64) std::uint32_t head = 0;
    std::thread thread;
    std::exception_ptr error;
    double cpuSeconds = 0;
  };

  // Where the producer puts the next reference of a part.
  struct Cursor {
    std::uint64_t* address;
    RefFlags* flags;
    std::size_t fill, capacity;
    Worker* worker;  // null: the producer's own
  };

  // countBatch with one worker: both cursors' fills in registers and the
  // destination chosen by a conditional move (through the cursors in
  // memory, each reference would wait for the previous one's fill to be
  // stored and loaded again).
  void countBatchTwo(const std::uint64_t* address, const RefFlags* flags, std::size_t n) {
    const std::uint8_t* owner = ownerOf_.data();
    const std::uint32_t lo = plan_.lo;
    const std::uint64_t mask = tableMask_;
    Cursor& own = cursor_[0];
    Cursor& other = cursor_[1];
    std::size_t i = 0;
    while (i < n) {
      std::uint64_t* const ownA = own.address;
      RefFlags* const ownF = own.flags;
      std::uint64_t* const otherA = other.address;
      RefFlags* const otherF = other.flags;
      std::size_t fill0 = own.fill, fill1 = other.fill;
      // Up to the first reference that could fill either cursor.
      const std::size_t end = i + std::min({n - i, kOwn - fill0, kSlot - fill1});
      for (; i < end; ++i) {
        const std::uint64_t a = address[i];
        const bool theirs = owner[(a >> lo) & mask] != 0;
        std::uint64_t* const da = theirs ? otherA : ownA;
        RefFlags* const df = theirs ? otherF : ownF;
        const std::size_t at = theirs ? fill1 : fill0;
        da[at] = a;
        df[at] = flags[i];
        fill0 += !theirs;
        fill1 += theirs;
      }
      own.fill = fill0;
      other.fill = fill1;
      if (own.fill == kOwn) full(own);
      if (other.fill == kSlot) full(other);
    }
    countOwn();
  }

  unsigned ownerOf(std::uint64_t address) const { return ownerOf_[std::size_t((address >> plan_.lo) & tableMask_)]; }

  void countOwn() {
    Cursor& c = cursor_[0];
    h_.countBatch(ownAddress_, ownFlags_, c.fill);
    c.fill = 0;
  }

  [[gnu::noinline]] void full(Cursor& c) {
    if (!c.worker) {
      countOwn();
      return;
    }
    publish(c, false);
    // The next slot must be free: wait while the ring is full.
    Worker& w = *c.worker;
    for (;;) {
      const std::uint32_t done = w.counted.load(std::memory_order_acquire);
      if (w.head - done < kSlots) break;
      w.counted.wait(done, std::memory_order_acquire);
    }
    Slot& next = w.slots[w.head % kSlots];
    c.address = next.address;
    c.flags = next.flags;
  }

  // Hands the cursor's slot to its worker (the last one with the closing bit).
  void publish(Cursor& c, bool closing) {
    Worker& w = *c.worker;
    w.slots[w.head % kSlots].n = c.fill;
    c.fill = 0;
    ++w.head;
    w.published.store(w.head << 1 | (closing ? 1 : 0), std::memory_order_release);
    w.published.notify_one();
  }

  void close() {
    closed_ = true;
    for (std::size_t w = 1; w <= workers_.size(); ++w) publish(cursor_[w], true);  // the last slot, maybe empty
    for (auto& w : workers_)
      if (w->thread.joinable()) w->thread.join();
  }

  void workLoop(Worker& w) {
    std::uint32_t taken = 0;
    for (;;) {
      std::uint32_t pub = w.published.load(std::memory_order_acquire);
      while ((pub >> 1) == taken && !(pub & 1)) {
        w.published.wait(pub, std::memory_order_acquire);
        pub = w.published.load(std::memory_order_acquire);
      }
      for (const std::uint32_t upto = pub >> 1; taken != upto; ++taken) {
        const Slot& s = w.slots[taken % kSlots];
        if (!w.error) {
          try {
            w.copy.countBatch(s.address, s.flags, s.n);
          } catch (...) {
            w.error = std::current_exception();  // the rest is only drained, so the producer never waits for ever
          }
        }
        w.counted.store(taken + 1, std::memory_order_release);
        w.counted.notify_one();
      }
      if (pub & 1) break;
    }
    w.cpuSeconds = threadCpuSeconds();
  }

  H& h_;
  SplitPlan plan_;
  std::uint64_t tableMask_ = 0;
  std::vector<std::uint8_t> ownerOf_;
  Cursor cursor_[kMaxThreads] = {};
  std::vector<std::unique_ptr<Worker>> workers_;
  bool closed_ = false;
  std::uint64_t ownAddress_[kOwn];
  RefFlags ownFlags_[kOwn];
};

}  // namespace cachescope::trace
