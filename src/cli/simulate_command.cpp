// `cachescope simulate`: the cache hierarchy simulator, headless
// (shared/design.md section 4). Either a kernel's own loop nest traced on
// real buffers (--kernel) or a memory trace (--trace FILE|-), through the
// host's caches or a preset, with single levels overridden by --l1/--l2/--l3.
#include <iomanip>
#include <iostream>
#include <locale>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench/param_list.hpp"
#include "cli/command.hpp"
#include "platform/host.hpp"
#include "report/atomic_file.hpp"
#include "trace/errors.hpp"
#include "trace/simulation.hpp"

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
  std::string format = "table";
  std::string out;
};

// "268,697,600"
std::string grouped(std::uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(std::size_t(i), ",");
  return s;
}

std::string fixed(double v, int digits) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(digits);
  os << v;
  return os.str();
}

sim::HierarchyConfig buildHierarchy(const SimulateArgs& a) {
  trace::CachePreset preset = trace::loadPreset(a.caches);
  sim::HierarchyConfig c = trace::hierarchyFor(preset);
  const std::string* overrides[] = {&a.l1, &a.l2, &a.l3};
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string& spec = *overrides[i];
    if (spec.empty()) continue;
    const std::string opt = "--l" + std::to_string(i + 1);
    if (spec == "none") {
      if (i == 0) throw UsageError("--l1 cannot be none: the hierarchy needs a first level");
      if (c.levels.size() > i) c.levels.resize(i);
      continue;
    }
    const std::string name = i < c.levels.size() ? c.levels[i].name : "L" + std::to_string(i + 1);
    sim::LevelConfig level = sim::parseLevelSpec(spec, name);
    if (i < c.levels.size())
      c.levels[i] = level;
    else if (i == c.levels.size())
      c.levels.push_back(level);
    else
      throw UsageError(opt + " given, but the hierarchy has only " + std::to_string(c.levels.size()) +
                       " level(s): give the levels above it too");
  }
  if (!a.policy.empty()) c.replacement = sim::parseReplacement(a.policy);
  c.seed = a.seed;
  c.write = sim::parseWritePolicy(a.writePolicy);
  c.inclusiveLast = a.inclusive;
  sim::validate(c);
  return c;
}

nlohmann::json toJson(const SimulateArgs& a, const trace::SimulationResult& r) {
  using nlohmann::json;
  const bool classes = r.cache.missClasses == sim::MissClasses::On;
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
    levels.push_back(l);
  }
  json config = {{"preset", a.caches},
                 {"policy", sim::toString(r.cache.replacement)},
                 {"seed", r.cache.seed},
                 {"write_policy", sim::toString(r.cache.write)},
                 {"write_allocate", r.cache.write == sim::WritePolicy::WriteBack},
                 {"inclusive_last", r.cache.inclusiveLast},
                 {"miss_classes", classes}};
  json specs = json::array();
  for (const sim::LevelConfig& lc : r.cache.levels) specs.push_back(sim::toSpec(lc));
  config["levels"] = specs;
  json j = {{"source", r.source == trace::Source::Kernel ? "kernel" : "trace"},
            {"config", config},
            {"levels", levels},
            {"memory", {{"line_reads", r.memory.reads}, {"line_writes", r.memory.writes}}},
            {"references", r.references},
            {"writes", r.writes},
            {"sampled", r.sampled},
            {"wall_s", r.wallSeconds},
            {"cpu_s", r.cpuSeconds},
            {"accesses_per_s", r.accessesPerSecond},
            {"simulated_references", r.simulatedReferences},
            {"cancelled", r.cancelled}};
  if (r.source == trace::Source::Kernel) {
    const trace::TracedKernel& k = r.kernel;
    j["kernel"] = {{"id", k.spec.kernel}, {"title", k.title},       {"n", k.spec.n},
                   {"block", k.spec.block}, {"bits", k.spec.bits},   {"ld", k.ld()},
                   {"ld_pad", k.spec.ldPad}, {"elements", k.elementNote}, {"trace_note", k.traceNote}};
    if (k.description().usesDensity) j["kernel"]["density"] = k.spec.density;
    if (!k.caveat.empty()) j["kernel"]["caveat"] = k.caveat;
    if (r.sampled)
      j["sample"] = {{"fraction", r.sampleFraction},
                     {"requested", a.sample},
                     {"outer_count", r.outerCount},
                     {"warmup_outer", r.warmupOuter},
                     {"outer_begin", r.outerBegin},
                     {"outer_end", r.outerEnd}};
  } else {
    j["trace"] = {{"file", a.trace},
                  {"lines", r.traceLines},
                  {"skipped_lines", r.skippedLines},
                  {"first_skipped_line", r.firstSkippedLine}};
  }
  return j;
}

