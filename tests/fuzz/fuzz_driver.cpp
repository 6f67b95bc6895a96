// The project's own fuzz driver, linked with each target when libFuzzer is
// not used (CACHESCOPE_FUZZ=driver): replays the seed corpus, then feeds
// inputs made by a fixed-seed mutator (bit flips, interesting bytes and
// numbers, dictionary tokens, deletions, duplications, splices) for a fixed
// number of iterations, so a run is deterministic and bounded (tools/test
// runs it through CTest). --forever goes on until Ctrl-C (tools/fuzz).
// A failing input is written to --crash-dir before the process dies.
//
//   fuzz_TARGET [FILE|DIR...] [--corpus DIR] [--dict FILE] [--iterations N | --forever]
//               [--seed S] [--max-len BYTES] [--crash-dir DIR]
//
// Files and directories are replayed first (so `fuzz_trace crash-file` runs
// one saved input); N mutated inputs follow (default 0).
//
// [SECTION] crash capture
// [SECTION] corpus and dictionary
// [SECTION] mutator
// [SECTION] main
#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "fuzz_target.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#include <sanitizer/common_interface_defs.h>
#define CACHESCOPE_HAVE_SANITIZER_CALLBACK 1
#endif

namespace fs = std::filesystem;

namespace {

// [SECTION] crash capture
// The input being run and where it goes if the process dies on it; written
// with open/write only (async-signal-safe).
const std::string* g_current = nullptr;
char g_crashPath[4096] = {0};

void saveCurrentInput() {
  if (!g_current || !g_crashPath[0]) return;
  const int fd = ::open(g_crashPath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  std::size_t done = 0;
  while (done < g_current->size()) {
    const ssize_t n = ::write(fd, g_current->data() + done, g_current->size() - done);
    if (n <= 0) break;
    done += std::size_t(n);
  }
  ::close(fd);
  const char msg[] = "fuzz driver: the failing input is in ";
  [[maybe_unused]] ssize_t w = ::write(2, msg, sizeof msg - 1);
  w = ::write(2, g_crashPath, std::strlen(g_crashPath));
  w = ::write(2, "\n", 1);
  g_current = nullptr;  // once
}

volatile std::sig_atomic_t g_stop = 0;
void onStop(int) { g_stop = 1; }

void onFatalSignal(int sig) {
  saveCurrentInput();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// [SECTION] corpus and dictionary
std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// libFuzzer's dictionary format: one "token" per line (optionally name="token"),
// with \\, \" and \xNN escapes; '#' starts a comment.
std::vector<std::string> readDictionary(const std::string& path) {
  std::vector<std::string> tokens;
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "fuzz driver: cannot read dictionary %s\n", path.c_str());
    std::exit(2);
  }
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t open = line.find('"');
    if (line.empty() || line[0] == '#' || open == std::string::npos) continue;
    const std::size_t close = line.rfind('"');
    if (close <= open) continue;
    std::string token;
    for (std::size_t i = open + 1; i < close; ++i) {
      if (line[i] != '\\' || i + 1 >= close) {
        token += line[i];
        continue;
      }
      const char e = line[++i];
      if (e == 'x' && i + 2 < close) {
        token += char(std::stoi(line.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        token += e;
      }
    }
    if (!token.empty()) tokens.push_back(token);
  }
  return tokens;
}

// [SECTION] mutator
class Mutator {
 public:
  Mutator(std::uint64_t seed, std::vector<std::string> dictionary, std::size_t maxLen)
      : rng_(seed), dict_(std::move(dictionary)), maxLen_(maxLen) {}

  std::string mutate(const std::string& base, const std::vector<std::string>& pool) {
    std::string s = base;
    const int rounds = 1 + int(below(4));
    for (int r = 0; r < rounds; ++r) once(s, pool);
    if (s.size() > maxLen_) s.resize(maxLen_);
    return s;
  }

  std::uint64_t below(std::uint64_t n) { return n ? rng_() % n : 0; }

 private:
  void once(std::string& s, const std::vector<std::string>& pool) {
    static const char kBytes[] = "0123456789abcdefxX:,;+-.eE \t\n\r{}[]\"\\#=LSMIRWKMG";
    static const char* const kNumbers[] = {"0", "-1", "1", "00000000000000000001", "4294967295", "4294967296",
                                           "4294967304", "18446744073709551615", "18446744073709551616",
                                           "9223372036854775808", "2147483648", "1e30", "1e300", "-1e300",
                                           "1e-320", "0.5", "8.9", "nan", "inf", "0x", "17179869185G"};
    const std::size_t pos = below(s.size() + 1);
    switch (below(11)) {
      case 0:  // flip a bit
        if (!s.empty()) s[pos % s.size()] ^= char(1 << below(8));
        break;
      case 1:  // a random byte
        if (!s.empty()) s[pos % s.size()] = char(below(256));
        break;
      case 2:  // an interesting byte, inserted
        s.insert(pos, 1, kBytes[below(sizeof kBytes - 1)]);
        break;
      case 3:  // an interesting number, inserted or over a run of digits
      {
        const std::string num = kNumbers[below(sizeof kNumbers / sizeof *kNumbers)];
        std::size_t end = pos;
        while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '.')) ++end;
        s.replace(pos, end - pos, num);
        break;
      }
      case 4:  // a dictionary token, inserted
        if (!dict_.empty()) s.insert(pos, dict_[below(dict_.size())]);
        break;
      case 5:  // a dictionary token, over what is there
        if (!dict_.empty()) {
          const std::string& t = dict_[below(dict_.size())];
          s.replace(pos, std::min(t.size(), s.size() - pos), t);
        }
        break;
      case 6:  // delete a range
        if (!s.empty()) s.erase(pos % s.size(), 1 + below(std::min<std::size_t>(16, s.size())));
        break;
      case 7:  // duplicate a range
        if (!s.empty()) {
          const std::size_t from = below(s.size()), len = 1 + below(std::min<std::size_t>(64, s.size() - from));
          s.insert(pos, s.substr(from, len));
        }
        break;
      case 8:  // splice in part of another input
        if (!pool.empty()) {
          const std::string& o = pool[below(pool.size())];
          if (!o.empty()) {
            const std::size_t from = below(o.size());
            s.insert(pos, o.substr(from, 1 + below(o.size() - from)));
          }
        }
        break;
      case 9:  // random bytes
        for (std::uint64_t k = 0, n = 1 + below(8); k < n; ++k) s.insert(pos, 1, char(below(256)));
        break;
      case 10:  // cut the end (an input that stops mid-way)
        s.resize(pos);
        break;
    }
  }

