// The traceable ReLU loop nest: y = max(x, 0) over a rows x cols matrix,
// row-major with leading dimensions. Written once over an access policy
// (access.hpp): `Direct` for the timed relu.naive (fp32) and relu.int8 (int8),
// Traced<TraceSink> for the simulator and the animation (reluTrace below).
//
// Loads and stores it emits: per (i, j): load x[i][j], store y[i][j];
// point(i, j, 0) before each element, outer(i) before each row.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kernels/access.hpp"
#include "kernels/matmul_trace.hpp"
#include "kernels/traced.hpp"

namespace cachescope {

namespace relu_detail {
enum Line { kLoopI, kLoopJ, kUpdate };
inline const std::vector<std::string> kCode = {
    "for (i = 0; i < n; i++)",
    "  for (j = 0; j < n; j++)",
    "    y[i][j] = max(x[i][j], 0);",
};
}  // namespace relu_detail

template <class Acc, class T>
void reluLoop(Acc& acc, int rows, int cols, const T* __restrict x, std::size_t ldx, T* __restrict y, std::size_t ldy) {
  acc.line(relu_detail::kUpdate);
  for (int i = 0; i < rows; ++i) {
    acc.outer(i);
    for (int j = 0; j < cols; ++j) {
      acc.point(i, j, 0);
      const T v = acc.load(&x[i * ldx + j]);
      acc.store(&y[i * ldy + j], v > T(0) ? v : T(0));
    }
    acc.poll(cols);  // a cancellation point (access.hpp)
  }
}

namespace relu_detail {

// x and y of one traced run, in one arena (x first), n x (n + pad).
template <class T>
class ReluTraceRun final : public TraceRun {
 public:
  explicit ReluTraceRun(const TraceShape& s) : n_(s.n), ld_(std::size_t(s.n) + std::size_t(std::max(0, s.ldPad))) {
    const std::size_t count = std::size_t(n_) * ld_;
    const std::size_t ox = arena_.reserve(count * sizeof(T)), oy = arena_.reserve(count * sizeof(T));
    arena_.allocate();
    x_ = arena_.at<T>(ox);
    y_ = arena_.at<T>(oy);
    for (std::size_t i = 0; i < count; ++i) x_[i] = T(int(i % 17) - 8);  // both signs: ReLU has work to do
    buffers_ = {traceBuffer("x", "x", x_, n_, n_, ld_, sizeof(T)), traceBuffer("y", "y", y_, n_, n_, ld_, sizeof(T))};
  }
  void run(TraceSink& sink) override {
    Traced<TraceSink> acc(sink);
    reluLoop(acc, n_, n_, x_, ld_, y_, ld_);
  }

 private:
  int n_;
  std::size_t ld_;
  TraceArena arena_;
  T* x_ = nullptr;
  T* y_ = nullptr;
};

}  // namespace relu_detail

// The trace of reluLoop on elements of type T (bits: 8 * sizeof(T)).
template <class T>
TraceDescription reluTrace(std::string note) {
  TraceDescription d;
  d.note = std::move(note);
  d.code = relu_detail::kCode;
  d.bits = {int(8 * sizeof(T))};
  d.elements = [](const TraceShape&) {
    return sizeof(T) == 4 ? std::string("fp32 x and y (4 bytes each)") : std::string("int8 x and y (1 byte each)");
  };
  d.references = [](const TraceShape& s) { return 2 * std::uint64_t(s.n) * std::uint64_t(s.n); };
  d.outerCount = [](const TraceShape& s) { return s.n; };
  d.bytes = [](const TraceShape& s) { return 2.0 * s.n * (s.n + std::max(0, s.ldPad)) * sizeof(T); };
  d.prepare = [](const TraceShape& s) -> std::unique_ptr<TraceRun> {
    return std::make_unique<relu_detail::ReluTraceRun<T>>(s);
  };
  return d;
}

}  // namespace cachescope
