#include "engine/access_animation.hpp"

#include <algorithm>
#include <stdexcept>

#include "bench/param_list.hpp"
#include "cachesim/cache_model.hpp"
#include "trace/errors.hpp"

namespace cachescope::engine {

const char* toString(Grid g) {
  switch (g) {
    case Grid::A: return "A";
    case Grid::B: return "B";
    case Grid::C: return "C";
    case Grid::Tile: return "T";
  }
  return "?";
}

std::uint64_t packPoint(int i, int j, int k) {
  return std::uint64_t(i) | std::uint64_t(j) << 21 | std::uint64_t(k) << 42;
}

const std::vector<std::string>& AccessTrace::code() const {
  // Closing braces left out: no access belongs to them, and the lines they
  // would take are the difference between fitting beside the grids or not.
  static const std::vector<std::string> naive = {
      "for (i = 0; i < n; i++)",
      "  for (j = 0; j < n; j++) {",
      "    sum = 0;",
      "    for (k = 0; k < n; k++)",
      "      sum += A[i][k] * B[k][j];",
      "    C[i][j] = sum;",
  };
  static const std::vector<std::string> reordered = {
      "for (i = 0; i < n; i++) {",
      "  for (j = 0; j < n; j++) C[i][j] = 0;",
      "  for (k = 0; k < n; k++) {",
      "    a = A[i][k];",
      "    for (j = 0; j < n; j++)",
      "      C[i][j] += a * B[k][j];",
  };
  static const std::vector<std::string> blocked = {
      "C = 0;",
      "for (ii, jj, kk: tiles of b x b) {",
      "  T = B[kk..kk+b][jj..jj+b];   // copy the tile",
      "  for (i = ii; i < ii + b; i++)",
      "    for (k = kk; k < kk + b; k += 4) {",
      "      a0..a3 = A[i][k..k+3];",
      "      for (j = 0; j < b; j++)",
      "        C[i][jj+j] += a0*T[k][j] + ... + a3*T[k+3][j];",
  };
  switch (nest) {
    case trace::LoopNest::Naive: return naive;
    case trace::LoopNest::Reordered: return reordered;
    case trace::LoopNest::Blocked: return blocked;
    case trace::LoopNest::Relu: break;  // the animation shows the matmul nests only
  }
  return naive;
}

// [SECTION] playback

PlaybackState initialState(const AccessTrace& trace) {
  PlaybackState s;
  for (int g = 0; g < kGrids; ++g) {
    const std::size_t cells = std::size_t(trace.grids[std::size_t(g)].cells());
    s.lastTouch[std::size_t(g)].assign(cells, 0);
    s.level[std::size_t(g)].assign(cells, 0);
  }
  s.inL1.assign(trace.lineCount, 0);
  return s;
}

void rollForward(const AccessTrace& trace, PlaybackState& s, std::uint64_t t) {
  t = std::min<std::uint64_t>(t, trace.events.size());
  const int levels = trace.levels;
  for (std::uint64_t idx = s.t; idx < t; ++idx) {
    const Event e = trace.events[idx];
    const std::size_t g = std::size_t(e.grid());
    const int served = e.level();
    s.lastTouch[g][e.cell()] = std::uint32_t(idx + 1);
    s.level[g][e.cell()] = std::uint8_t(served);
    if (e.bits & Event::kFill) s.inL1[trace.lines[s.lineCursor++]] = 1;
    if (e.bits & Event::kEvict) s.inL1[trace.lines[s.lineCursor++]] = 0;
    if (e.bits & Event::kPoint) s.point = trace.points[s.pointCursor++];
    // The lookups of the access itself: a miss in every level above the one
    // that served it, a hit there (memory has no counters).
    for (int l = 0; l < served && l < levels; ++l) ++s.accesses[std::size_t(l)];
    if (served < levels) {
      ++s.accesses[std::size_t(served)];
      ++s.hits[std::size_t(served)];
    }
    if (e.bits & Event::kExtra)
      for (; s.extraCursor < trace.extras.size() && trace.extras[s.extraCursor].event == idx; ++s.extraCursor) {
        const CounterExtra& x = trace.extras[s.extraCursor];
        s.accesses[x.level] = std::uint64_t(std::int64_t(s.accesses[x.level]) + x.accesses);
        s.hits[x.level] = std::uint64_t(std::int64_t(s.hits[x.level]) + x.hits);
      }
    s.codeLine = e.codeLine();
  }
  if (t > s.t) s.t = t;
}

void seek(const AccessTrace& trace, PlaybackState& s, std::uint64_t t) {
  t = std::min<std::uint64_t>(t, trace.events.size());
  if (trace.checkpointEvery && !trace.checkpoints.empty()) {
    const std::size_t c = std::min<std::size_t>(t / trace.checkpointEvery, trace.checkpoints.size() - 1);
    const PlaybackState& cp = trace.checkpoints[c];
    // Back in time, or a checkpoint lies between here and there.
    if (t < s.t || cp.t > s.t) s = cp;
  } else if (t < s.t) {
    s = initialState(trace);
  }
  rollForward(trace, s, t);
}

std::uint64_t nextPointStart(const AccessTrace& trace, std::uint64_t t) {
  for (std::uint64_t u = t + 1; u < trace.events.size(); ++u)
    if (trace.events[u].bits & Event::kPoint) return u;
  return trace.events.size();
}

// [SECTION] building (worker thread)

namespace {

struct Stop {};  // the access cap is reached

struct Region {
  std::uintptr_t base = 0;
  std::size_t bytes = 0;
  std::size_t ld = 0;  // elements per row
  Grid grid = Grid::A;
};

struct LineRange {
  std::uint64_t first = 0, last = 0;  // absolute line numbers (inclusive)
  std::uint32_t firstId = 0;
};

class Layout {
 public:
  Layout(const trace::KernelTraceRun& run, const AccessTrace& tr, std::uint32_t lineShift) : shift_(lineShift) {
    const std::size_t ld = run.kernel().ld, n = std::size_t(tr.n);
    regions_.push_back({run.addressA(), n * ld * sizeof(float), ld, Grid::A});
    regions_.push_back({run.addressB(), n * ld * sizeof(float), ld, Grid::B});
    regions_.push_back({run.addressC(), n * ld * sizeof(float), ld, Grid::C});
    if (tr.grids[std::size_t(Grid::Tile)].present) {
      const std::size_t e = std::size_t(tr.tileEdge);
      regions_.push_back({run.addressTile(), e * e * sizeof(float), e, Grid::Tile});
    }
    // Line ids: the lines the regions cover, numbered densely. Regions that
    // share a line (line size above the buffers' alignment) share its id.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
    for (const Region& r : regions_) spans.push_back({r.base >> shift_, (r.base + r.bytes - 1) >> shift_});
    std::sort(spans.begin(), spans.end());
    std::uint32_t next = 0;
    for (const auto& [a, b] : spans) {
      if (!ranges_.empty() && a <= ranges_.back().last) {
        if (b > ranges_.back().last) {
          next += std::uint32_t(b - ranges_.back().last);
          ranges_.back().last = b;
        }
        continue;
      }
      ranges_.push_back({a, b, next});
      next += std::uint32_t(b - a + 1);
    }
    lineCount_ = next;
  }

