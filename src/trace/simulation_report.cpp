#include "trace/simulation_report.hpp"

#include <bit>
#include <sstream>

#include <nlohmann/json.hpp>

#include "platform/host.hpp"
#include "report/numbers.hpp"
#include "report/table.hpp"

namespace cachescope::trace {

nlohmann::json simulationJson(const SimulationResult& r, const SimulationLabels& a) {
  using nlohmann::json;
  const bool classes = r.cache.missClasses == sim::MissClasses::On;
  const sim::PrefetchConfig& pf = r.cache.prefetch;
  const bool prefetching = pf.kind != sim::PrefetchKind::None;
  json levels = json::array();
  for (std::size_t i = 0; i < r.levels.size(); ++i) {
    const sim::LevelCounters& c = r.levels[i];
    const sim::LevelConfig& lc = r.cache.levels[i];
    json l = {{"name", lc.name},
              {"size_bytes", lc.sizeBytes},
              {"ways", lc.ways},
              {"line_bytes", lc.lineBytes},
              {"sets", lc.sets()},
              {"accesses", c.accesses},
              {"reads", c.reads},
              {"writes", c.writes},
              {"hits", c.hits},
              {"misses", c.misses},
              {"hit_rate", c.hitRate()},
              {"evictions", c.evictions},
              {"writebacks", c.writebacks},
              {"invalidations", c.invalidations}};
    if (classes) {
      l["compulsory"] = c.compulsory;
      l["capacity"] = c.capacity;
      l["conflict"] = c.conflict;
    }
    if (prefetching)
      l["prefetch"] = {{"issued", c.prefetchIssued},       {"useful", c.prefetchUseful},
                       {"unused", c.prefetchUnused},       {"pending", c.prefetchPending},
                       {"redundant", c.prefetchRedundant}, {"lookups_from_above", c.prefetchLookups},
                       {"lookup_misses_from_above", c.prefetchLookupMisses}};
    levels.push_back(l);
  }
  json config = {{"preset", a.preset},
                 {"policy", sim::toString(r.cache.replacement)},
                 {"seed", r.cache.seed},
                 {"write_policy", sim::toString(r.cache.write)},
                 {"write_allocate", r.cache.write == sim::WritePolicy::WriteBack},
                 {"inclusive_last", r.cache.inclusiveLast},
                 {"miss_classes", classes},
                 {"prefetch", {{"model", sim::toString(pf.kind)}, {"description", sim::describe(pf)}}}};
  if (prefetching) {
    config["prefetch"]["degree"] = pf.degree;
    if (pf.kind == sim::PrefetchKind::Stride) {
      config["prefetch"]["distance"] = pf.distance;
      config["prefetch"]["table_entries"] = pf.tableEntries;
    }
  }
  json specs = json::array();
  for (const sim::LevelConfig& lc : r.cache.levels) specs.push_back(sim::toSpec(lc));
  config["levels"] = specs;
  json j = {{"source", r.source == Source::Kernel ? "kernel" : "trace"},
            {"config", config},
            {"levels", levels},
            {"memory",
             {{"line_reads", r.memory.reads}, {"line_writes", r.memory.writes}, {"prefetch_line_reads", r.memory.prefetchReads}}},
            {"references", r.references},
            {"writes", r.writes},
            {"sampled", r.sampled},
            {"wall_s", r.wallSeconds},
            {"cpu_s", r.cpuSeconds},
            {"threads", r.threads},
            {"accesses_per_s", r.accessesPerSecond},
            {"simulated_references", r.simulatedReferences},
            {"cancelled", r.outcome == Outcome::Cancelled}};
  if (r.mrc) {
    const MissRatioCurve& m = *r.mrc;
    json points = json::array(), at = json::array();
    for (const sim::MissRatioPoint& p : m.points)
      points.push_back({{"size_bytes", p.sizeBytes}, {"lines", p.lines}, {"misses", p.misses}, {"miss_ratio", p.missRatio}});
    for (std::size_t i = 0; i < m.atLevels.size(); ++i) {
      const sim::MissRatioPoint& p = m.atLevels[i];
      at.push_back({{"level", r.cache.levels[i].name}, {"size_bytes", p.sizeBytes}, {"lines", p.lines},
                    {"misses", p.misses}, {"miss_ratio", p.missRatio}});
    }
    j["mrc"] = {{"model", "fully associative LRU, every size at once (Mattson reuse distances of the demand reference stream, no prefetch)"},
                {"line_bytes", m.lineBytes},
                {"line_accesses", m.lineAccesses},
                {"distinct_lines", m.distinctLines},
                {"points", points},
                {"at_levels", at}};
  }
  if (r.source == Source::Kernel) {
    const TracedKernel& k = r.kernel;
    j["kernel"] = {{"id", k.spec.kernel}, {"title", k.title},       {"n", k.spec.n},
                   {"block", k.spec.block}, {"bits", k.spec.bits},   {"ld", k.ld()},
                   {"ld_pad", k.spec.ldPad}, {"elements", k.elementNote}, {"trace_note", k.traceNote}};
    if (k.description().usesDensity) j["kernel"]["density"] = k.spec.density;
    if (!k.caveat.empty()) j["kernel"]["caveat"] = k.caveat;
    if (r.sampled)
      j["sample"] = {{"fraction", r.sampleFraction},
                     {"requested", a.requestedSample},
                     {"outer_count", r.outerCount},
                     {"warmup_outer", r.warmupOuter},
                     {"outer_begin", r.outerBegin},
                     {"outer_end", r.outerEnd}};
  } else {
    j["trace"] = {{"file", a.traceFile},
                  {"lines", r.traceLines},
                  {"skipped_lines", r.skippedLines},
                  {"first_skipped_line", r.firstSkippedLine}};
  }
  return j;
}

std::string simulationTable(const SimulationResult& r, const SimulationLabels& a) {
  std::ostringstream os;
  const bool classes = r.cache.missClasses == sim::MissClasses::On;
  if (r.source == Source::Kernel) {
    const TracedKernel& k = r.kernel;
    os << k.spec.kernel << " (" << k.title << "), n=" << k.spec.n;
    if (k.description().usesBlock) os << ", block=" << k.spec.block;
    if (k.description().usesDensity) os << ", density=" << k.spec.density;
    os << ", " << k.elementNote << ", ld=" << k.ld() << "\n";
    os << "  trace: " << k.traceNote << "\n";
    if (!k.caveat.empty()) os << "  note: " << k.caveat << "\n";
  } else {
    os << "trace " << (a.traceFile == "-" ? std::string("(standard input)") : a.traceFile) << ": " << groupedText(r.traceLines)
       << " lines";
    if (r.skippedLines)
      os << ", " << groupedText(r.skippedLines) << " malformed lines skipped (first: line " << r.firstSkippedLine << ")";
    os << "\n";
  }
  os << "  caches: " << a.preset << ", " << sim::toString(r.cache.replacement)
     << (r.cache.replacement == sim::Replacement::Random ? " (seed " + std::to_string(r.cache.seed) + ")" : "") << ", "
     << (r.cache.write == sim::WritePolicy::WriteBack ? "write-back + write-allocate"
                                                      : "write-through + no-write-allocate")
     << ", " << (r.cache.inclusiveLast ? "inclusive last level" : "non-inclusive (no back-invalidation)") << "\n";
  const sim::PrefetchConfig& pf = r.cache.prefetch;
  if (pf.kind != sim::PrefetchKind::None) {  // none (the default) keeps the report as it was
    os << "  prefetch: " << sim::describe(pf);
    if (pf.kind == sim::PrefetchKind::Stride) os << ", " << pf.tableEntries << " streams keyed by 4 KiB page";
    os << ", at every level\n";
  }
  if (r.sampled)
    os << "  SAMPLED: outer iterations " << r.outerBegin << ".." << r.outerEnd - 1 << " of " << r.outerCount << " ("
       << fixedText(100.0 * r.sampleFraction, 1) << "% of the outer loop) after " << r.warmupOuter
       << " warm-up iterations; counters cover the window only\n";
  if (r.outcome == Outcome::Cancelled) os << "  CANCELLED: counters cover the part simulated\n";
  os << "\n";

  TextTable table;
  table.align = {Align::Left, Align::Left};  // text left, numbers right
  table.rule = false;
  std::vector<std::string> head = {"level", "config", "accesses", "hits", "misses", "hit rate"};
  if (classes) head.insert(head.end(), {"compulsory", "capacity", "conflict"});
  head.insert(head.end(), {"evictions", "writebacks"});
  if (r.cache.inclusiveLast) head.push_back("invalidated");
  table.rows.push_back(head);
  for (std::size_t i = 0; i < r.levels.size(); ++i) {
    const sim::LevelCounters& c = r.levels[i];
    const sim::LevelConfig& lc = r.cache.levels[i];
    std::vector<std::string> row = {lc.name, sim::toSpec(lc) + " (" + std::to_string(lc.sets()) + " sets)",
                                    groupedText(c.accesses), groupedText(c.hits), groupedText(c.misses),
                                    fixedText(100.0 * c.hitRate(), 2) + "%"};
    if (classes) row.insert(row.end(), {groupedText(c.compulsory), groupedText(c.capacity), groupedText(c.conflict)});
    row.insert(row.end(), {groupedText(c.evictions), groupedText(c.writebacks)});
    if (r.cache.inclusiveLast) row.push_back(groupedText(c.invalidations));
    table.rows.push_back(row);
  }
  os << layoutTable(table);
  os << "memory: " << groupedText(r.memory.reads) << " line reads";
  if (pf.kind != sim::PrefetchKind::None) os << " (" << groupedText(r.memory.prefetchReads) << " for prefetches)";
  os << ", " << groupedText(r.memory.writes) << " line writes\n";
  if (pf.kind != sim::PrefetchKind::None) {
    // Each level's own prefetcher: proposed = redundant + issued, issued =
    // useful + unused + pending; lookups = the level above's prefetches here.
    TextTable p;
    p.align = {Align::Left};
    p.rule = false;
    p.rows.push_back({"prefetch", "issued", "useful", "unused", "pending", "redundant", "accuracy", "lookups from above",
                      "of which missed"});
    for (std::size_t i = 0; i < r.levels.size(); ++i) {
      const sim::LevelCounters& c = r.levels[i];
      const std::uint64_t settled = c.prefetchUseful + c.prefetchUnused;
      p.rows.push_back({r.cache.levels[i].name, groupedText(c.prefetchIssued), groupedText(c.prefetchUseful),
                        groupedText(c.prefetchUnused), groupedText(c.prefetchPending), groupedText(c.prefetchRedundant),
                        settled ? fixedText(100.0 * double(c.prefetchUseful) / double(settled), 1) + "%" : "-",
                        groupedText(c.prefetchLookups), groupedText(c.prefetchLookupMisses)});
    }
    os << layoutTable(p);
    os << "(useful: hit by a demand access before leaving; unused: left unhit; pending: still resident unhit; redundant:\n"
          " already resident, dropped; accuracy = useful / (useful + unused); the model has no timing, so none is late)\n";
  }
  if (!classes)
    os << "three-C split off (--miss-classes on computes it; a fully associative shadow per level costs about 5x the time)\n";
  if (r.mrc) {
    // One row per octave of the curve (JSON has four per octave).
    const MissRatioCurve& m = *r.mrc;
    os << "\nmiss-ratio curve: fully associative LRU of every size (demand accesses, no prefetch), " << m.lineBytes << "-byte lines, "
       << groupedText(m.lineAccesses) << " line accesses, footprint " << groupedText(m.distinctLines) << " lines ("
       << formatBytes(m.distinctLines * m.lineBytes) << ")\n";
    TextTable t;
    t.align = {Align::Right};
    t.rule = false;
    t.rows.push_back({"size", "lines", "misses", "miss ratio"});
    for (const sim::MissRatioPoint& p : m.points)
      if (std::has_single_bit(p.lines))
        t.rows.push_back({formatBytes(p.sizeBytes), groupedText(p.lines), groupedText(p.misses),
                          fixedText(100.0 * p.missRatio, 2) + "%"});
    os << layoutTable(t);
    os << "at the levels' sizes:";
    for (std::size_t i = 0; i < m.atLevels.size(); ++i)
      os << (i ? "," : "") << " " << r.cache.levels[i].name << " " << formatBytes(m.atLevels[i].sizeBytes) << " "
         << fixedText(100.0 * m.atLevels[i].missRatio, 2) << "%";
    os << " (fully associative; L1d as simulated: "
       << fixedText(r.levels.empty() ? 0.0 : 100.0 * (1.0 - r.levels[0].hitRate()), 2) << "%)\n";
  }
  os << "\n"
     << groupedText(r.references) << " references (" << groupedText(r.writes) << " stores)";
  if (r.simulatedReferences != r.references) os << ", " << groupedText(r.simulatedReferences) << " simulated with warm-up";
  os << " in " << fixedText(r.wallSeconds, 3) << " s: " << fixedText(r.accessesPerSecond / 1e6, 1) << " M accesses/s";
  if (r.cpuSeconds > 0)
    os << " (CPU " << fixedText(r.cpuSeconds, 3) << " s: "
       << fixedText(double(r.simulatedReferences) / r.cpuSeconds / 1e6, 1) << " M/s)";
  if (r.threads > 1) os << ", split by set across " << r.threads << " threads";
  os << "\n";
  return os.str();
}

std::string simulationJsonText(const SimulationResult& result, const SimulationLabels& labels) {
  return simulationJson(result, labels).dump(2) + "\n";
}

}  // namespace cachescope::trace
