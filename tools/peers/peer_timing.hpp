// Shared by the peer drivers of tools/bench-peers: argument parsing, the
// inputs (uniform in [-1, 1), as cachescope's), warmup + timed repetitions,
// and the one machine-readable result line the script parses:
//   peer=openblas op=sgemm n=1024 threads=1 reps=7 median_s=0.0131 min_s=0.0129 max_s=0.0140 rate=164.2 unit=GFLOP/s
// A driver that cannot run a case prints "peer=... op=... skipped=<why>".
// Not part of cachescope: a tool for people (README, tools section).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace peers {

struct Args {
  std::string op = "sgemm";  // sgemm | int8
  int n = 1024;
  int threads = 1;
  int reps = 7;
  int warmup = 2;
};

inline Args parseArgs(int argc, char** argv, const char* peer) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    auto next = [&](const char* flag) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s: %s needs a value\n", peer, flag);
        std::exit(2);
      }
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--op")) a.op = next("--op");
    else if (!std::strcmp(argv[i], "--n")) a.n = std::atoi(next("--n"));
    else if (!std::strcmp(argv[i], "--threads")) a.threads = std::atoi(next("--threads"));
    else if (!std::strcmp(argv[i], "--reps")) a.reps = std::atoi(next("--reps"));
    else if (!std::strcmp(argv[i], "--warmup")) a.warmup = std::atoi(next("--warmup"));
    else {
      std::fprintf(stderr, "%s: unknown option '%s' (--op sgemm|int8 --n N --threads T --reps R --warmup W)\n", peer,
                   argv[i]);
      std::exit(2);
    }
  }
  if (a.n < 1 || a.threads < 1 || a.reps < 1 || a.warmup < 0) {
    std::fprintf(stderr, "%s: --n, --threads, --reps must be >= 1 and --warmup >= 0\n", peer);
    std::exit(2);
  }
  return a;
}

inline std::vector<float> uniformFloats(std::size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (float& x : v) x = d(rng);
  return v;
}

template <class T>
std::vector<T> uniformInts(std::size_t count, int lo, int hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> v(count);
  for (T& x : v) x = T(d(rng));
  return v;
}

// Times `body` warmup + reps times and prints the result line; `work` is
// the operation count of one run (2 n^3).
inline void timeAndPrint(const char* peer, const Args& a, const char* unit, double work,
                         const std::function<void()>& body, const std::string& note = "") {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < a.warmup; ++i) body();
  std::vector<double> t;
  for (int i = 0; i < a.reps; ++i) {
    const auto t0 = Clock::now();
    body();
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::string tag = note;  // one token: the line is split on spaces
  for (char& c : tag)
    if (c == ' ' || c == ',' || c == '=') c = '_';
  std::vector<double> s = t;
  std::sort(s.begin(), s.end());
  const std::size_t m = s.size() / 2;
  const double median = s.size() % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
  std::printf("peer=%s op=%s n=%d threads=%d reps=%d median_s=%.6g min_s=%.6g max_s=%.6g rate=%.4g unit=%s%s%s\n",
              peer, a.op.c_str(), a.n, a.threads, a.reps, median, s.front(), s.back(), work / median / 1e9, unit,
              tag.empty() ? "" : " note=", tag.c_str());
  std::fflush(stdout);
}

inline void skip(const char* peer, const Args& a, const std::string& why) {
  std::printf("peer=%s op=%s n=%d threads=%d skipped=%s\n", peer, a.op.c_str(), a.n, a.threads, why.c_str());
  std::fflush(stdout);
}

}  // namespace peers
