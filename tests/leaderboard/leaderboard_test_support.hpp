// Helpers of the leaderboard tests: temporary folders and synthetic entries.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "leaderboard/submission.hpp"
#include "leaderboard/sha256.hpp"

namespace cachescope::test {

// A fresh folder under the system temp dir, removed at scope end.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cachescope-lb-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

inline void writeText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A verified entry measured on `cpu` at `rate` GFLOP/s, where that host's
// library ran at `libraryRate`.
inline leaderboard::Submission entry(const std::string& name, double rate, double libraryRate,
                                     const std::string& cpu = "Test CPU A", const std::string& date =
                                         "2026-12-02T04:00:00.000Z") {
  leaderboard::Submission s;
  s.name = name;
  s.kernel = "user." + name;
  s.sourceHash = leaderboard::sha256Hex(name);
  s.pluginPath = "/tmp/" + name + ".cpp";
  s.competition = "default";
  s.protocol = {512, 1, 5, 1};
  s.params = {{"n", 512}};
  s.host = {cpu, 2, "avx512", "L1d 48 KiB/12, L2 2 MiB/16"};
  s.verified = true;
  s.medianS = 2.0 * 512 * 512 * 512 / (rate * 1e9);
  s.minS = *s.medianS * 0.98;
  s.maxS = *s.medianS * 1.05;
  s.stddevS = *s.medianS * 0.01;
  s.rate = rate;
  s.unit = "GFLOP/s";
  s.libraryRate = libraryRate;
  s.baselineMedianS = 0.5;
  s.percentOfLibrary = 100.0 * rate / libraryRate;
  s.speedupOverBaseline = 0.5 / *s.medianS;
  s.date = date;
  return s;
}

inline leaderboard::Submission wrongEntry(const std::string& name) {
  leaderboard::Submission s = entry(name, 1, 1);
  s.verified = false;
  s.failure = "wrong result at C[3][17]: 1.25, want 4.5";
  s.medianS = s.minS = s.maxS = s.stddevS = s.rate = s.libraryRate = s.baselineMedianS = s.percentOfLibrary =
      s.speedupOverBaseline = std::nullopt;
  return s;
}

}  // namespace cachescope::test
