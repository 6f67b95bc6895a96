#include "bench/roofline_report.hpp"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "plot/roofline_plot.hpp"
#include "report/numbers.hpp"
#include "report/record.hpp"
#include "report/table.hpp"

namespace cachescope {

std::vector<PlacedKernel> placeKernels(const RooflineMachine& machine, const std::vector<Job>& jobs,
                                       const std::vector<BenchRecord>& records) {
  std::vector<PlacedKernel> placed;
  for (std::size_t i = 0; i < records.size() && i < jobs.size(); ++i) {
    PlacedKernel p;
    p.record = records[i];
    p.model = intensityModel(*jobs[i].kernel, jobs[i].params);
    if (p.record.outcome == Outcome::Ok && p.record.medianS > 0) p.gflops = p.model.flops / p.record.medianS / 1e9;
    p.roofKind = roofFor(*jobs[i].kernel, jobs[i].params);
    p.roof = machine.roofAt(p.roofKind, p.model.intensity());
    if (p.record.outcome == Outcome::Ok) p.aboveReason = aboveRoofReason(machine, p.roofKind, p.model, p.gflops);
    placed.push_back(p);
  }
  return placed;
}

std::vector<plot::RooflinePoint> rooflinePoints(const std::vector<PlacedKernel>& placed) {
  std::vector<plot::RooflinePoint> points;
  for (const PlacedKernel& p : placed)
    if (p.record.outcome == Outcome::Ok)
      points.push_back({placedLabel(p.record), p.model.intensity(), p.gflops, p.roofKind, p.aboveReason});
  return points;
}

std::string placedLabel(const BenchRecord& r) {
  std::string s = r.kernel;
  if (r.bits && *r.bits != 32) s += " " + std::to_string(*r.bits) + "-bit";
  if (r.density && *r.density != 1) s += " d=" + fixedText(*r.density, 2);
  return s;
}

std::string rooflineTable(const RooflineMachine& m, const std::vector<PlacedKernel>& placed) {
  std::ostringstream os;
  const std::string threads = std::to_string(m.threads) + (m.threads == 1 ? " thread" : " threads");
  os << "peak compute    " << rateText(m.peakGflops) << " GFLOP/s   (fp32 FMA loop, " << m.simd << ", " << threads
     << ")\n";
  if (m.int8PeakGops > 0)
    os << "peak int8       " << rateText(m.int8PeakGops) << " GOP/s     (int8 multiply-add loop, " << m.int8Simd << ", "
       << threads << ")\n";
  os << "DRAM bandwidth  " << rateText(m.bandwidthGBs) << " GB/s      (triad over "
     << fixedText(m.triadBytes / 1048576.0, 0) << " MiB, " << threads << ")\n";
  os << "ridge point     " << fixedText(m.ridge(), 2)
     << " FLOP/byte (below it a kernel is memory bound, above it compute bound)\n";
  if (placed.empty()) return os.str();
  os << '\n';
  TextTable t;
  t.align = {Align::Left, Align::Right, Align::Right, Align::Right, Align::Right, Align::Right, Align::Left};
  t.headerRows = 2;
  t.rows = {{"kernel", "n", "intensity", "achieved", "roof", "of roof", "roof that applies"},
            {"", "", "FLOP/byte", "GFLOP/s", "GFLOP/s", "", ""}};
  // Integer kernels count operations, not FLOPs: one unit for all rows.
  if (std::any_of(placed.begin(), placed.end(), [](const PlacedKernel& p) { return p.roofKind != Roof::Fp32; }))
    t.rows[1] = {"", "", "op/byte", "G op/s", "G op/s", "", ""};
  for (const PlacedKernel& p : placed) {
    if (p.record.outcome != Outcome::Ok) {
      t.rows.push_back({placedLabel(p.record), std::to_string(p.record.n), "-", outcomeText(p.record), "", "", ""});
      continue;
    }
    t.rows.push_back({placedLabel(p.record), std::to_string(p.record.n), fixedText(p.model.intensity(), 2),
                      rateText(p.gflops), rateText(p.roof), fixedText(100 * p.gflops / p.roof, 1) + "%",
                      std::string(roofName(p.roofKind)) +
                          (p.roofKind == Roof::Memory || p.roof < m.peakOf(p.roofKind) ? " memory" : " compute") +
                          (p.aboveReason.empty() ? "" : "; above: " + p.aboveReason)});
  }
  os << layoutTable(t);
  os << "intensity counts compulsory DRAM traffic only (each input read once, the output written once);\n"
        "fp32 kernels in GFLOP/s under the fp32 roof, int8/int4 in GOP/s under the int8 roof, ReLU under the DRAM slope\n";
  return os.str();
}

nlohmann::json rooflineJson(const RooflineMachine& m, const std::vector<PlacedKernel>& placed) {
  nlohmann::json j;
  j["context"] = hostContextJson();
  j["machine"] = {{"peak_gflops", m.peakGflops},      {"bandwidth_gbs", m.bandwidthGBs},
                  {"ridge_flop_per_byte", m.ridge()}, {"threads", m.threads},
                  {"simd", m.simd},                   {"triad_bytes", m.triadBytes}};
  if (m.int8PeakGops > 0) {
    j["machine"]["int8_peak_gops"] = m.int8PeakGops;
    j["machine"]["int8_simd"] = m.int8Simd;
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const PlacedKernel& p : placed) {
    nlohmann::json k = {{"kernel", p.record.kernel}, {"n", p.record.n}};
    if (p.record.block) k["block"] = *p.record.block;
    if (p.record.threads) k["threads"] = *p.record.threads;
    if (p.record.bits) k["bits"] = *p.record.bits;
    if (p.record.density) k["density"] = *p.record.density;
    if (p.record.outcome != Outcome::Ok) {
      k["failure"] = p.record.outcome == Outcome::Failed ? p.record.failure : toString(p.record.outcome);
    } else {
      k["median_s"] = p.record.medianS;
      k["flops"] = p.model.flops;
      k["dram_bytes"] = p.model.bytes;
      k["bytes_model"] = p.model.formula;
      k["intensity"] = p.model.intensity();
      k["gflops"] = p.gflops;
      k["roof_gflops"] = p.roof;
      k["roof"] = roofName(p.roofKind);
      k["fraction_of_roof"] = p.gflops / p.roof;
      if (!p.aboveReason.empty()) k["above_roof_reason"] = p.aboveReason;
    }
    arr.push_back(k);
  }
  j["kernels"] = arr;
  return j;
}

std::string rooflineJsonText(const RooflineMachine& machine, const std::vector<PlacedKernel>& placed) {
  return rooflineJson(machine, placed).dump(2) + "\n";
}

}  // namespace cachescope
