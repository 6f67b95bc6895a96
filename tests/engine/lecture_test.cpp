// Lecture files (engine/lecture.hpp): parsing, the step-and-field messages of
// every refused value, the shipped lectures, and answers from fake results.
#include <algorithm>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "engine/lecture.hpp"
#include "platform/errors.hpp"
#include "probe/probe_plots.hpp"
#include "report/atomic_file.hpp"

using namespace cachescope;
using namespace cachescope::engine;

namespace {

std::string oneStep(const std::string& fields) {
  return R"({"steps": [{"view": "timings", "title": "T1", "caption": "C1."}, {)" + fields + "}]}";
}

std::string refusal(const std::string& text) {
  try {
    parseLecture(text, "lecture.json");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "accepted";
}

BenchRecord rec(const std::string& id, double medianS, double rate) {
  BenchRecord r;
  r.kernel = id;
  r.n = 256;
  r.medianS = medianS;
  r.rate = rate;
  r.unit = "GFLOP/s";
  return r;
}

}  // namespace

TEST_CASE("lecture: a valid lecture parses into steps with their settings") {
  const Lecture l = parseLecture(oneStep(R"("view": "cache", "title": "Blocking", "caption": "Why.",
      "set": {"kernels": "matmul.naive,matmul.blocked", "n": 128, "block": 16}, "sweep": "block",
      "question": {"kind": "number", "text": "How much?", "of": "rate-ratio",
                   "kernels": ["matmul.blocked", "matmul.naive"], "min": 1, "max": 20})"),
                                 "lecture.json");
  REQUIRE(l.steps.size() == 2);
  const LectureStep& s = l.steps[1];
  CHECK(s.number == 2);
  CHECK(s.launch.view == View::Cache);
  CHECK(s.launch.settings.params.n == 128);
  CHECK(s.launch.settings.params.block == 16);
  CHECK(s.launch.settings.kernels.size() == 2);
  CHECK(s.launch.sweep == SweepAxis::Block);
  CHECK(s.question.kind == QuestionKind::Number);
  CHECK(s.question.ratio == std::vector<std::string>{"matmul.blocked", "matmul.naive"});
  CHECK(s.question.max == 20);
  CHECK(l.steps[0].question.kind == QuestionKind::None);
}

TEST_CASE("lecture: a misspelt kernel names the step, the field and the nearest id") {
  CHECK(refusal(oneStep(R"("view": "timings", "title": "t", "caption": "c", "set": {"kernels": "matmul.blokced"})")) ==
        "lecture.json: step 2: kernels: unknown kernel 'matmul.blokced' (did you mean 'matmul.blocked'?)");
}

TEST_CASE("lecture: each refused field names step and field") {
  CHECK(refusal(oneStep(R"("view": "timigns", "title": "t", "caption": "c")")) ==
        "lecture.json: step 2: view: unknown view 'timigns' (did you mean 'timings'?)");
  CHECK(refusal(oneStep(R"("view": "timings", "title": "t", "caption": "c", "set": {"n": 99999})")) ==
        "lecture.json: step 2: n: must be in 16..4096");
  CHECK(refusal(oneStep(R"("view": "timings", "title": "t", "caption": "c", "set": {"blcok": 8})")) ==
        "lecture.json: step 2: set: unknown key 'blcok' (did you mean 'block'?)");
  CHECK(refusal(oneStep(R"("view": "timings", "title": "t", "caption": "c", "set": {"density": 2})")).find(
            "lecture.json: step 2: density: must be a number in (0, 1]") == 0);
  CHECK(refusal(oneStep(R"("view": "timings", "caption": "c")")) == "lecture.json: step 2: title: missing");
  CHECK(refusal(oneStep(R"("view": "timings", "title": "t")")).find("lecture.json: step 2: caption: missing") == 0);
  CHECK(refusal(oneStep(R"("view": "timings", "title": "t", "caption": "c", "sweep": "m")")).find(
            "lecture.json: step 2: sweep: unknown axis 'm'") == 0);
  CHECK(refusal(oneStep(R"("view": "timings", "title": "t", "caption": "c", "colour": 1)")).find(
            "lecture.json: step 2: colour: unknown field") == 0);
  CHECK(refusal(oneStep(R"("view": "access", "title": "t", "caption": "c", "set": {"caches": "nosuch"})")).find(
            "lecture.json: step 2: caches:") == 0);
  CHECK(refusal(oneStep(R"("view": "memory", "title": "t", "caption": "c", "set": {"probe": "ladder"})")).find(
            "lecture.json: step 2: probe:") == 0);
}

TEST_CASE("lecture: refused questions name the question's field") {
  const std::string base = R"("view": "timings", "title": "t", "caption": "c", "set": {"kernels": "matmul.naive,matmul.blocked"}, )";
  CHECK(refusal(oneStep(base + R"("question": {"kind": "guess", "text": "q"})")).find(
            "lecture.json: step 2: question.kind: unknown kind 'guess'") == 0);
  CHECK(refusal(oneStep(base + R"("question": {"kind": "choice"})")).find("lecture.json: step 2: question.text: missing") ==
        0);
  CHECK(refusal(oneStep(base + R"("question": {"kind": "choice", "text": "q", "answer": "matmul.naive"})")).find(
            "lecture.json: step 2: question.answer: 'matmul.naive' is not computable") == 0);
  CHECK(refusal(oneStep(base + R"("question": {"kind": "choice", "text": "q", "options": ["matmul.packed", "matmul.naive"]})"))
            .find("lecture.json: step 2: question.options: kernel 'matmul.packed' is not among the step's kernels") == 0);
  CHECK(refusal(oneStep(base + R"("question": {"kind": "number", "text": "q", "of": "rate-ratio", "kernels": ["matmul.naive"]})"))
            .find("lecture.json: step 2: question.kernels:") == 0);
  CHECK(refusal(oneStep(base + R"("question": {"kind": "number", "text": "q", "of": "rate-ratio", "kernels": ["matmul.naive", "matmul.blocked"], "min": 5, "max": 1})"))
            .find("lecture.json: step 2: question.min:") == 0);
  CHECK(refusal(oneStep(base + R"("question": {"kind": "knee", "text": "q"})")).find(
            "lecture.json: step 2: question.kind: knee needs view memory") == 0);
  CHECK(refusal(oneStep(R"("view": "memory", "title": "t", "caption": "c", "question": {"kind": "knee", "text": "q", "level": 7})"))
            .find("lecture.json: step 2: question.level:") == 0);
}

TEST_CASE("lecture: the file itself: not JSON, no steps") {
  CHECK(refusal("{").find("lecture.json: not valid JSON") == 0);
  CHECK(refusal(R"({"steps": []})") == "lecture.json: steps: a lecture needs at least one step");
  CHECK(refusal(R"({"stpes": []})").find("lecture.json: unknown key 'stpes'") == 0);
  CHECK_THROWS_AS(loadLecture("/nonexistent/lecture.json"), FileError);
}

TEST_CASE("lecture: every shipped lecture is valid") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(CACHESCOPE_SOURCE_DIR) / "assets" / "lectures";
  int count = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    INFO(e.path().string());
    const Lecture l = loadLecture(e.path().string());
    CHECK(!l.steps.empty());
    for (const LectureStep& s : l.steps) {
      CHECK(!s.title.empty());
      CHECK(!s.caption.empty());
    }
    ++count;
  }
  CHECK(count >= 1);
  // The issue's ten steps, the tenth split in two: the backend, the class leaderboard.
  CHECK(loadLecture((dir / "default.json").string()).steps.size() == 11);
}

