// Which kernels OpenBLAS, the reference library, runs on this CPU.
//
// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels once, when
// the library loads, from the CPU's model number, or from OPENBLAS_CORETYPE.
// A CPU newer than the library falls back to a core without AVX: on a Xeon
// of family 6, model 207, Debian bookworm's 0.3.21 chose "Prescott", and
// matmul.blas ran 22.7 GFLOP/s at n = 1024 where OPENBLAS_CORETYPE=SkylakeX
// gave 146 (our packed kernel: 131). A reference that slow would teach a
// falsehood, so the executable asks for the core this CPU can run instead
// (reexecWithBlasCore, from main) and matmul.blas says so in its path.
#pragma once

#include <optional>
#include <string>

namespace cachescope {

// One of OpenBLAS's cores with AVX2 (or AVX-512) kernels, by its name as
// openblas_get_corename() gives it (any case).
bool blasCoreHasAvx2Kernels(const std::string& core);

// The core type to ask OpenBLAS for: when OPENBLAS_CORETYPE is unset and
// OpenBLAS chose a core without AVX2 on a CPU that has AVX-512 ("SkylakeX")
// or AVX2 with FMA ("Haswell"). Otherwise none: a choice OpenBLAS knows, or
// one the user (or the machine's set-up) made, stands.
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
