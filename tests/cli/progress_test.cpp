// Progress on stderr: the live line a terminal gets, the line per step a pipe
// gets, and the estimate simulate prints before a long run. A fake clock
// makes the times exact.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "cli/progress_line.hpp"
#include "cli/simulate_estimate.hpp"
#include "cli/run_cli.hpp"

using cachescope::cli::ProgressLine;

TEST_CASE("a terminal gets one live line with the job, elapsed time and ETA", "[cli][progress]") {
  std::ostringstream os;
  double now = 100;
  ProgressLine line(os, "bench", true, 40.0, [&] { return now; });
  line.step("[1/2] matmul.naive n=1024", 0.0);
  CHECK(os.str() == "\rbench: [1/2] matmul.naive n=1024  elapsed 0.0 s, ETA ~40 s");
  // Inside a long run nothing reports, but the ticker redraws: time moves.
  now = 112;
  os.str("");
  line.tick();
  CHECK(os.str() == "\rbench: [1/2] matmul.naive n=1024  elapsed 12 s, ETA ~28 s ");  // padded over "0.0 s"
  // A quarter done after 20 s: 60 s to go, counting down between updates.
  now = 120;
  line.update("run 1/6", 0.25);
  now = 130;
  os.str("");
  line.tick();
  CHECK(os.str() == "\rbench: [1/2] matmul.naive n=1024  run 1/6  elapsed 30 s, ETA 50 s");
  // Counted down past zero, it says it does not know.
  now = 185;
  os.str("");
  line.tick();
  CHECK(os.str().find("elapsed 85 s, ETA unknown (past the estimate)") != std::string::npos);
  // A shorter line covers the longer one it replaces; finish erases it.
  now = 188;
  os.str("");
  line.step("[2/2] x", 0.5);
  const std::string drawn = os.str();
  CHECK(drawn.find("\rbench: [2/2] x  elapsed 88 s, ETA 88 s") != std::string::npos);
  CHECK(drawn.back() == ' ');
  os.str("");
  line.update("run 6/6", 1.0);  // everything ran: no ETA to give
  CHECK(os.str().find("run 6/6  elapsed 88 s") != std::string::npos);
  CHECK(os.str().find("ETA") == std::string::npos);
  os.str("");
  line.finish();
  CHECK(os.str().front() == '\r');
  CHECK(os.str().back() == '\r');
  CHECK(os.str().find_first_not_of(" \r") == std::string::npos);
  CHECK(std::count(drawn.begin(), drawn.end(), '\n') == 0);  // never a new line on a terminal
}

TEST_CASE("a pipe gets one line per step and none in between", "[cli][progress]") {
  std::ostringstream os;
  double now = 0;
  ProgressLine line(os, "bench", false, std::nullopt, [&] { return now; });
  line.step("[1/2] matmul.naive n=64", 0.0);
  now = 1;
  line.update("run 1/6", 0.1);
  line.tick();
  now = 4;
  line.step("[2/2] matmul.blocked n=64 block=64", 0.5);
  now = 9;
  line.finish();
  CHECK(os.str() ==
        "bench: [1/2] matmul.naive n=64  elapsed 0.0 s\n"
        "bench: [2/2] matmul.blocked n=64 block=64  elapsed 4.0 s, ETA 4.0 s\n"
        "bench: done in 9.0 s\n");
}

TEST_CASE("simulate estimates a long kernel run from its reference count", "[cli][progress]") {
  using namespace cachescope;
  trace::SimulationRequest req;
  req.kernel = {"matmul.naive", 1024};
  cli::SimulateEstimate e = cli::estimateSimulation(req);
  CHECK(e.references > 2.0 * 1024 * 1024 * 1024);  // two loads per (i, j, k)
  CHECK_FALSE(e.missClasses);  // auto: off above 64 M references
  CHECK(e.seconds == Approx(e.references / cli::kSimulateRate));
  auto notice = cli::estimateNotice(e);
  REQUIRE(notice);
  CHECK_THAT(*notice, Catch::StartsWith("simulate: matmul.naive n=1024, 2,1") && Catch::Contains("roughly 27 s") &&
                          Catch::Contains("Ctrl-C stops"));
  // A small run says nothing; a sample counts its window (and warm-up).
  req.kernel.n = 64;
  CHECK_FALSE(cli::estimateNotice(cli::estimateSimulation(req)));
  req.kernel.n = 1024;
  req.sample = 0.1;
  cli::SimulateEstimate s = cli::estimateSimulation(req);
  CHECK(s.sampled);
  CHECK(s.references < 0.2 * e.references);
  // n = 4096 would run for half an hour: said in minutes.
  req.sample = 1;
  req.kernel.n = 4096;
  CHECK_THAT(*cli::estimateNotice(cli::estimateSimulation(req)), Catch::Contains("min"));
}