  // Region of an address, or nullptr (the nests touch nothing else).
  const Region* regionOf(std::uintptr_t address) const {
    for (const Region& r : regions_)
      if (address - r.base < r.bytes) return &r;
    return nullptr;
  }

  std::uint32_t lineId(std::uint64_t address) const {
    const std::uint64_t line = address >> shift_;
    for (const LineRange& r : ranges_)
      if (line >= r.first && line <= r.last) return r.firstId + std::uint32_t(line - r.first);
    return kNoLine;
  }

  std::uint32_t lineCount() const { return lineCount_; }
  template <class F>
  void forEachLine(F&& f) const {
    for (const LineRange& r : ranges_)
      for (std::uint64_t l = r.first; l <= r.last; ++l) f(r.firstId + std::uint32_t(l - r.first), l << shift_);
  }
  const std::vector<Region>& regions() const { return regions_; }
  static constexpr std::uint32_t kNoLine = ~std::uint32_t(0);

 private:
  std::uint32_t shift_;
  std::vector<Region> regions_;
  std::vector<LineRange> ranges_;
  std::uint32_t lineCount_ = 0;
};

// Which line of AccessTrace::code() an access belongs to. A store to C is
// either the zeroing (nothing read just before it) or the update.
int codeLineOf(trace::LoopNest nest, Grid g, bool write, bool previousWasRead) {
  switch (nest) {
    case trace::LoopNest::Naive: return g == Grid::C ? 5 : 4;
    case trace::LoopNest::Reordered:
      if (g == Grid::A) return 3;
      if (g == Grid::C && write) return previousWasRead ? 5 : 1;
      return 5;
    case trace::LoopNest::Blocked:
      if (g == Grid::B || (g == Grid::Tile && write)) return 2;
      if (g == Grid::A) return 5;
      if (g == Grid::C && write) return previousWasRead ? 7 : 0;
      return 7;
    case trace::LoopNest::Relu: break;
  }
  return 0;
}

template <class H>
struct RecordingSink {
  H& h;
  AccessTrace& tr;
  const Layout& layout;
  std::uint64_t cap;
  const std::atomic<bool>* cancel;
  std::atomic<double>* progress;
  double expected;
  bool pendingPoint = false;
  bool previousWasRead = false;

