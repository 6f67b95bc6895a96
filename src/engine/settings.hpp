// What the user chose: the run settings the worker receives (copied), and the
// launch options of `cachescope gui`. GL-free, so the parsing is unit-tested
// without a display.
#pragma once

#include <string>
#include <vector>

#include "engine/animation_launch.hpp"
#include "engine/memory_launch.hpp"
#include "kernels/kernel.hpp"

namespace cachescope::engine {

enum class View { Timings, Cache, Roofline, Access, Threads, Memory, Leaderboard, Dispatch };
enum class Theme { Dark, Light };
enum class SweepAxis { None, N, Block, Threads, Density };

const char* toString(View view);
const char* toString(Theme theme);
const char* toString(SweepAxis axis);
bool parseView(const std::string& text, View& out);
bool parseTheme(const std::string& text, Theme& out);
bool parseSweepAxis(const std::string& text, SweepAxis& out);

// Limits of the controls. The worker runs anything planSweep accepts; these
// keep a slider's range useful in a lecture (n=4096 naive would take minutes).
inline constexpr int kMinN = 16, kMaxN = 4096;
inline constexpr int kMinBlock = 4, kMaxBlock = 512;

// The parameters every run of the app is made of. Copied into each request:
// the worker never sees the UI's live state.
struct RunSettings {
  std::vector<std::string> kernels;  // registered ids, ladder order
  Params params;
};

bool operator==(const RunSettings& a, const RunSettings& b);

// The starting selection: the registered matmul ladder steps a lecture
// compares first (naive, blocked, and the fastest one registered).
RunSettings defaultRunSettings();

// Kernel ids behind the quantization control: fp32 -> matmul.packed,
// 16 -> matmul.bf16, 8 -> matmul.int8, 4 -> matmul.int4 (another width:
// fp32's). Empty when that kernel is not registered (the control then hides
// that choice).
std::string quantKernelId(int bits);

// Applies one `key=value` (keys: n, block, threads, bits, density, kernels,
// sweep). Throws UsageError with a one-line message for an unknown key or a
// value out of range. `sweep` goes to `sweepOut` when given. `origin` names
// where the setting came from in messages: "--set", "--then-set", or a
// scenario's "scenario 'FILE': set." (then "set.n=5: ...").
void applySetting(RunSettings& settings, const std::string& keyValue, SweepAxis* sweepOut = nullptr,
                  const std::string& origin = "--set");

// Every key `--set` takes, for messages: "n, block, ..., sweep; window: panel;
// Access view: step, caches, ...".
std::string settingKeysText();

// The bits kernel `k` runs with when the settings say `bits`: the value when
// the kernel accepts it, else its first accepted width; 32 for kernels that
// take no bits (the worker's rule, so the controls show what runs).
int runBits(const Kernel& k, int bits);

// The bits widths the selected kernels accept (union, in the order first
// seen); empty when no selected kernel takes bits.
std::vector<int> selectedBitsChoices(const RunSettings& settings);

// Makes settings.params.bits a width some selected quantized kernel runs
// with (after a kernel was ticked): unchanged when one accepts it already or
// none is selected.
void normalizeBits(RunSettings& settings);

// A bits value that no selected kernel would run with: throws UsageError
// naming `origin` ("--set bits=8: no selected kernel takes bits; ...").
void checkBitsUsed(const RunSettings& settings, const std::string& origin);

// Seconds a timing run of the selected kernels would take at these settings,
// at bench's honest-to-an-order-of-magnitude rate (estimateSweep): the first
// quick pass and the repetitions the worker picks (repsForEstimate). The app
// announces a run over kLongRunS before it starts.
double estimateRunSeconds(const RunSettings& settings);

// Command-line options of `cachescope gui`.
struct LaunchOptions {
  View view = View::Timings;
  Theme theme = Theme::Dark;
  float fontSize = 18.0f;
  RunSettings settings = defaultRunSettings();
  SweepAxis sweep = SweepAxis::None;  // a sweep to start with (--set sweep=n)
  std::string screenshot;             // PNG written after the scripted frames
  std::string frameTimes;             // CSV frame,ms
  int frames = -1;                    // >= 0: scripted run, exit after N frames
  // Scripted runs: settings changed once the first results are in, as if a
  // slider moved (through the same debounce and auto-rerun); the app reports
  // the time from that change to the first updated number.
  std::vector<std::string> thenSet;
  AnimationLaunch animation;          // --set step= / caches= / play= ... (Access view)
  MemoryLaunch memory;                // --set probe= / probe-max= ... (Memory view)
  std::string layout;                 // --layout: JSON of the frame's windows, items, text and plots
  // 0 x 0: fit the primary monitor's work area (fitWindowSize).
  int width = 0, height = 0;
  int panel = -1;                     // --set panel=0|1: control panel hidden / shown (-1: shown)
  bool rooflineLevels = false;        // --set roofline-levels=1: the Roofline view starts "per level"
  // `cachescope lecture`: the lecture file ("" none: the plain app), a scripted
  // presenter's keys (--keys right,r,...) and the step-to-display CSV.
  std::string lecture;
  std::vector<std::string> lectureKeys;
  std::string lectureTimes;
  std::string bitsOrigin;             // where an explicit bits= came from ("" none): for checkLaunch
  // --set predict=1: "Predict first" on (the Timings and Memory views hide
  // results until a guess); predict-guess=VALUE also commits that guess (a
  // kernel id in the Timings view, a size in the Memory view), checked by
  // checkLaunch.
  bool predict = false;
  std::string predictGuess, predictGuessOrigin;
  // --plugin: the last user kernel given (loaded before the window opens), for "run mine again".
  std::string pluginFile;
  bool mineAgain = false;             // --set mine-again=1: scripted "run mine again" after the first results
};

// Applies one launch `key=value`: the run settings' keys, the window's
// (panel=0|1) and the Access view's (step, caches, ...). Cache presets are
// loaded now, so `caches=nosuch` fails before a window opens. Messages name
// `origin` (see applySetting); an unknown key lists every key.
void applyLaunchSetting(LaunchOptions& options, const std::string& keyValue, const std::string& origin = "--set");

// Checks that combine settings, after all of them are applied: an explicit
// bits that no selected kernel takes.
void checkLaunch(const LaunchOptions& options);

// The window size when --window is not given: the monitor's work area
// (workW x workH, 0 when unknown) less a margin for the window frame, capped
// at 2560x1440 and at least 640x480; 1280x720 when the work area is unknown.
void fitWindowSize(int workW, int workH, int& width, int& height);

// Applies a scenario file (JSON): {"view": "cache", "theme": "light",
// "font_size": 24, "set": {"n": 256, "kernels": "matmul.naive,matmul.blocked"},
// "sweep": "block"}. Throws UsageError / FileError with one line.
void applyScenarioFile(LaunchOptions& options, const std::string& path);

inline constexpr float kMinFontSize = 10.0f, kMaxFontSize = 48.0f;

// `--window WxH` (a projector's 1280x720, a laptop's 1600x900): sets
// options.width/height. Throws UsageError for anything but two integers
// within 640x480 .. 7680x4320.
void applyWindowSize(LaunchOptions& options, const std::string& text);

}  // namespace cachescope::engine
