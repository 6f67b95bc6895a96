// Competition files: the shipped default, and every way a file is refused
// (one line naming the file and the field).
#include <catch2/catch.hpp>

#include "leaderboard/competition.hpp"
#include "leaderboard_test_support.hpp"

using namespace cachescope;
using namespace cachescope::leaderboard;

namespace {
std::string errorOf(const std::string& text) {
  try {
    parseCompetition(text, "comp.json");
  } catch (const CompetitionError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("the shipped default competition parses and is found") {
  const std::string path = defaultCompetitionPath();
  CHECK(path.find("competitions/default.json") != std::string::npos);
  const Competition c = loadCompetition(path);
  CHECK(c.id == "default");
  CHECK(c.protocol.n == 512);
  CHECK(c.protocol.threads == 1);
  CHECK(c.protocol.reps >= 1);
  CHECK(protocolText(c.protocol) == "n=512 threads=1 reps=5 warmup=1");
}

TEST_CASE("a competition file with an unknown field names the file and the field") {
  const std::string e = errorOf(R"({"id":"x","n":64,"threads":1,"reps":3,"warmup":0,"size":64})");
  CHECK(e.rfind("comp.json: unknown field 'size'", 0) == 0);
  CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("competition fields that are missing, mistyped or out of range are refused") {
  CHECK(errorOf(R"({"id":"x","threads":1,"reps":3,"warmup":0})") == "comp.json: missing field 'n'");
  CHECK(errorOf(R"({"id":"x","n":64.5,"threads":1,"reps":3,"warmup":0})").find("field 'n' must be a whole number") !=
        std::string::npos);
  CHECK(errorOf(R"({"id":"x","n":8,"threads":1,"reps":3,"warmup":0})").find("field 'n'") != std::string::npos);
  CHECK(errorOf(R"({"id":"x","n":64,"threads":0,"reps":3,"warmup":0})").find("field 'threads'") != std::string::npos);
  CHECK(errorOf(R"({"id":"x","n":64,"threads":1,"reps":"3","warmup":0})").find("field 'reps'") != std::string::npos);
  CHECK(errorOf(R"({"id":"a b","n":64,"threads":1,"reps":3,"warmup":0})").find("field 'id'") != std::string::npos);
  CHECK(errorOf(R"({"n":64,"threads":1,"reps":3,"warmup":0})") == "comp.json: missing field 'id'");
  CHECK(errorOf("[1,2]").find("one JSON object") != std::string::npos);
  CHECK(errorOf("{\"id\":").rfind("comp.json: not valid JSON", 0) == 0);
  CHECK(errorOf(R"({"id":"x","n":64,"threads":1,"reps":3,"warmup":0})").empty());
}

TEST_CASE("a competition file that cannot be read is an input error naming it") {
  test::TempDir dir;
  CHECK_THROWS_WITH(loadCompetition(dir.file("missing.json")), Catch::Contains("missing.json: cannot be read"));
  CHECK_THROWS_AS(loadCompetition(dir.path.string()), CompetitionError);
}
