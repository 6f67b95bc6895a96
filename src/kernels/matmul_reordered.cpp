// matmul.reordered: the same arithmetic in ikj order. The inner loop now runs
// along rows of B and C (unit stride), so every loaded line is used fully and
// the compiler can vectorise it.
//
// One loop nest, two uses: `Direct` is the timed kernel, Traced<TraceSink>
// the simulator's and the animation's trace (kernels/traced.hpp).
#include "kernels/loop_nest_kernel.hpp"

namespace cachescope {

namespace {

enum Line { kLoopI, kZero, kLoopK, kLoadA, kLoopJ, kUpdate };
const std::vector<std::string> kCode = {
    "for (i = 0; i < n; i++) {",
    "  for (j = 0; j < n; j++) C[i][j] = 0;",
    "  for (k = 0; k < n; k++) {",
    "    a = A[i][k];",
    "    for (j = 0; j < n; j++)",
    "      C[i][j] += a * B[k][j];",
};

// Per (i,j): store C[i][j] = 0; per (i,k): load A[i][k]; per (i,k,j): load
// B[k][j], load C[i][j], store C[i][j].
template <class TSum, class Acc, class TIn, class TOut>
void reorderedLoop(Acc& acc, int n, const TIn* __restrict A, std::size_t lda, const TIn* __restrict B,
                   std::size_t ldb, TOut* __restrict C, std::size_t ldc) {
  for (int i = 0; i < n; ++i) {
    acc.outer(i);
    acc.line(kZero);
    for (int j = 0; j < n; ++j) acc.store(&C[i * ldc + j], TSum(0));
    for (int k = 0; k < n; ++k) {
      acc.line(kLoadA);
      const TSum a = TSum(acc.load(&A[i * lda + k]));
      acc.line(kUpdate);
      for (int j = 0; j < n; ++j) {
        acc.point(i, j, k);
        acc.store(&C[i * ldc + j], TSum(acc.load(&C[i * ldc + j])) + a * TSum(acc.load(&B[k * ldb + j])));
      }
    }
    // n^2 steps done: a cancellation point (access.hpp). Per row of the
    // middle loop it would keep GCC from unrolling and jamming the k loop.
    acc.poll(std::int64_t(n) * n);
  }
}

}  // namespace

Kernel makeMatmulReordered() {
  KernelInfo info;
  info.id = "matmul.reordered";
  info.title = "Loop reordering (ikj)";
  info.teaches =
      "Swapping the j and k loops makes the inner loop walk rows of B and C with unit stride: each "
      "cache line brought in is used for 16 floats, and the loop vectorises.";
  info.traceNote =
      "per (i,j): store C[i][j]=0; per (i,k): load A[i][k]; per (i,k,j): load B[k][j], load C[i][j], "
      "store C[i][j]";
  MatmulTraceInfo t;
  t.code = kCode;
  t.references = [](const TraceShape& s) {
    const std::uint64_t n = std::uint64_t(s.n);
    return 3 * n * n * n + 2 * n * n;
  };
  return loopNestKernel(info, t, [](auto& acc, auto sum, const auto& m) {
    reorderedLoop<decltype(sum)>(acc, m.n, m.a, m.ld, m.b, m.ld, m.c, m.ld);
  });
}

}  // namespace cachescope