TEST_CASE("lecture: answers come from the measured results") {
  LectureQuestion choice;
  choice.kind = QuestionKind::Choice;
  choice.options = {"matmul.naive", "matmul.blocked", "matmul.packed"};
  choice.answer = "fastest";
  StepResults r;
  r.records = {rec("matmul.naive", 0.5, 1), rec("matmul.blocked", 0.1, 5)};
  CHECK_FALSE(computeAnswer(choice, r).ready);  // packed not measured yet
  r.records.push_back(rec("matmul.packed", 0.01, 50));
  Answer a = computeAnswer(choice, r);
  REQUIRE(a.ready);
  CHECK(a.kernel == "matmul.packed");
  CHECK(a.value == 2);
  choice.answer = "slowest";
  CHECK(computeAnswer(choice, r).kernel == "matmul.naive");

  LectureQuestion ratio;
  ratio.kind = QuestionKind::Number;
  ratio.of = "rate-ratio";
  ratio.ratio = {"matmul.blocked", "matmul.naive"};
  a = computeAnswer(ratio, r);
  REQUIRE(a.ready);
  CHECK(a.value == Approx(5.0));
  CHECK(a.text.find("5x") == 0);

  LectureQuestion trav;
  trav.kind = QuestionKind::Number;
  trav.of = "traversal-ratio";
  CHECK_FALSE(computeAnswer(trav, r).ready);
  probe::TraversalResult t;
  t.rowSeconds = 0.01;
  t.colSeconds = 0.04;
  r.traversal = t;
  CHECK(computeAnswer(trav, r).value == Approx(4.0));

  LectureQuestion knee;
  knee.kind = QuestionKind::Knee;
  knee.level = 2;
  CHECK_FALSE(computeAnswer(knee, r).ready);
  probe::LatencyResult lat;
  lat.levels = {{"L1d", 48 * 1024, 48 * 1024, 1.0, 4}, {"L2", 2 << 20, 2 << 20, 4.0, 16}};
  r.latency = lat;
  a = computeAnswer(knee, r);
  REQUIRE(a.ready);
  CHECK(a.value == double(2 << 20));
  CHECK(a.text.find("L2") == 0);
  knee.level = 3;
  CHECK_FALSE(computeAnswer(knee, r).ready);
}

