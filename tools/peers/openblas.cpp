// OpenBLAS sgemm (Debian's libopenblas, pthread build): row-major C = A B,
// threads from openblas_set_num_threads. A driver of tools/bench-peers.
#include <cblas.h>

#include "peer_timing.hpp"

int main(int argc, char** argv) {
  peers::Args a = peers::parseArgs(argc, argv, "openblas");
  if (a.op != "sgemm") {
    peers::skip("openblas", a, "only sgemm");
    return 0;
  }
  openblas_set_num_threads(a.threads);
  const std::size_t nn = std::size_t(a.n) * a.n;
  std::vector<float> A = peers::uniformFloats(nn, 1), B = peers::uniformFloats(nn, 2), C(nn);
  peers::timeAndPrint("openblas", a, "GFLOP/s", 2.0 * a.n * a.n * double(a.n), [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, a.n, a.n, a.n, 1.0f, A.data(), a.n, B.data(), a.n, 0.0f,
                C.data(), a.n);
  }, std::string("core=") + openblas_get_corename());
  return 0;
}
