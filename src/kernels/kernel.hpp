// The kernel interface. Every kernel of the family (shared/design.md section 3)
// is one file that defines a `Kernel` and registers it in registry.cpp.
//
// Life of a benchmark: the runner builds a `Problem` (deterministic inputs),
// asks the kernel to `prepare` it for some `Params` (allocation, packing of
// constant operands, quantization, CSR building: everything that is not the
// operation itself), then times `Prepared::run()` repeatedly. After the runs,
// `output()` is compared with `expected()`.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernels/traced.hpp"
#include "platform/aligned_buffer.hpp"

namespace cachescope {

enum class Family { Matmul, Relu };

const char* toString(Family family);

// What a kernel's `work` counts: GFLOP/s, GOP/s (integer kernels) or GB/s.
enum class WorkUnit { Flop, IntOp, Byte };

const char* rateUnit(WorkUnit unit);  // "GFLOP/s", "GOP/s", "GB/s"

// The parameters a kernel may use. A kernel lists the ones it reads in
// `KernelInfo::uses`; the others are ignored (and not swept by `bench`).
enum class Param { N, Block, Threads, Bits, Density };

const char* toString(Param param);

// The widths `bits` takes where kernels are run (bench --bits, --set bits=,
// lecture steps): 32 (fp32), 16 (bf16), 8 and 4 (integers). Which kernel
// takes which is KernelInfo::bits.
inline bool isRunBits(int bits) { return bits == 32 || bits == 16 || bits == 8 || bits == 4; }
inline constexpr const char* kRunBitsText = "32, 16, 8 or 4";

struct Params {
  int n = 256;           // matmul: n x n times n x n; relu: n x n elements
  int block = 64;        // tile edge for matmul.blocked
  int threads = 1;       // size of the task_arena the kernel runs in
  int bits = 32;         // number width (32 = fp32, 16 = bf16, 8 / 4 = quantized ints)
  double density = 1.0;  // share of nonzeros kept in A (matmul.sparse)
};

// Inputs shared by all kernels of a family, deterministic from the seed:
// values uniform in [-1, 1). Matmul: A and B, n x n row-major. Relu: `a` only.
struct Problem {
  Family family = Family::Matmul;
  int n = 0;
  AlignedBuffer<float> a;
  AlignedBuffer<float> b;
};

Problem makeProblem(Family family, int n, std::uint64_t seed = 0x5eed);

// Error of a result against the fp32 reference.
struct ErrorStats {
  double maxAbs = 0.0;    // max |out - ref|
  double relative = 0.0;  // ||out - ref||_2 / ||ref||_2
};

ErrorStats compareOutputs(const std::vector<float>& out, const std::vector<float>& ref);

// What a kernel that dispatches to another one ran, and why (the
// dispatching kernel's Prepared::choice()).
struct KernelChoice {
  std::string kernel;  // the id of the kernel that runs
  std::string reason;  // one line: "tuned at n=512 threads=1 (dispatch.json)", "heuristic: ..."
};

class Prepared {
 public:
  virtual ~Prepared() = default;
  // The timed region. Runs inside the caller's tbb::task_arena; must not
  // allocate.
  virtual void run() = 0;
  // The result of the last run as fp32 (dequantized where quantized).
  virtual std::vector<float> output() const = 0;
  // What `output()` should be: the plain reference on this kernel's inputs
  // (for matmul.sparse, on the pruned A).
  virtual std::vector<float> expected() const = 0;
  // Largest |output - expected| that is still correct for this kernel and
  // these inputs (fp32 rounding, or the bound a quantization width implies).
  virtual double tolerance() const = 0;
  // Entries of A the kernel stores when it keeps only some of them
  // (matmul.sparse: the nonzeros left after pruning); nullopt for a dense A.
  // The runner counts a sparse run's work from it (2 nnz n).
  virtual std::optional<std::size_t> storedNonzeros() const { return std::nullopt; }
  // The duration of the last run() as measured where it ran, for a kernel
  // that runs elsewhere (a user kernel, in its child process): the runner
  // takes it instead of its own clock, which would add the round trip.
  virtual std::optional<double> selfTimedSeconds() const { return std::nullopt; }
  // The instruction-set path this preparation runs, as chosen at run time
  // from activeSimd() and the host: "avx512", "avx2", "avx512-vnni",
  // "scalar" for a kernel with hand-written paths; "none" for plain C++
  // (whatever the compiler made of it for the build's target); a library
  // kernel names the library's own choice. Reports record it per result.
  virtual std::string simdPath() const { return "none"; }
  // For a kernel that dispatches to another: which one runs, and why.
  virtual std::optional<KernelChoice> choice() const { return std::nullopt; }
};

struct KernelInfo {
  std::string id;          // stable: "matmul.blocked"
  Family family = Family::Matmul;
  std::string title;       // "Cache-blocked (tiled)"
  std::string teaches;     // one or two sentences: what this step teaches
  std::vector<Param> uses; // parameters it reads (N is always used)
  std::string traceNote;   // which loads/stores a trace emits, or why it has no trace
  WorkUnit unit = WorkUnit::Flop;
  bool quantized = false;  // reports error against fp32
  std::vector<int> bits;   // accepted `bits` values when Param::Bits is used
  // A line on the kernel's state on this machine, when it has one (the
  // dispatching kernel: which dispatch table it uses, or why none); `list`
  // and the GUI show it. Empty function: nothing to say.
  std::function<std::string()> status;
};

struct Kernel {
  KernelInfo info;
  // Throws std::invalid_argument for parameters the kernel cannot take.
  std::function<std::unique_ptr<Prepared>(const Problem&, const Params&)> prepare;
  // Amount of work of one run in `info.unit` (2n^3 for matmul).
  std::function<double(const Params&)> work;
  // Peak bytes `prepare` + `run` allocate beyond the Problem, for the
  // "will it fit in memory" check.
  std::function<double(const Params&)> extraBytes;
  // Bytes of the operands as this kernel stores them (matmul: A and B with
  // their scales or CSR arrays; relu: its input): what "4x smaller" compares.
  // `nonzeros` is Prepared::storedNonzeros() of a sparse A; without it the
  // count follows from the density. Every registered kernel sets it.
  std::function<double(const Params&, std::optional<std::size_t> nonzeros)> footprint;
  // Its loop nest under an access policy, when it has one (traced.hpp).
  std::optional<TraceDescription> trace;

