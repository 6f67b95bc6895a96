// `cachescope roofline`: measures the machine's roofs, then places a few
// kernels (a quick bench at one n) under them.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

#include "bench/roofline.hpp"
#include "bench/roofline_report.hpp"
#include "bench/runner.hpp"
#include "cli/command.hpp"
#include "cli/plot_output.hpp"
#include "cli/level_overrides.hpp"
#include "engine/roofline_levels.hpp"
#include "trace/presets.hpp"
#include "trace/simulation.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "plot/roofline_plot.hpp"

namespace cachescope::cli {

namespace {

// The ladder as far as this build registers it; relu is left out by default
// because at a moderate n its data fits in cache, above the DRAM roof.

struct RooflineArgs {
  int threads = 1;
  std::string format = "table";
  std::string plot;
  std::string kernels;
  int n = 512;
  int reps = 3;
  double seconds = 0.3;
  bool levels = false;
  std::string levelRoofs;  // "L1d=..,L2=..": given instead of measured
  double sample = 0;       // share of the outer loop simulated; 0: automatic
  // The simulated levels (--levels): a preset and overrides; all empty: the host's.
  std::string caches, l1, l2, l3;
};

std::vector<std::string> kernelIds(const std::string& text) {
  std::vector<std::string> ids;
  if (text.empty()) {
    for (const std::string& id : kernelRoles().roofline)
      if (findKernel(id)) ids.push_back(id);
    return ids;
  }
  if (text == "none") return ids;
  ids = splitIdList(text);
  if (ids.empty()) throw UsageError("--kernels is empty (give ids, or 'none' for the machine only)");
  return ids;
}

int runRoofline(const RooflineArgs& a) {
  const int cores = std::max(1, host().logicalCores);
  if (a.threads < 1) throw UsageError("--threads must be >= 1 (got " + std::to_string(a.threads) + ")");
  // More threads than cores would time-share them: the "peak" would be the
  // scheduler's, and the kernels' numbers with it.
  if (a.threads > cores)
    throw UsageError("--threads " + std::to_string(a.threads) + " is more than this machine's " + std::to_string(cores) +
                     (cores == 1 ? " core" : " cores") + " (at most " + std::to_string(cores) + ")");
  if (a.reps < 1) throw UsageError("--reps must be >= 1");
  if (!(a.seconds > 0 && a.seconds <= 60)) throw UsageError("--seconds must be in (0, 60]");
  if (a.format != "table" && a.format != "json") throw UsageError("--format must be table or json");
  if (!a.levels && (!a.levelRoofs.empty() || a.sample != 0))
    throw UsageError(std::string(a.sample != 0 ? "--sample" : "--level-roofs") + " needs --levels");
  if (a.sample != 0 && !(a.sample > 0 && a.sample <= 1)) throw UsageError("--sample must be in (0, 1]");
  const bool givenCaches = !a.caches.empty() || !a.l1.empty() || !a.l2.empty() || !a.l3.empty();
  if (!a.levels && givenCaches) throw UsageError("--caches and --l1/--l2/--l3 need --levels");
  std::optional<sim::HierarchyConfig> cache;
  if (givenCaches) {
    cache = trace::hierarchyFor(trace::loadPreset(a.caches.empty() ? "host" : a.caches));
    applyLevelOverrides(*cache, a.l1, a.l2, a.l3);
    cache->missClasses = sim::MissClasses::Off;
    sim::validate(*cache);
  }
  std::vector<LevelRoof> givenRoofs;
  if (!a.levelRoofs.empty()) givenRoofs = parseLevelRoofs(a.levelRoofs, "--level-roofs");
  SweepSpec spec;
  spec.kernels = kernelIds(a.kernels);
  spec.n = {a.n};
  spec.threads = {a.threads};
  std::vector<Job> jobs;
  if (!spec.kernels.empty()) jobs = planSweep(spec);  // checks ids and n before measuring
  std::optional<PlotOutput> plotOut;
  if (!a.plot.empty()) plotOut.emplace(a.plot);

  const bool tty = ::isatty(STDERR_FILENO);
  if (tty) std::cerr << "measuring peak FLOP/s and bandwidth..." << std::flush;
  RooflineOptions options;
  options.threads = a.threads;
  options.seconds = a.seconds;
  const RooflineResult measured = measureRoofline(options);
  if (measured.outcome != Outcome::Ok)
    throw RunFailure("roofline measurement " +
                     (measured.outcome == Outcome::Failed ? "failed: " + measured.failure : std::string("was cancelled")));
  RooflineMachine machine = measured.machine;
  if (a.levels) {
    if (!givenRoofs.empty()) {
      machine.levelRoofs = givenRoofs;
    } else {
      if (tty) std::cerr << "\r" << std::string(40, ' ') << "\rmeasuring bandwidth per level..." << std::flush;
      const engine::LevelRoofsResult roofs = engine::measureLevelRoofs(a.threads, a.seconds);
      if (roofs.outcome != Outcome::Ok)
        throw RunFailure("bandwidth per level " +
                         (roofs.outcome == Outcome::Failed ? "failed: " + roofs.failure : std::string("was cancelled")));
      machine.levelRoofs = roofs.roofs;
    }
  }

  std::vector<PlacedKernel> placed;
  if (!jobs.empty()) {
    if (tty) std::cerr << "\r" << std::string(40, ' ') << "\rtiming " << jobs.size() << " kernels at n=" << a.n << "..." << std::flush;
    placed = placeKernels(machine, jobs, runSweep(jobs, RunOptions{1, a.reps}));
    if (a.levels)
      for (std::size_t i = 0; i < placed.size(); ++i) {
        if (placed[i].record.outcome != Outcome::Ok) continue;
        if (tty && jobs[i].kernel->traceable())
          std::cerr << "\r" << std::string(60, ' ') << "\rsimulating " << jobs[i].kernel->info.id << " n=" << a.n
                    << (cache ? " on the given caches..." : " on the host caches...") << std::flush;
        placed[i].levels = placeLevels(machine, placed[i],
                                       engine::kernelTraffic(*jobs[i].kernel, jobs[i].params, a.sample, nullptr, nullptr,
                                                             cache ? &*cache : nullptr));
      }
  }
  if (tty) std::cerr << "\r" << std::string(60, ' ') << "\r";

  std::cout << (a.format == "json" ? rooflineJsonText(machine, placed) : rooflineTable(machine, placed));
  if (plotOut) {
    plot::Plot chart = a.levels ? plot::rooflineLevelsPlot(machine, rooflineLevelKernels(placed))
                                : plot::rooflinePlot(machine, rooflinePoints(placed));
    if (!placed.empty()) chart.subtitle += "; kernels at n=" + std::to_string(a.n);
    plotOut->write(chart);
    std::cerr << "wrote " << a.plot << '\n';
  }
  for (const PlacedKernel& p : placed)
    if (p.record.outcome != Outcome::Ok) return 1;
  return 0;
}

}  // namespace

void addRooflineCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand(
      "roofline", "Measure peak FLOP/s (FMA loop) and DRAM bandwidth (triad), and place kernels under the roofline");
  auto a = std::make_shared<RooflineArgs>();
  app->add_option("--threads", a->threads, "Threads for the measurement and the kernels, at most this machine's cores (default 1)");
  app->add_option("--format", a->format, "table | json (default table)");
  app->add_option("--plot", a->plot,
                  "Draw the roofline to FILE.svg, FILE.png or FILE.pdf (" + std::to_string(plot::kExportWidth) + "x" +
                      std::to_string(plot::kExportHeight) + ", no display needed)");
  app->add_option("--kernels", a->kernels,
                  "Kernels to place, comma separated, or 'none' (default: the matmul ladder that is registered)");
  app->add_option("--n", a->n, "Matrix size for the kernels (default 512)");
  app->add_option("--reps", a->reps, "Timed repetitions per kernel (default 3)");
  app->add_option("--seconds", a->seconds, "Time for each of the two measurements, best of 3 rounds (default 0.3)");
  app->add_flag("--levels", a->levels,
                "A ceiling per level: bandwidth roofs of L1d, L2, L3 and DRAM (measured by the probe), each traced "
                "kernel placed by its simulated traffic at every level (untraced ones by their compulsory bytes)");
  app->add_option("--level-roofs", a->levelRoofs,
                  "With --levels: use these roofs instead of measuring them, L1d=GB/s,L2=GB/s,L3=GB/s,DRAM=GB/s");
  app->add_option("--sample", a->sample,
                  "With --levels: simulate this share (0,1] of each nest's outer loop after a warm-up (default: all of "
                  "it up to 450 M references, else about that many); the output says so");
  app->add_option("--caches", a->caches,
                  "With --levels: the simulated levels from a preset (name or JSON file; default: this host's), e.g. "
                  "the size this guest's L3 behaves as (probe latency) with --l3 SIZE:WAYS:LINE");
  app->add_option("--l1", a->l1, "With --levels: replace the first simulated level (SIZE:WAYS:LINE)");
  app->add_option("--l2", a->l2, "With --levels: replace (SIZE:WAYS:LINE) or drop (none) the second level");
  app->add_option("--l3", a->l3, "With --levels: replace (SIZE:WAYS:LINE) or drop (none) the third level");
  commands.push_back({app, [a] { return runRoofline(*a); }});
}

}  // namespace cachescope::cli
