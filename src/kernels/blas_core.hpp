// Which kernels OpenBLAS, the reference library, runs on this CPU.
//
// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels once, when
// the library loads, from the CPU's model number, or from OPENBLAS_CORETYPE.
// A CPU newer than the library falls back to an older core: on a Xeon of
// family 6, model 207, Debian bookworm's 0.3.21 chose "Prescott" (no AVX),
// and matmul.blas ran 22.7 GFLOP/s at n = 1024 where OPENBLAS_CORETYPE=SkylakeX
// gave 146 (our packed kernel: 131); on a Zen 5 EPYC it chose Cooperlake
// itself. A reference that slow would teach a falsehood, so the executable
// asks for the widest core this CPU can run where OpenBLAS chose a narrower
// one (reexecWithBlasCore, from main) and matmul.blas says so in its path;
// it also says when OPENBLAS_CORETYPE, which it keeps, names a narrower one
// (Haswell on that EPYC: 86 GFLOP/s where SkylakeX gave 155).
#pragma once

#include <optional>
#include <string>

#include "platform/host.hpp"

namespace cachescope {

// The widest vectors the kernels of one of OpenBLAS's cores use, by its
// name as openblas_get_corename() gives it (any case): Avx512 for SkylakeX,
// Cooperlake and SapphireRapids, Avx2 for Haswell, Zen and Excavator,
// Scalar (SSE at most) for the rest.
SimdLevel blasCoreSimd(const std::string& core);

// The core type to ask OpenBLAS for: when OPENBLAS_CORETYPE is unset and
// OpenBLAS chose a core with narrower kernels than the CPU runs, "SkylakeX"
// on a CPU with AVX-512, "Haswell" on one with AVX2 and FMA. Otherwise
// none: a choice that fits the CPU, or one the user (or the machine's
// set-up) made, stands.
std::optional<std::string> blasCoreToRequest();

// The core OpenBLAS chose itself before cachescope asked for another
// (recorded in CACHESCOPE_BLAS_DETECTED by reexecWithBlasCore), or empty.
std::string blasCoreDetected();

// When blasCoreToRequest() names a core: sets OPENBLAS_CORETYPE to it (and
// CACHESCOPE_BLAS_DETECTED to OpenBLAS's own choice) and runs this program
// again (the file /proc/self/exe names) with the same arguments, before anything else
// started. Returns only when there is nothing to do or the exec failed (then
// the run goes on with OpenBLAS's choice, which matmul.blas's path names).
void reexecWithBlasCore(char** argv);

}  // namespace cachescope
