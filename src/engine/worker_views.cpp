// The worker's requests for the Access and Threads views (the rest of the
// worker is in worker.cpp): recording the access animation's traces, and a
// real matmul.parallel run with its tiles recorded.
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "engine/access_animation.hpp"
#include "engine/progress_ticker.hpp"
#include "engine/threads_run.hpp"
#include "engine/worker.hpp"
#include "kernels/registry.hpp"
#include "platform/host.hpp"
#include "trace/presets.hpp"
#include "trace/simulation.hpp"

namespace cachescope::engine {

using Clock = std::chrono::steady_clock;

void Worker::runAnimation(const Request& request, std::uint64_t id) {
  AnimationData data;
  data.request = id;
  AnimationSpec& spec = data.spec;
  spec.kernels = request.animationKernels;
  spec.n = request.settings.params.n;
  spec.block = std::min(request.settings.params.block, spec.n);
  spec.density = request.settings.params.density;
  spec.cacheName = request.caches.empty() ? "host" : request.caches;
  spec.cache = trace::hierarchyFor(trace::loadPreset(spec.cacheName));
  if (!request.l1.empty()) {
    spec.cache.levels.front() = sim::parseLevelSpec(request.l1, spec.cache.levels.front().name);
    spec.cacheName += " with L1 " + request.l1;
  }
  if (spec.kernels.empty()) throw UsageError("no kernel to animate");
  draft_.error.clear();
  draft_.animation = std::make_shared<const AnimationData>(data);
  publish();
  estTotalS_.store(-1);
  for (std::size_t i = 0; i < spec.kernels.size(); ++i) {
    if (cancelled()) return;
    setWhat("recording the accesses of " + spec.kernels[i] + " n=" + std::to_string(spec.n) + " on " +
            spec.cacheName + " caches");
    std::atomic<double> progress{0};
    std::shared_ptr<const AccessTrace> trace;
    {
      ProgressTicker ticker(
          [&] { fraction_.store((double(i) + progress.load()) / double(spec.kernels.size())); });
      trace = recordAccessTrace(spec, spec.kernels[i], &cancel_, &progress);
    }
    if (!trace) return;  // cancelled: a newer request follows
    data.sides.push_back(std::move(trace));
  }
  data.complete = true;
  draft_.animation = std::make_shared<const AnimationData>(std::move(data));
  publish();
}

void Worker::runThreads(const Request& request, std::uint64_t id) {
  const std::string& kid = kernelRoles().threads;
  const Kernel* kernel = findKernel(kid);
  if (!kernel) throw UsageError(kid + " is not registered in this build: no threads to show");
  Params p = request.settings.params;
  p.threads = std::clamp(p.threads, 1, std::max(1, host().logicalCores));
  p.bits = 32;
  const Problem problem = engine_.makeProblem(Family::Matmul, p.n);
  std::unique_ptr<Prepared> prepared = kernel->prepare(problem, p);
  auto* recording = dynamic_cast<TileRecording*>(prepared.get());
  if (!recording) throw std::runtime_error(kid + " does not offer tile recording");
  TileRecorder recorder(recording->tilesPerRun());
  tbb::task_arena arena(p.threads);
  auto timed = [&] {
    const auto t0 = Clock::now();
    arena.execute([&] { prepared->run(); });
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  setWhat(kid + " n=" + std::to_string(p.n) + " on " + std::to_string(p.threads) + " thread(s), tiles recorded");
  draft_.error.clear();
  const double warm = timed();  // first touch of C and the packing buffers
  // Off and on interleaved, so both see the same machine; about a second.
  const int each = std::clamp(int(0.5 / std::max(warm, 1e-6)), 1, 7);
  std::vector<double> off, on;
  ThreadsRun run;
  run.request = id;
  run.n = p.n;
  run.threads = p.threads;
  for (int r = 0; r < each && !cancelled(); ++r) {
    fraction_.store(double(r) / each);
    recording->setTileRecorder(nullptr);
    off.push_back(timed());
    recorder.restart();
    recording->setTileRecorder(&recorder);
    const double s = timed();
    recording->setTileRecorder(nullptr);
    on.push_back(s);
    run.records = recorder.records();
    run.dropped = recorder.dropped();
    run.shownSeconds = s;
  }
  if (off.empty()) return;
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  };
  run.plainMedianS = median(off);
  run.recordedMedianS = median(on);
  run.runsEach = int(off.size());
  draft_.threads = std::make_shared<const ThreadsRun>(std::move(run));
  publish();
}

}  // namespace cachescope::engine
