#include "kernels/dispatch.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kernels/registry.hpp"
#include "platform/host.hpp"

#include "report/numbers.hpp"

namespace cachescope {

namespace {

constexpr const char* kFormat = "cachescope-dispatch";
constexpr int kVersion = 1;

std::string numText(double v) { return significantText(v); }
std::string msText(double s) { return durationText(s); }

std::size_t cacheBytes(int level) {
  const CacheInfo* c = host().cache(level);
  return c ? c->sizeBytes : 0;
}

bool isCandidate(const Kernel& k, int bits, double density) {
  if (k.info.family != Family::Matmul || k.info.id == "matmul.auto") return false;
  if (bits == 32) {
    if (k.info.quantized) return false;
    // The sparse kernel at density 1 too: its time there is the upper end
    // that the interpolation between a tuned density and 1 needs.
    return true;
  }
  return k.info.quantized && k.uses(Param::Bits) &&
         std::find(k.info.bits.begin(), k.info.bits.end(), bits) != k.info.bits.end();
}

}  // namespace

DispatchHost currentDispatchHost() {
  DispatchHost h;
  h.cpu = host().cpuModel;
  h.cores = host().logicalCores;
  h.simd = toString(activeSimd());
  h.l1dBytes = cacheBytes(1);
  h.l2Bytes = cacheBytes(2);
  h.l3Bytes = cacheBytes(3);
  return h;
}

std::string hostMismatch(const DispatchHost& tuned, const DispatchHost& here) {
  if (tuned.cpu != here.cpu) return "it was tuned on '" + tuned.cpu + "', this host is '" + here.cpu + "'";
  if (tuned.cores != here.cores)
    return "it was tuned with " + std::to_string(tuned.cores) + " cores, this host has " + std::to_string(here.cores);
  if (tuned.simd != here.simd)
    return "it was tuned with SIMD level " + tuned.simd + ", the kernels now run " + here.simd;
  if (tuned.l1dBytes != here.l1dBytes || tuned.l2Bytes != here.l2Bytes || tuned.l3Bytes != here.l3Bytes)
    return "it was tuned with other cache sizes (L1d/L2/L3 " + formatBytes(tuned.l1dBytes) + "/" +
           formatBytes(tuned.l2Bytes) + "/" + formatBytes(tuned.l3Bytes) + ", here " + formatBytes(here.l1dBytes) +
           "/" + formatBytes(here.l2Bytes) + "/" + formatBytes(here.l3Bytes) + ")";
  return "";
}

std::vector<const Kernel*> dispatchCandidates(int bits, double density) {
  std::vector<const Kernel*> out;
  const std::vector<Kernel>& all = kernels();
  const std::size_t builtin = std::min(builtinKernelCount(), all.size());
  for (std::size_t i = 0; i < builtin; ++i)
    if (isCandidate(all[i], bits, density)) out.push_back(&all[i]);
  return out;
}

// [SECTION] the file

std::string dispatchTableJson(const DispatchTable& t) {
  nlohmann::json points = nlohmann::json::array();
  for (const DispatchPoint& p : t.points) {
    nlohmann::json times = nlohmann::json::object();
    for (const auto& [id, s] : p.timesS) times[id] = s;
    nlohmann::json skipped = nlohmann::json::object();
    for (const auto& [id, why] : p.skipped) skipped[id] = why;
    points.push_back({{"bits", p.bits},
                      {"n", p.n},
                      {"threads", p.threads},
                      {"density", p.density},
                      {"times_s", times},
                      {"skipped", skipped},
                      {"winner", p.winner}});
  }
  nlohmann::json doc = {{"format", kFormat},
                        {"version", kVersion},
                        {"host",
                         {{"cpu", t.host.cpu},
                          {"cores", t.host.cores},
                          {"simd", t.host.simd},
                          {"l1d_bytes", t.host.l1dBytes},
                          {"l2_bytes", t.host.l2Bytes},
                          {"l3_bytes", t.host.l3Bytes}}},
                        {"date", t.date},
                        {"warmup", t.warmup},
                        {"reps", t.reps},
                        {"min_sample_s", t.minSampleS},
                        {"points", points}};
  return doc.dump(2) + "\n";
}

DispatchTable parseDispatchTable(const std::string& text, const std::string& source) {
  auto fail = [&](const std::string& what) -> DispatchTableError {
    return DispatchTableError(source + ": " + what);
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    if (auto at = what.find("parse error"); at != std::string::npos) what = what.substr(at);
    throw fail("not JSON (" + what + ")");
  }
  if (!doc.is_object() || doc.value("format", "") != kFormat)
    throw fail("not a dispatch table (no \"format\": \"" + std::string(kFormat) + "\")");
  if (!doc.contains("version") || !doc["version"].is_number_integer() || doc["version"].get<int>() != kVersion)
    throw fail("unsupported version (this cachescope reads version " + std::to_string(kVersion) + ")");
  try {
    DispatchTable t;
    const nlohmann::json& h = doc.at("host");
    t.host.cpu = h.at("cpu").get<std::string>();
    t.host.cores = h.at("cores").get<int>();
    t.host.simd = h.at("simd").get<std::string>();
    t.host.l1dBytes = h.at("l1d_bytes").get<std::size_t>();
    t.host.l2Bytes = h.at("l2_bytes").get<std::size_t>();
    t.host.l3Bytes = h.at("l3_bytes").get<std::size_t>();
    t.date = doc.value("date", "");
    t.warmup = doc.value("warmup", 1);
    t.reps = doc.value("reps", 1);
    t.minSampleS = doc.value("min_sample_s", 0.0);
    const nlohmann::json& pts = doc.at("points");
    if (!pts.is_array() || pts.empty()) throw fail("\"points\" must be a non-empty list");
    std::set<std::tuple<int, int, int, double>> seen;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      const nlohmann::json& j = pts[i];
      const std::string where = "point " + std::to_string(i + 1);
      DispatchPoint p;
      p.bits = j.at("bits").get<int>();
      p.n = j.at("n").get<int>();
      p.threads = j.at("threads").get<int>();
      p.density = j.at("density").get<double>();
      if (p.bits != 32 && p.bits != 8 && p.bits != 4) throw fail(where + ": bits must be 32, 8 or 4");
      if (p.n <= 0 || p.threads <= 0) throw fail(where + ": n and threads must be > 0");
      if (!(p.density > 0 && p.density <= 1)) throw fail(where + ": density must be in (0, 1]");
      if (!seen.insert({p.bits, p.n, p.threads, p.density}).second)
        throw fail(where + ": the same (bits, n, threads, density) as an earlier point");
      const std::vector<const Kernel*> cands = dispatchCandidates(p.bits, p.density);
      auto isCand = [&](const std::string& id) {
        return std::any_of(cands.begin(), cands.end(), [&](const Kernel* k) { return k->info.id == id; });
      };
      for (auto it = j.at("times_s").begin(); it != j.at("times_s").end(); ++it) {
        if (!isCand(it.key()))
          throw fail(where + ": '" + it.key() + "' is not a candidate at bits=" + std::to_string(p.bits) +
                     " density=" + numText(p.density) + " (a table of another cachescope version? run tune again)");
        const double s = it.value().get<double>();
        if (!(s > 0) || !std::isfinite(s)) throw fail(where + ": time of " + it.key() + " must be > 0");
        p.timesS[it.key()] = s;
      }
      if (j.contains("skipped"))
        for (auto it = j["skipped"].begin(); it != j["skipped"].end(); ++it) p.skipped[it.key()] = it.value().get<std::string>();
      if (p.timesS.empty()) throw fail(where + ": no candidate times");
      p.winner = j.at("winner").get<std::string>();
      auto best = std::min_element(p.timesS.begin(), p.timesS.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
      if (p.winner != best->first)
        throw fail(where + ": winner '" + p.winner + "' is not the fastest of its times (" + best->first + ")");
      t.points.push_back(std::move(p));
    }
    return t;
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    throw fail("bad field (" + what + ")");
  }
}

std::string defaultDispatchTablePath() {
  if (const char* env = std::getenv("CACHESCOPE_DISPATCH_TABLE"); env && *env) return env;
  // The per-user cache directory, as for built user kernels (userkernels/build.hpp).
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/cachescope/dispatch.json";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/cachescope/dispatch.json";
  throw DispatchTableError("no cache directory for the dispatch table: neither XDG_CACHE_HOME nor HOME is set");
}

LoadedDispatchTable loadDispatchTable(const std::string& path) {
  // One remembered load per path: a kernel prepared a thousand times in a
  // sweep reads the file once, and again only when it changed.
  struct Cached {
    std::string path;
    long long size = -1, mtimeNs = -1;
    LoadedDispatchTable loaded;
  };
  static std::mutex mutex;
  static Cached cache;
  LoadedDispatchTable out;
  out.path = path;
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    out.problem = "no dispatch table at " + path + " (run 'cachescope tune' to measure one)";
    return out;
  }
  const long long size = st.st_size, mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.path == path && cache.size == size && cache.mtimeNs == mtime) return cache.loaded;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!(in && (text << in.rdbuf()))) {
    out.problem = path + ": cannot be read";
  } else {
    try {
      DispatchTable t = parseDispatchTable(text.str(), path);
      const std::string mismatch = hostMismatch(t.host, currentDispatchHost());
      if (mismatch.empty())
        out.table = std::move(t);
      else
        out.problem = path + " is not for this host: " + mismatch + " (run 'cachescope tune' here)";
    } catch (const DispatchTableError& e) {
      out.problem = e.what();
    }
  }
  cache = Cached{path, size, mtime, out};
  return out;
}

