#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

#include "bench/runner.hpp"
#include "cli/command.hpp"
#include "cli/output_paths.hpp"
#include "cli/plot_output.hpp"
#include "plot/bench_plots.hpp"
#include "report/atomic_file.hpp"
#include "report/writers.hpp"

namespace cachescope::cli {

namespace {

struct BenchArgs {
  std::string kernels, n, block, threads, bits, density;
  int reps = 5;
  int warmup = 1;
  std::string format = "table";
  std::string out;
  std::string plot;
  bool dryRun = false;
};

// "40 s", "3.5 min", "2.1 h", "4.0 days": the estimate is rough, so is this.
std::string duration(double s) {
  char buf[48];
  if (s < 90) std::snprintf(buf, sizeof buf, "%.0f s", s);
  else if (s < 90 * 60) std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  else if (s < 48 * 3600) std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  else std::snprintf(buf, sizeof buf, "%.1f days", s / 86400);
  return buf;
}

// Below this a run needs no warning: it is over before one would act on it.
constexpr double kEstimateNoticeS = 10;

int runBench(const BenchArgs& a) {
  requireDistinctOutputs({{"--out", a.out}, {"--plot", a.plot}});
  if (a.reps < 1) throw UsageError("--reps must be >= 1");
  if (a.warmup < 0) throw UsageError("--warmup must be >= 0");
  Format format;
  if (!parseFormat(a.format, format)) throw UsageError("--format must be table, csv or json");

  // Outputs first: a bad path is reported at once, not after planning (or
  // running) a sweep whose result could not be kept.
  std::optional<AtomicFile> out;
  if (!a.out.empty()) out.emplace(a.out);
  std::optional<PlotOutput> plotOut;
  if (!a.plot.empty()) plotOut.emplace(a.plot);

  SweepSpec spec;
  spec.kernels = splitIdList(a.kernels);
  if (!a.n.empty()) spec.n = parseIntList(a.n, "n");
  if (!a.block.empty()) spec.block = parseIntList(a.block, "block");
  if (!a.threads.empty()) spec.threads = parseIntList(a.threads, "threads");
  if (!a.bits.empty()) spec.bits = parseIntList(a.bits, "bits");
  if (!a.density.empty()) spec.density = parseDoubleList(a.density, "density");
  std::vector<Job> jobs = planSweep(spec);
  RunOptions options{a.warmup, a.reps};

  const SweepEstimate estimate = estimateSweep(jobs, options);
  if (a.dryRun || estimate.seconds > kEstimateNoticeS) {
    char rate[16];
    std::snprintf(rate, sizeof rate, "%g", kEstimateRate / 1e9);
    std::cerr << "bench: " << jobs.size() << (jobs.size() == 1 ? " job, " : " jobs, ") << std::size_t(estimate.runs)
              << " runs: roughly " << duration(estimate.seconds) << " (counting " << rate
              << " GFLOP/s, GOP/s or GB/s; tuned kernels are faster, naive ones at large n slower)"
              << (a.dryRun ? "" : "; Ctrl-C stops") << '\n';
  }
  if (a.dryRun) return 0;  // the outputs' temporaries go with them, unwritten

  ProgressFn progress;
  if (::isatty(STDERR_FILENO)) {
    progress = [](const Progress& p) {
      std::cerr << "\r[" << p.job + 1 << "/" << p.jobs << "] " << p.kernel << "  run " << p.run << "/" << p.runs
                << "        " << std::flush;
    };
  }
  std::vector<BenchRecord> records = runSweep(jobs, options, nullptr, progress);
  if (progress) std::cerr << "\r" << std::string(60, ' ') << "\r";

  std::string text = formatRecords(records, format);
  if (out) {
    out->commit(text);
    std::cerr << "wrote " << a.out << '\n';
  } else {
    std::cout << text;
  }
  if (plotOut) {
    plotOut->writeBench(records);
    std::cerr << "wrote " << a.plot << '\n';
  }
  for (const BenchRecord& r : records)
    if (r.outcome != Outcome::Ok) return 1;
  return 0;
}

}  // namespace

void addBenchCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand(
      "bench", "Time kernels over a parameter sweep (medians of repetitions). A list holds at most " +
                   std::to_string(kMaxListValues) + " values and a sweep at most " + std::to_string(kMaxSweepJobs) +
                   " jobs; a run estimated over " + std::to_string(int(kEstimateNoticeS)) +
                   " s says how long first");
  auto a = std::make_shared<BenchArgs>();
  app->add_option("--kernels", a->kernels, "Kernel ids, comma separated (see 'cachescope list')")->required();
  app->add_option("--n", a->n, "Matrix sizes: list or range, e.g. 256,512 or 64:1024:x2 (default 256)");
  app->add_option("--block", a->block, "Tile sizes for the kernels that use a block (see list), e.g. 16:128:x2 (default 64)");
  app->add_option("--threads", a->threads, "Thread counts, e.g. 1,2 (default 1)");
  app->add_option("--bits", a->bits, "Quantization widths for int kernels: 8, 4 (default: the kernel's own)");
  app->add_option("--density", a->density, "Share of nonzeros kept for the sparse kernels, in (0,1] (default 1)");
  app->add_option("--reps", a->reps, "Timed repetitions per point (default 5)");
  app->add_option("--warmup", a->warmup, "Untimed runs before timing (default 1)");
  app->add_option("--format", a->format, "table | csv | json (default table)");
  app->add_option("--out", a->out, "Write the result to FILE (atomically) instead of stdout");
  app->add_option("--plot", a->plot,
                  "Also draw the results to FILE.svg, FILE.png or FILE.pdf (" + std::to_string(plot::kExportWidth) +
                      "x" + std::to_string(plot::kExportHeight) +
                      ", no display needed): bars, or a sweep against the parameter that varies");
  app->add_flag("--dry-run", a->dryRun,
                "Check the options and outputs, print the job count and a rough run time, run nothing");
  commands.push_back({app, [a] { return runBench(*a); }});
}

}  // namespace cachescope::cli
