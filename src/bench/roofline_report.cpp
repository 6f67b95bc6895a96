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

PlacedLevels placeLevels(const RooflineMachine& m, const PlacedKernel& k, const KernelTraffic& traffic) {
  PlacedLevels p;
  p.traffic = traffic;
  p.placement = placeByLevels(m, k.roofKind, traffic.work, traffic.traffic);
  p.placement.traced = traffic.traced;
  for (const LevelPoint& q : p.placement.levels) {
    std::string why = aboveLevelReason(q, k.gflops, traffic.traced, traffic.sampled, traffic.caveat);
    // The compulsory estimate at DRAM: the data may come from a cache (the
    // machine-wide reason says which).
    if (!traffic.traced && !why.empty()) {
      IntensityModel model = k.model;
      RooflineMachine dram = m;
      dram.bandwidthGBs = q.roofGBs;
      const std::string fits = aboveRoofReason(dram, Roof::Memory, model, k.gflops);
      if (!fits.empty()) why = fits + " (compulsory bytes, not traced)";
    }
    p.above.push_back(why);
  }
  if (p.placement.computePeak > 0 && k.gflops > p.placement.computePeak * 1.02)
    p.aboveCompute = "above the measured peak (noise?)";
  return p;
}

std::vector<std::string> shortLabels(const std::vector<std::string>& labels) {
  std::vector<std::string> out;
  auto stem = [](const std::string& l) {
    const std::string s = l.substr(l.find('.') == std::string::npos ? 0 : l.find('.') + 1);
    return s.substr(0, s.find(' '));
  };
  for (const std::string& l : labels) {
    const int same = int(std::count_if(labels.begin(), labels.end(), [&](const std::string& o) { return stem(o) == stem(l); }));
    out.push_back(same == 1 && l.find('.') != std::string::npos ? l.substr(l.find('.') + 1) : l);
  }
  return out;
}

std::vector<plot::RooflineLevelKernel> rooflineLevelKernels(const std::vector<PlacedKernel>& placed) {
  std::vector<std::string> labels;
  std::vector<const PlacedKernel*> ok;
  for (const PlacedKernel& p : placed)
    if (p.record.outcome == Outcome::Ok && p.levels && p.levels->traffic.outcome == Outcome::Ok) {
      labels.push_back(placedLabel(p.record));
      ok.push_back(&p);
    }
  labels = shortLabels(labels);
  std::vector<plot::RooflineLevelKernel> out;
  for (std::size_t i = 0; i < ok.size(); ++i) {
    const PlacedKernel& p = *ok[i];
    plot::RooflineLevelKernel k;
    k.label = labels[i];
    k.rate = p.gflops;
    k.traced = p.levels->traffic.traced;
    k.binding = p.levels->placement.binding;
    k.roof = p.roofKind;
    for (std::size_t l = 0; l < p.levels->placement.levels.size(); ++l) {
      const LevelPoint& q = p.levels->placement.levels[l];
      if (q.intensity > 0) k.points.push_back({q.level, q.intensity, p.levels->above[l]});
    }
    out.push_back(k);
  }
  return out;
}

std::string placedLabel(const BenchRecord& r) {
  std::string s = r.kernel;
  if (r.bits && *r.bits != 32) s += " " + std::to_string(*r.bits) + "-bit";
  if (r.density && *r.density != 1) s += " d=" + fixedText(*r.density, 2);
  return s;
}

