// matmul.kji: the column-update order with k outermost. Like jki, the inner
// loop walks columns of A and C: about two new lines every step.
//
// One loop nest, two uses: `Direct` is the timed kernel, Traced<TraceSink>
// the simulator's and the animation's trace (kernels/traced.hpp).
#include "kernels/loop_nest_kernel.hpp"

namespace cachescope {

namespace {

// The code the Access view shows; the nest marks its accesses with these lines.
enum Line { kZero, kLoopK, kLoopJ, kLoadB, kLoopI, kUpdate };
const std::vector<std::string> kCode = {
    "C = 0;",
    "for (k = 0; k < n; k++)",
    "  for (j = 0; j < n; j++) {",
    "    b = B[k][j];",
    "    for (i = 0; i < n; i++)",
    "      C[i][j] += A[i][k] * b;",
};

// Per (i,j): store C[i][j] = 0; per (k,j): load B[k][j]; per (k,j,i): load
// A[i][k], load C[i][j], store C[i][j].
template <class TSum, class Acc, class TIn, class TOut>
void loop(Acc& acc, int n, const TIn* __restrict A, std::size_t lda, const TIn* __restrict B, std::size_t ldb,
          TOut* __restrict C, std::size_t ldc) {
  acc.line(kZero);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) acc.store(&C[i * ldc + j], TSum(0));
  for (int k = 0; k < n; ++k) {
    acc.outer(k);
    for (int j = 0; j < n; ++j) {
      acc.line(kLoadB);
      const TSum b = TSum(acc.load(&B[k * ldb + j]));
      acc.line(kUpdate);
      for (int i = 0; i < n; ++i) {
        acc.point(i, j, k);
        acc.store(&C[i * ldc + j], TSum(acc.load(&C[i * ldc + j])) + TSum(acc.load(&A[i * lda + k])) * b);
      }
      acc.poll(n);  // n steps done: a cancellation point (access.hpp)
    }
  }
}

}  // namespace

Kernel makeMatmulKji() {
  KernelInfo info;
  info.id = "matmul.kji";
  info.title = "Loop order kji";
  info.teaches =
      "Like jki, the inner loop walks a column of A and a column of C: about 2 misses per "
      "inner iteration. With k outermost, every pass also sweeps all of C.";
  info.traceNote =
      "per (i,j): store C[i][j]=0; per (k,j): load B[k][j]; per (k,j,i): load A[i][k], load C[i][j], store C[i][j]";
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
