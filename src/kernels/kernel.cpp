#include "kernels/kernel.hpp"

#include <algorithm>
#include <cmath>

#include "platform/splitmix.hpp"

namespace cachescope {

const char* toString(Family family) { return family == Family::Relu ? "relu" : "matmul"; }

const char* rateUnit(WorkUnit unit) {
  switch (unit) {
    case WorkUnit::IntOp: return "GOP/s";
    case WorkUnit::Byte: return "GB/s";
    case WorkUnit::Flop: break;
  }
  return "GFLOP/s";
}

const char* toString(Param param) {
  switch (param) {
    case Param::N: return "n";
    case Param::Block: return "block";
    case Param::Threads: return "threads";
    case Param::Bits: return "bits";
    case Param::Density: return "density";
  }
  return "?";
}

bool Kernel::uses(Param p) const {
  return p == Param::N || std::find(info.uses.begin(), info.uses.end(), p) != info.uses.end();
}

namespace {
// [-1, 1) from the top 24 bits: exactly representable in a float.
float uniform(SplitMix64& rng) {
  return static_cast<float>(static_cast<double>(rng.next() >> 40) / double(1ull << 24) * 2.0 - 1.0);
}
}  // namespace

Problem makeProblem(Family family, int n, std::uint64_t seed) {
  Problem p;
  p.family = family;
  p.n = n;
  std::size_t count = std::size_t(n) * std::size_t(n);
  SplitMix64 rng{seed};
  p.a = AlignedBuffer<float>(count);
  for (float& v : p.a) v = uniform(rng);
  if (family == Family::Matmul) {
    p.b = AlignedBuffer<float>(count);
    for (float& v : p.b) v = uniform(rng);
  }
  return p;
}

double problemBytes(Family family, int n) {
  double elems = double(n) * double(n);
  return (family == Family::Matmul ? 2.0 : 1.0) * elems * sizeof(float);
}

double matmulWork(const Params& p) { return 2.0 * double(p.n) * double(p.n) * double(p.n); }
double matmulExtraBytes(const Params& p) { return double(p.n) * double(p.n) * sizeof(float); }

ErrorStats compareOutputs(const std::vector<float>& out, const std::vector<float>& ref) {
  ErrorStats e;
  double diff2 = 0.0, ref2 = 0.0;
  std::size_t count = std::min(out.size(), ref.size());
  for (std::size_t i = 0; i < count; ++i) {
    double d = double(out[i]) - double(ref[i]);
    if (!std::isfinite(d)) d = INFINITY;
    e.maxAbs = std::max(e.maxAbs, std::fabs(d));
    diff2 += d * d;
    ref2 += double(ref[i]) * double(ref[i]);
  }
  if (out.size() != ref.size()) e.maxAbs = INFINITY;
  e.relative = ref2 > 0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
  return e;
}

std::vector<float> referenceMatmul(int n, const float* a, const float* b) {
  std::vector<float> c(std::size_t(n) * n);
  std::vector<double> row(n);
  for (int i = 0; i < n; ++i) {
    std::fill(row.begin(), row.end(), 0.0);
    for (int k = 0; k < n; ++k) {
      double aik = a[std::size_t(i) * n + k];
      const float* bk = b + std::size_t(k) * n;
      for (int j = 0; j < n; ++j) row[j] += aik * double(bk[j]);
    }
    for (int j = 0; j < n; ++j) c[std::size_t(i) * n + j] = static_cast<float>(row[j]);
  }
  return c;
}

std::vector<float> referenceRelu(std::size_t count, const float* x) {
  std::vector<float> y(count);
  for (std::size_t i = 0; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  return y;
}

double fp32MatmulTolerance(int n, const float* a, const float* b) {
  // |fl(sum) - sum| <= gamma_n * sum |a_ik||b_kj| <= n u * n max|a| max|b|.
  // Blocked and SIMD orders change the rounding, not this bound.
  std::size_t count = std::size_t(n) * n;
  float ma = 0, mb = 0;
  for (std::size_t i = 0; i < count; ++i) {
    ma = std::max(ma, std::fabs(a[i]));
    mb = std::max(mb, std::fabs(b[i]));
  }
  const double u = std::ldexp(1.0, -24);
  return 2.0 * n * u * double(n) * ma * mb + 1e-6;
}

MatmulPrepared::MatmulPrepared(const Problem& problem, const Params& params)
    : problem_(problem), params_(params), n_(problem.n), c_(std::size_t(problem.n) * problem.n) {}

std::vector<float> MatmulPrepared::output() const { return {c_.begin(), c_.end()}; }

std::vector<float> MatmulPrepared::expected() const {
  return referenceMatmul(n_, problem_.a.data(), problem_.b.data());
}

double MatmulPrepared::tolerance() const {
  return fp32MatmulTolerance(n_, problem_.a.data(), problem_.b.data());
}

}  // namespace cachescope
