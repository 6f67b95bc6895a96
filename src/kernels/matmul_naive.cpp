// matmul.naive: the textbook ijk triple loop with the dot product accumulated
// in a register. Its inner loop walks B down a column: one new cache line per
// step, a stride of n floats. The baseline of the ladder.
//
// One loop nest, two uses: `Direct` is the timed kernel, Traced<TraceSink>
// the simulator's and the animation's trace (kernels/traced.hpp).
#include "kernels/loop_nest_kernel.hpp"

namespace cachescope {

namespace {

// The code the Access view shows; the nest marks its accesses with these lines.
enum Line { kLoopI, kLoopJ, kZero, kLoopK, kUpdate, kStore };
const std::vector<std::string> kCode = {
    "for (i = 0; i < n; i++)",
    "  for (j = 0; j < n; j++) {",
    "    sum = 0;",
    "    for (k = 0; k < n; k++)",
    "      sum += A[i][k] * B[k][j];",
    "    C[i][j] = sum;",
};

// Per (i,j,k): load A[i][k], load B[k][j]; per (i,j): store C[i][j].
template <class TSum, class Acc, class TIn, class TOut>
void naiveLoop(Acc& acc, int n, const TIn* A, std::size_t lda, const TIn* B, std::size_t ldb, TOut* C,
               std::size_t ldc) {
  for (int i = 0; i < n; ++i) {
    acc.outer(i);
    for (int j = 0; j < n; ++j) {
      TSum sum = 0;
      acc.line(kUpdate);
      for (int k = 0; k < n; ++k) {
        acc.point(i, j, k);
        sum += TSum(acc.load(&A[i * lda + k])) * TSum(acc.load(&B[k * ldb + j]));
      }
      acc.line(kStore);
      acc.store(&C[i * ldc + j], sum);
      acc.poll(n);  // n steps done: a cancellation point (access.hpp)
    }
  }
}

}  // namespace

Kernel makeMatmulNaive() {
  KernelInfo info;
  info.id = "matmul.naive";
  info.title = "Naive ijk";
  info.teaches =
      "The textbook triple loop. The inner loop reads B down a column: every step touches a new "
      "cache line, so for large n almost every load of B misses.";
  info.traceNote =
      "per (i,j,k): load A[i][k], load B[k][j]; per (i,j): store C[i][j]";
  MatmulTraceInfo t;
  t.code = kCode;
  t.references = [](const TraceShape& s) {
    const std::uint64_t n = std::uint64_t(s.n);
    return 2 * n * n * n + n * n;
  };
  return loopNestKernel(info, t, [](auto& acc, auto sum, const auto& m) {
    naiveLoop<decltype(sum)>(acc, m.n, m.a, m.ld, m.b, m.ld, m.c, m.ld);
  });
}

}  // namespace cachescope
