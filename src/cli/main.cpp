#include "cli/command.hpp"

int main(int argc, char** argv) { return cachescope::cli::runCommandLine(argc, argv); }
