// `cachescope tune`: measures the dispatch table of the dispatching kernel
// (bench/dispatch_tune.hpp) and writes it atomically to the per-user cache
// directory (or --out); `tune --check` times the dispatcher against every
// candidate at the tuned points and between them and prints auto/best with
// PASS/FAIL (5% at a tuned point, 10% between).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <unistd.h>

#include "bench/dispatch_tune.hpp"
#include "bench/param_list.hpp"
#include "cli/command.hpp"
#include "cli/output_paths.hpp"
#include "cli/plot_output.hpp"
#include "cli/progress_line.hpp"
#include "plot/who_wins.hpp"
#include "report/atomic_file.hpp"
#include "report/numbers.hpp"
#include "report/table.hpp"

namespace cachescope::cli {

namespace {

struct TuneArgs {
  std::string n, threads, bits, density;
  int reps = 5;
  int warmup = 1;
  std::string out;
  std::string plot;
  bool check = false;
  bool quiet = false;
};

std::string numText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string winnersTable(const DispatchTable& t) {
  TextTable table;
  table.align = {Align::Right, Align::Right, Align::Right, Align::Right, Align::Left,
                 Align::Right, Align::Left,  Align::Right, Align::Right};
  table.rows.push_back({"bits", "threads", "n", "density", "winner", "median", "runner-up", "median", "margin"});
  for (const DispatchPoint& p : t.points) {
    std::string second;
    double secondS = 0;
    for (const auto& [id, s] : p.timesS)
      if (id != p.winner && (second.empty() || s < secondS)) {
        second = id;
        secondS = s;
      }
    const double best = p.timesS.at(p.winner);
    table.rows.push_back({std::to_string(p.bits), std::to_string(p.threads), std::to_string(p.n), numText(p.density),
                          p.winner, durationText(best), second.empty() ? "-" : second,
                          second.empty() ? "" : durationText(secondS),
                          second.empty() ? "" : fixedText(secondS / best, 2) + "x"});
  }
  return layoutTable(table);
}

std::vector<plot::Plot> whoWinsOf(const DispatchTable& table) {
  std::vector<plot::Plot> plots = plot::whoWinsPlots(dispatchTableRecords(table), kernelTitles());
  if (plots.empty()) throw UsageError("--plot: the table has no two sizes with two candidates to map (tune more n)");
  return plots;
}

DispatchTable readTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DispatchTableError("no dispatch table at " + path + " (run 'cachescope tune' first)");
  std::ostringstream text;
  text << in.rdbuf();
  DispatchTable t = parseDispatchTable(text.str(), path);
  const std::string mismatch = hostMismatch(t.host, currentDispatchHost());
  if (!mismatch.empty()) throw DispatchTableError(path + " is not for this host: " + mismatch);
  return t;
}

int runCheck(const TuneArgs& a, const std::string& path, std::optional<PlotOutput>& plotOut) {
  const DispatchTable table = readTable(path);
  // The dispatcher reads the table from the environment's path: this one.
  ::setenv("CACHESCOPE_DISPATCH_TABLE", path.c_str(), 1);
  std::optional<ProgressLine> line;
  if (!a.quiet) line.emplace(std::cerr, "tune --check", ::isatty(STDERR_FILENO) != 0);
  TuneProgressFn progress;
  if (line)
    progress = [&](const TuneProgress& p) {
      line->step("[" + std::to_string(std::min(p.job + 1, p.jobs)) + "/" + std::to_string(p.jobs) + "] " + p.what,
                 double(p.job) / std::max(1, p.jobs));
    };
  const std::vector<DispatchCheckRow> rows = checkDispatch(table, RunOptions{a.warmup, a.reps, kTuneMinSampleS}, progress);
  if (line) line->finish();

  TextTable t;
  t.align = {Align::Left,  Align::Right, Align::Right, Align::Right, Align::Right, Align::Left, Align::Right,
             Align::Left,  Align::Right, Align::Right, Align::Right, Align::Right, Align::Right, Align::Left};
  t.rows.push_back({"point", "bits", "threads", "n", "density", "auto ran", "auto", "best", "best time", "auto/best",
                    "fastest rounds", "ran/best", "fastest rounds", "result"});
  int fails = 0;
  double worstTuned = 0, worstBetween = 0;
  for (const DispatchCheckRow& r : rows) {
    if (!r.pass()) ++fails;
    const double ratio = r.decidingRatio();
    (r.tuned ? worstTuned : worstBetween) = std::max(r.tuned ? worstTuned : worstBetween, ratio);
    t.rows.push_back({r.tuned ? "tuned" : "between", std::to_string(r.params.bits), std::to_string(r.params.threads),
                      std::to_string(r.params.n), numText(r.params.density), r.chosen, durationText(r.autoS), r.best,
                      durationText(r.bestS), fixedText(r.ratio, 3), fixedText(r.minRatio, 3),
                      r.chosenS > 0 ? fixedText(r.choiceRatio, 3) : "-", r.chosenS > 0 ? fixedText(r.choiceMinRatio, 3) : "-",
                      std::string(r.pass() ? "PASS" : "FAIL") + " (<= " + fixedText(r.limit, 2) + ")"});
  }
  const DispatchOverhead overhead = dispatchOverhead(rows);
  const bool overheadOk = overhead.geomean <= kDispatchOverheadLimit;
  std::cout << "dispatch table: " << path << " (tuned " << table.date << ")\n"
            << layoutTable(t) << "auto/best: median of " << std::max(1, a.reps)
            << " interleaved rounds (each the mean of back-to-back runs lasting at least "
            << durationText(kTuneMinSampleS)
            << ") of the dispatcher over the fastest candidate's at that point; ran/best: the same for the kernel "
               "the dispatcher ran, timed as itself in those rounds (exactly 1 when it ran the fastest); fastest "
               "rounds: each kernel's fastest round (least disturbed by other programs). A point passes when ran/best "
               "(auto/best where the kernel it ran was not timed), by median or by fastest round, is within the "
               "target: 1.05 at tuned points, 1.10 between them\n"
            << "dispatch overhead: auto / the kernel it ran, geometric mean over " << overhead.rows
            << " points: " << fixedText(overhead.geomean, 4) << (overheadOk ? " PASS" : " FAIL") << " (<= "
            << fixedText(kDispatchOverheadLimit, 2) << ")\n"
            << rows.size() - fails << " of " << rows.size() << " points pass; worst tuned " << fixedText(worstTuned, 3)
            << ", worst between " << fixedText(worstBetween, 3) << " (the lower of the two deciding ratios)"
            << " (timings on a busy machine vary by several %: re-run on a quiet one before trusting a FAIL)\n";
  if (plotOut) {
    plotOut->writeAll(whoWinsOf(table));
    std::cerr << "wrote " << plotOut->path() << '\n';
  }
  return 0;
}

int runTune(const TuneArgs& a) {
  requireDistinctOutputs({{"--out", a.out}, {"--plot", a.plot}});
  if (a.reps < 1) throw UsageError("--reps must be >= 1");
  if (a.warmup < 0) throw UsageError("--warmup must be >= 0");
  const std::string path = a.out.empty() ? defaultDispatchTablePath() : a.out;
  std::optional<PlotOutput> plotOut;
  if (!a.plot.empty()) plotOut.emplace(a.plot);
  if (a.check) {
    if (!a.n.empty() || !a.threads.empty() || !a.bits.empty() || !a.density.empty())
      throw UsageError("--check measures the points of the table: give no --n, --threads, --bits or --density");
    return runCheck(a, path, plotOut);
  }

  TuneSpec spec;
  if (!a.n.empty()) spec.n = parseIntList(a.n, "n");
  if (!a.threads.empty()) spec.threads = parseIntList(a.threads, "threads");
  if (!a.bits.empty()) spec.bits = parseIntList(a.bits, "bits");
  if (!a.density.empty()) spec.density = parseDoubleList(a.density, "density");
  checkTuneSpec(spec);

  // The table's directory is made, and its temporary opened, before any
  // measuring: a path that cannot be written is reported at once.
  if (a.out.empty()) {
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    if (ec) throw FileError("cannot create " + dir.string() + ": " + ec.message());
  }
  AtomicFile out(path);

  std::optional<ProgressLine> line;
  if (!a.quiet) line.emplace(std::cerr, "tune", ::isatty(STDERR_FILENO) != 0);
  TuneProgressFn progress;
  if (line)
    progress = [&](const TuneProgress& p) {
      line->step("[" + std::to_string(std::min(p.job + 1, p.jobs)) + "/" + std::to_string(p.jobs) + "] " + p.what,
                 double(p.job) / std::max(1, p.jobs));
    };
  const DispatchTable table = tuneDispatch(spec, RunOptions{a.warmup, a.reps, kTuneMinSampleS}, progress);
  if (line) line->finish();
  out.commit(dispatchTableJson(table));
  std::cout << winnersTable(table);
  std::cout << "median of " << a.reps << " interleaved rounds per point (each candidate once a round, after "
            << std::max(2, a.warmup) << " warmups), each repetition the mean of back-to-back runs lasting at least " << durationText(kTuneMinSampleS)
            << "; a kernel that ignores threads or density is measured once "
               "and its time used for the others; candidates over "
            << numText(kTunePruneFactor) << "x slower than a point's winner (from n = " << kTunePruneFromN << ") are not measured at the next n\n";
  std::cerr << "wrote " << path << '\n';
  if (plotOut) {
    plotOut->writeAll(whoWinsOf(table));
    std::cerr << "wrote " << plotOut->path() << '\n';
  }
  return 0;
}

}  // namespace

void addTuneCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand(
      "tune",
      "Measure the dispatch table of the auto-dispatching matmul on this host: every candidate kernel at each "
      "(bits, threads, n, density) of the grid, with bench's protocol (median of --reps after --warmup, each repetition at least 2 ms of back-to-back runs), progress "
      "on stderr; prints the winners and writes the table atomically to the per-user cache directory "
      "($XDG_CACHE_HOME/cachescope/dispatch.json, else ~/.cache/cachescope/dispatch.json; "
      "$CACHESCOPE_DISPATCH_TABLE overrides, as for the kernel). --check times the dispatcher against every "
      "candidate at the tuned points and between them (auto/best, PASS at <= 1.05 tuned, <= 1.10 between)");
  auto a = std::make_shared<TuneArgs>();
  app->add_option("--n", a->n, "Sizes to tune: list or range (default 32,48,64,96,128,192,256,384,512,768,1024: half-octave steps)");
  app->add_option("--threads", a->threads, "Thread counts (default 1 and, with 2+ cores, 2)");
  app->add_option("--bits", a->bits, "Widths: 32 (fp32), 8, 4 (default 32,8,4)");
  app->add_option("--density", a->density,
                  "Densities of A for fp32, in (0,1]; 1 is always added (default 0.01,0.03,0.1,0.2,0.3,0.5,0.7)");
  app->add_option("--reps", a->reps, "Timed repetitions per candidate (--check: interleaved rounds) (default 5)");
  app->add_option("--warmup", a->warmup, "Untimed runs before timing (default 1; at least 2, which calibrate the 2 ms repetitions)");
  app->add_option("--out", a->out, "The table file (default: the per-user cache path above); --check reads it");
  app->add_option("--plot", a->plot,
                  "Also draw the who-wins map of the table to FILE.svg, FILE.png or FILE.pdf: the fastest kernel per "
                  "n x threads, and per density x n");
  app->add_flag("--check", a->check,
                "Check the dispatcher against the table instead of tuning: auto/best per point, PASS/FAIL (exit 0 "
                "either way: it is a benchmark; a missing or other host's table is exit 2)");
  app->add_flag("--quiet", a->quiet, "No progress on stderr");
  commands.push_back({app, [a] { return runTune(*a); }});
}

}  // namespace cachescope::cli
