// A user kernel in the registry (plugin.hpp): the probe, the verified and
// timed runs, and the traced runs, each in a child process (child.hpp).
#include "userkernels/plugin.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "kernels/matmul_trace.hpp"
#include "kernels/registry.hpp"
#include "kernels/relu_prepared.hpp"
#include "userkernels/child.hpp"
#include "userkernels/errors.hpp"
#include "userkernels/public/cachescope_kernel.hpp"

namespace fs = std::filesystem;

namespace cachescope::userkernels {

namespace {

// Messages of this module's children (child.hpp: from 100 up).
enum : std::uint32_t {
  kDescribe = 100,  // child -> parent: "family\ttraced\tname\tsource"
  kVerified,        // child -> parent: one verification size passed
  kRun,             // parent -> child: run once
  kTime,            // child -> parent: the run's seconds (double)
  kOutput,          // parent -> child: send C; child -> parent: n*n floats
  kTraceSetup,      // parent -> child: {n, counting, marks}
  kBases,           // child -> parent: the buffers' addresses
  kGo,              // parent -> child: run the traced nest
  kRefs,            // child -> parent: u32 count, count addresses, count flag bytes
  kMark,            // child -> parent: int kind, a, b, c
  kEnd,             // child -> parent: u64 references, i32 outer count
  kAlive,           // child -> parent: a counting run is still going
};

// The sizes every kernel is checked at before it is timed: a single
// element, sizes that are no multiple of any tile or vector width, and one
// past a power of two.
const std::vector<int> kVerifySizes = {1, 7, 33, 65, 100};
constexpr int kVerifyJobUpTo = 512;  // the job's own n too, up to this
constexpr float kGuard = 12345.678f;
constexpr int kGuardFloats = 64;

struct State {
  std::mutex mutex;
  std::string id, object, source;
  Family family = Family::Matmul;
  bool traced = false;
  std::map<int, std::pair<std::uint64_t, int>> counts;  // n -> references, outer count
};

std::string objectOf(State& s) {
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.object;
}

// In a child: the shared object's kernel.
const cachescope_kernel_v1* openEntry(const std::string& object) {
  void* h = ::dlopen(object.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = ::dlerror();
    throw std::runtime_error(object + ": cannot load: " + (e ? e : "dlopen failed"));
  }
  auto fn = reinterpret_cast<cachescope_kernel_v1_fn>(::dlsym(h, CACHESCOPE_KERNEL_SYMBOL));
  if (!fn)
    throw std::runtime_error(object + ": no kernel exported (no symbol " CACHESCOPE_KERNEL_SYMBOL
                             "; end the source with CACHESCOPE_KERNEL(name, function) from cachescope_kernel.hpp)");
  const cachescope_kernel_v1* k = fn();
  if (!k || k->abi != CACHESCOPE_KERNEL_ABI || !k->name || !k->run)
    throw std::runtime_error(object + ": its kernel description is not of this cachescope (rebuild it with 'cachescope kernel build')");
  return k;
}

std::string numberText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// In a child: runs the kernel at size n on fresh inputs and compares.
// Returns "" or what is wrong.
std::string verifyAt(const cachescope_kernel_v1& k, Family family, int n) {
  const Problem p = makeProblem(family, n);
  const std::size_t count = std::size_t(n) * std::size_t(n);
  std::vector<float> c(count + kGuardFloats, kGuard);
  std::fill(c.begin(), c.begin() + std::ptrdiff_t(count), std::nanf(""));
  k.run(n, p.a.data(), family == Family::Matmul ? p.b.data() : nullptr, c.data());
  const char* name = family == Family::Matmul ? "C" : "y";
  for (int g = 0; g < kGuardFloats; ++g)
    if (c[count + std::size_t(g)] != kGuard)
      return std::string("wrote past the end of ") + name + " at n=" + std::to_string(n) + " (" +
             std::to_string(g + 1) + " element(s) after " + name + "[" + std::to_string(n - 1) + "][" +
             std::to_string(n - 1) + "])";
  const std::vector<float> ref =
      family == Family::Matmul ? referenceMatmul(n, p.a.data(), p.b.data()) : referenceRelu(count, p.a.data());
  const double tol = family == Family::Matmul ? fp32MatmulTolerance(n, p.a.data(), p.b.data()) : 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const double d = std::fabs(double(c[i]) - double(ref[i]));
    if (!(d <= tol))
      return std::string("wrong result at ") + name + "[" + std::to_string(i / std::size_t(n)) + "][" +
             std::to_string(i % std::size_t(n)) + "]: " + numberText(c[i]) + ", want " + numberText(ref[i]) +
             " (n=" + std::to_string(n) + ")";
  }
  return "";
}

std::vector<int> verifySizes(int n) {
  std::vector<int> sizes = kVerifySizes;
  if (n <= kVerifyJobUpTo && std::find(sizes.begin(), sizes.end(), n) == sizes.end()) sizes.push_back(n);
  return sizes;
}

std::string at(int n) { return " at n=" + std::to_string(n); }

// [SECTION] timed runs
class UserPrepared final : public Prepared {
 public:
  UserPrepared(const std::shared_ptr<State>& state, const Problem& problem, const Params& params)
      : state_(state), problem_(problem), n_(problem.n), family_(state->family) {
    const std::string object = objectOf(*state);
    const std::vector<int> sizes = verifySizes(n_);
    const Problem* prob = &problem;  // the child's copy of the parent's memory holds it too
    const Family family = family_;
    child_ = std::make_unique<Child>(state->id, [object, sizes, prob, family](ChildChannel& ch) {
      const cachescope_kernel_v1* k = openEntry(object);
      for (int s : sizes) {
        const std::string wrong = verifyAt(*k, family, s);
        if (!wrong.empty()) {
          ch.send(kMsgError, wrong);
          return;
        }
        ch.send(kVerified);
      }
      const std::size_t count = std::size_t(prob->n) * std::size_t(prob->n);
      AlignedBuffer<float> c(count);
      for (;;) {
        const Message m = ch.receive();
        if (m.type == kRun) {
          const auto t0 = std::chrono::steady_clock::now();
          k->run(prob->n, prob->a.data(), family == Family::Matmul ? prob->b.data() : nullptr, c.data());
          const auto t1 = std::chrono::steady_clock::now();
          const double s = std::chrono::duration<double>(t1 - t0).count();
          ch.send(kTime, &s, sizeof s);
        } else if (m.type == kOutput) {
          ch.send(kOutput, c.data(), count * sizeof(float));
        }
      }
    });
    (void)params;
    for (int s : sizes) child_->receive(limits().seconds, at(s));
  }
  void run() override {
    child_->send(kRun);
    const Message m = child_->receive(limits().seconds, at(n_));
    last_ = m.as<double>();
  }
  std::optional<double> selfTimedSeconds() const override { return last_; }
  std::vector<float> output() const override {
    child_->send(kOutput);
    const Message m = child_->receive(limits().seconds, at(n_));
    std::vector<float> out(m.payload.size() / sizeof(float));
    std::memcpy(out.data(), m.payload.data(), out.size() * sizeof(float));
    return out;
  }
  std::vector<float> expected() const override {
    return family_ == Family::Matmul ? referenceMatmul(n_, problem_.a.data(), problem_.b.data())
                                     : referenceRelu(std::size_t(n_) * std::size_t(n_), problem_.a.data());
  }
  double tolerance() const override {
    return family_ == Family::Matmul ? fp32MatmulTolerance(n_, problem_.a.data(), problem_.b.data()) : 0.0;
  }

