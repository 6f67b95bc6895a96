// `cachescope kernel build FILE.cpp`: compiles a student's kernel with the
// system's C++ compiler into a shared object in the per-user cache
// directory, once per (source, flags, compiler, header): the object's name
// carries a hash of all four, so an unchanged source is not rebuilt and a
// changed one is.
//
// Compiler: $CXX, else `c++` on PATH. Flags (stated in every build's
// output): -O3 -march=native -fPIC -shared -std=c++20, and -I the directory
// where cachescope writes its copy of cachescope_kernel.hpp (the header is
// embedded in cachescope, so the build needs no source tree). The compiler's
// messages pass through as they are (file:line:column).
#pragma once

#include <string>
#include <vector>

namespace cachescope::userkernels {

// $XDG_CACHE_HOME/cachescope/kernels, else ~/.cache/cachescope/kernels.
std::string kernelCacheDir();

// The header text a kernel includes (src/userkernels/public/cachescope_kernel.hpp).
const std::string& kernelHeaderText();

struct BuildResult {
  std::string object;           // the shared object's path
  std::string command;          // the compiler command line (as run, or as it was run)
  bool cached = false;          // up to date: nothing compiled
  std::string compilerOutput;   // what the compiler printed (warnings), "" none
};

// Throws UserKernelError: the source is missing or unreadable, no compiler
// ("no C++ compiler: 'c++' is not on PATH (set CXX)"), or the source does not
// compile (the compiler's own messages are in the error's compilerOutput:
// BuildError below).
BuildResult buildKernel(const std::string& source);

// A source that does not compile: the message is one line; `output` is the
// compiler's messages (file:line: error: ...), for the face to print first.
struct BuildError;

}  // namespace cachescope::userkernels

#include "userkernels/errors.hpp"

namespace cachescope::userkernels {
struct BuildError : UserKernelError {
  BuildError(const std::string& message, std::string compilerOutput)
      : UserKernelError(message), output(std::move(compilerOutput)) {}
  std::string output;
};
}  // namespace cachescope::userkernels
