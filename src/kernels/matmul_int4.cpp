// matmul.int4: two 4-bit values per byte, unpacked inside the kernel.
#include <stdexcept>
#include <string>

#include "kernels/quantized_matmul.hpp"

namespace cachescope {

Kernel makeMatmulInt4() {
  Kernel k;
  k.info.id = "matmul.int4";
  k.info.family = Family::Matmul;
  k.info.title = "int4 quantized (packed nibbles)";
  k.info.teaches =
      "The same symmetric scheme as int8 (scale per row of A, per column of B) with qmax = 7, and two "
      "values per byte: half of int8's memory, at 4-bit precision. The CPU has no 4-bit multiply, so the "
      "kernel unpacks each kc x nr panel of B (and each block of A) to int8 right before the int8 "
      "micro-kernel uses it. prepare() quantizes and packs; the timed run unpacks, multiplies, dequantizes. "
      "With threads > 1, bands of C rows are shared out to that many cores.";
  k.info.uses = {Param::Bits, Param::Threads};
  k.info.bits = {4};
  k.info.traceNote = "packed SIMD micro-kernel after nibble unpacking: its accesses are not traced";
  k.info.unit = WorkUnit::IntOp;
  k.info.quantized = true;
  k.prepare = [](const Problem& p, const Params& q) -> std::unique_ptr<Prepared> {
    if (q.bits != 4) throw std::invalid_argument("matmul.int4 takes bits 4 only, not " + std::to_string(q.bits));
    return std::make_unique<QuantizedMatmulPrepared>(p, q, 4, IntStorage::Int4);
  };
  k.work = matmulWork;
  k.footprint = [](const Params& p, std::optional<std::size_t>) { return quantizedMatmulFootprint(p, 0.5); };
  k.extraBytes = [](const Params& p) {
    return matmulExtraBytes(p) + IntGemm::extraBytes(p.n, IntStorage::Int4, p.threads) + 3.0 * p.n * p.n;  // + quantize temps
  };
  return k;
}

}  // namespace cachescope
