// The backend that picks a kernel: the dispatch table `cachescope tune`
// measures on this host, its file format, and the choice the dispatching
// kernel (matmul_auto.cpp) makes from it, or from the built-in heuristic when
// there is no usable table. The measuring itself lives in the bench runner
// and the CLI (tune_command.cpp); here are only the data, the file and the
// choice, so a kernel can use them.
//
// File (JSON, version 1):
//   {"format": "cachescope-dispatch", "version": 1,
//    "host": {"cpu": "...", "cores": 2, "simd": "avx512", "l1d_bytes": ..., "l2_bytes": ..., "l3_bytes": ...},
//    "date": "...", "warmup": 1, "reps": 3, "min_sample_s": 0.002,
//    "points": [{"bits": 32, "n": 256, "threads": 1, "density": 1,
//                "times_s": {"<kernel id>": 0.00123, ...},   // medians, the candidates measured
//                "skipped": {"<kernel id>": "why", ...},       // candidates not measured there
//                "winner": "<kernel id>"}, ...]}
// A table is used only on the host it was measured on (same CPU model,
// logical cores, active SIMD level and cache sizes): another host's table is
// refused with the reason, and the heuristic applies.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kernels/kernel.hpp"
#include "platform/errors.hpp"

namespace cachescope {

// A dispatch table file that cannot be used: the message names the file.
struct DispatchTableError : InputError {
  using InputError::InputError;
};

struct DispatchHost {
  std::string cpu;
  int cores = 0;
  std::string simd;  // the active SIMD level the kernels ran with
  std::size_t l1dBytes = 0, l2Bytes = 0, l3Bytes = 0;
  bool operator==(const DispatchHost&) const = default;
};

// This machine, as a table records it.
DispatchHost currentDispatchHost();
// Why a table measured on `tuned` does not apply here ("" when it does).
std::string hostMismatch(const DispatchHost& tuned, const DispatchHost& here);

struct DispatchPoint {
  int bits = 32;
  int n = 0;
  int threads = 1;
  double density = 1.0;
  std::map<std::string, double> timesS;         // candidate id -> median seconds
  std::map<std::string, std::string> skipped;   // candidate id -> why it was not measured
  std::string winner;                           // the fastest of timesS
};

struct DispatchTable {
  DispatchHost host;
  std::string date;
  int warmup = 1, reps = 3;
  double minSampleS = 0;  // each repetition's runs lasted at least this long (0: one run)
  std::vector<DispatchPoint> points;
};

// The table as its JSON file text.
std::string dispatchTableJson(const DispatchTable& table);
// Parses and checks a table (format, version, fields, every id a registered
// candidate of its point, the winner the fastest time, no point twice);
// throws DispatchTableError "SOURCE: what is wrong". The host is not checked
// here (hostMismatch).
DispatchTable parseDispatchTable(const std::string& text, const std::string& source);

// Where tune writes the table and the dispatching kernel reads it:
// $CACHESCOPE_DISPATCH_TABLE when set, else $XDG_CACHE_HOME/cachescope/dispatch.json,
// else ~/.cache/cachescope/dispatch.json (the per-user cache directory, as
// for built user kernels). Throws DispatchTableError when none can be named.
std::string defaultDispatchTablePath();

// A table read from a file for this host, or why there is none.
struct LoadedDispatchTable {
  std::string path;
  std::optional<DispatchTable> table;  // set when usable here
  std::string problem;                 // why not, one line naming the file ("" when usable)
};
// Never throws: a missing, unreadable, invalid or other host's file gives a
// problem line (and the heuristic applies). Re-read when the file changes
// (size or modification time), so a table just written by tune is used.
LoadedDispatchTable loadDispatchTable(const std::string& path);
// loadDispatchTable(defaultDispatchTablePath()), or the path problem.
LoadedDispatchTable loadDefaultDispatchTable();

// The kernels the dispatcher chooses among for a width and density, in
// registry order: the built-in matmul kernels (never the dispatcher itself
// nor a kernel loaded at run time) that run `bits` (32: the dense fp32
// kernels and the sparse one, which density 1 needs as the end its times
// between a tuned density and 1 are interpolated to; 8 or 4: the quantized
// kernels that accept that width).
std::vector<const Kernel*> dispatchCandidates(int bits, double density);

struct DispatchChoice {
  const Kernel* kernel = nullptr;
  std::string reason;  // "matmul.packed: tuned at n=512 threads=1 (PATH)", "heuristic: ..."
  bool tuned = false;  // from a table (else the heuristic)
};

// The built-in rule, used without a table (the kernel's teaches text states
// it): bits 8 or 4 -> the int8 kernel; density <= kHeuristicSparseDensity
// -> the sparse kernel; n < kHeuristicLibraryN -> the SIMD loop; else the
// library. `why` says why there is no table (appended to the
// reason).
inline constexpr double kHeuristicSparseDensity = 0.2;
inline constexpr int kHeuristicLibraryN = 128;
DispatchChoice heuristicChoice(const Params& p, const std::string& why = "");

// From a table: the points of the same bits (for 8 and 4: at density 1, as a
// quantized kernel's time does not depend on density), at the tuned thread
// count nearest to p.threads; at a tuned (n, density) the winner there;
// between tuned values, each candidate's time is interpolated linearly in
// log time against log n (and log density) between the surrounding points,
// and the fastest predicted wins; beyond the tuned range, the nearest edge.
// nullopt when the table has no point for these bits.
std::optional<DispatchChoice> tableChoice(const DispatchTable& table, const Params& p, const std::string& source);

// What the dispatching kernel does for p: table when usable, else heuristic.
DispatchChoice chooseKernel(const Params& p, const LoadedDispatchTable& loaded);

}  // namespace cachescope