namespace {

std::string rooflineLevelsTable(const RooflineMachine& m, const std::vector<PlacedKernel>& placed) {
  const bool ops = std::any_of(placed.begin(), placed.end(), [](const PlacedKernel& p) { return p.roofKind == Roof::Int8 || p.roofKind == Roof::Memory; });
  const std::string unit = ops ? "G op/s" : "GFLOP/s";
  TextTable t;
  t.align = {Align::Left, Align::Right, Align::Left, Align::Right, Align::Right, Align::Right, Align::Right,
             Align::Right, Align::Left};
  t.headerRows = 2;
  t.rows = {{"kernel", "n", "level", "traffic", "intensity", "roof", "ceiling", "achieved", ""},
            {"", "", "", "MiB", ops ? "op/byte" : "FLOP/byte", "GB/s", unit, unit, ""}};
  std::vector<std::string> notes;
  for (const PlacedKernel& p : placed) {
    const std::string name = placedLabel(p.record), n = std::to_string(p.record.n);
    if (p.record.outcome != Outcome::Ok || !p.levels) {
      t.rows.push_back({name, n, "-", outcomeText(p.record), "", "", "", "", ""});
      continue;
    }
    const PlacedLevels& L = *p.levels;
    if (L.traffic.outcome != Outcome::Ok) {
      t.rows.push_back({name, n, "-", "simulation " + std::string(toString(L.traffic.outcome)), "", "", "", "", ""});
      continue;
    }
    bool first = true;
    for (std::size_t i = 0; i < L.placement.levels.size(); ++i) {
      const LevelPoint& q = L.placement.levels[i];
      std::string mark = q.level == L.placement.binding ? "<- binds" : "";
      if (!L.above[i].empty()) mark += std::string(mark.empty() ? "" : "; ") + "above: " + L.above[i];
      if (!L.traffic.traced) mark += std::string(mark.empty() ? "" : "; ") + "compulsory estimate (not traced)";
      t.rows.push_back({first ? name : "", first ? n : "", q.level, fixedText(q.bytes / 1048576.0, 1),
                        significantText(q.intensity, 3), q.roofGBs > 0 ? rateText(q.roofGBs) : "-",
                        q.attainable > 0 ? rateText(q.attainable) : "-", first ? rateText(p.gflops) : "", mark});
      first = false;
    }
    std::string mark = L.placement.binding == "compute" ? "<- binds" : "";
    if (!L.aboveCompute.empty()) mark += std::string(mark.empty() ? "" : "; ") + "above: " + L.aboveCompute;
    if (L.placement.computePeak > 0)
      t.rows.push_back({"", "", "compute", "", "", "", rateText(L.placement.computePeak), "", mark});
    t.rows.push_back({"", "", "=> bound", "", "", "", rateText(L.placement.attainable),
                      fixedText(L.placement.attainable > 0 ? 100 * p.gflops / L.placement.attainable : 0, 1) + "%",
                      "by " + L.placement.binding});
    if (L.traffic.traced) notes.push_back(name + ": " + L.traffic.note + (L.traffic.caveat.empty() ? "" : "; " + L.traffic.caveat));
  }
  std::string out = layoutTable(t);
  out += "traffic per level from one cache simulation of the kernel's own loop nest (write-back, no prefetch):\n"
         "L1d = references x 4 B, L2 = (L1 misses + writebacks) x line, L3 = (L2 misses + writebacks) x line,\n"
         "DRAM = (L3 line fills + writebacks) x line; ceiling = roof x intensity, bound = the lowest ceiling\n";
  for (const std::string& note : notes) out += note + "\n";
  return out;
}

}  // namespace

std::string rooflineTable(const RooflineMachine& m, const std::vector<PlacedKernel>& placed) {
  std::ostringstream os;
  const std::string threads = std::to_string(m.threads) + (m.threads == 1 ? " thread" : " threads");
  os << "peak compute    " << rateText(m.peakGflops) << " GFLOP/s   (fp32 FMA loop, " << m.simd << ", " << threads
     << ")\n";
  if (m.int8PeakGops > 0)
    os << "peak int8       " << rateText(m.int8PeakGops) << " GOP/s     (int8 multiply-add loop, " << m.int8Simd << ", "
       << threads << ")\n";
  if (m.bf16PeakGflops > 0)
    os << "peak bf16       " << rateText(m.bf16PeakGflops) << " GFLOP/s   (bf16 dot-product loop, " << m.bf16Simd
       << ", " << threads << ")\n";
  os << "DRAM bandwidth  " << rateText(m.bandwidthGBs) << " GB/s      (triad over "
     << fixedText(m.triadBytes / 1048576.0, 0) << " MiB, " << threads << ")\n";
  os << "ridge point     " << fixedText(m.ridge(), 2)
     << " FLOP/byte (below it a kernel is memory bound, above it compute bound)\n";
  if (!m.levelRoofs.empty()) {
    os << "level roofs    ";
    for (const LevelRoof& r : m.levelRoofs) os << " " << r.level << " " << rateText(r.gbPerSecond) << " GB/s";
    os << "  (sustained read bandwidth per level, " << threads << ")\n";
  }
  if (placed.empty()) return os.str();
  os << '\n';
  if (std::any_of(placed.begin(), placed.end(), [](const PlacedKernel& p) { return p.levels.has_value(); }))
    return os.str() + rooflineLevelsTable(m, placed);
  TextTable t;
  t.align = {Align::Left, Align::Right, Align::Right, Align::Right, Align::Right, Align::Right, Align::Left};
  t.headerRows = 2;
  t.rows = {{"kernel", "n", "intensity", "achieved", "roof", "of roof", "roof that applies"},
            {"", "", "FLOP/byte", "GFLOP/s", "GFLOP/s", "", ""}};
  // Integer kernels count operations, not FLOPs: one unit for all rows.
  if (std::any_of(placed.begin(), placed.end(), [](const PlacedKernel& p) { return p.roofKind == Roof::Int8 || p.roofKind == Roof::Memory; }))
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
        "fp32 kernels in GFLOP/s under the fp32 roof, int8/int4 in GOP/s under the int8 roof, bf16 in GFLOP/s under\n"
        "the bf16 roof (the fp32 one where none was measured), ReLU under the DRAM slope\n";
  return os.str();
}

