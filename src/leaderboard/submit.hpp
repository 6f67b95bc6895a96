// The submission pipeline: a kernel is verified against the reference at the
// competition's n, and only then timed under the competition protocol, next
// to the library (OpenBLAS) and the baseline (the naive loop) on the same
// host in the same run, which give its % of the library and its speedup. A
// kernel that fails verification (or crashes) becomes an unverified entry:
// recorded, never timed, never ranked. `leaderboard submit` and the GUI's
// "run mine again" both call it.
#pragma once

#include <atomic>
#include <string>

#include "bench/runner.hpp"
#include "leaderboard/competition.hpp"
#include "leaderboard/submission.hpp"
#include "platform/outcome.hpp"

namespace cachescope::leaderboard {

struct SubmitRequest {
  std::string name;           // who submits
  const Kernel* kernel = nullptr;  // registered (a loaded plugin is registered too)
  std::string sourceHash;     // sha256 of its source; builtinSourceHash() for a built-in
  std::string pluginPath;     // "" for a built-in
  Competition competition;
};

struct SubmitResult {
  // Ok: `entry` is complete (verified or not). Failed: the library or baseline
  // run failed, nothing to record (`message`). Cancelled: stopped.
  Outcome outcome = Outcome::Ok;
  std::string message;
  Submission entry;
};

// Checks the request before anything runs (UsageError, one line): a name,
// an fp32 matmul kernel, the protocol's threads within this host's cores.
void checkRequest(const SubmitRequest& request);

// "builtin:<id>:<version>" hashed: a built-in kernel's source hash.
std::string builtinSourceHash(const std::string& kernelId);

// Runs the request (checkRequest first). Progress counts the three kernels'
// runs as one sweep of three jobs; the verification run comes first, as job 0
// with the kernel named "verifying ID".
SubmitResult runSubmission(const SubmitRequest& request, const std::atomic<bool>* cancel = nullptr,
                           const ProgressFn& progress = {});

}  // namespace cachescope::leaderboard