std::string toTable(const SimulateArgs& a, const trace::SimulationResult& r) {
  std::ostringstream os;
  const bool classes = r.cache.missClasses == sim::MissClasses::On;
  if (r.source == trace::Source::Kernel) {
    const trace::TracedKernel& k = r.kernel;
    os << k.spec.kernel << " (" << k.title << "), n=" << k.spec.n;
    if (k.description().usesBlock) os << ", block=" << k.spec.block;
    if (k.description().usesDensity) os << ", density=" << k.spec.density;
    os << ", " << k.elementNote << ", ld=" << k.ld() << "\n";
    os << "  trace: " << k.traceNote << "\n";
    if (!k.caveat.empty()) os << "  note: " << k.caveat << "\n";
  } else {
    os << "trace " << (a.trace == "-" ? std::string("(standard input)") : a.trace) << ": " << grouped(r.traceLines)
       << " lines";
    if (r.skippedLines)
      os << ", " << grouped(r.skippedLines) << " malformed lines skipped (first: line " << r.firstSkippedLine << ")";
    os << "\n";
  }
  os << "  caches: " << a.caches << ", " << sim::toString(r.cache.replacement)
     << (r.cache.replacement == sim::Replacement::Random ? " (seed " + std::to_string(r.cache.seed) + ")" : "") << ", "
     << (r.cache.write == sim::WritePolicy::WriteBack ? "write-back + write-allocate"
                                                      : "write-through + no-write-allocate")
     << ", " << (r.cache.inclusiveLast ? "inclusive last level" : "non-inclusive (no back-invalidation)") << "\n";
  if (r.sampled)
    os << "  SAMPLED: outer iterations " << r.outerBegin << ".." << r.outerEnd - 1 << " of " << r.outerCount << " ("
       << fixed(100.0 * r.sampleFraction, 1) << "% of the outer loop) after " << r.warmupOuter
       << " warm-up iterations; counters cover the window only\n";
  if (r.cancelled) os << "  CANCELLED: counters cover the part simulated\n";
  os << "\n";

  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"level", "config", "accesses", "hits", "misses", "hit rate"};
  if (classes) head.insert(head.end(), {"compulsory", "capacity", "conflict"});
  head.insert(head.end(), {"evictions", "writebacks"});
  if (r.cache.inclusiveLast) head.push_back("invalidated");
  rows.push_back(head);
  for (std::size_t i = 0; i < r.levels.size(); ++i) {
    const sim::LevelCounters& c = r.levels[i];
    const sim::LevelConfig& lc = r.cache.levels[i];
    std::vector<std::string> row = {lc.name, sim::toSpec(lc) + " (" + std::to_string(lc.sets()) + " sets)",
                                    grouped(c.accesses), grouped(c.hits), grouped(c.misses),
                                    fixed(100.0 * c.hitRate(), 2) + "%"};
    if (classes) row.insert(row.end(), {grouped(c.compulsory), grouped(c.capacity), grouped(c.conflict)});
    row.insert(row.end(), {grouped(c.evictions), grouped(c.writebacks)});
    if (r.cache.inclusiveLast) row.push_back(grouped(c.invalidations));
    rows.push_back(row);
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (std::size_t ri = 0; ri < rows.size(); ++ri) {
    for (std::size_t c = 0; c < rows[ri].size(); ++c) {
      const std::string& cell = rows[ri][c];
      const std::string padding(width[c] - cell.size(), ' ');
      os << (c ? "  " : "") << (c < 2 ? cell + padding : padding + cell);  // text left, numbers right
    }
    os << "\n";
  }
  os << "memory: " << grouped(r.memory.reads) << " line reads, " << grouped(r.memory.writes) << " line writes\n";
  if (!classes)
    os << "three-C split off (--miss-classes on computes it; a fully associative shadow per level costs about 5x the time)\n";
  os << "\n"
     << grouped(r.references) << " references (" << grouped(r.writes) << " stores)";
  if (r.simulatedReferences != r.references) os << ", " << grouped(r.simulatedReferences) << " simulated with warm-up";
  os << " in " << fixed(r.wallSeconds, 3) << " s: " << fixed(r.accessesPerSecond / 1e6, 1) << " M accesses/s";
  if (r.cpuSeconds > 0)
    os << " (CPU " << fixed(r.cpuSeconds, 3) << " s: "
       << fixed(double(r.simulatedReferences) / r.cpuSeconds / 1e6, 1) << " M/s)";
  os << "\n";
  return os.str();
}

int runSimulate(const SimulateArgs& a) {
  if (a.kernel.empty() == a.trace.empty()) throw UsageError("give either --kernel ID or --trace FILE|- (not both)");
  if (a.format != "table" && a.format != "json") throw UsageError("--format must be table or json");
  trace::SimulationRequest req;
  try {
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
    std::optional<AtomicFile> out;
    if (!a.out.empty()) out.emplace(a.out);
    trace::SimulationResult r = trace::simulate(req);
    const std::string text = a.format == "json" ? toJson(a, r).dump(2) + "\n" : toTable(a, r);
    if (out) {
      out->commit(text);
      std::cerr << "wrote " << a.out << '\n';
    } else {
      std::cout << text;
    }
    return r.cancelled ? 1 : 0;
  } catch (const sim::ConfigError& e) {
    throw UsageError(e.what());
  } catch (const trace::SimulationError& e) {
    throw UsageError(e.what());
  }
}

}  // namespace

void addSimulateCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand(
      "simulate",
      "Simulate the cache hierarchy on a kernel's exact access stream or on a memory trace\n"
      "(write-back, write-allocate, no back-invalidation by default, as Cachegrind)");
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
                  "Three-C split (compulsory/capacity/conflict): auto (on up to 64M references), on, off");
  app->add_option("--format", a->format, "table | json (default table)");
  app->add_option("--out", a->out, "Write the result to FILE (atomically) instead of stdout");
  commands.push_back({app, [a] { return runSimulate(*a); }});
}

}  // namespace cachescope::cli