namespace {

std::string guessRefusal(const LectureQuestion& q, const std::string& text) {
  Guess g = initialGuess(q);
  try {
    parseGuess(q, text, g, "--guess 1=" + text);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "accepted";
}

probe::LatencyResult ladder() {
  probe::LatencyResult lat;
  lat.levels = {{"L1d", 48 * 1024, 48 * 1024, 1.0, 4}, {"L2", 288 * 1024, 2 << 20, 4.0, 16}};
  return lat;
}

}  // namespace

TEST_CASE("lecture: a knee guess placed on the ladder against the measured knees") {
  const LectureQuestion q = kneeQuestion(2);
  Guess g = initialGuess(q);
  CHECK_FALSE(guessEntered(q, g));  // nothing placed yet
  CHECK(guessText(q, g) == "no answer entered");
  parseGuess(q, "64K", g, "--keys guess=64K");
  CHECK(g.bytes == 64 * 1024);
  StepResults r;
  r.latency = ladder();
  const Answer a = computeAnswer(q, r);
  REQUIRE(a.ready);
  REQUIRE(a.knees.size() == 2);
  CHECK(a.knees[1].level == "L2");
  CHECK(guessFactor(q, g, a) == Approx(4.5));
  CHECK(guessOffText(q, g, a) == "4.5x too small");
  CHECK(verdictText(q, g, a) == "guess 64.0 KiB, measured L2 knee 288 KiB: 4.5x too small (other knees: L1d 48.0 KiB)");
  parseGuess(q, "288K", g, "x");
  CHECK(guessOffText(q, g, a) == "spot on");

  // The ladder plot revealed: the knees and the guess replace the sysfs markers.
  plot::Plot p = probe::latencyPlot(r.latency.value());
  markKnees(p, a, &g);
  REQUIRE(p.markers.size() == 3);
  CHECK(p.markers[0].label == "L1d knee");
  CHECK(p.markers[0].x == 48 * 1024);
  CHECK(p.markers[2].label == "guess");
  CHECK(p.markers[2].x == 288 * 1024);
  CHECK(p.markers[2].color == guessMarkerColor());
  markKnees(p, a, nullptr);
  CHECK(p.markers.size() == 2);

  CHECK(guessRefusal(q, "64Q").find("--guess 1=64Q: '64Q' is not a working-set size") == 0);
  CHECK(guessRefusal(q, "16").find("is outside 1.00 KiB") != std::string::npos);
}

TEST_CASE("lecture: choice and number guesses, their texts and verdicts") {
  LectureQuestion choice = fastestKernelQuestion({"matmul.naive", "matmul.blocked"});
  Guess g = initialGuess(choice);
  REQUIRE(g.hands.size() == 2);
  g.hands = {3, 9};  // the tally alone picks the option with most hands
  CHECK(guessOption(choice, g) == 1);
  CHECK(guessText(choice, g).find("(9 of 12 hands)") != std::string::npos);
  parseGuess(choice, "1", g, "o");  // by number
  CHECK(guessOption(choice, g) == 0);
  parseGuess(choice, "matmul.blocked", g, "o");  // by id
  CHECK(g.picked == 1);
  StepResults r;
  r.records = {rec("matmul.naive", 0.5, 1), rec("matmul.blocked", 0.1, 5)};
  Answer a = computeAnswer(choice, r);
  CHECK(guessOffText(choice, g, a) == "right");
  g.picked = 0;
  CHECK(guessOffText(choice, g, a) == "not this time");
  CHECK(guessRefusal(choice, "matmul.blokced").find("did you mean 'matmul.blocked'") != std::string::npos);

  LectureQuestion num;
  num.kind = QuestionKind::Number;
  num.of = "rate-ratio";
  num.ratio = {"matmul.blocked", "matmul.naive"};
  num.min = 1;
  num.max = 20;
  Guess n = initialGuess(num);
  CHECK(n.number == Approx(1 + 19.0 / 4));
  parseGuess(num, "2.5x", n, "o");
  a = computeAnswer(num, r);
  CHECK(guessOffText(num, n, a) == "2x too small");
  CHECK(guessRefusal(num, "50").find("outside the question's range") != std::string::npos);
  CHECK(guessRefusal(num, "lots").find("is not a number") != std::string::npos);
}

TEST_CASE("lecture: a scripted presenter's guess keys are checked against the step they land on") {
  const Lecture l = parseLecture(
      R"({"steps": [{"view": "memory", "title": "t", "caption": "c", "set": {"probe": "latency"},
                     "question": {"kind": "knee", "text": "q"}},
                    {"view": "timings", "title": "t2", "caption": "c2"}]})",
      "lecture.json");
  CHECK_NOTHROW(checkLectureKeys(l, {"guess=64K", "r", "right"}));
  try {
    checkLectureKeys(l, {"guess=lots"});
    FAIL("accepted");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("--keys guess=lots: step 1: 'lots' is not a working-set size") == 0);
  }
  try {
    checkLectureKeys(l, {"right", "guess=64K"});
    FAIL("accepted");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()) == "--keys guess=64K: step 2: the step has no question");
  }
}

