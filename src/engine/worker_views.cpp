// The worker's requests for the Access, Threads and Memory views (the rest
// of the worker is in worker.cpp): recording the access animation's traces,
// a real parallel matmul run with its tiles recorded (and on one thread, the
// speedup's reference), and the memory probes.
#include <algorithm>
#include <chrono>

#include "engine/access_animation.hpp"
#include "engine/progress_ticker.hpp"
#include "engine/threads_run.hpp"
#include "engine/worker.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "trace/presets.hpp"
#include "trace/simulation.hpp"

namespace cachescope::engine {

void Worker::runAnimation(const Request& request, std::uint64_t id) {
  AnimationData data;
  data.request = id;
  AnimationSpec& spec = data.spec;
  spec.kernels = request.animationKernels;
  spec.n = request.animationN > 0 ? request.animationN : request.settings.params.n;
  spec.block = std::min(request.animationBlock > 0 ? request.animationBlock : request.settings.params.block, spec.n);
  spec.density = request.settings.params.density;
  spec.cache = requestHierarchy(request, &spec.cacheName);
  if (spec.kernels.empty()) throw UsageError("no kernel to animate");
  draft_.error.clear();
  draft_.animation = std::make_shared<const AnimationData>(data);
  publish();
  estTotalS_.store(-1);
  auto stopped = [&] {
    data.outcome = Outcome::Cancelled;
    draft_.animation = std::make_shared<const AnimationData>(std::move(data));
    publish();
  };
  for (std::size_t i = 0; i < spec.kernels.size(); ++i) {
    if (cancelled()) return stopped();
    setWhat("recording the accesses of " + spec.kernels[i] + " n=" + std::to_string(spec.n) + " on " +
            spec.cacheName + " caches");
    std::atomic<double> progress{0};
    std::shared_ptr<const AccessTrace> trace;
    {
      ProgressTicker ticker(
          [&] { fraction_.store((double(i) + progress.load()) / double(spec.kernels.size())); });
      trace = engine_.recordAccessTrace(spec, spec.kernels[i], &cancel_, &progress);
    }
    if (trace->outcome == Outcome::Cancelled) return stopped();
    data.sides.push_back(std::move(trace));
  }
  data.complete = true;
  draft_.animation = std::make_shared<const AnimationData>(std::move(data));
  publish();
}

void Worker::runThreads(const Request& request, std::uint64_t id) {
  const Params& p = request.settings.params;
  setWhat(kernelRoles().threads + " n=" + std::to_string(p.n) + " on " + std::to_string(p.threads) +
          " thread(s), tiles recorded");
  draft_.error.clear();
  ThreadsRun run = engine_.recordThreads(p, &cancel_, &fraction_);
  run.request = id;
  draft_.threads = std::make_shared<const ThreadsRun>(std::move(run));
  draft_.threadsOne.reset();
  publish();
  // The speedup needs the same run on one thread (the view explains a
  // speedup above the thread count with it).
  if (draft_.threads->threads > 1 && !cancelled()) {
    Params one = p;
    one.threads = 1;
    setWhat(kernelRoles().threads + " n=" + std::to_string(p.n) + " on 1 thread (the speedup's reference)");
    ThreadsRun ref = engine_.recordThreads(one, &cancel_, &fraction_);
    ref.request = id;
    if (ref.outcome == Outcome::Ok) {
      draft_.threadsOne = std::make_shared<const ThreadsRun>(std::move(ref));
      publish();
    }
  }
}

void Worker::runProbe(const Request& request, std::uint64_t id) {
  const ProbeParams& pp = request.probe;
  probe::ProbeOptions options;
  const CacheInfo* l2 = host().cache(2);
  options.maxBytes = pp.maxBytes > 0 ? pp.maxBytes : quickMaxBytes(l2 ? l2->sizeBytes : 0);
  options.threads = std::max(1, pp.threads);
  options.simulate = pp.simulate;
  // The GUI's quick protocol: bench's repetitions, half the headless
  // points per octave (a ladder in seconds on an idle machine; the
  // headless command takes the finer grid).
  options.pointsPerOctave = 2;
  // The mountain times sizes x strides points: three shorter repetitions each.
  if (pp.kind == ProbeKind::Mountain) {
    options.protocol.reps = 3;
    options.protocol.minRepSeconds = 0.002;
  }
  ProbeRunInfo info;
  info.request = id;
  info.params = pp;
  info.maxBytes = options.maxBytes;
  if (pp.simulate) {
    options.cache = requestHierarchy(request, &info.caches);
    options.cache.prefetch = sim::parsePrefetch(pp.prefetch);
    info.prefetch = sim::describe(options.cache.prefetch);
  }
  options.cancel = &cancel_;
  options.progress = &fraction_;
  probe::validate(options);
  setWhat(std::string("memory probe: ") + toString(pp.kind) + " up to " + std::to_string(options.maxBytes >> 10) +
          " KiB" + (pp.kind == ProbeKind::Bandwidth ? ", 1.." + std::to_string(options.threads) + " threads" : "") +
          (pp.simulate ? ", simulated on " + info.caches : ""));
  draft_.error.clear();
  const auto t0 = std::chrono::steady_clock::now();
  ProbeRuns runs = draft_.probes ? *draft_.probes : ProbeRuns{};
  Outcome outcome = Outcome::Ok;
  std::string failure;
  auto finish = [&](auto& slot, ProbeRunInfo& slotInfo, auto result) {
    outcome = result.outcome;
    failure = result.failure;
    info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    slot = std::move(result);
    slotInfo = info;
  };
  switch (pp.kind) {
    case ProbeKind::Latency: finish(runs.latency, runs.latencyInfo, engine_.measureLatency(options)); break;
    case ProbeKind::Mountain: finish(runs.mountain, runs.mountainInfo, engine_.measureMountain(options)); break;
    case ProbeKind::Traversal:
      finish(runs.traversal, runs.traversalInfo, engine_.measureTraversal(options, pp.traversalN));
      break;
    case ProbeKind::Bandwidth: finish(runs.bandwidth, runs.bandwidthInfo, engine_.measureBandwidth(options)); break;
  }
  // A cancelled probe keeps what it measured (the view says it was stopped);
  // a failed one is the snapshot's error.
  if (outcome == Outcome::Failed) throw RunFailure(failure.empty() ? "the probe failed" : failure);
  draft_.probes = std::make_shared<const ProbeRuns>(std::move(runs));
  publish();
}

}  // namespace cachescope::engine
