// Result records: plain data that the writers (table, CSV, JSON) and the plot
// model read. Produced by the bench runner; no kernel types here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "platform/outcome.hpp"

namespace cachescope {

struct BenchRecord {
  std::string kernel;               // the registered id
  int n = 0;
  // Parameters the kernel uses; empty for the ones it ignores.
  std::optional<int> block, threads, bits;
  std::optional<double> density;
  int warmup = 0;
  int reps = 0;
  int runsPerRep = 1;               // back-to-back runs each time is the mean of (RunOptions::minSampleS)
  std::vector<double> timesS;       // one per repetition
  double medianS = 0, meanS = 0, stddevS = 0, minS = 0, maxS = 0;
  double work = 0;                  // flops, integer ops or bytes of one run
  std::string unit;                 // "GFLOP/s", "GOP/s", "GB/s"
  double rate = 0;                  // work / median / 1e9
  std::optional<double> errMaxAbs;  // vs the fp32 reference (quantized, sparse)
  std::optional<double> errRelative;
  // Bytes of the operands as the kernel stores them (matmul: A and B, so an
  // int8 kernel's are a quarter of fp32's, CSR counts values and indices;
  // relu: its input), and the same operands in fp32: "4x smaller" is their
  // ratio. Set by the runner for every kernel.
  std::optional<double> footprintBytes, fp32FootprintBytes;
  // Sparse kernels: `work` and `rate` count the nonzero work only (2 nnz n);
  // this is the dense-equivalent rate 2 n^3 / median / 1e9, which is only a
  // time ratio against a dense kernel, never a speed of the hardware.
  std::optional<double> denseEquivalentRate;
  // One line each, shown beside the numbers: a wide spread of repetitions,
  // a busy machine, a parameter clamped to what the kernel can use.
  std::vector<std::string> warnings;
  // Why the number should not be trusted, short ("spread 23% > 10%; steal
  // 7% > 5%"), or empty: the rules of bench/run_warnings.hpp. Also one of
  // `warnings` ("unreliable: ..."), and a field of its own in CSV and JSON.
  std::string unreliable;
  // The instruction-set path the kernel ran (Prepared::simdPath: "avx2",
  // "avx512", "avx512-vnni", "scalar", "none" for plain C++).
  std::string simdPath;
  // A dispatching kernel: the kernel it ran and why (Prepared::choice()).
  std::optional<std::string> chosenKernel;
  std::string choiceReason;
  Outcome outcome = Outcome::Ok;    // numbers are valid only when Ok
  std::string failure;              // why, when outcome is Failed
};

// "failed: <why>" or "cancelled" for a record that is not Ok, "" otherwise:
// how tables and the GUI say it.
std::string outcomeText(const BenchRecord& r);

// Host and build facts carried by every JSON report so a file explains itself.
nlohmann::json hostContextJson();

}  // namespace cachescope