 private:
  std::shared_ptr<State> state_;
  const Problem& problem_;
  int n_;
  Family family_;
  std::unique_ptr<Child> child_;
  std::optional<double> last_;
};

// [SECTION] traced runs
constexpr std::uint32_t kBatch = 4096;
constexpr std::uint64_t kAliveEvery = std::uint64_t(1) << 24;

// References a run may make before it counts as endless.
std::uint64_t referenceCap(Family family, int n) {
  const std::uint64_t m = std::uint64_t(n);
  return (family == Family::Matmul ? 64 * (m * m * m + m * m) : 64 * m * m) + (std::uint64_t(1) << 20);
}

struct ChildTrace {
  cachescope_trace_v1 t{};
  std::uint64_t address[kBatch];
  std::uint8_t flags[kBatch];
  ChildChannel* channel = nullptr;
  bool counting = false;
  std::uint64_t references = 0, cap = 0, nextAlive = kAliveEvery;
  int outerCount = 0;
  std::string id;
  int n = 0;
};

void childFlush(cachescope_trace_v1* t) {
  ChildTrace& c = *static_cast<ChildTrace*>(t->context);
  const std::uint32_t count = t->count;
  t->count = 0;
  if (count == 0) return;
  c.references += count;
  if (c.references > c.cap) {
    c.channel->send(kMsgError, c.id + " made more than " + std::to_string(c.cap) + " references" + at(c.n) +
                                   ": an endless loop?");
    ::_exit(0);
  }
  if (c.counting) {
    if (c.references >= c.nextAlive) {
      c.nextAlive += kAliveEvery;
      c.channel->send(kAlive);
    }
    return;
  }
  std::vector<unsigned char> frame(sizeof(std::uint32_t) + count * (sizeof(std::uint64_t) + 1));
  std::memcpy(frame.data(), &count, sizeof count);
  std::memcpy(frame.data() + sizeof count, c.address, count * sizeof(std::uint64_t));
  std::memcpy(frame.data() + sizeof count + count * sizeof(std::uint64_t), c.flags, count);
  c.channel->send(kRefs, frame.data(), frame.size());
}

void childMark(cachescope_trace_v1* t, int kind, int a, int b, int d) {
  ChildTrace& c = *static_cast<ChildTrace*>(t->context);
  childFlush(t);
  if (kind == 2) c.outerCount = std::max(c.outerCount, a + 1);
  if (c.counting) return;
  const int mark[4] = {kind, a, b, d};
  c.channel->send(kMark, mark, sizeof mark);
}

struct SetupMsg {
  int n = 0;
  int counting = 0;
};
struct EndMsg {
  std::uint64_t references = 0;
  int outerCount = 0;
};

// The child of a traced run: the buffers in one arena (as the built-ins'
// traces: matmul_trace.hpp), then the Traced nest.
void traceChild(const std::string& object, Family family, const std::string& id, ChildChannel& ch) {
  const cachescope_kernel_v1* k = openEntry(object);
  if (!k->trace) throw std::runtime_error(id + " is a plain function: it has no traced version");
  const Message setup = ch.receive();
  const SetupMsg s = setup.as<SetupMsg>();
  const std::size_t count = std::size_t(s.n) * std::size_t(s.n);
  const Problem p = makeProblem(family, s.n);
  TraceArena arena;
  const std::size_t oa = arena.reserve(count * sizeof(float));
  const std::size_t ob = family == Family::Matmul ? arena.reserve(count * sizeof(float)) : 0;
  const std::size_t oc = arena.reserve(count * sizeof(float));
  arena.allocate();
  float* a = arena.at<float>(oa);
  float* b = family == Family::Matmul ? arena.at<float>(ob) : nullptr;
  float* c = arena.at<float>(oc);
  std::copy(p.a.data(), p.a.data() + count, a);
  if (b) std::copy(p.b.data(), p.b.data() + count, b);
  const std::uint64_t bases[3] = {reinterpret_cast<std::uintptr_t>(a), reinterpret_cast<std::uintptr_t>(b),
                                  reinterpret_cast<std::uintptr_t>(c)};
  ch.send(kBases, bases, sizeof bases);
  const int marks = ch.receive().as<int>();  // kGo: whether marks are wanted
  auto trace = std::make_unique<ChildTrace>();
  trace->t.address = trace->address;
  trace->t.flags = trace->flags;
  trace->t.capacity = kBatch;
  trace->t.want_marks = marks;
  trace->t.context = trace.get();
  trace->t.flush = &childFlush;
  trace->t.mark = &childMark;
  trace->channel = &ch;
  trace->counting = s.counting != 0;
  trace->cap = referenceCap(family, s.n);
  trace->id = id;
  trace->n = s.n;
  k->trace(&trace->t, s.n, a, b, c);
  childFlush(&trace->t);
  const EndMsg end{trace->references, trace->outerCount};
  ch.send(kEnd, &end, sizeof end);
}

class UserTraceRun final : public TraceRun {
 public:
  UserTraceRun(const std::shared_ptr<State>& state, int n, bool counting) : state_(state), n_(n) {
    const std::string object = objectOf(*state), id = state->id;
    const Family family = state->family;
    child_ = std::make_unique<Child>(id, [object, family, id](ChildChannel& ch) { traceChild(object, family, id, ch); });
    // The buffers are known before run() (the animation draws them first):
    // the child allocates them and says where at once.
    const SetupMsg setup{n, counting ? 1 : 0};
    child_->send(kTraceSetup, &setup, sizeof setup);
    const Message m = child_->receive(limits().seconds, at(n_));
    const std::uint64_t a = m.as<std::uint64_t>(0), b = m.as<std::uint64_t>(8), c = m.as<std::uint64_t>(16);
    const std::size_t ld = std::size_t(n_);
    if (state_->family == Family::Matmul)
      buffers_ = {traceBuffer("A", "C = A x B", reinterpret_cast<const void*>(a), n_, n_, ld, 4),
                  traceBuffer("B", "C = A x B", reinterpret_cast<const void*>(b), n_, n_, ld, 4),
                  traceBuffer("C", "C = A x B", reinterpret_cast<const void*>(c), n_, n_, ld, 4)};
    else
      buffers_ = {traceBuffer("x", "x", reinterpret_cast<const void*>(a), n_, n_, ld, 4),
                  traceBuffer("y", "y", reinterpret_cast<const void*>(c), n_, n_, ld, 4)};
  }
  EndMsg count() {
    const int marks = 0;
    child_->send(kGo, &marks, sizeof marks);
    for (;;) {
      const Message m = child_->receive(limits().seconds, at(n_));
      if (m.type == kEnd) return m.as<EndMsg>();
    }
  }
  void run(TraceSink& sink) override {
    if (ran_) throw std::logic_error("a user kernel's TraceRun runs once");
    ran_ = true;
    const int marks = sink.wantsMarks() ? 1 : 0;
    child_->send(kGo, &marks, sizeof marks);
    for (;;) {
      const Message m = child_->receive(limits().seconds, at(n_));
      if (m.type == kRefs) {
        const std::uint32_t count = m.as<std::uint32_t>();
        const unsigned char* addr = m.payload.data() + sizeof(std::uint32_t);
        const unsigned char* flags = addr + std::size_t(count) * sizeof(std::uint64_t);
        for (std::uint32_t i = 0; i < count; ++i) {
          std::uint64_t address;
          std::memcpy(&address, addr + std::size_t(i) * sizeof address, sizeof address);
          const RefFlags f = RefFlags(flags[i]);
          sink.add(address, sizeOf(f), isWrite(f) ? AccessKind::Write : AccessKind::Read);
        }
      } else if (m.type == kMark) {
        const int kind = m.as<int>(0), a = m.as<int>(4), b = m.as<int>(8), c = m.as<int>(12);
        if (kind == 0) sink.point(a, b, c);
        else if (kind == 1) sink.line(a - 1);  // a source line (1-based): the code text's index
        else if (kind == 2) sink.outer(a);
      } else if (m.type == kEnd) {
        break;
      }
    }
    child_->kill();  // one run per TraceRun: the child's work is done
  }

