// matmul.jki: the column-update order. The inner loop walks columns of A and
// C: a new line for each of them every step, the worst of the six orders.
//
// One loop nest, two uses: `Direct` is the timed kernel, Traced<TraceSink>
// the simulator's and the animation's trace (kernels/traced.hpp).
#include <algorithm>

#include "kernels/loop_nest_kernel.hpp"

namespace cachescope {

namespace {

// The code the Access view shows; the nest marks its accesses with these lines.
enum Line { kZero, kLoopJ, kLoopK, kLoadB, kLoopI, kUpdate };
const std::vector<std::string> kCode = {
    "C = 0;",
    "for (j = 0; j < n; j++)",
    "  for (k = 0; k < n; k++) {",
    "    b = B[k][j];",
    "    for (i = 0; i < n; i++)",
    "      C[i][j] += A[i][k] * b;",
};

// Per (i,j): store C[i][j] = 0; per (j,k): load B[k][j]; per (j,k,i): load
// A[i][k], load C[i][j], store C[i][j].
template <class TSum, class Acc, class TIn, class TOut>
void loop(Acc& acc, int n, const TIn* __restrict A, std::size_t lda, const TIn* __restrict B, std::size_t ldb,
          TOut* __restrict C, std::size_t ldc) {
  acc.line(kZero);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) acc.store(&C[i * ldc + j], TSum(0));
  for (int j = 0; j < n; ++j) {
    acc.outer(j);
    // k in runs of 64 with a cancellation point (access.hpp) after each:
    // the run itself stays a perfect nest, which GCC unrolls and jams (a
    // poll per k would cost that; one per j is seconds apart at n = 4096).
    for (int k0 = 0; k0 < n; k0 += 64) {
      const int k1 = std::min(n, k0 + 64);
      for (int k = k0; k < k1; ++k) {
        acc.line(kLoadB);
        const TSum b = TSum(acc.load(&B[k * ldb + j]));
        acc.line(kUpdate);
        for (int i = 0; i < n; ++i) {
          acc.point(i, j, k);
          acc.store(&C[i * ldc + j], TSum(acc.load(&C[i * ldc + j])) + TSum(acc.load(&A[i * lda + k])) * b);
        }
      }
      acc.poll(std::int64_t(k1 - k0) * n);
    }
  }
}

}  // namespace

Kernel makeMatmulJki() {
  KernelInfo info;
  info.id = "matmul.jki";
  info.title = "Loop order jki";
  info.teaches =
      "The inner loop adds a multiple of a column of A into a column of C: both walked down a "
      "column, a new cache line for each every step: about 2 misses per inner iteration, the worst "
      "of the six loop orders.";
  info.traceNote =
      "per (i,j): store C[i][j]=0; per (j,k): load B[k][j]; per (j,k,i): load A[i][k], load C[i][j], store C[i][j]";
  MatmulTraceInfo t;
  t.code = kCode;
  t.references = [](const TraceShape& s) {
    const std::uint64_t n = std::uint64_t(s.n);
    return 3 * n * n * n + 2 * n * n;
  };
  return loopNestKernel(info, t, [](auto& acc, auto sum, const auto& m) {
    loop<decltype(sum)>(acc, m.n, m.a, m.ld, m.b, m.ld, m.c, m.ld);
  });
}

}  // namespace cachescope
