// `cachescope roofline`: measures the machine's roofs, then places a few
// kernels (a quick bench at one n) under them.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "bench/roofline.hpp"
#include "bench/runner.hpp"
#include "cli/command.hpp"
#include "cli/plot_output.hpp"
#include "platform/host.hpp"
#include "plot/roofline_plot.hpp"
#include "report/record.hpp"

namespace cachescope::cli {

namespace {

// The ladder as far as this build registers it; relu is left out by default
// because at a moderate n its data fits in cache, above the DRAM roof.
const char* const kDefaultKernels[] = {"matmul.naive",  "matmul.reordered", "matmul.blocked", "matmul.simd",
                                       "matmul.packed", "matmul.parallel",  "matmul.blas"};

struct RooflineArgs {
  int threads = 1;
  std::string format = "table";
  std::string plot;
  std::string kernels;
  int n = 512;
  int reps = 3;
  double seconds = 0.3;
};

struct Placed {
  BenchRecord record;
  IntensityModel model;
  double gflops = 0;  // model.flops / median
  double roof = 0;
};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string rateText(double v) { return fixed(v, v < 10 ? 2 : 1); }

std::vector<std::string> kernelIds(const std::string& text) {
  std::vector<std::string> ids;
  if (text.empty()) {
    for (const char* id : kDefaultKernels)
      if (findKernel(id)) ids.push_back(id);
    return ids;
  }
  if (text == "none") return ids;
  std::stringstream ss(text);
  std::string id;
  while (std::getline(ss, id, ','))
    if (!id.empty()) ids.push_back(id);
  if (ids.empty()) throw UsageError("--kernels is empty (give ids, or 'none' for the machine only)");
  return ids;
}

std::string pointLabel(const BenchRecord& r) {
  std::string s = r.kernel;
  if (r.bits && *r.bits != 32) s += " " + std::to_string(*r.bits) + "-bit";
  if (r.density && *r.density != 1) s += " d=" + fixed(*r.density, 2);
  return s;
}

std::string formatTableText(const RooflineMachine& m, const std::vector<Placed>& placed) {
  std::ostringstream os;
  const std::string threads = std::to_string(m.threads) + (m.threads == 1 ? " thread" : " threads");
  os << "peak compute    " << rateText(m.peakGflops) << " GFLOP/s   (fp32 FMA loop, " << m.simd << ", " << threads
     << ")\n";
  os << "DRAM bandwidth  " << rateText(m.bandwidthGBs) << " GB/s      (triad over " << fixed(m.triadBytes / 1048576.0, 0)
     << " MiB, " << threads << ")\n";
  os << "ridge point     " << fixed(m.ridge(), 2)
     << " FLOP/byte (below it a kernel is memory bound, above it compute bound)\n";
  if (placed.empty()) return os.str();
  os << '\n';
  std::vector<std::vector<std::string>> rows = {
      {"kernel", "n", "intensity", "achieved", "roof", "of roof", "roof that applies"},
      {"", "", "FLOP/byte", "GFLOP/s", "GFLOP/s", "", ""}};
  for (const Placed& p : placed) {
    if (!p.record.failure.empty()) {
      rows.push_back({pointLabel(p.record), std::to_string(p.record.n), "-", "failed: " + p.record.failure, "", "", ""});
      continue;
    }
    rows.push_back({pointLabel(p.record), std::to_string(p.record.n), fixed(p.model.intensity(), 2),
                    rateText(p.gflops), rateText(p.roof), fixed(100 * p.gflops / p.roof, 1) + "%",
                    p.model.intensity() < m.ridge() ? "memory" : "compute"});
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::size_t total = 2 * (width.size() - 1);
  for (std::size_t w : width) total += w;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& cell = rows[r][c];
      std::string pad(width[c] - cell.size(), ' ');
      bool left = c == 0 || c == rows[r].size() - 1;
      line += (c ? "  " : "") + (left ? cell + pad : pad + cell);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
    if (r == 1) os << std::string(total, '-') << '\n';
  }
  os << "intensity counts compulsory DRAM traffic only (each input read once, the output written once)\n";
  return os.str();
}

std::string formatJsonText(const RooflineMachine& m, const std::vector<Placed>& placed) {
  nlohmann::json j;
  j["context"] = hostContextJson();
  j["machine"] = {{"peak_gflops", m.peakGflops},   {"bandwidth_gbs", m.bandwidthGBs},
                  {"ridge_flop_per_byte", m.ridge()}, {"threads", m.threads},
                  {"simd", m.simd},                {"triad_bytes", m.triadBytes}};
  nlohmann::json arr = nlohmann::json::array();
  for (const Placed& p : placed) {
    nlohmann::json k = {{"kernel", p.record.kernel}, {"n", p.record.n}};
    if (p.record.block) k["block"] = *p.record.block;
    if (p.record.threads) k["threads"] = *p.record.threads;
    if (p.record.bits) k["bits"] = *p.record.bits;
    if (p.record.density) k["density"] = *p.record.density;
    if (!p.record.failure.empty()) {
      k["failure"] = p.record.failure;
    } else {
      k["median_s"] = p.record.medianS;
      k["flops"] = p.model.flops;
      k["dram_bytes"] = p.model.bytes;
      k["bytes_model"] = p.model.formula;
      k["intensity"] = p.model.intensity();
      k["gflops"] = p.gflops;
      k["roof_gflops"] = p.roof;
      k["fraction_of_roof"] = p.gflops / p.roof;
    }
    arr.push_back(k);
  }
  j["kernels"] = arr;
  return j.dump(2) + "\n";
}

int runRoofline(const RooflineArgs& a) {
  if (a.threads < 1 || a.threads > 1024) throw UsageError("--threads must be in 1..1024 (got " + std::to_string(a.threads) + ")");
  if (a.reps < 1) throw UsageError("--reps must be >= 1");
  if (!(a.seconds > 0 && a.seconds <= 60)) throw UsageError("--seconds must be in (0, 60]");
  if (a.format != "table" && a.format != "json") throw UsageError("--format must be table or json");
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
  std::optional<RooflineMachine> machine = measureRoofline(options);
  if (!machine) throw std::runtime_error("roofline measurement was cancelled");

  std::vector<Placed> placed;
  if (!jobs.empty()) {
    if (tty) std::cerr << "\r" << std::string(40, ' ') << "\rtiming " << jobs.size() << " kernels at n=" << a.n << "..." << std::flush;
    std::vector<BenchRecord> records = runSweep(jobs, RunOptions{1, a.reps});
    for (std::size_t i = 0; i < records.size() && i < jobs.size(); ++i) {
      Placed p;
      p.record = records[i];
      p.model = intensityModel(*jobs[i].kernel, jobs[i].params);
      if (p.record.failure.empty() && p.record.medianS > 0) p.gflops = p.model.flops / p.record.medianS / 1e9;
      p.roof = plot::rooflineAt(*machine, p.model.intensity());
      placed.push_back(p);
    }
  }
  if (tty) std::cerr << "\r" << std::string(60, ' ') << "\r";

  std::cout << (a.format == "json" ? formatJsonText(*machine, placed) : formatTableText(*machine, placed));
  if (plotOut) {
    std::vector<plot::RooflinePoint> points;
    for (const Placed& p : placed)
      if (p.record.failure.empty()) points.push_back({pointLabel(p.record), p.model.intensity(), p.gflops});
    plot::Plot chart = plot::rooflinePlot(*machine, points);
    if (!placed.empty()) chart.subtitle += "; kernels at n=" + std::to_string(a.n);
    plotOut->write(chart);
    std::cerr << "wrote " << a.plot << '\n';
  }
  for (const Placed& p : placed)
    if (!p.record.failure.empty()) return 1;
  return 0;
}

}  // namespace

void addRooflineCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand(
      "roofline", "Measure peak FLOP/s (FMA loop) and DRAM bandwidth (triad), and place kernels under the roofline");
  auto a = std::make_shared<RooflineArgs>();
  app->add_option("--threads", a->threads, "Threads for the measurement and the kernels (default 1)");
  app->add_option("--format", a->format, "table | json (default table)");
  app->add_option("--plot", a->plot,
                  "Draw the roofline to FILE.svg, FILE.png or FILE.pdf (" + std::to_string(plot::kExportWidth) + "x" +
                      std::to_string(plot::kExportHeight) + ", no display needed)");
  app->add_option("--kernels", a->kernels,
                  "Kernels to place, comma separated, or 'none' (default: the matmul ladder that is registered)");
  app->add_option("--n", a->n, "Matrix size for the kernels (default 512)");
  app->add_option("--reps", a->reps, "Timed repetitions per kernel (default 3)");
  app->add_option("--seconds", a->seconds, "Time for each of the two measurements, best of 3 rounds (default 0.3)");
  commands.push_back({app, [a] { return runRoofline(*a); }});
}

}  // namespace cachescope::cli