 private:
  std::shared_ptr<State> state_;
  int n_;
  bool ran_ = false;
  std::unique_ptr<Child> child_;
};

// The references and outer count at n, measured once (a counting run).
std::pair<std::uint64_t, int> countAt(const std::shared_ptr<State>& state, int n) {
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    auto it = state->counts.find(n);
    if (it != state->counts.end()) return it->second;
  }
  UserTraceRun run(state, n, true);
  const EndMsg end = run.count();
  const std::pair<std::uint64_t, int> r{end.references, std::max(1, end.outerCount)};
  std::lock_guard<std::mutex> lock(state->mutex);
  state->counts[n] = r;
  return r;
}

std::vector<std::string> codeText(const std::string& source) {
  std::vector<std::string> lines;
  std::ifstream in(source);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  if (lines.empty()) lines.push_back("(source " + source + " not found: the Access view has no code text)");
  return lines;
}

TraceDescription userTrace(const std::shared_ptr<State>& state) {
  TraceDescription d;
  d.note = "every load and store the nest makes through its access policy (acc.load, acc.store)";
  d.code = codeText(state->source);
  d.bits = {32};
  const Family family = state->family;
  d.elements = [family](const TraceShape&) {
    return std::string(family == Family::Matmul ? "fp32 A, B, C (4 bytes each)" : "fp32 x and y (4 bytes each)");
  };
  d.references = [state](const TraceShape& s) { return countAt(state, s.n).first; };
  d.outerCount = [state](const TraceShape& s) { return countAt(state, s.n).second; };
  d.bytes = [family](const TraceShape& s) { return (family == Family::Matmul ? 3.0 : 2.0) * s.n * s.n * sizeof(float); };
  d.prepare = [state](const TraceShape& s) -> std::unique_ptr<TraceRun> {
    if (s.ldPad != 0) throw UserKernelError(state->id + ": a user kernel's nest uses leading dimension n (no --ld-pad)");
    return std::make_unique<UserTraceRun>(state, s.n, false);
  };
  return d;
}

