#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/atomic_file.hpp"

using namespace cachescope;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
fs::path tempDir() {
  fs::path d = fs::temp_directory_path() / ("cachescope-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}
}  // namespace

TEST_CASE("atomic file replaces the target only on commit", "[report]") {
  fs::path dir = tempDir();
  fs::path target = dir / "out.csv";
  writeFileAtomically(target.string(), "old\n");
  {
    AtomicFile f(target.string());
    CHECK(slurp(target) == "old\n");  // untouched until commit
  }  // abandoned: no commit
  CHECK(slurp(target) == "old\n");
  AtomicFile g(target.string());
  g.commit("new\n");
  CHECK(slurp(target) == "new\n");
  int leftovers = 0;
  for (auto& e : fs::directory_iterator(dir)) leftovers += e.path().filename() != "out.csv";
  CHECK(leftovers == 0);
  fs::remove_all(dir);
}

TEST_CASE("unwritable paths fail at open with a message", "[report]") {
  CHECK_THROWS_AS(AtomicFile("/nonexistent-dir/x.csv"), FileError);
  CHECK_THROWS_WITH(AtomicFile("/nonexistent-dir/x.csv"), Catch::Contains("does not exist"));
  CHECK_THROWS_AS(AtomicFile(fs::temp_directory_path().string()), FileError);
  CHECK_THROWS_AS(AtomicFile(""), FileError);
}
