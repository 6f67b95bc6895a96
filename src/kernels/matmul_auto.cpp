// matmul.auto: the backend that picks an implementation for (n, threads,
// bits, density) and runs it. The choice (dispatch.hpp) comes from the
// dispatch table `cachescope tune` measured on this host, or from the stated
// heuristic without one; prepare() makes it and prepares the chosen kernel,
// run() is that kernel's run. Density < 1 means A pruned by magnitude (the
// sparse kernel's rule, csr.hpp): a dense kernel chosen there multiplies
// the pruned A, so every choice computes the same product.
#include <stdexcept>

#include "kernels/csr.hpp"
#include "kernels/dispatch.hpp"
#include "kernels/kernel.hpp"
#include "kernels/registry.hpp"

namespace cachescope {

namespace {

void checkParams(const Params& q) {
  if (q.n < 0) throw std::invalid_argument("n must be >= 0");
  if (q.threads < 1) throw std::invalid_argument("threads must be >= 1");
  if (q.bits != 32 && q.bits != 8 && q.bits != 4) throw std::invalid_argument("bits must be 32, 8 or 4");
  if (!(q.density > 0.0 && q.density <= 1.0)) throw std::invalid_argument("density must be in (0, 1]");
}

// Whether the chosen kernel needs A pruned for it (it does not prune itself).
bool needsPrunedA(const Kernel& k, const Params& q) { return q.density < 1.0 && !k.uses(Param::Density); }

class AutoPrepared final : public Prepared {
 public:
  AutoPrepared(const Problem& p, const Params& q, DispatchChoice choice) : choice_(std::move(choice)) {
    const Kernel& k = *choice_.kernel;
    const Problem* problem = &p;
    if (needsPrunedA(k, q)) {
      pruned_ = std::make_unique<Problem>();
      pruned_->family = Family::Matmul;
      pruned_->n = p.n;
      const std::vector<float> a = pruneToCsr(p.a.data(), p.n, p.n, std::size_t(p.n), q.density).toDense();
      pruned_->a = AlignedBuffer<float>(a.size());
      std::copy(a.begin(), a.end(), pruned_->a.begin());
      pruned_->b = AlignedBuffer<float>(p.b.size());
      std::copy(p.b.begin(), p.b.end(), pruned_->b.begin());
      std::size_t nnz = 0;
      for (float v : a) nnz += v != 0.0f;
      nonzeros_ = nnz;
      problem = pruned_.get();
    }
    inner_ = k.prepare(*problem, q);
    if (!nonzeros_ && q.density < 1.0) nonzeros_ = inner_->storedNonzeros();
  }

  void run() override { inner_->run(); }
  std::vector<float> output() const override { return inner_->output(); }
  std::vector<float> expected() const override { return inner_->expected(); }
  double tolerance() const override { return inner_->tolerance(); }
  std::string simdPath() const override { return inner_->simdPath(); }
  std::optional<std::size_t> storedNonzeros() const override { return nonzeros_; }
  std::optional<KernelChoice> choice() const override {
    return KernelChoice{choice_.kernel->info.id, choice_.reason};
  }

 private:
  DispatchChoice choice_;
  std::unique_ptr<Problem> pruned_;  // before inner_: the kernel keeps a reference to it
  std::unique_ptr<Prepared> inner_;
  std::optional<std::size_t> nonzeros_;
};

DispatchChoice choose(const Params& q) {
  DispatchChoice c = chooseKernel(q, loadDefaultDispatchTable());
  if (!c.kernel) throw std::invalid_argument("no kernel to dispatch to for bits=" + std::to_string(q.bits));
  return c;
}

}  // namespace

Kernel makeMatmulAuto() {
  Kernel k;
  k.info.id = "matmul.auto";
  k.info.family = Family::Matmul;
  k.info.title = "Auto dispatch (tuned backend)";
  k.info.teaches =
      "A backend picks the implementation per problem, as BLAS libraries and ML frameworks do: from a "
      "dispatch table measured on this host by 'cachescope tune' (the fastest kernel at each tuned n, "
      "threads, bits and density; between tuned sizes each candidate's time is interpolated in log-log "
      "and the fastest predicted wins), or without a table from a stated heuristic: bits 8 or 4 -> the "
      "int8 kernel; density <= 0.2 -> the sparse (CSR) kernel; n < 128 -> the SIMD loop (no packing); "
      "otherwise the library. A table from another host (CPU, cores, SIMD level, caches) is "
      "refused. Its rate counts the chosen kernel's work (2 nnz n for a pruned A) in GFLOP/s.";
  k.info.uses = {Param::Threads, Param::Bits, Param::Density};
  k.info.bits = {32, 8, 4};
  k.info.traceNote = "none of its own: it runs another kernel (the bench output names which); trace that one";
  k.info.unit = WorkUnit::Flop;
  k.info.status = [] {
    const LoadedDispatchTable t = loadDefaultDispatchTable();
    if (t.table)
      return "dispatch table " + t.path + " (" + std::to_string(t.table->points.size()) + " points, tuned " +
             t.table->date + ")";
    return "heuristic: " + t.problem;
  };
  k.prepare = [](const Problem& p, const Params& q) -> std::unique_ptr<Prepared> {
    checkParams(q);
    return std::make_unique<AutoPrepared>(p, q, choose(q));
  };
  k.work = [](const Params& q) {
    if (q.density < 1.0 && q.density > 0.0) return 2.0 * double(prunedCount(std::size_t(q.n) * q.n, q.density)) * q.n;
    return matmulWork(q);
  };
  k.extraBytes = [](const Params& q) {
    const Kernel& c = *choose(q).kernel;
    double bytes = c.extraBytes(q);
    if (needsPrunedA(c, q)) bytes += problemBytes(Family::Matmul, q.n) + double(q.n) * q.n * 8.0;  // copy + CSR
    return bytes;
  };
  k.footprint = [](const Params& q, std::optional<std::size_t> nonzeros) {
    const Kernel& c = *choose(q).kernel;
    return c.footprint(q, c.uses(Param::Density) ? nonzeros : std::nullopt);
  };
  return k;
}

}  // namespace cachescope
