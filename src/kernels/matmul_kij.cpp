// matmul.kij: the row-update order with k outermost. Like ikj, the inner loop
// walks rows of B and C with unit stride: few misses per step; each k pass
// sweeps all of C.
//
// One loop nest, two uses: `Direct` is the timed kernel, Traced<TraceSink>
// the simulator's and the animation's trace (kernels/traced.hpp).
#include "kernels/loop_nest_kernel.hpp"

namespace cachescope {

namespace {

// The code the Access view shows; the nest marks its accesses with these lines.
enum Line { kZero, kLoopK, kLoopI, kLoadA, kLoopJ, kUpdate };
const std::vector<std::string> kCode = {
    "C = 0;",
    "for (k = 0; k < n; k++)",
    "  for (i = 0; i < n; i++) {",
    "    a = A[i][k];",
    "    for (j = 0; j < n; j++)",
    "      C[i][j] += a * B[k][j];",
};

// Per (i,j): store C[i][j] = 0; per (k,i): load A[i][k]; per (k,i,j): load
// B[k][j], load C[i][j], store C[i][j].
template <class TSum, class Acc, class TIn, class TOut>
void loop(Acc& acc, int n, const TIn* __restrict A, std::size_t lda, const TIn* __restrict B, std::size_t ldb,
          TOut* __restrict C, std::size_t ldc) {
  acc.line(kZero);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) acc.store(&C[i * ldc + j], TSum(0));
  for (int k = 0; k < n; ++k) {
    acc.outer(k);
    for (int i = 0; i < n; ++i) {
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

Kernel makeMatmulKij() {
  KernelInfo info;
  info.id = "matmul.kij";
  info.title = "Loop order kij";
  info.teaches =
      "Like ikj, the inner loop adds a multiple of a row of B into a row of C: both walked with "
      "unit stride, about 2/L misses per inner iteration (L elements per line). With k outermost every "
      "pass streams all of C once more.";
  info.traceNote =
      "per (i,j): store C[i][j]=0; per (k,i): load A[i][k]; per (k,i,j): load B[k][j], load C[i][j], store C[i][j]";
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
