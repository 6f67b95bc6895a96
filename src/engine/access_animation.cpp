#include "engine/access_animation.hpp"

#include <algorithm>
#include <stdexcept>

#include <sstream>

#include "bench/param_list.hpp"
#include "kernels/registry.hpp"
#include "cachesim/cache_model.hpp"
#include "trace/errors.hpp"

namespace cachescope::engine {

std::uint64_t packPoint(int i, int j, int k) {
  return std::uint64_t(i) | std::uint64_t(j) << 21 | std::uint64_t(k) << 42;
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
  std::uint32_t elementBytes = 4;
  int grid = 0;
};

struct LineRange {
  std::uint64_t first = 0, last = 0;  // absolute line numbers (inclusive)
  std::uint32_t firstId = 0;
};

class Layout {
 public:
  Layout(const std::vector<TraceBuffer>& buffers, std::uint32_t lineShift) : shift_(lineShift) {
    for (std::size_t g = 0; g < buffers.size(); ++g) {
      const TraceBuffer& b = buffers[g];
      regions_.push_back({b.base, b.bytes(), b.ld, b.elementBytes, int(g)});
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

// Records every reference of the nest with the AccessEvent the hierarchy
// gives it; the nest's point and line marks say which inner iteration and
// which line of the code each access belongs to.
template <class H>
class RecordingSink final : public TraceSink {
 public:
  RecordingSink(H& h, AccessTrace& tr, const Layout& layout, std::uint64_t cap, const std::atomic<bool>* cancel,
                std::atomic<double>* progress, double expected)
      : TraceSink(true, false), h_(h), tr_(tr), layout_(layout), cap_(cap), cancel_(cancel), progress_(progress),
        expected_(expected) {}

 protected:
  void consume(const std::uint64_t* address, const RefFlags* flags, std::size_t n, std::uint64_t first) override {
    std::size_t m = 0;
    for (std::size_t r = 0; r < n; ++r) {
      for (; m < marks.size() && marks[m].before <= first + r; ++m) {
        const TraceMark& mark = marks[m];
        if (mark.kind == TraceMark::Kind::Line) {
          line_ = mark.line;
        } else {
          pendingPoint_ = true;
          tr_.points.push_back(packPoint(mark.i, mark.j, mark.k));
        }
      }
      one(address[r], sizeOf(flags[r]), isWrite(flags[r]));
    }
  }
  void consumeSingle(std::uint64_t address, std::uint32_t size, AccessKind kind, std::uint64_t) override {
    one(address, size, kind == AccessKind::Write);
  }

 private:
  void one(std::uint64_t address, std::uint32_t size, bool write) {
    if (tr_.events.size() >= cap_) throw Stop{};
    if ((tr_.events.size() & 0xffff) == 0) {
      if (cancel_ && cancel_->load(std::memory_order_relaxed)) throw Cancelled{};
      if (progress_) progress_->store(double(tr_.events.size()) / expected_, std::memory_order_relaxed);
    }
    const Region* r = layout_.regionOf(address);
    if (!r) throw std::logic_error("access outside the traced buffers");
    const int levels = tr_.levels;
    std::array<sim::LevelCounters, sim::kMaxLevels> before;
    for (int l = 0; l < levels; ++l) before[std::size_t(l)] = h_.counters(l);
    const sim::AccessEvent ev = h_.access(address, size, write ? sim::Op::Write : sim::Op::Read);

    const std::size_t element = (address - r->base) / r->elementBytes;
    const GridShape& shape = tr_.grids[std::size_t(r->grid)];
    const int row = int(element / r->ld), col = int(element % r->ld);
    const std::uint32_t cell = std::uint32_t((row / shape.factor) * shape.cellCols + col / shape.factor);
    std::uint32_t bits = cell | std::uint32_t(r->grid) << Event::kGridShift |
                         std::uint32_t(ev.servedBy) << Event::kLevelShift |
                         std::uint32_t(std::clamp(line_, 0, 15)) << Event::kCodeShift;
    if (write) bits |= Event::kWrite;
    const sim::LevelEvent& l1 = ev.level[0];
    if (l1.filled) {
      bits |= Event::kFill;
      tr_.lines.push_back(layout_.lineId(address));
    }
    if (l1.evicted) {
      const std::uint32_t id = layout_.lineId(l1.evictedAddress);
      if (id == Layout::kNoLine) throw std::logic_error("evicted a line outside the traced buffers");
      bits |= Event::kEvict;
      tr_.lines.push_back(id);
    }
    if (pendingPoint_) {
      bits |= Event::kPoint;
      pendingPoint_ = false;
    }
    // Whatever the lookups of this access do not explain (writebacks into
    // the level below, write-through traffic) goes to `extras`.
    const std::uint32_t index = std::uint32_t(tr_.events.size());
    for (int l = 0; l < levels; ++l) {
      const sim::LevelCounters after = h_.counters(l);
      std::int64_t da = std::int64_t(after.accesses - before[std::size_t(l)].accesses);
      std::int64_t dh = std::int64_t(after.hits - before[std::size_t(l)].hits);
      if (l < ev.servedBy) da -= 1;
      else if (l == ev.servedBy) {
        da -= 1;
        dh -= 1;
      }
      if (da != 0 || dh != 0) {
        bits |= Event::kExtra;
        tr_.extras.push_back({index, std::uint8_t(l), std::int32_t(da), std::int32_t(dh)});
      }
    }
    tr_.events.push_back({bits});
  }

  H& h_;
  AccessTrace& tr_;
  const Layout& layout_;
  std::uint64_t cap_;
  const std::atomic<bool>* cancel_;
  std::atomic<double>* progress_;
  double expected_;
  bool pendingPoint_ = false;
  int line_ = 0;
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
  ks.density = spec.density;
  const trace::TracedKernel tk = trace::resolveKernel(ks);
  sim::HierarchyConfig cfg = spec.cache;
  // The three-C split changes no hit or miss; it only costs time here.
  cfg.missClasses = sim::MissClasses::Off;
  sim::CacheModel model(cfg);  // validates

  auto tr = std::make_shared<AccessTrace>();
  tr->kernel = kernel;
  tr->title = tk.title;
  tr->caveat = tk.caveat;
  tr->code = tk.description().code;
  tr->n = spec.n;
  tr->block = tk.spec.block;
  tr->usesBlock = tk.description().usesBlock;
  tr->levels = int(cfg.levels.size());
  for (const sim::LevelConfig& l : cfg.levels) tr->levelNames.push_back(l.name);
  tr->totalReferences = tk.references();

  std::unique_ptr<TraceRun> run = tk.prepare();
  const std::vector<TraceBuffer>& buffers = run->buffers();
  if (buffers.size() > std::size_t(kGrids)) throw std::logic_error(kernel + " traces more buffers than the view draws");
  tr->gridCount = int(buffers.size());
  for (std::size_t g = 0; g < buffers.size(); ++g) {
    tr->grids[g] = shapeOf(buffers[g].rows, buffers[g].cols);
    tr->grids[g].name = buffers[g].name;
    tr->grids[g].caption = buffers[g].caption;
  }
  const std::uint32_t shift = std::uint32_t(__builtin_ctz(cfg.levels[0].lineBytes));
  const Layout layout(buffers, shift);
  tr->lineCount = layout.lineCount();
  for (const Region& r : layout.regions()) {
    const GridShape& g = tr->grids[std::size_t(r.grid)];
    std::vector<std::uint32_t>& cl = tr->cellLine[std::size_t(r.grid)];
    cl.resize(std::size_t(g.cells()));
    for (int cr = 0; cr < g.cellRows; ++cr)
      for (int cc = 0; cc < g.cellCols; ++cc)
        cl[std::size_t(cr * g.cellCols + cc)] =
            layout.lineId(r.base + (std::size_t(cr * g.factor) * r.ld + std::size_t(cc * g.factor)) * r.elementBytes);
  }

  const std::uint64_t cap = std::max<std::uint64_t>(1, spec.maxAccesses);
  tr->events.reserve(std::min(cap, tr->totalReferences));
  bool cancelled = false;
  model.visit([&](auto& h) {
    RecordingSink<std::remove_reference_t<decltype(h)>> sink(h, *tr, layout, cap, cancel, progress,
                                                             double(std::min(cap, tr->totalReferences)));
    try {
      run->run(sink);
      sink.flush();
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

std::vector<std::string> animationKernels(const std::vector<std::string>& ids) {
  if (ids.empty()) return kernelRoles().comparePair;
  for (const std::string& id : ids) {
    const Kernel* k = findKernel(id);
    if (!k) throw UsageError("--set access: unknown kernel '" + id + "' (did you mean '" + nearestKernelId(id) + "'?)");
    if (!k->traceable())
      throw UsageError("--set access: " + id + " has no traced loop nest (traced: " + trace::traceableKernelList() + ")");
  }
  return ids;
}

std::vector<std::string> followedAnimationKernels(const std::vector<std::string>& selection) {
  std::vector<std::string> out;
  for (const std::string& id : selection) {
    const Kernel* k = findKernel(id);
    if (k && k->traceable() && out.size() < kMaxAnimationSides) out.push_back(id);
  }
  return out.empty() ? kernelRoles().comparePair : out;
}

int animationSize(int chosen, int settingsN) {
  if (chosen > 0) return chosen;
  return settingsN > 0 && settingsN <= kMaxFollowedAnimationN ? settingsN : kDefaultAnimationN;
}

int animationBlock(int block, int n) { return block > 0 && block < n ? block : std::max(2, n / 4); }

double playThroughSpeed(std::uint64_t accesses, double seconds) {
  const double want = double(accesses) / std::max(seconds, 1.0);
  double step = 1;
  while (step * 10 <= want) step *= 10;
  // The first of 1, 2, 5, 10 x step at or above `want`: the run never takes longer.
  const double best = want <= step ? step : want <= 2 * step ? 2 * step : want <= 5 * step ? 5 * step : 10 * step;
  return std::clamp(best, kMinSpeed, kMaxSpeed);
}

std::string animationCaches(const std::string& chosen, int n) {
  if (!chosen.empty()) return chosen;
  return n <= 32 ? "teaching-tiny" : n <= 128 ? "teaching-small" : "host";
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
  if (key == "access") {
    std::vector<std::string> ids;
    std::stringstream ss(value);
    for (std::string id; std::getline(ss, id, ',');)
      if (!id.empty()) ids.push_back(id);
    if (ids.empty() || ids.size() > kMaxAnimationSides)
      throw UsageError("--set access=" + value + ": give 1 to 3 traceable kernel ids (see 'cachescope list')");
    launch.kernels = animationKernels(ids);
    return true;
  }
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
