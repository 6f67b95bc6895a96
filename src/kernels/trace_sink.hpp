// The one sink every traced loop nest is compiled for (Traced<TraceSink>).
//
// A nest stores each reference's address and a flags byte into a batch (a
// few instructions between its real loads); every kBatch references the
// batch goes to `consume()` of whatever is behind the sink: the simulator's
// counting loop, or the animation's recorder. One sink type means one
// instantiation of each nest per element type, in the kernel's own file, and
// any consumer can be added without touching a kernel.
//
// Marks: besides references, a nest says where it is. `outer(o)` starts
// iteration o of the nest's outermost loop (o rises from 0 to
// TraceDescription::outerCount - 1): a sampled simulation opens and closes
// its window there. `point(i, j, k)` starts an inner iteration and
// `line(l)` names the line of the nest's code text the following accesses
// belong to: the animation shows both. Marks cost a predictable branch when
// nobody asked for them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "kernels/access.hpp"
#include "platform/ref_batch.hpp"

namespace cachescope {

// A point or line mark, at the reference index it precedes.
struct TraceMark {
  enum class Kind : std::uint8_t { Point, Line };
  std::uint64_t before = 0;  // index of the first reference it applies to
  Kind kind = Kind::Point;
  int i = 0, j = 0, k = 0;   // Point
  int line = 0;              // Line
};

class TraceSink {
 public:
  static constexpr std::size_t kBatch = 1024;

  // wantMarks: record point/line marks (the animation); wantOuter: call
  // onOuter() at each outer iteration (a sampled run).
  explicit TraceSink(bool wantMarks = false, bool wantOuter = false) : marks_(wantMarks), outer_(wantOuter) {}
  virtual ~TraceSink() = default;
  TraceSink(const TraceSink&) = delete;
  TraceSink& operator=(const TraceSink&) = delete;

  // From a loop nest (Traced): the address of an element, aligned to its
  // size by the language; only the size is checked (a compile-time constant
  // there). A per-reference alignment test would be a second rare call path
  // in the nest, and with it GCC keeps the nest's accumulator in memory.
  [[gnu::always_inline]] void access(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    if (!batchable(0, size)) [[unlikely]] {
      single(address, size, kind);
      return;
    }
    take(address, size, kind == AccessKind::Write);
  }
  // From a trace file: anything (unaligned or large references are handed on
  // one at a time, after the batch, so the order is kept).
  void add(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    if (!batchable(address, size)) [[unlikely]] {
      single(address, size, kind);
      return;
    }
    take(address, size, kind == AccessKind::Write);
  }

  // Repeated reads: a consumer whose first level is set-associative with
  // `sets` (a power of two) sets of lines of 2^lineShift >= 8 bytes, and for
  // which a read of the line its set used last is a hit that changes
  // nothing (Hierarchy::filtersRepeatedReads), can have such reads counted
  // here instead of handed on: the sink keeps the last line of each set of
  // the references it took (one compare per reference), and
  // filteredReads() says how many it kept back. Batches then hold the other
  // references only, so `first` in consume() counts those; not with marks.
  void filterRepeatedReads(std::uint32_t lineShift, std::uint64_t sets) {
    if (marks_ || lineShift < 3 || sets == 0 || (sets & (sets - 1)) != 0)
      throw std::logic_error("repeated-read filter: needs no marks, lines of >= 8 bytes, power-of-two sets");
    filterTable_.assign(sets, kNoLine);
    filterShift_ = lineShift;
    filterMask_ = sets - 1;
    filter_ = filterTable_.data();
  }
  std::uint64_t filteredReads() const { return filtered_; }

  [[gnu::always_inline]] void point(int i, int j, int k) {
    if (marks_) [[unlikely]]
      markPoint(i, j, k);
  }
  [[gnu::always_inline]] void line(int l) {
    if (marks_) [[unlikely]]
      markLine(l);
  }
  [[gnu::always_inline]] void outer(int o) {
    if (outer_) [[unlikely]] {
      flush();
      onOuter(o);
    }
  }

