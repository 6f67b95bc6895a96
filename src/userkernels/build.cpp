// Building a kernel's shared object (build.hpp).
#include "userkernels/build.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "userkernels/embedded_header.hpp"

namespace fs = std::filesystem;

namespace cachescope::userkernels {

namespace {

const std::vector<std::string> kFlags = {"-O3", "-march=native", "-fPIC", "-shared", "-std=c++20"};

std::uint64_t fnv1a(std::uint64_t h, const std::string& s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h ^ 0xff;  // separates the parts
}

std::vector<std::string> splitWords(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0 && !fs::is_directory(path); }

// The compiler's path, or "" when it is not found.
std::string findProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return executable(name) ? name : "";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (executable(candidate)) return candidate;
  }
  return "";
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserKernelError(path + ": cannot read the kernel source");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `text` to `path` unless it already holds it (temp + rename).
void writeIfChanged(const fs::path& path, const std::string& text) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    if (s.str() == text) return;
  }
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw UserKernelError(path.string() + ": cannot write the kernel header");
  }
  fs::rename(tmp, path, ec);
  if (ec) throw UserKernelError(path.string() + ": cannot write the kernel header: " + ec.message());
}

// Runs argv, stdout and stderr together into `output`; the exit status.
int runProgram(const std::vector<std::string>& argv, std::string& output) {
  int fds[2];
  if (::pipe(fds) != 0) throw UserKernelError(std::string("cannot run the compiler: ") + std::strerror(errno));
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw UserKernelError(std::string("cannot run the compiler: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  char buf[4096];
  for (;;) {
    const ssize_t r = ::read(fds[0], buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    output.append(buf, std::size_t(r));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string quoted(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) {
    if (!s.empty()) s += ' ';
    s += a.find_first_of(" \t'\"") == std::string::npos ? a : "'" + a + "'";
  }
  return s;
}

}  // namespace

std::string kernelCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/') return std::string(xdg) + "/cachescope/kernels";
  const char* home = std::getenv("HOME");
  if (!home || !*home) throw UserKernelError("no cache directory for built kernels: neither XDG_CACHE_HOME nor HOME is set");
  return std::string(home) + "/.cache/cachescope/kernels";
}

const std::string& kernelHeaderText() {
  static const std::string text = detail::kEmbeddedHeader;
  return text;
}

BuildResult buildKernel(const std::string& source) {
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) throw UserKernelError(source + ": no such kernel source file");
  const std::string text = readFile(source);
  const fs::path absolute = fs::absolute(source).lexically_normal();

  const char* cxx = std::getenv("CXX");
  const std::string compilerWords = cxx && *cxx ? cxx : "c++";
  std::vector<std::string> compiler = splitWords(compilerWords);
  if (compiler.empty()) compiler = {"c++"};
  const std::string found = findProgram(compiler[0]);
  if (found.empty())
    throw UserKernelError("no C++ compiler: '" + compiler[0] + "' is not on PATH (install g++ or set CXX)");
  compiler[0] = found;

  const fs::path dir = kernelCacheDir();
  fs::create_directories(dir / "include", ec);
  if (ec) throw UserKernelError(dir.string() + ": cannot create the kernel cache directory: " + ec.message());
  writeIfChanged(dir / "include" / "cachescope_kernel.hpp", kernelHeaderText());

  std::string flagText;
  for (const std::string& f : kFlags) flagText += f + ' ';
  std::uint64_t h = 0xcbf29ce484222325ull;
  h = fnv1a(h, text);
  h = fnv1a(h, flagText);
  h = fnv1a(h, quoted(compiler));
  h = fnv1a(h, kernelHeaderText());
  h = fnv1a(h, absolute.string());  // __FILE__ is compiled in (the Access view's code text)
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  std::string stem = absolute.stem().string();
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  const fs::path object = dir / (stem + "-" + hex + ".so");
  const fs::path tmp = object.string() + ".tmp." + std::to_string(::getpid());

  std::vector<std::string> argv = compiler;
  argv.insert(argv.end(), kFlags.begin(), kFlags.end());
  argv.push_back("-I" + (dir / "include").string());
  argv.push_back(absolute.string());
  argv.push_back("-o");
  argv.push_back(tmp.string());

  BuildResult r;
  r.object = object.string();
  std::vector<std::string> shown = argv;
  shown.back() = object.string();
  r.command = quoted(shown);
  if (fs::exists(object, ec)) {
    r.cached = true;
    return r;
  }
  const int status = runProgram(argv, r.compilerOutput);
  if (status != 0) {
    fs::remove(tmp, ec);
    if (status == 127 && r.compilerOutput.empty())
      throw UserKernelError("no C++ compiler: cannot run '" + compiler[0] + "'");
    throw BuildError(source + " does not compile (" + fs::path(compiler[0]).filename().string() + " exited with " +
                         std::to_string(status) + "; its messages are above)",
                     r.compilerOutput);
  }
  fs::rename(tmp, object, ec);
  if (ec) throw UserKernelError(object.string() + ": cannot store the built kernel: " + ec.message());
  return r;
}

}  // namespace cachescope::userkernels
