// One leaderboard entry and its file form. A submission file (what `submit
// --out` and `export` write, and `import` reads) is
//   {"format": "cachescope-leaderboard", "version": 1, "submissions": [ENTRY...]}
// so the export of one entry is a file a student hands in, and a lecturer
// imports a class's files into one database.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leaderboard/competition.hpp"
#include "platform/errors.hpp"

namespace cachescope::leaderboard {

// A submission file or entry that cannot be read: one line naming the file
// and the field (exit 2).
struct SubmissionFileError : InputError {
  using InputError::InputError;
};

struct HostSummary {
  std::string cpu;          // model name
  int cores = 0;            // logical
  std::string simd;         // "avx512", "avx2", "scalar"
  std::string caches;       // "L1d 48K/12, L2 2M/16, L3 105M/15"
  // sha256 of cpu, cores, simd and caches: entries with one key were
  // measured on the same kind of machine.
  std::string key() const;
};

// The host this process runs on (platform/host.hpp).
HostSummary thisHost();

struct Submission {
  std::int64_t rowId = 0;        // in the database; 0 before insert (not in files)
  std::string name;              // who submitted it
  std::string kernel;            // its registered id ("user.NAME" for a plugin)
  std::string sourceHash;        // sha256 of the plugin's source or .so
  std::string pluginPath;        // where it was loaded from ("" for a built-in)
  std::string competition;       // Competition::id
  Protocol protocol;             // as measured
  nlohmann::json params = nlohmann::json::object();   // the kernel's parameters
  HostSummary host;
  nlohmann::json context = nlohmann::json::object();  // report/ hostContextJson() at submit
  bool verified = false;         // output matched the reference at n
  std::string failure;           // why not verified or not timed ("" when ok)
  // Timings (seconds) and rate; absent when not verified (never timed).
  std::optional<double> medianS, minS, maxS, stddevS, rate;
  std::string unit;              // "GFLOP/s"
  // The library (OpenBLAS) and the baseline (naive loop), measured on the
  // same host in the same submit run under the same protocol.
  std::optional<double> libraryRate, baselineMedianS;
  std::optional<double> percentOfLibrary, speedupOverBaseline;
  std::string date;              // UTC, "2026-12-02T04:40:00Z"

  bool ranked() const { return verified && rate && percentOfLibrary; }
};

// One entry as JSON (the file form), and back. `source` and the index name
// the entry in messages ("class/anna.json: submission 2: ...").
nlohmann::json toJson(const Submission& s);
Submission submissionFromJson(const nlohmann::json& j, const std::string& where);

// The whole file, and back (SubmissionFileError naming `source`).
std::string submissionFileText(const std::vector<Submission>& entries);
std::vector<Submission> parseSubmissionFile(const std::string& text, const std::string& source);
std::vector<Submission> loadSubmissionFile(const std::string& path);

// The current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utcNow();

}  // namespace cachescope::leaderboard