  std::mt19937_64 rng_;
  std::vector<std::string> dict_;
  std::size_t maxLen_;
};

void run(const std::string& input) {
  g_current = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  g_current = nullptr;
}

[[noreturn]] void usage(const char* self, const std::string& why) {
  std::fprintf(stderr,
               "%s: %s\nusage: %s [FILE|DIR...] [--corpus DIR] [--dict FILE] [--iterations N | --forever] "
               "[--seed S] [--max-len BYTES] [--crash-dir DIR]\n",
               self, why.c_str(), self);
  std::exit(2);
}

}  // namespace

// [SECTION] main
int main(int argc, char** argv) {
  std::vector<std::string> corpusDirs;
  std::string dictPath, crashDir = ".";
  std::uint64_t iterations = 0, seed = 1;
  bool forever = false;
  std::size_t maxLen = 4096;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      corpusDirs.push_back(a);
      continue;
    }
    if (a == "--forever") {
      forever = true;
      continue;
    }
    if (i + 1 >= argc) usage(argv[0], "'" + a + "' needs a value");
    const std::string v = argv[++i];
    try {
      if (a == "--corpus") corpusDirs.push_back(v);
      else if (a == "--dict") dictPath = v;
      else if (a == "--iterations") iterations = std::stoull(v);
      else if (a == "--seed") seed = std::stoull(v);
      else if (a == "--max-len") maxLen = std::stoull(v);
      else if (a == "--crash-dir") crashDir = v;
      else usage(argv[0], "unknown option '" + a + "'");
    } catch (const std::logic_error&) {
      usage(argv[0], "bad number '" + v + "' for " + a);
    }
  }
  if (corpusDirs.empty()) usage(argv[0], "no inputs (FILE, DIR or --corpus DIR)");

  std::vector<std::string> pool;  // the seeds, then some of the mutants
  for (const std::string& dir : corpusDirs) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_regular_file(dir)) {
      files.push_back(dir);
    } else {
      for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file()) files.push_back(e.path());
      if (ec) usage(argv[0], "cannot read " + dir + ": " + ec.message());
    }
    std::sort(files.begin(), files.end());  // the same order on every machine
    for (const fs::path& f : files) pool.push_back(readFile(f));
  }
  if (pool.empty()) pool.push_back("");
  const std::size_t seeds = pool.size();

  const std::string name = fs::path(argv[0]).filename().string();
  const std::string crashFile = (fs::path(crashDir) / ("crash-" + name + "-seed" + std::to_string(seed))).string();
  std::snprintf(g_crashPath, sizeof g_crashPath, "%s", crashFile.c_str());
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, onFatalSignal);
  for (int sig : {SIGINT, SIGTERM}) std::signal(sig, onStop);  // --forever: stop between inputs, with the summary
#ifdef CACHESCOPE_HAVE_SANITIZER_CALLBACK
  __sanitizer_set_death_callback(saveCurrentInput);
#endif

  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < seeds; ++i) run(pool[i]);

  Mutator mutator(seed, dictPath.empty() ? std::vector<std::string>{} : readDictionary(dictPath), maxLen);
  constexpr std::size_t kPoolMax = 1024;
  auto last = t0;
  std::uint64_t done = 0;
  for (; !g_stop && (forever || done < iterations); ++done) {
    std::string input = mutator.mutate(pool[mutator.below(pool.size())], pool);
    run(input);
    // Keep some mutants as bases, so mutations compound (no coverage
    // feedback: a fixed share, chosen by the same generator).
    if (mutator.below(8) == 0) {
      if (pool.size() < kPoolMax) pool.push_back(std::move(input));
      else if (kPoolMax > seeds) pool[seeds + mutator.below(kPoolMax - seeds)] = std::move(input);
    }
    if (forever && (done & 1023) == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last > std::chrono::seconds(10)) {
        last = now;
        std::fprintf(stderr, "%s: %llu inputs, %.0f s\n", name.c_str(), (unsigned long long)done,
                     std::chrono::duration<double>(now - t0).count());
      }
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s: %zu seed inputs and %llu mutated inputs (seed %llu) passed in %.1f s\n", name.c_str(), seeds,
              (unsigned long long)done, (unsigned long long)seed, s);
  return 0;
}