LoadedDispatchTable loadDefaultDispatchTable() {
  try {
    return loadDispatchTable(defaultDispatchTablePath());
  } catch (const DispatchTableError& e) {
    LoadedDispatchTable out;
    out.problem = e.what();
    return out;
  }
}

// [SECTION] the choice

// The built-in rule, from `cachescope tune` on a 2-vCPU AMD EPYC (Zen 4)
// guest (a busy one: margins of 10% are noise there). Below n = 128 the SIMD
// loop, which packs nothing, wins or ties (n = 32: 1.3x over the packed
// kernel); from 128 the packed kernel, the library and the parallel one are
// within a few per cent of each other, and the library is the one that stays
// near the top to n = 1024. A CSR A won at densities up to 0.2 at every n
// from 32 to 1024 (1.6x to 9x) and lost or tied at 0.5 from n = 128: each
// stored entry costs an indirect row fetch at a fraction of the library's
// rate. For 8 and 4 bits the int8 kernel (VNNI) won 11 of 12 points at 4
// bits too (by 1.01x to 1.5x over int4, which unpacks nibbles per product).
DispatchChoice heuristicChoice(const Params& p, const std::string& why) {
  const std::string tail = why.empty() ? "" : " (" + why + ")";
  auto pick = [&](const char* id, const std::string& rule) {
    DispatchChoice c;
    c.kernel = findKernel(id);
    c.reason = std::string(id) + ": heuristic: " + rule + tail;
    return c;
  };
  if (p.bits == 8) return pick("matmul.int8", "bits 8 -> the int8 kernel");
  if (p.bits == 4) return pick("matmul.int8", "bits 4 -> the int8 kernel (runs 4-bit values on its int8 path)");
  if (p.density <= kHeuristicSparseDensity)
    return pick("matmul.sparse", "density <= " + numText(kHeuristicSparseDensity) + " -> CSR");
  if (p.n < kHeuristicLibraryN)
    return pick("matmul.simd", "n < " + std::to_string(kHeuristicLibraryN) + " -> the SIMD loop (no packing)");
  return pick("matmul.blas", "n >= " + std::to_string(kHeuristicLibraryN) + " -> the library");
}