// [SECTION] loading
struct Description {
  Family family = Family::Matmul;
  bool traced = false;
  std::string name, source;
};

Description probe(const std::string& file, const std::string& object) {
  Message m;
  try {
    Child child("the kernel in " + file, [object](ChildChannel& ch) {
      const cachescope_kernel_v1* k = openEntry(object);
      const std::string text = std::to_string(k->family) + '\t' + (k->trace ? "1" : "0") + '\t' + k->name + '\t' +
                               (k->source ? k->source : "");
      ch.send(kDescribe, text);
    });
    m = child.receive(limits().seconds, " while loading");
  } catch (const KernelFailure& e) {
    throw UserKernelError(e.what());
  }
  const std::string text(m.payload.begin(), m.payload.end());
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    const std::size_t tab = text.find('\t', start);
    if (tab == std::string::npos) throw UserKernelError(file + ": a malformed kernel description");
    parts.push_back(text.substr(start, tab - start));
    start = tab + 1;
  }
  parts.push_back(text.substr(start));
  Description d;
  if (parts[0] == "1") d.family = Family::Matmul;
  else if (parts[0] == "2") d.family = Family::Relu;
  else throw UserKernelError(file + ": the kernel's family " + parts[0] + " is neither matmul nor relu");
  d.traced = parts[1] == "1";
  d.name = parts[2];
  d.source = parts[3];
  const bool ok = !d.name.empty() && d.name.size() <= 40 &&
                  std::all_of(d.name.begin(), d.name.end(), [](char c) { return std::isalnum((unsigned char)c) || c == '_'; });
  if (!ok) throw UserKernelError(file + ": kernel name '" + d.name + "' must be 1-40 letters, digits or _");
  return d;
}

