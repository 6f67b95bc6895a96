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
  std::vector<double> timesS;       // one per repetition
  double medianS = 0, meanS = 0, stddevS = 0, minS = 0, maxS = 0;
  double work = 0;                  // flops, integer ops or bytes of one run
  std::string unit;                 // "GFLOP/s", "GOP/s", "GB/s"
  double rate = 0;                  // work / median / 1e9
  std::optional<double> errMaxAbs;  // vs the fp32 reference (quantized, sparse)
  std::optional<double> errRelative;
  Outcome outcome = Outcome::Ok;    // numbers are valid only when Ok
  std::string failure;              // why, when outcome is Failed
};

// "failed: <why>" or "cancelled" for a record that is not Ok, "" otherwise:
// how tables and the GUI say it.
std::string outcomeText(const BenchRecord& r);

// Host and build facts carried by every JSON report so a file explains itself.
nlohmann::json hostContextJson();

}  // namespace cachescope
