// `cachescope leaderboard ...` as a script sees it: exit codes 0, 1 and 2 with
// one line on stderr, and the database unchanged after every error.
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

#include <catch2/catch.hpp>

#include "cli/run_cli.hpp"
#include "leaderboard/database.hpp"
#include "leaderboard_test_support.hpp"

using namespace cachescope;
using cachescope::test::runCli;

namespace {
void requireOneLineError(const test::CliResult& r, int code, const std::string& needle) {
  INFO(r.err);
  CHECK(r.code == code);
  CHECK(r.err.rfind("cachescope: error: ", 0) == 0);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

std::string smallCompetition(const test::TempDir& dir) {
  const std::string path = dir.file("small.json");
  test::writeText(path, R"({"id":"small","title":"tiny","n":64,"threads":1,"reps":2,"warmup":0})");
  return path;
}
}  // namespace

TEST_CASE("leaderboard submit of a built-in kernel adds a ranked entry; show, export and import") {
  test::TempDir dir;
  const std::string db = dir.file("lb.db"), comp = smallCompetition(dir), out = dir.file("mine.json");
  auto r = runCli({"leaderboard", "show", "--db", db});
  CHECK(r.code == 0);
  CHECK(r.out == "no entries\n");

  r = runCli({"leaderboard", "submit", "--db", db, "--name", "anna", "--kernel", "matmul.blocked", "--competition",
              comp, "--out", out, "--quiet"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.rfind("entry 1: anna (matmul.blocked) ", 0) == 0);
  CHECK(r.out.find("% of the library") != std::string::npos);

  r = runCli({"leaderboard", "show", "--db", db, "--format", "json"});
  REQUIRE(r.code == 0);
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["competitions"].size() == 1);
  CHECK(doc["competitions"][0]["id"] == "small");
  CHECK(doc["competitions"][0]["entries"][0]["rank"] == 1);
  CHECK(doc["competitions"][0]["entries"][0]["verified"] == true);

  r = runCli({"leaderboard", "show", "--db", db, "--format", "csv", "--competition", "small"});
  CHECK(r.code == 0);
  CHECK(r.out.find("small,1,anna,matmul.blocked,") != std::string::npos);

  // The file --out wrote is a submission file another database imports, once.
  const std::string other = dir.file("class.db");
  r = runCli({"leaderboard", "import", "--db", other, out, out});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("imported 1 new entry from 2 files (1 already present); 1 in ", 0) == 0);
  r = runCli({"leaderboard", "export", "--db", other, "--out", dir.file("export.json")});
  CHECK(r.code == 0);
  const auto exported = nlohmann::json::parse(test::readText(dir.file("export.json")));
  const auto handed = nlohmann::json::parse(test::readText(out));
  CHECK(exported == handed);
}

TEST_CASE("leaderboard errors: one line, exit 2 for bad input, 1 for a locked database, nothing lost") {
  test::TempDir dir;
  const std::string db = dir.file("lb.db");
  {
    leaderboard::Database d(db);
    d.insert(test::entry("anna", 80, 160));
  }
  const std::string badComp = dir.file("bad.json");
  test::writeText(badComp, R"({"id":"x","n":64,"threads":1,"reps":2,"warmup":0,"time_limit":5})");
  requireOneLineError(runCli({"leaderboard", "submit", "--db", db, "--name", "a", "--kernel", "matmul.blocked",
                              "--competition", badComp}),
                      2, badComp + ": unknown field 'time_limit'");
  requireOneLineError(
      runCli({"leaderboard", "submit", "--db", db, "--name", "a", "--kernel", "matmul.nope", "--quiet"}), 2,
      "unknown kernel 'matmul.nope'");
  requireOneLineError(
      runCli({"leaderboard", "submit", "--db", db, "--name", "a", "--kernel", "matmul.int8", "--quiet"}), 2,
      "not an fp32 matmul kernel");
  requireOneLineError(runCli({"leaderboard", "show", "--db", db, "--format", "xml"}), 2, "--format");
  requireOneLineError(runCli({"leaderboard"}), 2, "leaderboard");

  const std::string junk = dir.file("junk.json");
  test::writeText(junk, R"({"format":"cachescope-leaderboard","version":1,"submissions":[{"name":"x"}]})");
  requireOneLineError(runCli({"leaderboard", "import", "--db", db, junk}), 2, junk + ": submission 1: missing field");

  const std::string garbage = dir.file("garbage.db");
  test::writeText(garbage, std::string(5000, 'x'));
  requireOneLineError(runCli({"leaderboard", "show", "--db", garbage}), 2, "not a usable leaderboard database");
  CHECK(test::readText(garbage) == std::string(5000, 'x'));

  sqlite3* holder = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &holder) == SQLITE_OK);
  REQUIRE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  requireOneLineError(runCli({"leaderboard", "show", "--db", db, "--wait", "0.2"}), 1, "locked by another process");
  const std::string good = dir.file("good.json");
  test::writeText(good, leaderboard::submissionFileText({test::entry("bob", 60, 160)}));
  requireOneLineError(runCli({"leaderboard", "import", "--db", db, "--wait", "0.2", good}), 1,
                      "locked by another process");
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  leaderboard::Database d(db);
  CHECK(d.count() == 1);
}

