// `cachescope simulate`: the cache hierarchy simulator, headless
// (shared/design.md section 4). Either a kernel's own loop nest traced on
// real buffers (--kernel) or a memory trace (--trace FILE|-), through the
// host's caches or a preset, with single levels overridden by --l1/--l2/--l3.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

#include "cli/command.hpp"
#include "cli/level_overrides.hpp"
#include "cli/plugin_option.hpp"
#include "cli/progress_line.hpp"
#include "cli/simulate_estimate.hpp"
#include "engine/progress_ticker.hpp"
#include "platform/errors.hpp"
#include "report/atomic_file.hpp"
#include "report/numbers.hpp"
#include "trace/errors.hpp"
#include "trace/kernel_trace.hpp"
#include "trace/simulation.hpp"
#include "trace/simulation_report.hpp"

namespace cachescope::cli {

namespace {

struct SimulateArgs {
  std::string kernel;
  int n = 256;
  int block = 64;
  double density = 1.0;
  int bits = 32;
  int ldPad = 0;
  std::string trace;
  std::string caches = "host";
  std::string l1, l2, l3;
  std::string policy;
  std::uint64_t seed = 1;
  std::string writePolicy = "back";
  bool inclusive = false;
  double sample = 1.0;
  bool skipBad = false;
  std::string missClasses = "auto";
  std::string prefetch = "none";
  bool mrc = false;
  int threads = 0;
  std::string format = "table";
  std::string out;
  bool quiet = false;
};

// What the caches line of the report names: the preset, or what replaced
// which of its levels ("custom: host with L1 16K:4:64, L3 removed").
std::string cachesLabel(const SimulateArgs& a) {
  const std::string* overrides[] = {&a.l1, &a.l2, &a.l3};
  std::string changes;
  for (std::size_t i = 0; i < 3; ++i) {
    if (overrides[i]->empty()) continue;
    const std::string level = "L" + std::to_string(i + 1);
    changes += (changes.empty() ? "" : ", ") + level + (*overrides[i] == "none" ? " removed" : " " + *overrides[i]);
  }
  return changes.empty() ? a.caches : "custom: " + a.caches + " with " + changes;
}

sim::HierarchyConfig buildHierarchy(const SimulateArgs& a) {
  trace::CachePreset preset = trace::loadPreset(a.caches);
  sim::HierarchyConfig c = trace::hierarchyFor(preset);
  applyLevelOverrides(c, a.l1, a.l2, a.l3);
  if (!a.policy.empty()) c.replacement = sim::parseReplacement(a.policy);
  c.seed = a.seed;
  c.write = sim::parseWritePolicy(a.writePolicy);
  c.inclusiveLast = a.inclusive;
  try {
    c.prefetch = sim::parsePrefetch(a.prefetch);
  } catch (const sim::ConfigError& e) {
    throw UsageError(std::string("--prefetch: ") + e.what());
  }
  // Checked now, before any output is opened, with the three-C shadow only
  // when asked for: "auto" may resolve to off, and simulate() checks the
  // resolved configuration again when it builds the model.
  c.missClasses = a.missClasses == "on" ? sim::MissClasses::On : sim::MissClasses::Off;
  sim::validate(c);
  return c;
}

int runSimulate(const SimulateArgs& a) {
  if (a.kernel.empty() == a.trace.empty()) throw UsageError("give either --kernel ID or --trace FILE|- (not both)");
  if (a.format != "table" && a.format != "json") throw UsageError("--format must be table or json");
  trace::SimulationRequest req;
  req.cache = buildHierarchy(a);
  if (a.missClasses == "on")
    req.missClasses = true;
  else if (a.missClasses == "off")
    req.missClasses = false;
  else if (a.missClasses != "auto")
    throw UsageError("--miss-classes must be auto, on or off");
  if (!a.kernel.empty()) {
    req.source = trace::Source::Kernel;
    req.kernel = {a.kernel, a.n, a.block, a.bits, a.ldPad, a.density};
  } else {
    req.source = trace::Source::TraceFile;
    req.tracePath = a.trace;
    req.skipBad = a.skipBad;
  }
  req.sample = a.sample;
  req.mrc = a.mrc;
  if (a.threads < 0 || a.threads > 1024)
    throw UsageError("--threads " + std::to_string(a.threads) + " is outside 0 (all CPUs) .. 1024");
  req.threads = unsigned(a.threads);
  if (a.mrc && a.sample < 1.0) throw UsageError("--mrc covers the whole run: it cannot be combined with --sample");
  std::optional<AtomicFile> out;
  if (!a.out.empty()) out.emplace(a.out);

  // Before a long run: what it is and how long it should take, from the
  // nest's exact reference count (a trace's length is not known up front).
  std::optional<double> estimate;
  std::string label = a.trace == "-" ? "trace (standard input)" : "trace " + a.trace;
  if (req.source == trace::Source::Kernel) {
    const SimulateEstimate e = estimateSimulation(req);  // also checks the request
    label = e.label;
    estimate = e.seconds;
    if (auto notice = estimateNotice(e)) std::cerr << *notice << '\n';
  }

  // A terminal gets a live line; a pipe one line when a kernel's simulation
  // is done (written at the end, so an error stays the only line).
  const bool live = ::isatty(STDERR_FILENO) != 0;
  std::atomic<double> progress{0};
  req.progress = &progress;
  const auto t0 = std::chrono::steady_clock::now();
  trace::SimulationResult r;
  if (live && !a.quiet) {
    ProgressLine line(std::cerr, "simulate", true, estimate);
    line.step(label, 0);
    try {
      engine::ProgressTicker ticker(
          [&] {
            const double f = progress.load(std::memory_order_relaxed);
            line.update(fixedText(100 * f, 0) + "%", f);
          },
          std::chrono::milliseconds(250));
      r = trace::simulate(req);
    } catch (...) {
      line.finish();
      throw;
    }
    line.finish();
  } else {
    r = trace::simulate(req);
    if (!a.quiet && req.source == trace::Source::Kernel)
      std::cerr << "simulate: " << label << ": "
                << (r.outcome == Outcome::Ok ? "done" : toString(r.outcome)) << " in "
                << durationWords(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()) << '\n';
  }
  // An empty trace is a broken producer (a valgrind pipe that failed), not a
  // program without memory accesses: hit rates of nothing would read as 0%.
  if (req.source == trace::Source::TraceFile && r.outcome == Outcome::Ok && r.references == 0)
    throw trace::SimulationError(
        "trace " + (a.trace == "-" ? std::string("(standard input)") : "'" + a.trace + "'") + ": no memory references in " +
        groupedText(r.traceLines) + (r.traceLines == 1 ? " line" : " lines") +
        " (an empty trace: did the program producing it fail?)");
  const trace::SimulationLabels labels{cachesLabel(a), a.trace, a.sample};
  const std::string text =
      a.format == "json" ? trace::simulationJsonText(r, labels) : trace::simulationTable(r, labels);
  if (out) {
    out->commit(text);
    std::cerr << "wrote " << a.out << '\n';
  } else {
    std::cout << text;
  }
  return r.outcome == Outcome::Ok ? 0 : 1;
}

}  // namespace

void addSimulateCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand(
      "simulate",
      "Simulate the cache hierarchy on a kernel's exact access stream or on a memory trace\n"
      "(write-back, write-allocate, no back-invalidation by default, as Cachegrind). A kernel run estimated\n"
      "over 10 s (from its exact reference count) says so first; progress goes to stderr (a live line on a\n"
      "terminal, one line per simulation otherwise). A trace without any load or store is an error (exit 2).\n"
      "The caches line names the preset, or 'custom: PRESET with L1 SPEC, L3 removed' after --l1/--l2/--l3");
  auto a = std::make_shared<SimulateArgs>();
  auto* kernel = app->add_option("--kernel", a->kernel,
                                 "Traceable kernel: " + trace::traceableKernelList());
  app->add_option("--n", a->n, "Matrix size n (default 256)");
  app->add_option("--block", a->block, "Tile size of the kernels that use one (default 64)");
  app->add_option("--density", a->density, "Share of A kept, for the sparse kernel (default 1)");
  app->add_option("--bits", a->bits, "Element width: 32 (fp32), 8 (int8, int32 C), 4 (int4 two per byte)");
  app->add_option("--ld-pad", a->ldPad, "Extra elements per row (leading dimension n + pad), default 0");
  auto* trace = app->add_option("--trace", a->trace,
                                "Memory trace: Valgrind Lackey --trace-mem=yes output or 'R|W hexaddr size' lines; "
                                "- is standard input");
  kernel->excludes(trace);
  app->add_option("--caches", a->caches,
                  "Cache preset: host (default, from sysfs), a name from assets/caches, or a JSON file");
  app->add_option("--l1", a->l1, "Override L1 as SIZE:WAYS:LINE, e.g. 48K:12:64");
  app->add_option("--l2", a->l2, "Override L2 as SIZE:WAYS:LINE, or none");
  app->add_option("--l3", a->l3, "Override L3 as SIZE:WAYS:LINE, or none");
  app->add_option("--policy", a->policy, "Replacement: lru (default), fifo, plru, random");
  app->add_option("--seed", a->seed, "Seed of random replacement (default 1)");
  app->add_option("--write-policy", a->writePolicy,
                  "back (write-back + write-allocate, default) or through (write-through + no-write-allocate)");
  app->add_flag("--inclusive", a->inclusive, "Inclusive last level: its evictions invalidate the levels above");
  app->add_option("--sample", a->sample,
                  "Simulate this share (0,1] of the outer loop after a warm-up; the result is marked sampled");
  app->add_flag("--skip-bad", a->skipBad, "Count and skip malformed trace lines instead of failing");
  app->add_option("--miss-classes", a->missClasses,
                  "Three-C split (compulsory/capacity/conflict): auto (on up to 64M references of a kernel, 1M of a trace), on, off");
  app->add_option("--prefetch", a->prefetch,
                  "Hardware prefetch model at every level: none (default, as Cachegrind), next-line[:DEGREE], or\n"
                  "stride[:DEGREE[:DISTANCE]] (per level, 16 streams keyed by 4 KiB page); prefetches are counted apart");
  app->add_flag("--mrc", a->mrc,
                "Also the miss-ratio curve: fully associative LRU misses at every size (L1's line, 1 line to beyond\n"
                "the footprint) in one pass of reuse distances; a row per octave in the table, four in JSON");
  app->add_option("--threads", a->threads,
                  "Threads a whole run's count is split across, by set (exact: the same counts as 1); 0 (default):\n"
                  "the CPUs this process may use. Used when no three-C split, prefetch, --inclusive, --mrc or --sample\n"
                  "is asked for, with lru or fifo");
  app->add_option("--format", a->format, "table | json (default table)");
  app->add_option("--out", a->out, "Write the result to FILE (atomically) instead of stdout");
  app->add_flag("--quiet", a->quiet, "No progress on stderr (the estimate and errors still go there)");
  auto plugins = addPluginOptions(app);
  commands.push_back({app, [a, plugins] {
                        loadPlugins(*plugins);
                        return runSimulate(*a);
                      }});
}

}  // namespace cachescope::cli
