#include "kernels/registry.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace cachescope {

// Each kernel file defines one of these. Keep the order of the teaching
// ladder: it is the order of `cachescope list` and of the GUI.
Kernel makeMatmulNaive();
Kernel makeMatmulReordered();
// [SECTION] the other four loop orders of the triple loop
Kernel makeMatmulJik();
Kernel makeMatmulKij();
Kernel makeMatmulJki();
Kernel makeMatmulKji();
Kernel makeMatmulBlocked();
// [SECTION] simd/packed/parallel kernels
Kernel makeMatmulSimd();
Kernel makeMatmulPacked();
Kernel makeMatmulParallel();
Kernel makeMatmulBf16();
// [SECTION] quantized/sparse kernels
Kernel makeMatmulInt8();
Kernel makeMatmulInt4();
Kernel makeMatmulSparse();
Kernel makeMatmulBlas();
Kernel makeMatmulAuto();
// [SECTION] relu kernels
Kernel makeReluNaive();
Kernel makeReluSimd();
Kernel makeReluParallel();
Kernel makeReluInt8();

namespace {
std::size_t& builtinCount() {
  static std::size_t count = 0;
  return count;
}

std::vector<Kernel>& registered() {
  static std::vector<Kernel> all = [] {
    std::vector<Kernel> v;
    v.push_back(makeMatmulNaive());
    v.push_back(makeMatmulReordered());
    // [SECTION] the other four loop orders of the triple loop
    v.push_back(makeMatmulJik());
    v.push_back(makeMatmulKij());
    v.push_back(makeMatmulJki());
    v.push_back(makeMatmulKji());
    v.push_back(makeMatmulBlocked());
    // [SECTION] simd/packed/parallel kernels
    v.push_back(makeMatmulSimd());
    v.push_back(makeMatmulPacked());
    v.push_back(makeMatmulParallel());
    v.push_back(makeMatmulBf16());
    // [SECTION] quantized/sparse kernels
    v.push_back(makeMatmulInt8());
    v.push_back(makeMatmulInt4());
    v.push_back(makeMatmulSparse());
    v.push_back(makeMatmulBlas());
    v.push_back(makeMatmulAuto());
    // [SECTION] relu kernels
    v.push_back(makeReluNaive());
    v.push_back(makeReluSimd());
    v.push_back(makeReluParallel());
    v.push_back(makeReluInt8());
    // Room for the kernels registered at run time, so that adding one never
    // reallocates (and never moves a Kernel someone points to).
    builtinCount() = v.size();
    v.reserve(v.size() + kMaxRuntimeKernels);
    return v;
  }();
  return all;
}
}  // namespace

const std::vector<Kernel>& kernels() { return registered(); }

std::size_t builtinKernelCount() {
  registered();
  return builtinCount();
}

const Kernel& registerKernel(Kernel kernel) {
  std::vector<Kernel>& all = registered();
  if (findKernel(kernel.info.id)) throw std::invalid_argument("a kernel '" + kernel.info.id + "' is already loaded");
  if (all.size() == all.capacity())
    throw std::length_error("at most " + std::to_string(kMaxRuntimeKernels) + " kernels can be loaded at run time");
  all.push_back(std::move(kernel));
  return all.back();
}

const KernelRoles& kernelRoles() {
  static const KernelRoles roles = [] {
    KernelRoles r;
    r.selection = {"matmul.naive", "matmul.blocked", "matmul.blas"};
    r.baseline = "matmul.naive";
    r.library = "matmul.blas";
    r.comparePair = {"matmul.naive", "matmul.blocked"};
    r.blockSweep = "matmul.blocked";
    r.threads = "matmul.parallel";
    r.roofline = {"matmul.naive",  "matmul.reordered", "matmul.blocked", "matmul.simd",
                  "matmul.packed", "matmul.parallel",  "matmul.blas"};
    r.dispatcher = "matmul.auto";
    r.precision = {{32, "matmul.packed"}, {16, "matmul.bf16"}, {8, "matmul.int8"}, {4, "matmul.int4"}};
    return r;
  }();
  return roles;
}

std::string KernelRoles::precisionKernel(int bits) const {
  for (const auto& [b, id] : precision)
    if (b == bits) return id;
  return "";
}

const Kernel* findKernel(const std::string& id) {
  for (const Kernel& k : kernels())
    if (k.info.id == id) return &k;
  return nullptr;
}

namespace {
std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string nearestKernelId(const std::string& id) {
  std::string best;
  std::size_t bestDist = std::numeric_limits<std::size_t>::max();
  for (const Kernel& k : kernels()) {
    // A bare variant name ("blocked") should find "matmul.blocked".
    std::size_t d = editDistance(id, k.info.id);
    auto dot = k.info.id.find('.');
    if (dot != std::string::npos) d = std::min(d, editDistance(id, k.info.id.substr(dot + 1)) + 1);
    if (d < bestDist) {
      bestDist = d;
      best = k.info.id;
    }
  }
  return best;
}

}  // namespace cachescope
