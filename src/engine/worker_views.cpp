// The worker's requests for the Access and Threads views (the rest of the
// worker is in worker.cpp): recording the access animation's traces, and a
// real matmul.parallel run with its tiles recorded (and on one thread, the
// speedup's reference).
#include <algorithm>

#include "engine/access_animation.hpp"
#include "engine/progress_ticker.hpp"
#include "engine/threads_run.hpp"
#include "engine/worker.hpp"
#include "platform/errors.hpp"
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

}  // namespace cachescope::engine
