#include "leaderboard/submit.hpp"

#include <cmath>

#include <nlohmann/json.hpp>
#include <tbb/task_arena.h>

#include "kernels/registry.hpp"
#include "leaderboard/sha256.hpp"
#include "platform/cancel.hpp"
#include "platform/host.hpp"
#include "report/numbers.hpp"

namespace cachescope::leaderboard {

namespace {

// Runs the kernel once at the protocol's n and compares with the reference.
// Returns "" when right, else why ("wrong result at C[3][17]: 1.25, want 4.5").
std::string verify(const Kernel& k, const Problem& problem, const Params& p, const std::atomic<bool>* cancel) {
  try {
    CancelScope scope(cancel);
    tbb::task_arena arena(std::max(1, p.threads));
    std::unique_ptr<Prepared> prepared;
    arena.execute([&] { prepared = k.prepare(problem, p); });
    arena.execute([&] { prepared->run(); });
    const std::vector<float> out = prepared->output();
    const std::vector<float> want = prepared->expected();
    if (out.size() != want.size())
      return "wrong result size " + std::to_string(out.size()) + ", want " + std::to_string(want.size());
    const double tol = prepared->tolerance();
    for (std::size_t i = 0; i < out.size(); ++i) {
      const double d = std::fabs(double(out[i]) - double(want[i]));
      if (!(d <= tol)) {  // NaN is wrong too
        const std::size_t n = std::size_t(p.n);
        return "wrong result at C[" + std::to_string(i / n) + "][" + std::to_string(i % n) +
               "]: " + significantText(out[i], 6) + ", want " + significantText(want[i], 6);
      }
    }
    return "";
  } catch (const Cancelled&) {
    throw;
  } catch (const std::bad_alloc&) {
    return "out of memory";
  } catch (const std::exception& e) {
    return e.what();
  }
}

Params protocolParams(const Kernel& k, const Protocol& protocol) {
  Params p;
  p.n = protocol.n;
  p.threads = k.uses(Param::Threads) ? protocol.threads : 1;
  return p;
}

nlohmann::json paramsJson(const Kernel& k, const Params& p) {
  nlohmann::json j = {{"n", p.n}};
  if (k.uses(Param::Threads)) j["threads"] = p.threads;
  if (k.uses(Param::Block)) j["block"] = p.block;
  if (k.uses(Param::Bits)) j["bits"] = p.bits;
  return j;
}

}  // namespace

std::string builtinSourceHash(const std::string& kernelId) {
  return sha256Hex("builtin:" + kernelId + ":" + std::string(hostContextJson().value("version", "")));
}

void checkRequest(const SubmitRequest& request) {
  if (request.name.empty() || request.name.size() > 200 || request.name.find('\n') != std::string::npos)
    throw UsageError("--name must be one line of 1 to 200 characters");
  if (!request.kernel) throw UsageError("no kernel to submit");
  const Kernel& k = *request.kernel;
  if (k.info.family != Family::Matmul || k.info.unit != WorkUnit::Flop || k.info.quantized)
    throw UsageError(k.info.id + " is not an fp32 matmul kernel: a competition ranks fp32 matmul only");
  if (request.competition.protocol.threads > host().logicalCores)
    throw UsageError("competition " + request.competition.id + " wants " +
                     std::to_string(request.competition.protocol.threads) + " threads, this host has " +
                     std::to_string(host().logicalCores) + " logical cores");
  const KernelRoles& roles = kernelRoles();
  if (!findKernel(roles.library) || !findKernel(roles.baseline))
    throw RunFailure("the library or baseline kernel is not registered");
}

SubmitResult runSubmission(const SubmitRequest& request, const std::atomic<bool>* cancel,
                           const ProgressFn& progress) {
  checkRequest(request);
  const Kernel& k = *request.kernel;
  const KernelRoles& roles = kernelRoles();
  const Kernel& library = *findKernel(roles.library);
  const Kernel& baseline = *findKernel(roles.baseline);
  const Protocol& proto = request.competition.protocol;

  SubmitResult result;
  Submission& s = result.entry;
  s.name = request.name;
  s.kernel = k.info.id;
  s.sourceHash = request.sourceHash.empty() ? builtinSourceHash(k.info.id) : request.sourceHash;
  s.pluginPath = request.pluginPath;
  s.competition = request.competition.id;
  s.protocol = proto;
  s.host = thisHost();
  s.context = hostContextJson();
  s.unit = rateUnit(k.info.unit);

  const Params p = protocolParams(k, proto);
  s.params = paramsJson(k, p);
  const Problem problem = makeProblem(Family::Matmul, proto.n);
  RunOptions options;
  options.reps = proto.reps;
  options.warmup = proto.warmup;

  try {
    if (progress) progress(Progress{0, 3, 0, 1, "verifying " + k.info.id});
    std::string wrong = verify(k, problem, p, cancel);
    if (cancel && cancel->load()) {
      result.outcome = Outcome::Cancelled;
      return result;
    }
    if (!wrong.empty()) {  // never timed, never ranked
      s.verified = false;
      s.failure = wrong;
      s.date = utcNow();
      return result;
    }
  } catch (const Cancelled&) {
    result.outcome = Outcome::Cancelled;
    return result;
  }

  const BenchRecord mine = runJob({&k, p}, problem, options, cancel, progress, 0, 3);
  if (mine.outcome == Outcome::Cancelled) {
    result.outcome = Outcome::Cancelled;
    return result;
  }
  if (mine.outcome == Outcome::Failed) {  // verified once, then crashed or timed out while timed
    s.verified = false;
    s.failure = mine.failure;
    s.date = utcNow();
    return result;
  }
  const BenchRecord lib = runJob({&library, protocolParams(library, proto)}, problem, options, cancel, progress, 1, 3);
  const BenchRecord base =
      lib.outcome == Outcome::Ok ? runJob({&baseline, protocolParams(baseline, proto)}, problem, options, cancel,
                                          progress, 2, 3)
                                 : lib;
  for (const BenchRecord* r : {&lib, &base}) {
    if (r->outcome == Outcome::Cancelled) {
      result.outcome = Outcome::Cancelled;
      return result;
    }
    if (r->outcome == Outcome::Failed || !(r->medianS > 0)) {
      result.outcome = Outcome::Failed;
      result.message = r->kernel + " failed: " + r->failure;
      return result;
    }
  }
  s.verified = true;
  s.medianS = mine.medianS;
  s.minS = mine.minS;
  s.maxS = mine.maxS;
  s.stddevS = mine.stddevS;
  s.rate = mine.rate;
  s.libraryRate = lib.rate;
  s.baselineMedianS = base.medianS;
  if (lib.rate > 0) s.percentOfLibrary = 100.0 * mine.rate / lib.rate;
  if (mine.medianS > 0) s.speedupOverBaseline = base.medianS / mine.medianS;
  s.date = utcNow();
  return result;
}

}  // namespace cachescope::leaderboard
