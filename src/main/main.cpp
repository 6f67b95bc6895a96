// The cachescope executable: the headless commands of the CLI core and, in a
// GUI build, the desktop app's `gui` (also what runs without a command).
#include "cli/command.hpp"
#include "kernels/blas_core.hpp"

#ifdef CACHESCOPE_WITH_GUI
namespace cachescope::cli {
void addGuiCommand(CLI::App& root, Commands& commands);  // gui_command.cpp
}
#endif

int main(int argc, char** argv) {
  // OpenBLAS chose its kernels when it loaded; where it knew no AVX kernels
  // for this CPU, run again asking for the ones the CPU has (blas_core.hpp).
  cachescope::reexecWithBlasCore(argv);
#ifdef CACHESCOPE_WITH_GUI
  return cachescope::cli::runCommandLine(argc, argv, {&cachescope::cli::addGuiCommand});
#else
  return cachescope::cli::runCommandLine(argc, argv);
#endif
}
