// matmul.int8: symmetric int8 quantization, int32 accumulation, fp32 result.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/quantized_matmul.hpp"

namespace cachescope {

Kernel makeMatmulInt8() {
  Kernel k;
  k.info.id = "matmul.int8";
  k.info.family = Family::Matmul;
  k.info.title = "int8 quantized (AMX / VNNI / AVX2)";
  k.info.teaches =
      "Quantize A with one scale per row and B with one scale per column (symmetric, round to nearest, "
      "q in [-qmax, qmax]), multiply the integers with int32 accumulation, then scale back to fp32. "
      "A byte is a quarter of a float: one vpdpbusd does 64 multiply-adds, one AMX tdpbssd 16384 (16 x 16 "
      "int32 sums over 64 k, on CPUs with AMX). prepare() quantizes both "
      "operands and packs B (untimed, like weights quantized offline); the timed run packs A, multiplies "
      "and dequantizes. bits=4 keeps the 4-bit value range in int8 bytes: int4's error at int8's memory. "
      "With threads > 1, bands of C rows are shared out to that many cores.";
  k.info.uses = {Param::Bits, Param::Threads};
  k.info.bits = {8, 4};
  k.info.traceNote = "packed SIMD micro-kernel (AMX tiles / vpdpbusd / pmaddubsw): its accesses are not traced";
  k.info.unit = WorkUnit::IntOp;
  k.info.quantized = true;
  k.prepare = [](const Problem& p, const Params& q) -> std::unique_ptr<Prepared> {
    if (q.bits != 8 && q.bits != 4)
      throw std::invalid_argument("matmul.int8 takes bits 8 or 4, not " + std::to_string(q.bits));
    return std::make_unique<QuantizedMatmulPrepared>(p, q, q.bits, IntStorage::Int8);
  };
  k.work = matmulWork;
  k.footprint = [](const Params& p, std::optional<std::size_t>) { return quantizedMatmulFootprint(p, 1.0); };
  k.extraBytes = [](const Params& p) {
    return matmulExtraBytes(p) + IntGemm::extraBytes(p.n, IntStorage::Int8, p.threads) + 3.0 * p.n * p.n;  // + quantize temps
  };
  return k;
}

}  // namespace cachescope
