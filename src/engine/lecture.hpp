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
#include "plot/plot.hpp"
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

// The working sets a knee guess may be placed at (the ladder's widest range).
inline constexpr std::uint64_t kKneeMinBytes = 1024, kKneeMaxBytes = 1ull << 32;

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

struct Knee {
  std::string level;    // "L1d", "L2", "L3"
  double bytes = 0;     // where the ladder steps up past that level
};

struct Answer {
  bool ready = false;   // false: the data it needs are not (yet) measured; `why` says which
  std::string why;
  double value = 0;     // number: the ratio; knee: bytes; choice: index into options
  std::string kernel;   // choice: the winning option
  // e.g. a kernel id with its rate "(12.3 GFLOP/s)", "3.4x", "48 KiB"
  std::string text;
  std::string level;        // knee: the asked level's name ("L1d")
  std::vector<Knee> knees;  // knee: every level the ladder shows a step for
};

// The measured answer of the step's question from its results.
Answer computeAnswer(const LectureQuestion& q, const StepResults& results);

// A guess at a question: the class's in lecture mode (entered by the
// presenter: a click, a tally of hands, a slider, a click on the plot), or a
// student's alone with "Predict first" on in the Timings and Memory views.
// One struct, one text and one verdict serve both, and the handout export.
struct Guess {
  int picked = -1;         // choice: the option clicked (-1: none)
  std::vector<int> hands;  // choice: hands counted per option
  double number = 1;       // number: the slider's value
  double bytes = 0;        // knee: the working set placed on the plot (0: not placed yet)
  bool committed = false;  // "Commit guess" pressed: the result may be shown
};

// A fresh guess for `q`: no option picked, no hands, the slider a quarter of
// the way along its range, no knee placed.
Guess initialGuess(const LectureQuestion& q);
// Whether the guess says something (an option picked or hands counted, a
// knee placed; a number always does).
bool guessEntered(const LectureQuestion& q, const Guess& g);
// The option a choice guess stands for: the clicked one, else the one with
// the most hands; -1 when neither.
int guessOption(const LectureQuestion& q, const Guess& g);
// "Loop reordering (ikj) (12 of 20 hands)", "3.5x", "64 KiB"; "no answer entered".
std::string guessText(const LectureQuestion& q, const Guess& g);
// The guess beside the measured answer, one line: "guess 64 KiB, measured L1d
// knee 48 KiB: 1.33x too large"; "guess Blocked, measured fastest Blocked
// (12.3 GFLOP/s): right". Needs a.ready.
std::string verdictText(const LectureQuestion& q, const Guess& g, const Answer& a);
// Just the judgement: "right" / "not this time" (choice), "spot on" / "1.3x
// too large" / "2.5x too small" (number, knee); "" when not ready or no guess.
std::string guessOffText(const LectureQuestion& q, const Guess& g, const Answer& a);
// How far a number or knee guess is from the measured value, as a factor >= 1
// (max/min); 0 for a choice or a guess not entered.
double guessFactor(const LectureQuestion& q, const Guess& g, const Answer& a);
// Sets the guess from text: a choice takes a kernel id, its title or the
// option's number (1..); a number a decimal ("3.5", "3.5x"); a knee a size
// ("64K", "1.5M", "65536"). Throws UsageError "ORIGIN: why" when the text
// does not fit the question (e.g. "--guess 1=64Q: ...").
void parseGuess(const LectureQuestion& q, const std::string& text, Guess& g, const std::string& origin);

// A latency ladder plot revealed with a knee question: the sysfs level
// markers give way to the measured knees ("L1d knee") and, when a guess is
// placed, a marker of its own in another colour ("guess"); the sizes are in
// the verdict (verdictText) beside the plot.
void markKnees(plot::Plot& ladder, const Answer& a, const Guess* g);
// The colour of the guess marker (the plot palette's purple).
plot::Color guessMarkerColor();

// The question a student answers alone with "Predict first" on: in the
// Timings view, which of the selected kernels is fastest; in the Memory
// view's latency ladder, where the L`level` knee is.
LectureQuestion fastestKernelQuestion(const std::vector<std::string>& kernels);
LectureQuestion kneeQuestion(int level);
// The selected kernels a "which is fastest?" guess chooses among: those of
// the first one's family (a ReLU's time does not compare with a matmul's).
std::vector<std::string> predictKernelOptions(const RunSettings& s);
// The question "Predict first" asks in `view`: Timings, the fastest of
// predictKernelOptions; Memory, kneeQuestion(kneeLevel); other views none.
LectureQuestion predictQuestion(View view, const RunSettings& s, int kneeLevel = 1);
// Checks a scripted presenter's keys against the lecture before a window
// opens: walks the steps as the keys would and parses each "guess=VALUE"
// against the question of the step it lands on. Throws UsageError
// ("--keys guess=64Q: step 1: '64Q' is not a working-set size ...").
void checkLectureKeys(const Lecture& lecture, const std::vector<std::string>& keys);

}  // namespace cachescope::engine
