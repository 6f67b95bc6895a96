// The shared part of every fuzz target: fail() and the input file.
#include "fuzz_target.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

namespace cachescope::fuzz {

void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz failure: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

namespace {

struct InputFiles {
  std::map<std::string, std::string> paths;  // suffix -> path
  ~InputFiles() {
    for (const auto& [suffix, path] : paths) std::remove(path.c_str());
  }
};

}  // namespace

const std::string& writeInputFile(const std::uint8_t* data, std::size_t size, const char* suffix) {
  static InputFiles files;
  std::string& path = files.paths[suffix];
  if (path.empty())
    path = (std::filesystem::temp_directory_path() /
            ("cachescope-fuzz-" + std::to_string(::getpid()) + suffix))
               .string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  out.close();
  if (!out) fail("cannot write the input file " + path);
  return path;
}

}  // namespace cachescope::fuzz
