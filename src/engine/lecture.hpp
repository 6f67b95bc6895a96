// Lecture mode (issue 13): a lecture is a JSON list of steps, each a view,
// its settings (the same keys as `--set KEY=VALUE`, parsed by
// applyLaunchSetting), a title, a caption (the "why") and optionally a
// question the class answers before the result is revealed. The answers are
// never in the file: computeAnswer derives them from what the host measured.
// GL-free: parsed, validated and answered in tests without a display.
//
// File format:
//   {"title": "...", "steps": [ {"view": "timings", "title": "...",
//     "caption": "...", "set": {"kernels": "ID,ID", "n": 256}, "sweep": "n",
//     "question": {"kind": "choice", "text": "...", "answer": "fastest"}} ]}
// Question kinds:
//   choice  options: kernel ids among the step's kernels (default: all of
//           them); answer "fastest" | "slowest" (by the measured rate).
//   number  of "rate-ratio" with "kernels": [A, B] (rate A / rate B) or
//           "traversal-ratio" (column time / row time, Memory view);
//           "min", "max": the slider's range.
//   knee    level 1..3: the working set where that level ends, read off the
//           latency ladder (Memory view, probe=latency); the class clicks it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/settings.hpp"
#include "probe/probe.hpp"
#include "report/record.hpp"

namespace cachescope::engine {

enum class QuestionKind { None, Choice, Number, Knee };
const char* toString(QuestionKind kind);

struct LectureQuestion {
  QuestionKind kind = QuestionKind::None;
  std::string text;
  // choice
  std::vector<std::string> options;  // kernel ids
  std::string answer;                // "fastest" | "slowest"
  // number
  std::string of;                    // "rate-ratio" | "traversal-ratio"
  std::vector<std::string> ratio;    // rate-ratio: {A, B}
  double min = 0, max = 10;
  // knee
  int level = 1;
};

struct LectureStep {
  int number = 0;             // 1-based, for messages and the counter
  std::string title, caption;
  // view, theme-free settings, sweep, Access and Memory view keys, as a
  // scenario would set them (defaults for what the step leaves out).
  LaunchOptions launch;
  std::vector<std::string> sets;  // the step's KEY=VALUE, as written
  LectureQuestion question;
};

struct Lecture {
  std::string path;   // where it was read from ("" built in memory)
  std::string title;
  std::vector<LectureStep> steps;
};

// Most steps a lecture may have (number keys jump to 1..9, then 0 = 10).
inline constexpr int kMaxLectureSteps = 40;

// Parses and validates the text of a lecture; `name` prefixes every message
// ("lecture.json: step 4: kernels: unknown kernel 'x' (did you mean 'y'?)").
// Throws UsageError.
Lecture parseLecture(const std::string& text, const std::string& name);
// Reads FILE (FileError when unreadable) and parses it.
Lecture loadLecture(const std::string& path);
// The shipped default lecture's path: assets/lectures/default.json next to
// the cache presets (CACHESCOPE_ASSETS, the binary's tree, the source tree);
// "" when none is found.
std::string defaultLecturePath();

// What a step measured, as far as its question needs: the timing records
// (medians) of its kernels, and the Memory view's probes.
struct StepResults {
  std::vector<BenchRecord> records;
  std::optional<probe::LatencyResult> latency;
  std::optional<probe::TraversalResult> traversal;
};

struct Answer {
  bool ready = false;   // false: the data it needs are not (yet) measured; `why` says which
  std::string why;
  double value = 0;     // number: the ratio; knee: bytes; choice: index into options
  std::string kernel;   // choice: the winning option
  // e.g. a kernel id with its rate "(12.3 GFLOP/s)", "3.4x", "48 KiB"
  std::string text;
};

// The measured answer of the step's question from its results.
Answer computeAnswer(const LectureQuestion& q, const StepResults& results);

}  // namespace cachescope::engine
