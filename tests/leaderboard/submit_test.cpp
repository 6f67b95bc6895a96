// The submission pipeline against built-in kernels: a right kernel is
// verified, timed and compared with the library and the baseline; a wrong or
// crashing one becomes an unverified entry that was never timed.
#include <catch2/catch.hpp>

#include "kernels/registry.hpp"
#include "leaderboard/submit.hpp"

using namespace cachescope;
using namespace cachescope::leaderboard;

namespace {

Competition small() {
  Competition c;
  c.id = "small";
  c.protocol = {64, 1, 2, 0};
  return c;
}

// A kernel that computes the right product, then spoils one element: what
// the verifier must catch before anything is timed.
class Spoiled : public Prepared {
 public:
  Spoiled(std::unique_ptr<Prepared> inner, int n, int* runs) : inner_(std::move(inner)), n_(n), runs_(runs) {}
  void run() override {
    inner_->run();
    ++*runs_;
  }
  std::vector<float> output() const override {
    std::vector<float> out = inner_->output();
    out[std::size_t(3 * n_ + 17)] += 1.0f;
    return out;
  }
  std::vector<float> expected() const override { return inner_->expected(); }
  double tolerance() const override { return inner_->tolerance(); }

 private:
  std::unique_ptr<Prepared> inner_;
  int n_;
  int* runs_;
};

Kernel spoiledKernel(int* runs) {
  Kernel k = *findKernel(kernelRoles().baseline);
  k.info.id = "test.spoiled";
  auto base = k.prepare;
  k.prepare = [base, runs](const Problem& problem, const Params& p) -> std::unique_ptr<Prepared> {
    return std::make_unique<Spoiled>(base(problem, p), p.n, runs);
  };
  return k;
}

}  // namespace

TEST_CASE("a right kernel is verified, timed under the protocol and compared with the library and the baseline") {
  SubmitRequest req;
  req.name = "anna";
  req.kernel = findKernel("matmul.blocked");
  req.competition = small();
  int progressCalls = 0;
  const SubmitResult r = runSubmission(req, nullptr, [&](const Progress&) { ++progressCalls; });
  REQUIRE(r.outcome == Outcome::Ok);
  const Submission& s = r.entry;
  CHECK(s.verified);
  CHECK(s.failure.empty());
  CHECK(s.kernel == "matmul.blocked");
  CHECK(s.sourceHash == builtinSourceHash("matmul.blocked"));
  CHECK(s.sourceHash.size() == 64);
  CHECK(s.protocol == req.competition.protocol);
  CHECK(s.params["n"] == 64);
  CHECK(s.competition == "small");
  REQUIRE(s.rate);
  CHECK(*s.rate > 0);
  REQUIRE(s.medianS);
  CHECK(*s.minS <= *s.medianS);
  CHECK(*s.medianS <= *s.maxS);
  REQUIRE(s.libraryRate);
  CHECK(*s.percentOfLibrary == Approx(100.0 * *s.rate / *s.libraryRate));
  CHECK(*s.speedupOverBaseline == Approx(*s.baselineMedianS / *s.medianS));
  CHECK(s.ranked());
  CHECK(s.host.cores > 0);
  CHECK(s.context.contains("cpu"));
  CHECK(progressCalls > 3);
}

TEST_CASE("a wrong kernel is not verified and never timed") {
  int runs = 0;
  const Kernel k = spoiledKernel(&runs);
  SubmitRequest req;
  req.name = "bob";
  req.kernel = &k;
  req.competition = small();
  const SubmitResult r = runSubmission(req);
  REQUIRE(r.outcome == Outcome::Ok);
  CHECK_FALSE(r.entry.verified);
  CHECK(r.entry.failure.rfind("wrong result at C[3][17]: ", 0) == 0);
  CHECK_FALSE(r.entry.rate.has_value());
  CHECK_FALSE(r.entry.percentOfLibrary.has_value());
  CHECK_FALSE(r.entry.ranked());
  CHECK(runs == 1);  // the verification run only
}

TEST_CASE("a kernel that fails while preparing is an unverified entry with its message") {
  Kernel k = *findKernel(kernelRoles().baseline);
  k.info.id = "test.throws";
  k.prepare = [](const Problem&, const Params&) -> std::unique_ptr<Prepared> {
    throw std::runtime_error("crashed: SIGSEGV in test.throws at n=64");
  };
  SubmitRequest req;
  req.name = "carl";
  req.kernel = &k;
  req.competition = small();
  const SubmitResult r = runSubmission(req);
  REQUIRE(r.outcome == Outcome::Ok);
  CHECK_FALSE(r.entry.verified);
  CHECK(r.entry.failure == "crashed: SIGSEGV in test.throws at n=64");
}

TEST_CASE("requests that cannot be a competition entry are usage errors before anything runs") {
  SubmitRequest req;
  req.name = "dora";
  req.kernel = findKernel("matmul.int8");
  req.competition = small();
  CHECK_THROWS_WITH(checkRequest(req), Catch::Contains("not an fp32 matmul kernel"));
  req.kernel = findKernel("relu.naive");
  CHECK_THROWS_AS(checkRequest(req), UsageError);
  req.kernel = findKernel("matmul.blocked");
  req.name = "";
  CHECK_THROWS_WITH(checkRequest(req), Catch::Contains("--name"));
  req.name = "dora";
  req.competition.protocol.threads = 100000;
  CHECK_THROWS_WITH(checkRequest(req), Catch::Contains("logical cores"));
}

TEST_CASE("a cancelled submission records nothing") {
  std::atomic<bool> cancel{true};
  SubmitRequest req;
  req.name = "eve";
  req.kernel = findKernel("matmul.blocked");
  req.competition = small();
  CHECK(runSubmission(req, &cancel).outcome == Outcome::Cancelled);
}