namespace {

nlohmann::json levelsJson(const PlacedLevels& L) {
  nlohmann::json j = {{"traced", L.traffic.traced},
                      {"traffic_source", L.traffic.note},
                      {"outcome", toString(L.traffic.outcome)}};
  if (L.traffic.outcome != Outcome::Ok) return j;
  j["sampled"] = L.traffic.sampled;
  j["sample_fraction"] = L.traffic.sampleFraction;
  j["work"] = L.traffic.work;
  if (!L.traffic.caveat.empty()) j["trace_caveat"] = L.traffic.caveat;
  nlohmann::json arr = nlohmann::json::array();
  for (std::size_t i = 0; i < L.placement.levels.size(); ++i) {
    const LevelPoint& q = L.placement.levels[i];
    nlohmann::json e = {{"level", q.level}, {"boundary", q.boundary}, {"bytes", q.bytes}, {"intensity", q.intensity}};
    if (q.roofGBs > 0) {
      e["roof_gb_per_s"] = q.roofGBs;
      e["ceiling_gflops"] = q.attainable;
    }
    if (!L.above[i].empty()) e["above_roof_reason"] = L.above[i];
    arr.push_back(e);
  }
  j["per_level"] = arr;
  if (L.placement.computePeak > 0) j["compute_peak_gflops"] = L.placement.computePeak;
  j["attainable_gflops"] = L.placement.attainable;
  j["binding"] = L.placement.binding;
  if (!L.aboveCompute.empty()) j["above_compute_reason"] = L.aboveCompute;
  return j;
}

}  // namespace

nlohmann::json rooflineJson(const RooflineMachine& m, const std::vector<PlacedKernel>& placed) {
  nlohmann::json j;
  j["context"] = hostContextJson();
  j["machine"] = {{"peak_gflops", m.peakGflops},      {"bandwidth_gbs", m.bandwidthGBs},
                  {"ridge_flop_per_byte", m.ridge()}, {"threads", m.threads},
                  {"simd", m.simd},                   {"triad_bytes", m.triadBytes}};
  if (!m.levelRoofs.empty()) {
    nlohmann::json roofs = nlohmann::json::array();
    for (const LevelRoof& r : m.levelRoofs) roofs.push_back({{"level", r.level}, {"gb_per_s", r.gbPerSecond}});
    j["machine"]["level_roofs"] = roofs;
  }
  if (m.int8PeakGops > 0) {
    j["machine"]["int8_peak_gops"] = m.int8PeakGops;
    j["machine"]["int8_simd"] = m.int8Simd;
  }
  if (m.bf16PeakGflops > 0) {
    j["machine"]["bf16_peak_gflops"] = m.bf16PeakGflops;
    j["machine"]["bf16_simd"] = m.bf16Simd;
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const PlacedKernel& p : placed) {
    nlohmann::json k = {{"kernel", p.record.kernel}, {"n", p.record.n}};
    if (p.record.block) k["block"] = *p.record.block;
    if (p.record.threads) k["threads"] = *p.record.threads;
    if (p.record.bits) k["bits"] = *p.record.bits;
    if (p.record.density) k["density"] = *p.record.density;
    k["simd_path"] = p.record.simdPath;
    k["unreliable"] = p.record.unreliable;
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
      if (p.levels) k["levels"] = levelsJson(*p.levels);
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
