// The reference library runs kernels this CPU has (blas_core.hpp): the
// executable asks OpenBLAS for them where OpenBLAS found none itself.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kernels/blas_core.hpp"
#include "platform/host.hpp"

extern "C" char* openblas_get_corename(void);

namespace cachescope {
namespace {

namespace fs = std::filesystem;

// matmul.blas's path as the executable reports it, run with `env` before it.
std::string blasPathOfBinary(const std::string& env) {
  const fs::path out = fs::temp_directory_path() / ("cachescope_blas_core_" + std::to_string(::getpid()) + ".json");
  const std::string cmd = env + " '" CACHESCOPE_BINARY "' bench --kernels matmul.blas --n 64 --reps 1 --quiet --format json --out '" +
                          out.string() + "' 2>/dev/null";
  const int s = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(s));
  REQUIRE(WEXITSTATUS(s) == 0);
  std::ifstream in(out);
  const nlohmann::json j = nlohmann::json::parse(in);
  fs::remove(out);
  // The first (only) row's path, wherever the writer nests the rows.
  std::string path;
  std::function<void(const nlohmann::json&)> find = [&](const nlohmann::json& v) {
    if (!path.empty()) return;
    if (v.is_object()) {
      if (v.contains("simd_path") && v["simd_path"].is_string()) path = v["simd_path"].get<std::string>();
      for (const auto& [k, e] : v.items()) find(e);
    } else if (v.is_array()) {
      for (const auto& e : v) find(e);
    }
  };
  find(j);
  return path;
}

std::string coreOf(const std::string& path) {
  REQUIRE(path.rfind("openblas ", 0) == 0);
  const std::string rest = path.substr(9);
  return rest.substr(0, rest.find(' '));
}

}  // namespace

TEST_CASE("blas core: the vector width of OpenBLAS's cores, by name in any case", "[blas]") {
  CHECK(blasCoreSimd("SkylakeX") == SimdLevel::Avx512);
  CHECK(blasCoreSimd("cooperlake") == SimdLevel::Avx512);
  CHECK(blasCoreSimd("haswell") == SimdLevel::Avx2);
  CHECK(blasCoreSimd("Zen") == SimdLevel::Avx2);
  CHECK(blasCoreSimd("Prescott") == SimdLevel::Scalar);
  CHECK(blasCoreSimd("Core2") == SimdLevel::Scalar);
  CHECK(blasCoreSimd("") == SimdLevel::Scalar);
}

TEST_CASE("blas core: a core is asked for only where OpenBLAS chose one narrower than the CPU", "[blas]") {
  // This test process was not run again: OpenBLAS's own choice is loaded.
  const std::string own = openblas_get_corename();
  const char* preset = std::getenv("OPENBLAS_CORETYPE");
  const bool shouldAsk = !preset && blasCoreSimd(own) < host().simd;
  INFO("OpenBLAS chose " << own << ", CPU " << toString(host().simd));
  const auto asked = blasCoreToRequest();
  REQUIRE(asked.has_value() == shouldAsk);
  if (asked) CHECK(*asked == (host().simd == SimdLevel::Avx512 ? "SkylakeX" : "Haswell"));

  // A core type the user set stands.
  if (!preset) {
    ::setenv("OPENBLAS_CORETYPE", "Prescott", 1);
    CHECK_FALSE(blasCoreToRequest().has_value());
    ::unsetenv("OPENBLAS_CORETYPE");
  }
}

TEST_CASE("blas core: the executable's matmul.blas runs kernels as wide as the CPU's vectors", "[blas]") {
  const std::string path = blasPathOfBinary("env -u OPENBLAS_CORETYPE -u CACHESCOPE_BLAS_DETECTED");
  INFO(path);
  CHECK(blasCoreSimd(coreOf(path)) == host().simd);
  // The path says when cachescope asked (OpenBLAS's own choice was
  // narrower), and only then; the choice in this process is OpenBLAS's own
  // unless the environment set one.
  const std::string marker = "(asked for: OpenBLAS found ";
  const std::size_t at = path.find(marker);
  if (at != std::string::npos) {
    const std::string found = path.substr(at + marker.size(), path.find(')', at) - at - marker.size());
    CHECK(blasCoreSimd(found) < host().simd);
  }
  if (!std::getenv("OPENBLAS_CORETYPE")) {
    const std::string own = openblas_get_corename();
    CHECK((at != std::string::npos) == (blasCoreSimd(own) < host().simd));
  }

  // OPENBLAS_CORETYPE set by the user: kept, nothing asked, and said to be
  // narrower than the CPU where it is.
  const std::string kept = blasPathOfBinary("env -u CACHESCOPE_BLAS_DETECTED OPENBLAS_CORETYPE=Prescott");
  INFO(kept);
  CHECK(kept == (host().simd == SimdLevel::Scalar
                     ? std::string("openblas Prescott")
                     : "openblas Prescott (OPENBLAS_CORETYPE set: narrower than this CPU's " +
                           std::string(toString(host().simd)) + ")"));
}

}  // namespace cachescope
