#include "engine/roofline_levels.hpp"

#include <algorithm>
#include <cstdio>

#include "bench/roofline.hpp"
#include "probe/probe.hpp"
#include "trace/simulation.hpp"

namespace cachescope::engine {

double defaultLevelsSample(double references) {
  if (!(references > kLevelsFullReferences)) return 1.0;
  return std::clamp(kLevelsFullReferences / references, 1e-4, 1.0);
}

KernelTraffic kernelTraffic(const Kernel& k, const Params& p, double sample, const std::atomic<bool>* cancel,
                            std::atomic<double>* progress, const sim::HierarchyConfig* cache) {
  KernelTraffic out;
  const IntensityModel model = intensityModel(k, p);
  out.work = model.flops;
  if (!k.traceable()) {
    out.traffic = {{"DRAM", "compulsory estimate", model.bytes}};
    out.note = "not traced: compulsory DRAM estimate (" + model.formula + ")";
    return out;
  }
  trace::SimulationRequest req;
  req.kernel.kernel = k.info.id;
  req.kernel.n = p.n;
  req.kernel.block = p.block;
  req.kernel.bits = p.bits;
  req.kernel.density = p.density;
  req.cache = cache ? *cache : trace::hierarchyFor(trace::hostPreset());
  req.cache.missClasses = sim::MissClasses::Off;  // counters only: the fast path
  req.missClasses = false;
  const trace::TracedKernel resolved = trace::resolveKernel(req.kernel);
  req.sample = sample > 0 ? sample : defaultLevelsSample(double(resolved.references()));
  req.cancel = cancel;
  req.progress = progress;
  const trace::SimulationResult r = trace::simulate(req);
  out.outcome = r.outcome;
  out.traced = true;
  out.caveat = r.kernel.caveat;
  out.simulationSeconds = r.wallSeconds;
  out.sampled = r.sampled;
  const int outer = std::max(1, r.outerCount);
  out.sampleFraction = r.sampled ? double(r.outerEnd - r.outerBegin) / outer : 1.0;
  out.work = model.flops * out.sampleFraction;
  // Every element an fp32 trace touches (floats, int32 indices) is 4
  // bytes; narrower traces mix widths, and their core <-> L1 bytes are
  // left out rather than guessed.
  const double coreBytes = r.kernel.spec.bits == 32 ? 4.0 * double(r.references) : -1.0;
  out.traffic = levelTraffic(r.cache, r.levels, r.memory, coreBytes);
  char buf[160];
  if (out.sampled)
    std::snprintf(buf, sizeof buf, "simulated %.1f%% of the outer loop (%d of %d, after a warm-up) on the %s caches",
                  100 * out.sampleFraction, r.outerEnd - r.outerBegin, outer, cache ? "given" : "host");
  else
    std::snprintf(buf, sizeof buf, "simulated in full on the %s caches (%.0f M references, %.1f s)",
                  cache ? "given" : "host", double(r.references) / 1e6, r.wallSeconds);
  out.note = buf;
  if (coreBytes < 0) out.note += "; core <-> L1 bytes not counted (mixed element widths)";
  return out;
}

LevelRoofsResult measureLevelRoofs(int threads, double seconds, const std::atomic<bool>* cancel) {
  probe::ProbeOptions options;
  options.threads = std::max(1, threads);
  // The probe's protocol, its repetitions scaled to the roofline's time
  // budget: 5 reps of at least seconds / 60 each, per level.
  options.protocol.minRepSeconds = std::clamp(seconds / 60, 0.001, 0.05);
  options.cancel = cancel;
  const probe::BandwidthResult b = probe::measureBandwidth(options);
  LevelRoofsResult r;
  r.outcome = b.outcome;
  r.failure = b.failure;
  if (b.outcome != Outcome::Ok) return r;
  for (const probe::LevelBandwidth& l : b.levels) {
    if (l.gbPerSecond.empty()) continue;
    const std::size_t t = std::min<std::size_t>(std::size_t(options.threads), l.gbPerSecond.size()) - 1;
    r.roofs.push_back({l.level, l.gbPerSecond[t]});
  }
  return r;
}

}  // namespace cachescope::engine
