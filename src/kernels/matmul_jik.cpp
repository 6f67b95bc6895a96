// matmul.jik: the dot-product order with the two outer loops swapped. The
// inner loop is the same as naive ijk's (A along a row, B down a column), so
// it misses as often: about one B line per step, whatever the outer order.
//
// One loop nest, two uses: `Direct` is the timed kernel, Traced<TraceSink>
// the simulator's and the animation's trace (kernels/traced.hpp).
#include "kernels/loop_nest_kernel.hpp"

namespace cachescope {

namespace {

// The code the Access view shows; the nest marks its accesses with these lines.
enum Line { kLoopJ, kLoopI, kZero, kLoopK, kUpdate, kStore };
const std::vector<std::string> kCode = {
    "for (j = 0; j < n; j++)",
    "  for (i = 0; i < n; i++) {",
    "    sum = 0;",
    "    for (k = 0; k < n; k++)",
    "      sum += A[i][k] * B[k][j];",
    "    C[i][j] = sum;",
};

// Per (j,i,k): load A[i][k], load B[k][j]; per (j,i): store C[i][j].
template <class TSum, class Acc, class TIn, class TOut>
void loop(Acc& acc, int n, const TIn* A, std::size_t lda, const TIn* B, std::size_t ldb, TOut* C, std::size_t ldc) {
  for (int j = 0; j < n; ++j) {
    acc.outer(j);
    for (int i = 0; i < n; ++i) {
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

Kernel makeMatmulJik() {
  KernelInfo info;
  info.id = "matmul.jik";
  info.title = "Loop order jik";
  info.teaches =
      "Like ijk, the inner loop is a dot product: a row of A (one miss per line) against a column "
      "of B (a new line every step). Swapping the two outer loops changes nothing that matters: "
      "about 1 + 1/L misses per inner iteration, L elements per line.";
  info.traceNote =
      "per (j,i,k): load A[i][k], load B[k][j]; per (j,i): store C[i][j]";
  MatmulTraceInfo t;
  t.code = kCode;
  t.references = [](const TraceShape& s) {
    const std::uint64_t n = std::uint64_t(s.n);
    return 2 * n * n * n + n * n;
  };
  return loopNestKernel(info, t, [](auto& acc, auto sum, const auto& m) {
    loop<decltype(sum)>(acc, m.n, m.a, m.ld, m.b, m.ld, m.c, m.ld);
  });
}

}  // namespace cachescope
