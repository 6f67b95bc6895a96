// Table, CSV and JSON text of the probe's results.
#include "probe/probe_report.hpp"

#include <cstdio>

#include "cachesim/config.hpp"
#include "platform/host.hpp"
#include "probe/internal.hpp"
#include "report/numbers.hpp"
#include "report/record.hpp"
#include "report/table.hpp"

namespace cachescope::probe {

namespace {

std::string f(double v, int d) { return fixedText(v, d); }

std::string notes(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += "note: " + l + "\n";
  return s;
}

std::string outcomeLine(Outcome o, const std::string& failure) {
  if (o == Outcome::Ok) return "";
  return std::string("outcome: ") + toString(o) + (failure.empty() ? "" : ": " + failure) + "\n";
}

nlohmann::json common(const char* probe, const ProbeOptions& o, Outcome outcome) {
  nlohmann::json j;
  j["probe"] = probe;
  j["outcome"] = toString(outcome);
  j["context"] = hostContextJson();
  j["protocol"] = {{"warmup", o.protocol.warmup},
                   {"reps", o.protocol.reps},
                   {"min_rep_seconds", o.protocol.minRepSeconds},
                   {"statistic", "median of the reps; min and spread (max/min) beside it"},
                   {"timer", std::string(probe) == "bandwidth"
                                 ? "1 thread: CPU time of the probing thread (CLOCK_THREAD_CPUTIME_ID); more: wall time "
                                   "(steady_clock) around all threads"
                                 : "CPU time of the probing thread (CLOCK_THREAD_CPUTIME_ID): time it waited while other "
                                   "processes ran is left out"},
                   {"loop_count", "calibrated per point: doubled until one rep lasts min_rep_seconds"}};
  j["buffers"] = "2 MiB aligned; madvise(MADV_HUGEPAGE) on buffers of 2 MiB and more (fewer TLB misses)";
  if (o.simulate) {
    const sim::HierarchyConfig c = detail::simConfig(o);
    nlohmann::json levels = nlohmann::json::array();
    for (const sim::LevelConfig& l : c.levels) levels.push_back({{"name", l.name}, {"spec", sim::toSpec(l)}});
    j["simulated_cache"] = {{"levels", levels},
                            {"replacement", sim::toString(c.replacement)},
                            {"prefetch", sim::describe(c.prefetch)}};
  }
  return j;
}

}  // namespace

// ------------------------------------------------------------------ latency

std::string toTable(const LatencyResult& r) {
  std::string s = outcomeLine(r.outcome, r.failure);
  s += "clock: " + f(r.clock.ghz, 2) + " GHz (" + r.clock.method + ")\n\n";
  TextTable levels;
  levels.align = {Align::Left};
  levels.rows.push_back({"level", "detected", "sysfs", "ratio", "latency ns", "cycles"});
  for (const DetectedLevel& d : r.levels)
    levels.rows.push_back({d.name, d.detectedBytes ? formatBytes(d.detectedBytes) : "none", formatBytes(d.sysfsBytes),
                           d.detectedBytes && d.sysfsBytes ? f(double(d.detectedBytes) / double(d.sysfsBytes), 2) : "",
                           f(d.latencyNs, 2), f(d.latencyCycles, 1)});
  if (r.memoryReached)
    levels.rows.push_back({"memory", "", "", "", f(r.memoryLatencyNs, 1), f(r.memoryLatencyNs * r.clock.ghz, 0)});
  else if (!r.series.empty())
    levels.rows.push_back({"memory", "not reached", "", "", "", ""});
  s += layoutTable(levels) + "\n";
  TextTable t;
  t.align = {Align::Left};
  const bool pred = !r.series.empty() && !r.series.front().points.empty() && r.series.front().points.front().predictedNs > 0;
  std::vector<std::string> head{"working set"};
  for (const LatencySeries& se : r.series) {
    head.push_back(std::string(toString(se.order)) + " ns");
    head.push_back("cycles");
    if (pred) head.push_back("predicted");
  }
  head.push_back("spread");
  t.rows.push_back(head);
  const std::size_t n = r.series.empty() ? 0 : r.series.front().points.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> row{formatBytes(r.series.front().points[i].bytes)};
    for (const LatencySeries& se : r.series) {
      if (i >= se.points.size()) {
        row.insert(row.end(), pred ? 3 : 2, "");
        continue;
      }
      const LatencyPoint& p = se.points[i];
      row.push_back(f(p.nsPerLoad, 2));
      row.push_back(f(p.cyclesPerLoad, 1));
      if (pred) row.push_back(f(p.predictedNs, 2));
    }
    row.push_back(f(r.series.front().points[i].spread, 2));
    t.rows.push_back(row);
  }
  return s + layoutTable(t) + notes(r.explanations);
}