TEST_CASE("lecture: Predict first asks among the kernels of the first one's family") {
  RunSettings s;
  s.kernels = {"matmul.naive", "relu.naive", "matmul.blocked"};
  CHECK(predictKernelOptions(s) == std::vector<std::string>{"matmul.naive", "matmul.blocked"});
  CHECK(predictQuestion(View::Timings, s).kind == QuestionKind::Choice);
  CHECK(predictQuestion(View::Memory, s).kind == QuestionKind::Knee);
  CHECK(predictQuestion(View::Cache, s).kind == QuestionKind::None);
  LaunchOptions o;
  o.view = View::Memory;
  applyLaunchSetting(o, "predict-guess=64Q");
  CHECK_THROWS_WITH(checkLaunch(o), Catch::Matchers::StartsWith("--set predict-guess=64Q: '64Q' is not a working-set size"));
}

TEST_CASE("lecture: a step's settings read as written, 0.05 not its 17 digits") {
  const Lecture l = parseLecture(oneStep(R"("view": "timings", "title": "Sparse", "caption": "Why.",
      "set": {"kernels": "matmul.packed,matmul.sparse", "n": 64, "density": 0.05})"),
                                 "lecture.json");
  REQUIRE(l.steps.size() == 2);
  const std::vector<std::string>& sets = l.steps[1].sets;
  CHECK(std::find(sets.begin(), sets.end(), "density=0.05") != sets.end());
  CHECK(l.steps[1].launch.settings.params.density == 0.05);
}