std::map<std::string, std::shared_ptr<State>>& loaded() {
  static std::map<std::string, std::shared_ptr<State>> m;
  return m;
}

Kernel makeKernel(const std::shared_ptr<State>& state, const std::string& file) {
  Kernel k;
  k.info.id = state->id;
  k.info.family = state->family;
  k.info.title = "Your kernel " + state->id.substr(std::strlen(kUserIdPrefix)) + " (" + fs::path(file).filename().string() + ")";
  k.info.teaches = "A kernel loaded from " + file +
                   ". It runs in a child process with a time and memory limit and is checked against the reference "
                   "on awkward sizes before it is timed.";
  k.info.traceNote = state->traced ? "every load and store the nest makes through its access policy"
                                   : "untraced: written as a plain function, not over the access policy (timed only)";
  k.info.unit = state->family == Family::Matmul ? WorkUnit::Flop : WorkUnit::Byte;
  k.prepare = [state](const Problem& p, const Params& q) -> std::unique_ptr<Prepared> {
    return std::make_unique<UserPrepared>(state, p, q);
  };
  if (state->family == Family::Matmul) {
    k.work = matmulWork;
    k.footprint = fp32MatmulFootprint;
    k.extraBytes = matmulExtraBytes;
  } else {
    k.work = [](const Params& p) { return reluWork(p, sizeof(float)); };
    k.footprint = fp32ReluFootprint;
    k.extraBytes = [](const Params& p) { return double(p.n) * p.n * sizeof(float); };
  }
  if (state->traced) k.trace = userTrace(state);
  return k;
}

bool isSource(const fs::path& p) {
  const std::string e = p.extension().string();
  return e == ".cpp" || e == ".cc" || e == ".cxx" || e == ".C";
}

}  // namespace

LoadedKernel loadPlugin(const std::string& file) {
  LoadedKernel r;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw UserKernelError(file + ": no such kernel file");
  if (isSource(file)) {
    r.build = buildKernel(file);
    r.object = r.build->object;
  } else {
    r.object = fs::absolute(file).lexically_normal().string();
  }
  const Description d = probe(file, r.object);
  const std::string id = kUserIdPrefix + d.name;
  auto it = loaded().find(id);
  if (it != loaded().end()) {
    State& s = *it->second;
    if (s.family != d.family || s.traced != d.traced)
      throw UserKernelError(file + ": " + id + " is already loaded as a " + (s.traced ? "traced " : "plain ") +
                            toString(s.family) + " kernel; restart cachescope to load it as another kind");
    std::lock_guard<std::mutex> lock(s.mutex);
    r.reloaded = true;
    s.object = r.object;
    s.counts.clear();
    r.kernel = findKernel(id);
    r.traced = s.traced;
    return r;
  }
  if (findKernel(id)) throw UserKernelError(file + ": " + id + " is taken by another kernel");
  auto state = std::make_shared<State>();
  state->id = id;
  state->object = r.object;
  state->source = d.source;
  state->family = d.family;
  state->traced = d.traced;
  try {
    r.kernel = &registerKernel(makeKernel(state, file));
  } catch (const std::length_error& e) {
    throw UserKernelError(file + ": " + e.what());
  }
  loaded()[id] = state;
  r.traced = d.traced;
  return r;
}

}  // namespace cachescope::userkernels