std::string toCsv(const LatencyResult& r) {
  std::string s = "order,bytes,ns_per_load,min_ns_per_load,cycles_per_load,spread,predicted_ns\n";
  for (const LatencySeries& se : r.series)
    for (const LatencyPoint& p : se.points)
      s += std::string(toString(se.order)) + "," + std::to_string(p.bytes) + "," + significantText(p.nsPerLoad) + "," +
           significantText(p.minNsPerLoad) + "," + significantText(p.cyclesPerLoad) + "," + significantText(p.spread) +
           "," + (p.predictedNs > 0 ? significantText(p.predictedNs) : "") + "\n";
  return s;
}

nlohmann::json toJson(const LatencyResult& r, const ProbeOptions& o) {
  nlohmann::json j = common("latency", o, r.outcome);
  if (!r.failure.empty()) j["failure"] = r.failure;
  j["units"] = {{"bytes", "working set in bytes"},
                {"ns_per_load", "nanoseconds per dependent load (median time of a rep / loads of a rep)"},
                {"cycles_per_load", "ns_per_load x clock GHz"},
                {"spread", "slowest rep / fastest rep"},
                {"predicted_ns", "sum over simulated serving levels of share x measured latency of that level"},
                {"served_share", "share of loads served by each simulated level, memory last"}};
  j["method"] = "pointer chasing over 64-byte nodes, one per cache line of the working set; random: a single-cycle "
                "permutation (Sattolo, seed " + std::to_string(o.seed) + ") that defeats the prefetcher; sequential: "
                "each line points to the next, which the prefetcher hides; 16 dependent loads per loop iteration";
  j["clock"] = {{"ghz", r.clock.ghz}, {"method", r.clock.method}};
  nlohmann::json series = nlohmann::json::array();
  for (const LatencySeries& se : r.series) {
    nlohmann::json pts = nlohmann::json::array();
    for (const LatencyPoint& p : se.points) {
      nlohmann::json q = {{"bytes", p.bytes},
                          {"ns_per_load", p.nsPerLoad},
                          {"min_ns_per_load", p.minNsPerLoad},
                          {"cycles_per_load", p.cyclesPerLoad},
                          {"spread", p.spread}};
      if (!p.servedShare.empty()) {
        q["served_share"] = p.servedShare;
        q["predicted_ns"] = p.predictedNs;
      }
      pts.push_back(q);
    }
    series.push_back({{"order", toString(se.order)}, {"points", pts}});
  }
  j["series"] = series;
  nlohmann::json lv = nlohmann::json::array();
  for (const DetectedLevel& d : r.levels)
    lv.push_back({{"name", d.name},
                  {"detected_bytes", d.detectedBytes},
                  {"sysfs_bytes", d.sysfsBytes},
                  {"latency_ns", d.latencyNs},
                  {"latency_cycles", d.latencyCycles}});
  j["levels"] = lv;
  j["levels_method"] = "knees of the random curve (median-of-3 smoothed; a knee is the last point before a rise of 40% "
                       "or more), matched in order to the sysfs sizes; latency: median of the points well inside a level";
  j["memory_reached"] = r.memoryReached;
  if (r.memoryReached) {
    j["memory_latency_ns"] = r.memoryLatencyNs;
    j["memory_latency_method"] =
        "the largest working set's latency, that set at least 1.5x the last level (part of it may still hit there)";
  } else {
    j["memory_latency_ns"] = nullptr;
    j["memory_latency_method"] = "not reached: the largest working set is less than 1.5x the last level";
  }
  j["explanations"] = r.explanations;
  return j;
}

// ------------------------------------------------------------------ mountain

