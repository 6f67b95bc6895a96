// Eigen 3.4 sgemm: row-major float matrices, C.noalias() = A * B. Built with
// -fopenmp so that Eigen::setNbThreads(threads) is honoured exactly (1 runs
// its serial product). A driver of tools/bench-peers.
#include <omp.h>

#include <Eigen/Dense>

#include "peer_timing.hpp"

// The widest vector ISA Eigen compiled its kernels for (its own macros).
#if defined(EIGEN_VECTORIZE_AVX512)
constexpr const char* kEigenIsa = "avx512";
#elif defined(EIGEN_VECTORIZE_AVX2)
constexpr const char* kEigenIsa = "avx2";
#elif defined(EIGEN_VECTORIZE_AVX)
constexpr const char* kEigenIsa = "avx";
#else
constexpr const char* kEigenIsa = "sse";
#endif
#if defined(EIGEN_VECTORIZE_FMA)
const std::string kEigenSimd = std::string(kEigenIsa) + "+fma";
#else
const std::string kEigenSimd = kEigenIsa;
#endif

int main(int argc, char** argv) {
  peers::Args a = peers::parseArgs(argc, argv, "eigen");
  if (a.op != "sgemm") {
    peers::skip("eigen", a, "only sgemm");
    return 0;
  }
  omp_set_num_threads(a.threads);
  Eigen::setNbThreads(a.threads);
  using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const std::size_t nn = std::size_t(a.n) * a.n;
  std::vector<float> av = peers::uniformFloats(nn, 1), bv = peers::uniformFloats(nn, 2);
  M A = Eigen::Map<M>(av.data(), a.n, a.n), B = Eigen::Map<M>(bv.data(), a.n, a.n), C(a.n, a.n);
  peers::timeAndPrint("eigen", a, "GFLOP/s", 2.0 * a.n * a.n * double(a.n), [&] { C.noalias() = A * B; },
                      kEigenSimd);
  return 0;
}