namespace {

struct Corner {
  const DispatchPoint* point = nullptr;
  double weight = 0;
};

// Values around x on a sorted list: (lo, hi, t) with x = lo + t (hi - lo) in
// log space; beyond the ends, the end (t = 0).
struct Bracket {
  double lo = 0, hi = 0, t = 0;
  bool exact = false, beyond = false;
};

Bracket bracket(const std::vector<double>& sorted, double x) {
  Bracket b;
  if (x <= sorted.front() || x >= sorted.back()) {
    b.lo = b.hi = x <= sorted.front() ? sorted.front() : sorted.back();
    b.exact = b.lo == x;
    b.beyond = !b.exact;
    return b;
  }
  for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
    if (x == sorted[i]) {
      b.lo = b.hi = x;
      b.exact = true;
      return b;
    }
    if (x > sorted[i] && x < sorted[i + 1]) {
      b.lo = sorted[i];
      b.hi = sorted[i + 1];
      b.t = (std::log(x) - std::log(b.lo)) / (std::log(b.hi) - std::log(b.lo));
      return b;
    }
  }
  b.lo = b.hi = sorted.back();
  b.exact = true;
  return b;
}

std::string fileName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::optional<DispatchChoice> tableChoice(const DispatchTable& table, const Params& p, const std::string& source) {
  // Quantized kernels ignore density: their points are at density 1.
  const double density = p.bits == 32 ? p.density : 1.0;
  std::vector<const DispatchPoint*> ofBits;
  for (const DispatchPoint& q : table.points)
    if (q.bits == p.bits) ofBits.push_back(&q);
  if (ofBits.empty()) return std::nullopt;
  // Threads: the tuned count nearest to the asked one (lower on a tie).
  int threads = ofBits.front()->threads;
  for (const DispatchPoint* q : ofBits)
    if (std::abs(q->threads - p.threads) < std::abs(threads - p.threads) ||
        (std::abs(q->threads - p.threads) == std::abs(threads - p.threads) && q->threads < threads))
      threads = q->threads;
  std::vector<const DispatchPoint*> pts;
  std::vector<double> ns, ds;
  for (const DispatchPoint* q : ofBits)
    if (q->threads == threads) {
      pts.push_back(q);
      ns.push_back(q->n);
      ds.push_back(q->density);
    }
  std::sort(ns.begin(), ns.end());
  ns.erase(std::unique(ns.begin(), ns.end()), ns.end());
  std::sort(ds.begin(), ds.end());
  ds.erase(std::unique(ds.begin(), ds.end()), ds.end());
  const Bracket bn = bracket(ns, double(p.n));
  const Bracket bd = bracket(ds, density);
  auto find = [&](double n, double d) -> const DispatchPoint* {
    for (const DispatchPoint* q : pts)
      if (q->n == int(n) && q->density == d) return q;
    return nullptr;
  };
  std::vector<Corner> corners = {{find(bn.lo, bd.lo), (1 - bn.t) * (1 - bd.t)},
                                 {find(bn.hi, bd.lo), bn.t * (1 - bd.t)},
                                 {find(bn.lo, bd.hi), (1 - bn.t) * bd.t},
                                 {find(bn.hi, bd.hi), bn.t * bd.t}};
  for (const Corner& c : corners)
    if (!c.point) return std::nullopt;  // not a full grid: a table tune did not write

  std::string where = "n=" + std::to_string(p.n);
  std::string at;
  if (bn.exact)
    at = "tuned at n=" + std::to_string(p.n);
  else if (bn.beyond)
    at = "n=" + std::to_string(p.n) + " beyond the tuned n, as at n=" + numText(bn.lo);
  else
    at = "between tuned n=" + numText(bn.lo) + " and " + numText(bn.hi);
  at += " threads=" + std::to_string(threads);
  if (threads != p.threads) at += " (nearest tuned to " + std::to_string(p.threads) + ")";
  if (p.bits == 32 && ds.size() > 1) {
    if (bd.exact)
      at += " density=" + numText(density);
    else if (bd.beyond)
      at += " density as at " + numText(bd.lo);
    else
      at += " density between " + numText(bd.lo) + " and " + numText(bd.hi);
  }
  if (p.bits != 32) at += " bits=" + std::to_string(p.bits);

  DispatchChoice c;
  c.tuned = true;
  const bool exact = (bn.exact || bn.beyond) && (bd.exact || bd.beyond);
  if (exact) {
    c.kernel = findKernel(corners[0].point->winner);
    c.reason = corners[0].point->winner + ": " + at + " (" + fileName(source) + ")";
    return c.kernel ? std::optional<DispatchChoice>(c) : std::nullopt;
  }
  // Predicted log time of each candidate measured at every corner.
  std::string best, second;
  double bestLog = std::numeric_limits<double>::infinity(), secondLog = bestLog;
  for (const auto& [id, unused] : corners[0].point->timesS) {
    double logT = 0;
    bool everywhere = true;
    for (const Corner& k : corners) {
      auto it = k.point->timesS.find(id);
      if (it == k.point->timesS.end()) {
        everywhere = false;
        break;
      }
      logT += k.weight * std::log(it->second);
    }
    if (!everywhere) continue;
    if (logT < bestLog) {
      second = best;
      secondLog = bestLog;
      best = id;
      bestLog = logT;
    } else if (logT < secondLog) {
      second = id;
      secondLog = logT;
    }
  }
  if (best.empty()) return std::nullopt;
  c.kernel = findKernel(best);
  if (!c.kernel) return std::nullopt;
  c.reason = best + ": " + at + ", predicted " + msText(std::exp(bestLog));
  if (!second.empty()) c.reason += " vs " + second + " " + msText(std::exp(secondLog));
  c.reason += " (log-log interpolation, " + fileName(source) + ")";
  return c;
}

DispatchChoice chooseKernel(const Params& p, const LoadedDispatchTable& loaded) {
  if (loaded.table)
    if (auto c = tableChoice(*loaded.table, p, loaded.path)) return *c;
  std::string why = loaded.problem;
  if (why.empty() && loaded.table) why = loaded.path + " has no points for bits " + std::to_string(p.bits);
  return heuristicChoice(p, why);
}

}  // namespace cachescope
