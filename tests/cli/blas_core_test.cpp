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

TEST_CASE("blas core: the names of OpenBLAS's AVX2 cores, in any case", "[blas]") {
  CHECK(blasCoreHasAvx2Kernels("SkylakeX"));
  CHECK(blasCoreHasAvx2Kernels("haswell"));
  CHECK(blasCoreHasAvx2Kernels("Zen"));
  CHECK_FALSE(blasCoreHasAvx2Kernels("Prescott"));
  CHECK_FALSE(blasCoreHasAvx2Kernels("Core2"));
  CHECK_FALSE(blasCoreHasAvx2Kernels(""));
}

TEST_CASE("blas core: a core is asked for only where OpenBLAS found none with AVX2 on a CPU with it", "[blas]") {
  // This test process was not run again: OpenBLAS's own choice is loaded.
  const std::string own = openblas_get_corename();
  const char* preset = std::getenv("OPENBLAS_CORETYPE");
  const bool shouldAsk = !preset && !blasCoreHasAvx2Kernels(own) && host().simd != SimdLevel::Scalar;
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

TEST_CASE("blas core: the executable's matmul.blas runs AVX2 kernels on a CPU with AVX2", "[blas]") {
  const std::string path = blasPathOfBinary("env -u OPENBLAS_CORETYPE -u CACHESCOPE_BLAS_DETECTED");
  INFO(path);
  const std::string own = openblas_get_corename();
  if (host().simd != SimdLevel::Scalar) CHECK(blasCoreHasAvx2Kernels(coreOf(path)));
  // The path says when cachescope asked, and only then.
  const bool asked = !blasCoreHasAvx2Kernels(own) && host().simd != SimdLevel::Scalar;
  CHECK((path.find("(asked for: OpenBLAS found " + own + ")") != std::string::npos) == asked);

  // OPENBLAS_CORETYPE set by the user: kept, nothing asked.
  const std::string kept = blasPathOfBinary("env -u CACHESCOPE_BLAS_DETECTED OPENBLAS_CORETYPE=Prescott");
  INFO(kept);
  CHECK(kept == "openblas Prescott");
}

}  // namespace cachescope
