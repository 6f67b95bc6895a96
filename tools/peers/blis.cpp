// BLIS sgemm through its typed API bli_sgemm (Debian's libblis, OpenMP
// build), threads from bli_thread_set_num_threads. A driver of tools/bench-peers.
#include <blis.h>

#include "peer_timing.hpp"

int main(int argc, char** argv) {
  peers::Args a = peers::parseArgs(argc, argv, "blis");
  if (a.op != "sgemm") {
    peers::skip("blis", a, "only sgemm");
    return 0;
  }
  bli_thread_set_num_threads(a.threads);
  const std::size_t nn = std::size_t(a.n) * a.n;
  std::vector<float> A = peers::uniformFloats(nn, 1), B = peers::uniformFloats(nn, 2), C(nn);
  float one = 1.0f, zero = 0.0f;
  const dim_t n = a.n;
  // Row-major: row stride n, column stride 1.
  peers::timeAndPrint("blis", a, "GFLOP/s", 2.0 * a.n * a.n * double(a.n), [&] {
    bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, n, n, n, &one, A.data(), n, 1, B.data(), n, 1, &zero, C.data(), n,
              1);
  }, std::string("arch=") + bli_arch_string(bli_arch_query_id()));
  return 0;
}
