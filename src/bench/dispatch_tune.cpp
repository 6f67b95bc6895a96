#include "bench/dispatch_tune.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <random>
#include <set>

#include "bench/stats.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "platform/outcome.hpp"

namespace cachescope {

namespace {

std::vector<int> threadList(const TuneSpec& spec) {
  if (!spec.threads.empty()) return spec.threads;
  std::vector<int> t = {1};
  if (host().logicalCores >= 2) t.push_back(2);
  return t;
}

std::vector<double> densityList(const TuneSpec& spec, int bits) {
  if (bits != 32) return {1.0};
  std::vector<double> d = spec.density;
  if (std::find(d.begin(), d.end(), 1.0) == d.end()) d.push_back(1.0);
  std::sort(d.begin(), d.end(), std::greater<double>());  // density 1 first: the dense times are copied down
  d.erase(std::unique(d.begin(), d.end()), d.end());
  return d;
}

template <class T>
std::vector<T> sortedUnique(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string nowText() {
  char date[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return date;
}

bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

std::string fastest(const DispatchPoint& point) {
  return std::min_element(point.timesS.begin(), point.timesS.end(),
                          [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

// What a kernel's run depends on at a point: its id, bits and n, and threads
// and density only where it takes them (a dense kernel runs the same at every
// density).
using TimeKey = std::tuple<std::string, int, int, int, double>;
TimeKey timeKey(const Kernel* k, int bits, int n, int threads, double density) {
  return {k->info.id, bits, n, k->uses(Param::Threads) ? threads : 0, k->uses(Param::Density) ? density : 1.0};
}
TimeKey timeKey(const Kernel* k, const DispatchPoint& p) { return timeKey(k, p.bits, p.n, p.threads, p.density); }

// A kernel timed at one point, round by round; `failure` set when a run failed.
struct Contender {
  const Kernel* kernel = nullptr;
  std::vector<double> times;
  std::string failure;
};

// `options.reps` interleaved rounds at `params`: one repetition of each
// contender a round, in an order shuffled anew each round (from `seed`), so
// a drift of the machine hits them alike. `started` is told of each
// contender's first repetition. Throws Cancelled.
void timeInRounds(std::vector<Contender>& contenders, const Problem& problem, const Params& params,
                  const RunOptions& options, std::uint32_t seed, const std::atomic<bool>* cancel,
                  const std::function<void(const std::string&)>& started) {
  const RunOptions one{options.warmup, 1, options.minSampleS};
  std::vector<std::size_t> order(contenders.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 shuffler(seed);
  for (int round = 0; round < std::max(1, options.reps); ++round) {
    std::shuffle(order.begin(), order.end(), shuffler);
    for (std::size_t i : order) {
      Contender& c = contenders[i];
      if (!c.failure.empty()) continue;
      if (cancelled(cancel)) throw Cancelled();
      Job job{c.kernel, params};
      if (round == 0) started(c.kernel->info.id + " " + jobParamsText(job));
      const BenchRecord r = runJob(job, problem, one, cancel);
      if (r.outcome == Outcome::Cancelled) throw Cancelled();
      if (r.outcome != Outcome::Ok || !(r.medianS > 0)) {
        c.failure = "failed: " + (r.failure.empty() ? std::string("no time") : r.failure);
        continue;
      }
      c.times.push_back(r.medianS);
    }
  }
}

}  // namespace

void checkTuneSpec(const TuneSpec& spec) {
  if (spec.n.empty()) throw UsageError("--n needs at least one size");
  for (int n : spec.n)
    if (n <= 0) throw UsageError("--n must be > 0 (got " + std::to_string(n) + ")");
    else if (n > 8192) throw UsageError("--n " + std::to_string(n) + " is too large to tune (at most 8192)");
  const int cores = std::max(1, host().logicalCores);
  for (int t : spec.threads)
    if (t <= 0 || t > cores)
      throw UsageError("--threads must be in 1.." + std::to_string(cores) + " on this machine (got " +
                       std::to_string(t) + ")");
  if (spec.bits.empty()) throw UsageError("--bits needs at least one width");
  for (int b : spec.bits)
    if (b != 32 && b != 8 && b != 4) throw UsageError("--bits must be 32, 8 or 4 (got " + std::to_string(b) + ")");
  for (double d : spec.density)
    if (!(d > 0.0 && d <= 1.0)) throw UsageError("--density must be in (0, 1] (got " + fmt(d) + ")");
}

DispatchTable tuneDispatch(const TuneSpec& spec, const RunOptions& options, const TuneProgressFn& progress,
                           const std::atomic<bool>* cancel) {
  checkTuneSpec(spec);
  const std::vector<int> ns = sortedUnique(spec.n), threads = sortedUnique(threadList(spec)),
                         bitsList = sortedUnique(spec.bits);
  DispatchTable table;
  table.host = currentDispatchHost();
  table.date = nowText();
  table.warmup = std::max(options.minSampleS > 0 ? 2 : 0, options.warmup);  // as runJob
  table.reps = options.reps;
  table.minSampleS = options.minSampleS;

  // Planned measurements, for the progress fraction (pruning only lowers it).
  int planned = 0;
  for (int bits : bitsList)
    for (double d : densityList(spec, bits))
      for (const Kernel* k : dispatchCandidates(bits, d)) {
        const bool copiedDensity = d < 1.0 && !k->uses(Param::Density);
        if (!copiedDensity) planned += int(ns.size()) * (k->uses(Param::Threads) ? int(threads.size()) : 1);
      }
  int done = 0;

  // (id, bits, n, threads-or-0, density-or-1) -> median: measured once, copied
  // where the kernel ignores the parameter.
  std::map<TimeKey, double> measured;
  std::map<TimeKey, std::string> failed;
  // Previous n's point per (bits, threads, density), for pruning.
  std::map<std::tuple<int, int, double>, const DispatchPoint*> previous;
  std::vector<DispatchPoint> points;
  points.reserve(ns.size() * threads.size() * bitsList.size() * (spec.density.size() + 1));

  for (int n : ns) {
    const Problem problem = makeProblem(Family::Matmul, n);
    for (int bits : bitsList)
      for (int t : threads)
        for (double d : densityList(spec, bits)) {
          DispatchPoint point;
          point.bits = bits;
          point.n = n;
          point.threads = t;
          point.density = d;
          const DispatchPoint* prev = previous.count({bits, t, d}) ? previous[{bits, t, d}] : nullptr;
          // First which candidates this point measures (the others are
          // copied, skipped or failed before), then those in interleaved
          // rounds, like the check: one repetition of each per round, in a
          // shuffled order, so a drift of the machine hits them alike; the
          // median of the rounds is the candidate's time.
          struct ToMeasure {
            const Kernel* kernel;
            TimeKey key;
          };
          auto keyOf = [&](const Kernel* k) { return timeKey(k, bits, n, t, d); };
          std::vector<ToMeasure> toMeasure;
          for (const Kernel* k : dispatchCandidates(bits, d)) {
            const std::string& id = k->info.id;
            const auto key = keyOf(k);
            if (failed.count(key)) {
              point.skipped[id] = failed[key];
              continue;
            }
            // A time measured already (a kernel that ignores threads or
            // density) costs nothing: it is always used. Pruning only saves
            // measurements.
            if (measured.count(key)) continue;
            const bool copy = (!k->uses(Param::Threads) && t != threads.front()) || (!k->uses(Param::Density) && d < 1.0);
            if (copy) {  // not measured where it would have been: skipped there
              point.skipped[id] = "not measured at " + std::string(d < 1.0 ? "density 1" : "the first thread count") +
                                  " of this n (too slow there)";
              continue;
            }
            if (prev && !prev->timesS.count(id)) {
              auto why = prev->skipped.find(id);
              point.skipped[id] = why != prev->skipped.end() ? why->second : "not measured at n=" + std::to_string(prev->n);
              continue;
            }
            if (prev && prev->n >= kTunePruneFromN) {
              const double ratio = prev->timesS.at(id) / prev->timesS.at(prev->winner);
              if (ratio > kTunePruneFactor) {
                char why[160];
                std::snprintf(why, sizeof why, "%.1fx slower than %s at n=%d", ratio, prev->winner.c_str(), prev->n);
                point.skipped[id] = why;
                continue;
              }
            }
            toMeasure.push_back({k, key});
          }
          std::vector<Contender> contenders;
          for (const ToMeasure& m : toMeasure) contenders.push_back({m.kernel, {}, {}});
          timeInRounds(contenders, problem, Params{n, 64, t, bits, d}, options, std::uint32_t(points.size()) * 7919u + 29u,
                       cancel, [&](const std::string& what) {
                         if (progress) progress({done, std::max(planned, done + 1), what});
                         ++done;
                       });
          for (std::size_t i = 0; i < toMeasure.size(); ++i)
            if (!contenders[i].failure.empty()) failed[toMeasure[i].key] = contenders[i].failure;
            else measured.emplace(toMeasure[i].key, median(contenders[i].times));
          for (const Kernel* k : dispatchCandidates(bits, d)) {
            const auto key = keyOf(k);
            if (failed.count(key))
              point.skipped[k->info.id] = failed[key];
            else if (auto it = measured.find(key); it != measured.end())
              point.timesS[k->info.id] = it->second;
          }
          if (point.timesS.empty())
            throw RunFailure("tune: no candidate ran at bits=" + std::to_string(bits) + " n=" + std::to_string(n) +
                             " threads=" + std::to_string(t) + " density=" + fmt(d));
          point.winner = fastest(point);
          points.push_back(std::move(point));
          previous[{bits, t, d}] = &points.back();
        }
  }

  // Head to head: each close point's contenders again, in rounds of their
  // own, and those times decide it (kTuneContestFactor, spec.contestFactor).
  std::vector<std::pair<DispatchPoint*, std::vector<Contender>>> contests;
  for (DispatchPoint& point : points) {
    std::vector<Contender> contenders;
    const std::vector<std::string> ids = tuneContestants(points, point, spec.contestFactor);
    for (const Kernel* k : dispatchCandidates(point.bits, point.density))
      if (std::find(ids.begin(), ids.end(), k->info.id) != ids.end()) contenders.push_back({k, {}, {}});
    if (contenders.size() >= 2) contests.emplace_back(&point, std::move(contenders));
  }
  for (const auto& c : contests) planned += int(c.second.size());
  int lastN = -1;
  Problem problem;
  // A kernel's rounds pooled over every contest whose run is the same for it
  // (a dense kernel at each density, a kernel that ignores threads at each
  // thread count: timeKey): one time per run, the median of 5 rounds times
  // the contests, rather than a time per point that a burst of the machine
  // can move (matmul.parallel at n=768 on 2 threads read 3.55 ms at density
  // 1 and 3.12 ms at 0.7 in one tune on an Emerald Rapids guest).
  std::map<TimeKey, std::vector<double>> pooled;
  for (auto& [point, contenders] : contests) {
    if (point->n != lastN) problem = makeProblem(Family::Matmul, lastN = point->n);
    timeInRounds(contenders, problem, Params{point->n, 64, point->threads, point->bits, point->density}, options,
                 std::uint32_t(point - points.data()) * 7919u + 31u, cancel, [&](const std::string& what) {
                   if (progress) progress({done, std::max(planned, done + 1), "head to head: " + what});
                   ++done;
                 });
    for (const Contender& c : contenders)
      if (c.failure.empty() && !c.times.empty()) {
        std::vector<double>& all = pooled[timeKey(c.kernel, *point)];
        all.insert(all.end(), c.times.begin(), c.times.end());
      }
  }
  for (DispatchPoint& point : points) {
    bool changed = false;
    for (const Kernel* k : dispatchCandidates(point.bits, point.density)) {
      auto t = point.timesS.find(k->info.id);
      auto p = pooled.find(timeKey(k, point));
      if (t != point.timesS.end() && p != pooled.end()) {
        t->second = median(p->second);
        changed = true;
      }
    }
    if (changed) point.winner = fastest(point);
  }
  if (progress) progress({done, std::max(done, 1), "done"});
  table.points = std::move(points);
  return table;
}

std::vector<std::string> tuneContestants(const std::vector<DispatchPoint>& points, const DispatchPoint& point,
                                         double factor) {
  std::vector<std::string> ids;
  if (point.timesS.empty()) return ids;
  const double best = point.timesS.at(point.winner);
  // The neighbours: the nearest n below and above at this density, the
  // nearest density below and above at this n (same bits and threads).
  const DispatchPoint* nearest[4] = {};  // n below, n above, density below, density above
  double gap[4] = {};
  auto consider = [&](int side, const DispatchPoint& q, double distance) {
    if (!nearest[side] || distance < gap[side]) {
      nearest[side] = &q;
      gap[side] = distance;
    }
  };
  for (const DispatchPoint& q : points) {
    if (q.bits != point.bits || q.threads != point.threads) continue;
    if (q.density == point.density && q.n != point.n) consider(q.n < point.n ? 0 : 1, q, std::abs(q.n - point.n));
    if (q.n == point.n && q.density != point.density)
      consider(q.density < point.density ? 2 : 3, q, std::abs(q.density - point.density));
  }
  for (const auto& [id, s] : point.timesS) {
    bool near = false;
    for (const DispatchPoint* q : nearest) near = near || (q && q->winner == id);
    if (s <= best * factor || near) ids.push_back(id);
  }
  if (factor <= 1 || ids.size() < 2) ids.clear();
  return ids;
}

std::vector<std::pair<Params, bool>> dispatchCheckPoints(const DispatchTable& table) {
  std::vector<std::pair<Params, bool>> out;
  std::set<std::tuple<int, int, int, double>> seen;
  auto add = [&](int bits, int n, int threads, double d, bool tuned) {
    if (seen.insert({bits, n, threads, d}).second) out.push_back({Params{n, 64, threads, bits, d}, tuned});
  };
  std::set<std::tuple<int, int>> groups;  // (bits, threads)
  for (const DispatchPoint& p : table.points) groups.insert({p.bits, p.threads});
  for (const auto& [bits, threads] : groups) {
    std::vector<int> ns;
    std::vector<double> ds;
    for (const DispatchPoint& p : table.points)
      if (p.bits == bits && p.threads == threads) {
        ns.push_back(p.n);
        ds.push_back(p.density);
      }
    ns = sortedUnique(ns);
    ds = sortedUnique(ds);
    for (int n : ns)
      for (double d : ds) add(bits, n, threads, d, true);
    for (std::size_t i = 0; i + 1 < ns.size(); ++i) {
      const int mid = std::max(8, int(std::lround(std::sqrt(double(ns[i]) * ns[i + 1]) / 8.0)) * 8);
      if (mid > ns[i] && mid < ns[i + 1])
        for (double d : ds) add(bits, mid, threads, d, false);
    }
    for (std::size_t i = 0; i + 1 < ds.size(); ++i) {
      const double mid = std::round(std::sqrt(ds[i] * ds[i + 1]) * 1000.0) / 1000.0;
      if (mid > ds[i] && mid < ds[i + 1])
        for (int n : ns) add(bits, n, threads, mid, false);
    }
  }
  return out;
}

std::vector<DispatchCheckRow> checkDispatch(const DispatchTable& table, const RunOptions& options,
                                            const TuneProgressFn& progress, const std::atomic<bool>* cancel) {
  const Kernel* dispatcher = findKernel(kernelRoles().dispatcher);
  if (!dispatcher) throw RunFailure("tune --check: the dispatching kernel is not registered");
  const std::vector<std::pair<Params, bool>> pts = dispatchCheckPoints(table);
  const int rounds = std::max(1, options.reps);
  const RunOptions one{std::max(0, options.warmup), 1, options.minSampleS};

  // Candidates skipped at every tuned point of a group (too slow) are left out.
  // Neighbours: same bits and threads, n within a factor 2, density within 4.
  auto skippedEverywhere = [&](const std::string& id, const Params& p) {
    const double density = p.bits == 32 ? p.density : 1.0;
    for (const DispatchPoint& q : table.points)
      if (q.bits == p.bits && q.threads == p.threads && q.n * 2 >= p.n && q.n <= p.n * 2 &&
          q.density * 4 >= density && q.density <= density * 4 && q.timesS.count(id))
        return false;
    return true;
  };

  std::vector<DispatchCheckRow> rows;
  int index = 0;
  std::optional<Problem> problem;
  for (const auto& [p, tuned] : pts) {
    if (!problem || problem->n != p.n) problem = makeProblem(Family::Matmul, p.n);
    std::vector<const Kernel*> ks = {dispatcher};
    for (const Kernel* k : dispatchCandidates(p.bits, p.density))
      if (!skippedEverywhere(k->info.id, p)) ks.push_back(k);
    std::map<const Kernel*, std::vector<double>> times;
    DispatchCheckRow row;
    row.params = p;
    row.tuned = tuned;
    row.limit = tuned ? 1.05 : 1.10;
    // Each round in its own order (a fixed shuffle), so that no kernel
    // always runs right after the same one and inherits its after-effects
    // (the library's worker threads spin for a while after a call).
    std::vector<const Kernel*> order = ks;
    std::mt19937 shuffler(std::uint32_t(index) * 7919u + 17u);
    for (int round = 0; round < rounds; ++round) {
      std::shuffle(order.begin(), order.end(), shuffler);
      for (const Kernel* k : order) {
        if (cancelled(cancel)) throw Cancelled();
        if (progress && round == 0)
          progress({index, int(pts.size()), k->info.id + " " + jobParamsText(Job{k, p})});
        const BenchRecord r = runJob(Job{k, p}, *problem, one, cancel);
        if (r.outcome == Outcome::Cancelled) throw Cancelled();
        if (r.outcome != Outcome::Ok) {
          if (k == dispatcher) throw RunFailure("tune --check: " + k->info.id + " failed: " + r.failure);
          continue;
        }
        times[k].push_back(r.medianS);
        if (k == dispatcher) {
          row.chosen = r.chosenKernel.value_or("");
          row.reason = r.choiceReason;
        }
      }
    }
    auto fastest = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
    row.autoS = median(times[dispatcher]);
    row.autoMinS = fastest(times[dispatcher]);
    row.bestS = 0;
    for (const Kernel* k : ks) {
      if (k == dispatcher || times[k].empty()) continue;
      const double s = median(times[k]);
      if (row.best.empty() || s < row.bestS) {
        row.best = k->info.id;
        row.bestS = s;
      }
      const double m = fastest(times[k]);
      if (row.bestMinS == 0 || m < row.bestMinS) row.bestMinS = m;
    }
    row.ratio = row.bestS > 0 ? row.autoS / row.bestS : 0;
    row.minRatio = row.bestMinS > 0 ? row.autoMinS / row.bestMinS : 0;
    for (const Kernel* k : ks)
      if (k != dispatcher && k->info.id == row.chosen && !times[k].empty() && row.bestS > 0 && row.bestMinS > 0) {
        row.chosenS = median(times[k]);
        row.chosenMinS = fastest(times[k]);
        row.choiceRatio = row.chosenS / row.bestS;
        row.choiceMinRatio = row.chosenMinS / row.bestMinS;
      }
    rows.push_back(row);
    ++index;
  }
  if (progress) progress({index, std::max(index, 1), "done"});
  return rows;
}

DispatchOverhead dispatchOverhead(const std::vector<DispatchCheckRow>& rows) {
  DispatchOverhead o;
  double sumLog = 0;
  for (const DispatchCheckRow& r : rows)
    if (r.chosenS > 0 && r.autoS > 0) {
      sumLog += std::log(r.autoS / r.chosenS);
      ++o.rows;
    }
  if (o.rows) o.geomean = std::exp(sumLog / o.rows);
  return o;
}

std::vector<BenchRecord> dispatchTableRecords(const DispatchTable& table) {
  std::vector<BenchRecord> out;
  for (const DispatchPoint& p : table.points)
    for (const auto& [id, s] : p.timesS) {
      BenchRecord r;
      r.kernel = id;
      r.n = p.n;
      r.threads = p.threads;
      r.bits = p.bits;
      r.density = p.density;
      r.reps = table.reps;
      r.warmup = table.warmup;
      r.medianS = r.meanS = r.minS = r.maxS = s;
      r.timesS = {s};
      r.unit = "GFLOP/s";
      out.push_back(std::move(r));
    }
  return out;
}

std::map<std::string, std::string> kernelTitles() {
  std::map<std::string, std::string> t;
  for (const Kernel& k : kernels()) t[k.info.id] = k.info.title;
  return t;
}

}  // namespace cachescope