std::string toTable(const MountainResult& r) {
  TextTable t;
  t.align = {Align::Left};
  std::vector<std::string> head{"GB/s"};
  for (int s : r.strides) head.push_back("s" + std::to_string(s));
  t.rows.push_back(head);
  for (std::size_t z = 0; z < r.sizes.size(); ++z) {
    std::vector<std::string> row{formatBytes(r.sizes[z])};
    for (std::size_t s = 0; s < r.strides.size(); ++s)
      row.push_back(z < r.gbPerSecond[s].size() ? f(r.gbPerSecond[s][z], 1) : "");
    t.rows.push_back(row);
  }
  std::string out = outcomeLine(r.outcome, r.failure) + "read throughput (GB/s), working set (rows) x stride in 8-byte elements (columns)\n" +
                    layoutTable(t);
  if (!r.predictedGBs.empty()) {
    TextTable p = t;
    p.rows.resize(1);
    for (std::size_t z = 0; z < r.sizes.size(); ++z) {
      std::vector<std::string> row{formatBytes(r.sizes[z])};
      for (std::size_t s = 0; s < r.strides.size(); ++s)
        row.push_back(z < r.predictedGBs[s].size() ? f(r.predictedGBs[s][z], 1) : "");
      p.rows.push_back(row);
    }
    out += "\npredicted by the cache model (GB/s)\n" + layoutTable(p);
  }
  return out + notes(r.explanations);
}

std::string toCsv(const MountainResult& r) {
  std::string s = "bytes,stride,gb_per_s,predicted_gb_per_s\n";
  for (std::size_t st = 0; st < r.strides.size(); ++st)
    for (std::size_t z = 0; z < r.gbPerSecond[st].size(); ++z)
      s += std::to_string(r.sizes[z]) + "," + std::to_string(r.strides[st]) + "," + significantText(r.gbPerSecond[st][z]) +
           "," + (st < r.predictedGBs.size() && z < r.predictedGBs[st].size() ? significantText(r.predictedGBs[st][z]) : "") +
           "\n";
  return s;
}

nlohmann::json toJson(const MountainResult& r, const ProbeOptions& o) {
  nlohmann::json j = common("mountain", o, r.outcome);
  if (!r.failure.empty()) j["failure"] = r.failure;
  j["units"] = {{"sizes", "working set in bytes"},
                {"strides", "in 8-byte elements"},
                {"gb_per_s", "bytes the loop reads (8 per element read) / median time, 1e9 bytes per second; [stride][size]"},
                {"predicted_gb_per_s", "8 bytes / sum over simulated serving levels of share x cost; cost: L1 8 B / its "
                                       "stride-1 throughput, level k: line / its stride-1 throughput - (line/8 - 1) x "
                                       "the L1 cost, so a stride-1 sweep inside a level predicts its own plateau"}};
  j["method"] = "CS:APP memory mountain: sum every stride-th double of the working set, four accumulators, scalar";
  j["sizes"] = r.sizes;
  j["strides"] = r.strides;
  j["gb_per_s"] = r.gbPerSecond;
  if (!r.predictedGBs.empty()) j["predicted_gb_per_s"] = r.predictedGBs;
  j["explanations"] = r.explanations;
  return j;
}

// ------------------------------------------------------------------ traversal

std::string toTable(const TraversalResult& r) {
  TextTable t;
  t.align = {Align::Left};
  std::vector<std::string> head{"order", "time", "GB/s", "spread"};
  for (const std::string& n : r.levelNames) head.push_back(n + " hits");
  t.rows.push_back(head);
  auto row = [&](const char* name, double sec, double gbs, double spread, const std::vector<double>& hits) {
    std::vector<std::string> v{name, durationText(sec), f(gbs, 2), f(spread, 2)};
    for (double h : hits) v.push_back(f(100 * h, 1) + "%");
    t.rows.push_back(v);
  };
  row("rows", r.rowSeconds, r.rowGBs, r.rowSpread, r.rowHitRate);
  row("columns", r.colSeconds, r.colGBs, r.colSpread, r.colHitRate);
  std::string s = outcomeLine(r.outcome, r.failure) + "sum of a " + std::to_string(r.n) + " x " + std::to_string(r.n) +
                  " matrix of doubles (" + formatBytes(std::uint64_t(r.n) * std::uint64_t(r.n) * 8) + ")\n" + layoutTable(t);
  if (r.rowSeconds > 0) s += "columns take " + f(r.colSeconds / r.rowSeconds, 1) + "x the time of rows\n";
  return s;
}