  void point(int i, int j, int k) {
    pendingPoint = true;
    tr.points.push_back(packPoint(i, j, k));
  }

  void access(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    if (tr.events.size() >= cap) throw Stop{};
    if ((tr.events.size() & 0xffff) == 0) {
      if (cancel && cancel->load(std::memory_order_relaxed)) throw Cancelled{};
      if (progress) progress->store(double(tr.events.size()) / expected, std::memory_order_relaxed);
    }
    const Region* r = layout.regionOf(address);
    if (!r) throw std::logic_error("access outside the traced matrices");
    const bool write = kind == AccessKind::Write;
    const int levels = tr.levels;
    std::array<sim::LevelCounters, sim::kMaxLevels> before;
    for (int l = 0; l < levels; ++l) before[std::size_t(l)] = h.counters(l);
    const sim::AccessEvent ev = h.access(address, size, write ? sim::Op::Write : sim::Op::Read);

    const std::size_t element = (address - r->base) / sizeof(float);
    const GridShape& shape = tr.grids[std::size_t(r->grid)];
    const int row = int(element / r->ld), col = int(element % r->ld);
    const std::uint32_t cell = std::uint32_t((row / shape.factor) * shape.cellCols + col / shape.factor);
    std::uint32_t bits = cell | std::uint32_t(r->grid) << Event::kGridShift |
                         std::uint32_t(ev.servedBy) << Event::kLevelShift |
                         std::uint32_t(codeLineOf(tr.nest, r->grid, write, previousWasRead)) << Event::kCodeShift;
    if (write) bits |= Event::kWrite;
    const sim::LevelEvent& l1 = ev.level[0];
    if (l1.filled) {
      bits |= Event::kFill;
      tr.lines.push_back(layout.lineId(address));
    }
    if (l1.evicted) {
      const std::uint32_t id = layout.lineId(l1.evictedAddress);
      if (id == Layout::kNoLine) throw std::logic_error("evicted a line outside the traced matrices");
      bits |= Event::kEvict;
      tr.lines.push_back(id);
    }
    if (pendingPoint) {
      bits |= Event::kPoint;
      pendingPoint = false;
    }
    // Whatever the lookups of this access do not explain (writebacks into
    // the level below, write-through traffic) goes to `extras`.
    const std::uint32_t index = std::uint32_t(tr.events.size());
    for (int l = 0; l < levels; ++l) {
      const sim::LevelCounters after = h.counters(l);
      std::int64_t da = std::int64_t(after.accesses - before[std::size_t(l)].accesses);
      std::int64_t dh = std::int64_t(after.hits - before[std::size_t(l)].hits);
      if (l < ev.servedBy) da -= 1;
      else if (l == ev.servedBy) {
        da -= 1;
        dh -= 1;
      }
      if (da != 0 || dh != 0) {
        bits |= Event::kExtra;
        tr.extras.push_back({index, std::uint8_t(l), std::int32_t(da), std::int32_t(dh)});
      }
    }
    tr.events.push_back({bits});
    previousWasRead = !write;
  }
};

GridShape shapeOf(int rows, int cols) {
  GridShape s;
  s.present = true;
  s.rows = rows;
  s.cols = cols;
  const int edge = std::max(rows, cols);
  s.factor = (edge + kMaxGridCells - 1) / kMaxGridCells;
  s.cellRows = (rows + s.factor - 1) / s.factor;
  s.cellCols = (cols + s.factor - 1) / s.factor;
  return s;
}

}  // namespace

std::shared_ptr<const AccessTrace> recordAccessTrace(const AnimationSpec& spec, const std::string& kernel,
                                                     const std::atomic<bool>* cancel, std::atomic<double>* progress) {
  trace::KernelTraceSpec ks;
  ks.kernel = kernel;
  ks.n = spec.n;
  ks.block = std::min(spec.block, spec.n);
  ks.bits = 32;
  const trace::TracedKernel tk = trace::resolveKernel(ks);
  sim::HierarchyConfig cfg = spec.cache;
  // The three-C split changes no hit or miss; it only costs time here.
  cfg.missClasses = sim::MissClasses::Off;
  sim::CacheModel model(cfg);  // validates

  auto tr = std::make_shared<AccessTrace>();
  tr->kernel = kernel;
  tr->title = tk.title;
  tr->nest = tk.nest;
  tr->n = spec.n;
  tr->block = ks.block;
  tr->tileEdge = tk.tileEdge();
  tr->levels = int(cfg.levels.size());
  for (const sim::LevelConfig& l : cfg.levels) tr->levelNames.push_back(l.name);
  tr->totalReferences = tk.references();
  tr->grids[std::size_t(Grid::A)] = shapeOf(spec.n, spec.n);
  tr->grids[std::size_t(Grid::B)] = shapeOf(spec.n, spec.n);
  tr->grids[std::size_t(Grid::C)] = shapeOf(spec.n, spec.n);
  if (tk.nest == trace::LoopNest::Blocked) tr->grids[std::size_t(Grid::Tile)] = shapeOf(tr->tileEdge, tr->tileEdge);

  trace::KernelTraceRun run(tk);
  const std::uint32_t shift = std::uint32_t(__builtin_ctz(cfg.levels[0].lineBytes));
  const Layout layout(run, *tr, shift);
  tr->lineCount = layout.lineCount();
  for (const Region& r : layout.regions()) {
    const GridShape& g = tr->grids[std::size_t(r.grid)];
    std::vector<std::uint32_t>& cl = tr->cellLine[std::size_t(r.grid)];
    cl.resize(std::size_t(g.cells()));
    for (int cr = 0; cr < g.cellRows; ++cr)
      for (int cc = 0; cc < g.cellCols; ++cc)
        cl[std::size_t(cr * g.cellCols + cc)] =
            layout.lineId(r.base + (std::size_t(cr * g.factor) * r.ld + std::size_t(cc * g.factor)) * sizeof(float));
  }

  const std::uint64_t cap = std::max<std::uint64_t>(1, spec.maxAccesses);
  tr->events.reserve(std::min(cap, tr->totalReferences));
  bool cancelled = false;
  model.visit([&](auto& h) {
    RecordingSink<std::remove_reference_t<decltype(h)>> sink{
        h, *tr, layout, cap, cancel, progress, double(std::min(cap, tr->totalReferences))};
    try {
      run.run(sink);
    } catch (const Stop&) {
    } catch (const Cancelled&) {
      cancelled = true;
    }
  });
  if (cancelled) {
    tr->outcome = Outcome::Cancelled;
    tr->events = {};
    tr->lines = {};
    tr->extras = {};
    return tr;
  }
  tr->truncated = tr->events.size() < tr->totalReferences;
  // A point recorded after the last kept access has no event.
  std::size_t flagged = 0;
  for (const Event& e : tr->events) flagged += (e.bits & Event::kPoint) ? 1 : 0;
  tr->points.resize(flagged);
  tr->finalCounters = model.allCounters();
  tr->finalInL1.assign(tr->lineCount, 0);
  layout.forEachLine([&](std::uint32_t id, std::uint64_t address) { tr->finalInL1[id] = model.contains(0, address); });

  // Checkpoints: at most ~32 of them (n = 128: about 330 KB each), so a
  // jump anywhere rolls forward at most 1/32 of the run.
  tr->checkpointEvery = std::max<std::uint64_t>(65536, (tr->events.size() + 31) / 32);
  PlaybackState s = initialState(*tr);
  for (std::uint64_t t = 0; t <= tr->events.size(); t += tr->checkpointEvery) {
    rollForward(*tr, s, t);
    tr->checkpoints.push_back(s);
  }
  if (progress) progress->store(1.0);
  return tr;
}

// [SECTION] launch settings (--set step=, --set caches=)

bool applyAnimationSetting(AnimationLaunch& launch, const std::string& keyValue) {
  const auto eq = keyValue.find('=');
  if (eq == std::string::npos) return false;
  const std::string key = keyValue.substr(0, eq), value = keyValue.substr(eq + 1);
  if (key == "step") {
    std::size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != value.size() || v < 0)
      throw UsageError("--set step=" + value + ": must be an access index >= 0");
    launch.step = v;
    return true;
  }
  if (key == "caches") {
    if (value.empty()) throw UsageError("--set caches=: give a preset name (host, teaching-small, ...) or a JSON file");
    launch.caches = value;
    return true;
  }
  if (key == "l1") {
    try {
      sim::parseLevelSpec(value, "L1");  // checked now: a typo fails before the window opens
    } catch (const sim::ConfigError& e) {
      throw UsageError("--set l1=" + value + ": " + e.what());
    }
    launch.l1 = value;
    return true;
  }
  auto flag = [&](int& out) {
    if (value != "0" && value != "1") throw UsageError("--set " + key + "=" + value + ": must be 0 or 1");
    out = value == "1";
    return true;
  };
  if (key == "reordered") return flag(launch.reordered);
  if (key == "play") return flag(launch.play);
  if (key == "loop") return flag(launch.loop);
  if (key == "speed") {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != value.size() || !(v >= kMinSpeed && v <= kMaxSpeed))
      throw UsageError("--set speed=" + value + ": accesses per second, 1 to 5e6");
    launch.speed = v;
    return true;
  }
  return false;
}

}  // namespace cachescope::engine
