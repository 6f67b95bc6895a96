// `cachescope kernel build FILE.cpp`: compiles a student's kernel into the
// per-user cache (userkernels/build.hpp), checks in a child process that it
// exports a kernel, and prints the shared object's path on stdout.
#include <iostream>
#include <filesystem>
#include <memory>

#include "cli/command.hpp"
#include "kernels/kernel.hpp"
#include "userkernels/build.hpp"
#include "userkernels/plugin.hpp"

namespace cachescope::cli {

namespace {

int runKernelBuild(const std::string& file) {
  userkernels::LoadedKernel k;
  try {
    // loadPlugin builds a source first, then asks a child for its description.
    const std::filesystem::path p(file);
    const std::string e = p.extension().string();
    if (e != ".cpp" && e != ".cc" && e != ".cxx" && e != ".C")
      throw UsageError(file + ": kernel build takes a C++ source (.cpp, .cc, .cxx)");
    k = userkernels::loadPlugin(file);
  } catch (const userkernels::BuildError& e) {
    std::cerr << e.output;
    throw;
  }
  std::cerr << "kernel: " << (k.build->cached ? "up to date (built before with: " : "compiled: ")
            << k.build->command << (k.build->cached ? ")" : "") << '\n'
            << k.build->compilerOutput;
  std::cerr << "kernel: " << k.kernel->info.id << " (" << toString(k.kernel->info.family) << ", "
            << (k.traced ? "traced: timed and simulated" : "untraced: a plain function, timed only")
            << "); use it with --plugin " << file << " or --plugin " << k.object << '\n';
  std::cout << k.object << '\n';
  return 0;
}

}  // namespace

void addKernelCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand("kernel", "Your own kernel (see README 'Your own kernel')");
  app->require_subcommand(1);
  auto* build = app->add_subcommand(
      "build",
      "Compile FILE.cpp (written against cachescope_kernel.hpp) with $CXX or c++ -O3 -march=native -fPIC -shared "
      "-std=c++20 into the per-user cache ($XDG_CACHE_HOME or ~/.cache, cachescope/kernels), only when the source, "
      "flags, compiler or header changed; prints the shared object's path");
  auto file = std::make_shared<std::string>();
  build->add_option("FILE", *file, "The kernel's C++ source")->required();
  commands.push_back({build, [file] { return runKernelBuild(*file); }});
}

}  // namespace cachescope::cli