std::string toCsv(const TraversalResult& r) {
  std::string s = "order,n,seconds,gb_per_s,spread";
  for (const std::string& n : r.levelNames) s += "," + n + "_hit_rate";
  s += "\n";
  auto row = [&](const char* name, double sec, double gbs, double spread, const std::vector<double>& hits) {
    s += std::string(name) + "," + std::to_string(r.n) + "," + significantText(sec) + "," + significantText(gbs) + "," +
         significantText(spread);
    for (double h : hits) s += "," + significantText(h);
    s += "\n";
  };
  row("rows", r.rowSeconds, r.rowGBs, r.rowSpread, r.rowHitRate);
  row("columns", r.colSeconds, r.colGBs, r.colSpread, r.colHitRate);
  return s;
}

nlohmann::json toJson(const TraversalResult& r, const ProbeOptions& o) {
  nlohmann::json j = common("traversal", o, r.outcome);
  if (!r.failure.empty()) j["failure"] = r.failure;
  j["units"] = {{"seconds", "median time of one sum of the whole matrix"},
                {"gb_per_s", "matrix bytes / seconds, 1e9 bytes per second"},
                {"hit_rate", "hits / accesses at each simulated level, one cold pass"}};
  j["n"] = r.n;
  j["rows"] = {{"seconds", r.rowSeconds}, {"gb_per_s", r.rowGBs}, {"spread", r.rowSpread}, {"hit_rate", r.rowHitRate}};
  j["columns"] = {{"seconds", r.colSeconds}, {"gb_per_s", r.colGBs}, {"spread", r.colSpread}, {"hit_rate", r.colHitRate}};
  j["levels"] = r.levelNames;
  return j;
}

// ------------------------------------------------------------------ bandwidth

std::string toTable(const BandwidthResult& r) {
  TextTable t;
  t.align = {Align::Left};
  std::vector<std::string> head{"level", "per thread"};
  for (int k = 1; k <= r.threads; ++k) head.push_back(std::to_string(k) + (k == 1 ? " thread" : " threads"));
  t.rows.push_back(head);
  for (const LevelBandwidth& l : r.levels) {
    std::vector<std::string> row{l.level, formatBytes(l.workingSetBytes)};
    for (std::size_t k = 0; k < l.gbPerSecond.size(); ++k)
      row.push_back(f(l.gbPerSecond[k], 1) + " GB/s" +
                    (k < l.bestGbPerSecond.size() ? " (best " + f(l.bestGbPerSecond[k], 1) + ")" : ""));
    t.rows.push_back(row);
  }
  return outcomeLine(r.outcome, r.failure) + "sustained read bandwidth (" + r.readLoop +
         " read loop): median of the reps (best: the fastest rep)\n" + layoutTable(t);
}

std::string toCsv(const BandwidthResult& r) {
  std::string s = "level,working_set_bytes,threads,gb_per_s,best_gb_per_s,spread\n";
  for (const LevelBandwidth& l : r.levels)
    for (std::size_t k = 0; k < l.gbPerSecond.size(); ++k)
      s += l.level + "," + std::to_string(l.workingSetBytes) + "," + std::to_string(k + 1) + "," +
           significantText(l.gbPerSecond[k]) + "," + significantText(l.bestGbPerSecond[k]) + "," +
           significantText(l.spread[k]) + "\n";
  return s;
}

nlohmann::json toJson(const BandwidthResult& r, const ProbeOptions& o) {
  nlohmann::json j = common("bandwidth", o, r.outcome);
  if (!r.failure.empty()) j["failure"] = r.failure;
  j["units"] = {{"working_set_bytes", "per thread; each thread reads its own buffer"},
                {"gb_per_s", "bytes read by all threads / median wall time, 1e9 bytes per second; [threads-1]"},
                {"best_gb_per_s", "the same from the fastest rep"},
                {"spread", "slowest rep / fastest rep"}};
  j["method"] = std::string("each of t threads (tbb::task_arena of t) sums its buffer with the ") + r.readLoop +
                " read loop (eight independent vector accumulators; scalar: four); private levels: half the level per thread, shared: half "
                "divided among the threads, DRAM: the probe's largest working set";
  j["read_loop"] = r.readLoop;
  nlohmann::json lv = nlohmann::json::array();
  for (const LevelBandwidth& l : r.levels)
    lv.push_back({{"level", l.level}, {"working_set_bytes", l.workingSetBytes}, {"gb_per_s", l.gbPerSecond}, {"best_gb_per_s", l.bestGbPerSecond}, {"spread", l.spread}});
  j["levels"] = lv;
  j["threads"] = r.threads;
  return j;
}

}  // namespace cachescope::probe
