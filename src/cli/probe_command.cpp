// `cachescope probe latency|mountain|traversal|bandwidth`: the memory
// hierarchy measured (src/probe), headless. Sizes, strides and the
// simulated caches are checked before anything runs; the result goes to
// stdout or --out (written whole), the chart to --plot.
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <unistd.h>

#include "cli/command.hpp"
#include "cli/level_overrides.hpp"
#include "cli/output_paths.hpp"
#include "cli/plot_output.hpp"
#include "cli/progress_line.hpp"
#include "engine/progress_ticker.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "probe/probe.hpp"
#include "probe/probe_plots.hpp"
#include "probe/probe_report.hpp"
#include "report/atomic_file.hpp"
#include "report/numbers.hpp"
#include "trace/presets.hpp"
#include "trace/simulation.hpp"

namespace cachescope::cli {

namespace {

struct ProbeArgs {
  std::string what;
  std::string minSize, maxSize;
  int pointsPerOctave = 4;
  int threads = -1;  // unset: bandwidth on 1..cores, the others 1
  int reps = 5;
  int warmup = 1;
  int n = 0;
  std::string strides;
  bool simulate = false;
  std::string caches = "host";
  std::string l1, l2, l3;
  std::string prefetch = "none";
  std::string format = "table";
  std::string out, plot;
  bool quiet = false;
};

std::uint64_t sizeArg(const std::string& text, const char* option) {
  std::uint64_t b = 0;
  if (!parseByteSize(text, b)) throw UsageError(std::string(option) + " '" + text + "' is not a size (e.g. 4K, 64M, 1G)");
  return b;
}

std::vector<int> strideList(const std::string& text) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(item, &used);
    } catch (...) {
      used = 0;
    }
    if (item.empty() || used != item.size()) throw UsageError("--strides '" + text + "': '" + item + "' is not a whole number");
    if (v < 1 || v > 32) throw UsageError("--strides: each stride must be 1..32 elements (got " + std::to_string(v) + ")");
    out.push_back(v);
  }
  if (out.empty()) throw UsageError("--strides is empty");
  return out;
}

sim::HierarchyConfig hierarchy(const ProbeArgs& a) {
  sim::HierarchyConfig c = trace::hierarchyFor(trace::loadPreset(a.caches));
  applyLevelOverrides(c, a.l1, a.l2, a.l3);
  c.prefetch = sim::parsePrefetch(a.prefetch);
  c.missClasses = sim::MissClasses::Off;
  sim::validate(c);
  return c;
}

template <class Result>
void emit(const Result& r, const ProbeArgs& a, const probe::ProbeOptions& o, std::optional<AtomicFile>& out) {
  std::string text;
  if (a.format == "json")
    text = probe::toJson(r, o).dump(2) + "\n";
  else if (a.format == "csv")
    text = probe::toCsv(r);
  else
    text = probe::toTable(r);
  if (out) {
    out->commit(text);
    if (!a.quiet) std::cerr << "wrote " << a.out << '\n';
  } else {
    std::cout << text;
  }
}