TEST_CASE("the default database lives in the per-user data directory") {
  const char* old = std::getenv("XDG_DATA_HOME");
  const std::string saved = old ? old : "";
  ::setenv("XDG_DATA_HOME", "/data/home", 1);
  CHECK(leaderboard::defaultDatabasePath() == "/data/home/cachescope/leaderboard.db");
  ::unsetenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  if (home) CHECK(leaderboard::defaultDatabasePath() == std::string(home) + "/.local/share/cachescope/leaderboard.db");
  if (old) ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
}

namespace {
struct Proc {
  int code = -1;
  std::string out, err;
};

// The binary as a script runs it, with its own kernel cache and data dirs.
Proc runBinary(const std::string& args, const test::TempDir& dir) {
  const std::string errFile = dir.file("stderr.txt");
  const std::string cmd = "XDG_CACHE_HOME='" + dir.file("cache") + "' XDG_DATA_HOME='" + dir.file("data") + "' '" +
                          CACHESCOPE_BINARY + "' " + args + " 2>'" + errFile + "'";
  Proc p;
  FILE* f = ::popen(cmd.c_str(), "r");
  REQUIRE(f);
  char buf[4096];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) p.out.append(buf, got);
  const int status = ::pclose(f);
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  p.err = test::readText(errFile);
  return p;
}
}  // namespace

TEST_CASE("leaderboard submit --plugin: a right student kernel is ranked, a buggy one recorded but never ranked") {
  test::TempDir dir;
  const std::string comp = smallCompetition(dir);
  const std::string examples = std::string(CACHESCOPE_SOURCE_DIR) + "/examples/kernels/";
  Proc good = runBinary("leaderboard submit --quiet --name anna --plugin '" + examples + "naive.cpp' --competition '" +
                            comp + "'",
                        dir);
  INFO(good.err);
  REQUIRE(good.code == 0);
  CHECK(good.out.find("entry 1: anna (user.") != std::string::npos);

  Proc bad = runBinary("leaderboard submit --quiet --name bob --plugin '" + examples + "buggy.cpp' --competition '" +
                           comp + "'",
                       dir);
  INFO(bad.err);
  CHECK(bad.code == 1);
  CHECK(bad.err.find("cachescope: error: entry 2: bob (user.") != std::string::npos);
  CHECK(bad.err.find("not verified, not ranked") != std::string::npos);

  Proc both = runBinary("leaderboard submit --name c --kernel matmul.naive --plugin '" + examples + "naive.cpp'", dir);
  CHECK(both.code == 2);
  CHECK(both.err.find("submit takes one kernel") != std::string::npos);

  Proc show = runBinary("leaderboard show --format json", dir);
  REQUIRE(show.code == 0);
  const auto doc = nlohmann::json::parse(show.out);
  const auto& entries = doc["competitions"][0]["entries"];
  REQUIRE(entries.size() == 2);
  CHECK(entries[0]["name"] == "anna");
  CHECK(entries[0]["rank"] == 1);
  CHECK(entries[0]["source_hash"] == leaderboard::sha256File(examples + "naive.cpp"));
  CHECK(entries[0]["plugin_path"] == examples + "naive.cpp");
  CHECK(entries[1]["name"] == "bob");
  CHECK(entries[1]["rank"].is_null());
  CHECK(entries[1]["verified"] == false);
  CHECK(entries[1]["rate"].is_null());
}

TEST_CASE("a lecture's leaderboard step lists the class's ranking in the handout") {
  test::TempDir dir;
  const char* old = std::getenv("XDG_DATA_HOME");
  const std::string saved = old ? old : "";
  ::setenv("XDG_DATA_HOME", dir.path.c_str(), 1);
  {
    leaderboard::Database db(leaderboard::defaultDatabasePath());
    db.insert(test::entry("anna", 80, 160));
    db.insert(test::entry("ben", 120, 160));
    db.insert(test::wrongEntry("carl"));
  }
  const std::string lecture = dir.file("class.json");
  test::writeText(lecture, R"({"title": "Class", "steps": [
    {"view": "timings", "title": "A kernel first", "caption": "Timed.", "set": {"kernels": "matmul.naive", "n": 32}},
    {"view": "leaderboard", "title": "The class leaderboard", "caption": "Ranked.", "set": {}}]})");
  const std::string out = dir.file("handout");
  const test::CliResult r = runCli({"lecture", "--export", out, lecture});
  if (old) ::setenv("XDG_DATA_HOME", saved.c_str(), 1); else ::unsetenv("XDG_DATA_HOME");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string page = test::readText(out + "/index.html");
  CHECK(page.find("The class leaderboard") != std::string::npos);
  CHECK(page.find("1. ben: 120 GFLOP/s, 75% of OpenBLAS") != std::string::npos);
  CHECK(page.find("2. anna: 80 GFLOP/s, 50% of OpenBLAS") != std::string::npos);
  CHECK(page.find("unranked: carl: wrong result at C[3][17]") != std::string::npos);
  CHECK(std::filesystem::exists(out + "/step01-rates.png"));
  CHECK_FALSE(std::filesystem::exists(out + "/step02-rates.png"));  // it times no kernel, nor shows step 1's
}