  // Hands on what is buffered. Call once more after the loop nest.
  [[gnu::noinline]] void flush() {
    const std::size_t n = n_;
    n_ = 0;
    const std::uint64_t first = done_;
    done_ += n;
    consume(address_, flags_, n, first);
    // Marks after the last reference handed on belong to the next batch.
    std::size_t keep = 0;
    while (keep < marks.size() && marks[keep].before < done_) ++keep;
    marks.erase(marks.begin(), marks.begin() + std::ptrdiff_t(keep));
  }

  // Whether point/line marks are recorded (a nest running elsewhere, a user
  // kernel's child process, sends them only then).
  bool wantsMarks() const { return marks_; }

  // References taken so far (handed on, buffered or filtered), and of them
  // stores.
  std::uint64_t references() const { return done_ + n_ + filtered_; }
  std::uint64_t writes() const { return writes_; }

 protected:
  // References [first, first + n) in order. `marks` holds the marks
  // recorded since the last batch, in order: those with `before` below
  // first + n belong to this batch; later ones are kept for the next.
  virtual void consume(const std::uint64_t* address, const RefFlags* flags, std::size_t n, std::uint64_t first) = 0;
  // A reference that cannot be batched (trace files only), after the
  // batches before it.
  virtual void consumeSingle(std::uint64_t address, std::uint32_t size, AccessKind kind, std::uint64_t index) = 0;
  // Outer iteration `o` starts; the batch before it was consumed.
  virtual void onOuter(int o) {}

  std::vector<TraceMark> marks;

 private:
  static constexpr std::uint64_t kNoLine = ~std::uint64_t(0);

  [[gnu::always_inline]] void take(std::uint64_t address, std::uint32_t size, bool write) {
    if (filter_) {
      // A batchable reference covers one line of >= 8 bytes.
      const std::uint64_t line = address >> filterShift_;
      std::uint64_t& last = filter_[line & filterMask_];
      if (last == line && !write) {
        ++filtered_;
        return;
      }
      last = line;
    }
    push(address, size, write);
  }
  // The lines an unbatchable reference covers forget their set's last line
  // (conservative: their next read is handed on).
  void forget(std::uint64_t address, std::uint32_t size) {
    const std::uint64_t first = address >> filterShift_, last = (address + (size ? size : 1) - 1) >> filterShift_;
    if (last - first >= filterMask_) {
      filterTable_.assign(filterTable_.size(), kNoLine);
      return;
    }
    for (std::uint64_t l = first;; ++l) {
      filter_[l & filterMask_] = kNoLine;
      if (l == last) break;
    }
  }

  [[gnu::always_inline]] void push(std::uint64_t address, std::uint32_t size, bool write) {
    writes_ += write;
    address_[n_] = address;
    flags_[n_] = refFlags(size, write);
    if (++n_ == kBatch) [[unlikely]]
      flush();
  }
  [[gnu::noinline]] void single(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    if (filter_) forget(address, size);
    flush();
    writes_ += kind == AccessKind::Write;
    consumeSingle(address, size, kind, done_);
    ++done_;
  }
  [[gnu::noinline]] void markPoint(int i, int j, int k) {
    TraceMark m;
    m.before = references();
    m.kind = TraceMark::Kind::Point;
    m.i = i;
    m.j = j;
    m.k = k;
    marks.push_back(m);
  }
  [[gnu::noinline]] void markLine(int l) {
    TraceMark m;
    m.before = references();
    m.kind = TraceMark::Kind::Line;
    m.line = l;
    marks.push_back(m);
  }

  bool marks_, outer_;
  std::size_t n_ = 0;
  std::uint64_t done_ = 0, writes_ = 0, filtered_ = 0;
  // the repeated-read filter (null: off)
  std::uint64_t* filter_ = nullptr;
  std::uint32_t filterShift_ = 0;
  std::uint64_t filterMask_ = 0;
  std::vector<std::uint64_t> filterTable_;
  std::uint64_t address_[kBatch];
  RefFlags flags_[kBatch];
};

}  // namespace cachescope