int runProbe(const ProbeArgs& a) {
  if (a.what != "latency" && a.what != "mountain" && a.what != "traversal" && a.what != "bandwidth")
    throw UsageError("probe: '" + a.what + "' is not a probe: latency, mountain, traversal or bandwidth");
  if (a.format != "table" && a.format != "csv" && a.format != "json") throw UsageError("--format must be table, csv or json");
  requireDistinctOutputs({{"--out", a.out}, {"--plot", a.plot}});
  probe::ProbeOptions o;
  if (!a.minSize.empty()) o.minBytes = sizeArg(a.minSize, "--min-size");
  if (!a.maxSize.empty()) {
    o.maxBytes = sizeArg(a.maxSize, "--max-size");
    if (o.maxBytes == 0) throw UsageError("--max-size must be at least 1K (got 0)");
  }
  o.pointsPerOctave = a.pointsPerOctave;
  o.threads = a.threads != -1 ? a.threads : (a.what == "bandwidth" ? std::max(1, host().logicalCores) : 1);
  o.protocol.reps = a.reps;
  o.protocol.warmup = a.warmup;
  o.simulate = a.simulate;
  if (a.simulate) o.cache = hierarchy(a);
  else if (a.caches != "host" || !a.l1.empty() || !a.l2.empty() || !a.l3.empty() || a.prefetch != "none")
    throw UsageError("--caches, --l1/--l2/--l3 and --prefetch describe the simulated caches: add --simulate");
  std::vector<int> strides;
  if (!a.strides.empty()) {
    if (a.what != "mountain") throw UsageError("--strides applies to 'probe mountain' only");
    strides = strideList(a.strides);
  }
  if (a.n != 0 && a.what != "traversal") throw UsageError("--n applies to 'probe traversal' only");
  if (a.what == "traversal" && a.n != 0 && (a.n < 8 || a.n > 16384))
    throw UsageError("--n must be 8..16384 (got " + std::to_string(a.n) + ")");
  if (a.what == "traversal") {
    probe::ProbeOptions check = o;
    const int n = a.n ? a.n : probe::defaultTraversalN();
    check.maxBytes = std::max<std::uint64_t>(std::uint64_t(n) * std::uint64_t(n) * 8, o.minBytes);
    probe::validate(check);
  } else {
    probe::validate(o);
  }

  std::optional<AtomicFile> out;
  if (!a.out.empty()) out.emplace(a.out);
  std::optional<PlotOutput> plotOut;
  if (!a.plot.empty()) plotOut.emplace(a.plot);

  std::atomic<double> progress{0};
  o.progress = &progress;
  const bool live = ::isatty(STDERR_FILENO) != 0 && !a.quiet;
  auto run = [&](auto&& body) {
    if (!live) {
      if (!a.quiet) std::cerr << "probe: " << a.what << "..." << '\n';
      return body();
    }
    ProgressLine line(std::cerr, "probe", true);
    line.step(a.what, 0);
    try {
      engine::ProgressTicker ticker(
          [&] {
            const double f = progress.load(std::memory_order_relaxed);
            line.update(fixedText(100 * f, 0) + "%", f);
          },
          std::chrono::milliseconds(250));
      auto r = body();
      line.finish();
      return r;
    } catch (...) {
      line.finish();
      throw;
    }
  };

  Outcome outcome = Outcome::Ok;
  if (a.what == "latency") {
    const probe::LatencyResult r = run([&] { return probe::measureLatency(o); });
    emit(r, a, o, out);
    if (plotOut) plotOut->write(probe::latencyPlot(r));
    outcome = r.outcome;
  } else if (a.what == "mountain") {
    probe::MountainOptions m;
    m.strides = strides;
    const probe::MountainResult r = run([&] { return probe::measureMountain(o, m); });
    emit(r, a, o, out);
    if (plotOut) plotOut->write(probe::mountainPlot(r));
    outcome = r.outcome;
  } else if (a.what == "traversal") {
    const probe::TraversalResult r = run([&] { return probe::measureTraversal(o, a.n); });
    emit(r, a, o, out);
    if (plotOut) plotOut->write(probe::traversalPlot(r));
    outcome = r.outcome;
  } else {
    const probe::BandwidthResult r = run([&] { return probe::measureBandwidth(o); });
    emit(r, a, o, out);
    if (plotOut) plotOut->write(probe::bandwidthPlot(r));
    outcome = r.outcome;
  }
  if (plotOut && !a.quiet) std::cerr << "wrote " << a.plot << '\n';
  return outcome == Outcome::Ok ? 0 : 1;
}

}  // namespace

void addProbeCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand(
      "probe",
      "Measure the memory hierarchy of this machine: 'latency' (pointer chasing over a random and a sequential\n"
      "cycle of cache lines, the knees read off beside the sysfs sizes), 'mountain' (read throughput against\n"
      "working set and stride, CS:APP), 'traversal' (sum an n x n matrix by rows and by columns) or 'bandwidth'\n"
      "(sustained read bandwidth inside L1, L2, L3 and DRAM on 1..N threads). --simulate runs the same access\n"
      "streams through the cache model and predicts from the measured plateaus; gaps are explained");
  auto a = std::make_shared<ProbeArgs>();
  app->add_option("what", a->what, "latency | mountain | traversal | bandwidth")->required();
  app->add_option("--min-size", a->minSize, "Smallest working set (default 1K)");
  app->add_option("--max-size", a->maxSize,
                  "Largest working set (default 4x the last-level cache, at least 64M, at most a quarter of memory)");
  app->add_option("--points-per-octave", a->pointsPerOctave, "Working sets per doubling, 1..32 (default 4)");
  app->add_option("--threads", a->threads, "bandwidth: measure on 1..N threads (default: all cores)");
  app->add_option("--reps", a->reps, "Timed repetitions per point (default 5; the median is reported)");
  app->add_option("--warmup", a->warmup, "Untimed repetitions before timing (default 1)");
  app->add_option("--n", a->n, "traversal: matrix size n (default: the matrix twice the last-level cache)");
  app->add_option("--strides", a->strides, "mountain: strides in 8-byte elements, 1..32 (default 1,2,3,4,6,8,12,16,24,32)");
  app->add_flag("--simulate", a->simulate, "Also run the access streams through the cache model (predicted series)");
  app->add_option("--caches", a->caches, "Simulated caches: host (default), a preset name or a JSON file");
  app->add_option("--l1", a->l1, "Override the simulated L1 as SIZE:WAYS:LINE, e.g. 32K:8:64");
  app->add_option("--l2", a->l2, "Override the simulated L2 as SIZE:WAYS:LINE, or none");
  app->add_option("--l3", a->l3, "Override the simulated L3 as SIZE:WAYS:LINE, or none");
  app->add_option("--prefetch", a->prefetch, "Simulated prefetcher: none (default), next-line, stride[:DEGREE[:DISTANCE]]");
  app->add_option("--format", a->format, "table | csv | json (default table)");
  app->add_option("--out", a->out, "Write the result to FILE (atomically) instead of stdout");
  app->add_option("--plot", a->plot, "Also draw the chart to FILE.svg, FILE.png or FILE.pdf");
  app->add_flag("--quiet", a->quiet, "No progress on stderr (errors still go there)");
  commands.push_back({app, [a] { return runProbe(*a); }});
}

}  // namespace cachescope::cli