  bool uses(Param p) const;
  bool traceable() const { return trace.has_value(); }
};

// --- helpers shared by kernel files --------------------------------------

double matmulWork(const Params& p);           // 2 n^3
double matmulExtraBytes(const Params& p);     // one n x n fp32 output
double problemBytes(Family family, int n);    // inputs of makeProblem
// The operands in fp32, as makeProblem holds them (matmul A and B: 8 n^2;
// relu x: 4 n^2): the footprint the others are compared with.
inline double fp32Footprint(Family family, const Params& p) { return problemBytes(family, p.n); }
// Footprints of the stored forms (Kernel::footprint), in bytes.
inline double fp32MatmulFootprint(const Params& p, std::optional<std::size_t>) {
  return fp32Footprint(Family::Matmul, p);
}
inline double fp32ReluFootprint(const Params& p, std::optional<std::size_t>) { return fp32Footprint(Family::Relu, p); }
// A and B as integers of `bytesPerElement` (int4: 0.5, a row's odd nibble
// rounds up to a byte) and one fp32 scale per row of A and column of B.
inline double quantizedMatmulFootprint(const Params& p, double bytesPerElement) {
  const double n = p.n;
  return 2.0 * n * std::ceil(n * bytesPerElement) + 2.0 * n * sizeof(float);
}
// CSR A (fp32 values, int32 column indices, n + 1 int32 row pointers) and fp32 B.
inline double csrMatmulFootprint(const Params& p, std::size_t nonzeros) {
  const double n = p.n;
  return double(nonzeros) * (sizeof(float) + sizeof(std::int32_t)) + (n + 1) * sizeof(std::int32_t) +
         n * n * sizeof(float);
}

// Reference results in double precision, rounded to float.
std::vector<float> referenceMatmul(int n, const float* a, const float* b);
std::vector<float> referenceRelu(std::size_t count, const float* x);

// Absolute error bound for an fp32 matmul of these inputs: a few units of
// rounding per accumulated term.
double fp32MatmulTolerance(int n, const float* a, const float* b);

// Base for matmul kernels whose expected result is the plain reference on the
// problem's A and B and whose output is an n x n fp32 matrix.
class MatmulPrepared : public Prepared {
 public:
  MatmulPrepared(const Problem& problem, const Params& params);
  std::vector<float> output() const override;
  std::vector<float> expected() const override;
  double tolerance() const override;

 protected:
  const Problem& problem_;
  Params params_;
  int n_;
  AlignedBuffer<float> c_;
};

}  // namespace cachescope
