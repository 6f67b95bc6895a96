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
    push(address, size, kind == AccessKind::Write);
  }
  // From a trace file: anything (unaligned or large references are handed on
  // one at a time, after the batch, so the order is kept).
  void add(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    if (!batchable(address, size)) [[unlikely]] {
      single(address, size, kind);
      return;
    }
    push(address, size, kind == AccessKind::Write);
  }

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

  // References taken so far (handed on or buffered), and of them stores.
  std::uint64_t references() const { return done_ + n_; }
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
  [[gnu::always_inline]] void push(std::uint64_t address, std::uint32_t size, bool write) {
    writes_ += write;
    address_[n_] = address;
    flags_[n_] = refFlags(size, write);
    if (++n_ == kBatch) [[unlikely]]
      flush();
  }
  [[gnu::noinline]] void single(std::uint64_t address, std::uint32_t size, AccessKind kind) {
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
  std::uint64_t done_ = 0, writes_ = 0;
  std::uint64_t address_[kBatch];
  RefFlags flags_[kBatch];
};

}  // namespace cachescope
