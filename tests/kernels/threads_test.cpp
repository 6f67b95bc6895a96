// Kernels that take a thread count: any count gives the result of one
// thread to the bit (the threads split C, never a sum), and a thread count
// below 1 is refused. The library (OpenBLAS) is only held to its tolerance:
// its own threads may split differently.
#include <tbb/task_arena.h>

#include <catch2/catch.hpp>
#include <stdexcept>

#include "kernels/registry.hpp"

using namespace cachescope;

TEST_CASE("every kernel that takes threads gives the one-thread result for 2 to 4 threads", "[kernels][threads]") {
  int checked = 0;
  for (const Kernel& k : kernels()) {
    if (!k.uses(Param::Threads)) continue;
    // The library's own threads may split differently; the dispatcher may
    // pick another kernel for another thread count.
    const bool exact = k.info.id != "matmul.blas" && k.info.id != "matmul.auto";
    for (int n : {1, 31, 130, 300}) {
      Problem problem = makeProblem(k.info.family, n, 21);
      Params p;
      p.n = n;
      if (k.uses(Param::Bits)) p.bits = k.info.bits.front();
      if (k.uses(Param::Density)) p.density = 0.4;
      std::unique_ptr<Prepared> one = k.prepare(problem, p);
      one->run();
      const std::vector<float> expect = one->output();
      for (int threads = 2; threads <= 4; ++threads) {
        INFO(k.info.id << " n=" << n << " threads=" << threads);
        p.threads = threads;
        tbb::task_arena arena(threads);
        std::unique_ptr<Prepared> many;
        arena.execute([&] { many = k.prepare(problem, p); });
        arena.execute([&] { many->run(); });
        if (exact) CHECK(many->output() == expect);
        CHECK(compareOutputs(many->output(), many->expected()).maxAbs <= many->tolerance());
        // Outside an arena of that size the kernel makes its own.
        std::unique_ptr<Prepared> outside = k.prepare(problem, p);
        outside->run();
        if (exact) CHECK(outside->output() == expect);
      }
      p.threads = 0;
      if (k.info.id != "matmul.blas") CHECK_THROWS_AS(k.prepare(problem, p), std::invalid_argument);
    }
    ++checked;
  }
  // matmul.parallel, int8, int4, sparse, blas, relu.parallel at least.
  CHECK(checked >= 6);
}
