// What the user chose: the run settings the worker receives (copied), and the
// launch options of `cachescope gui`. GL-free, so the parsing is unit-tested
// without a display.
#pragma once

#include <string>
#include <vector>

#include "engine/animation_launch.hpp"
#include "kernels/kernel.hpp"

namespace cachescope::engine {

enum class View { Timings, Cache, Roofline, Access, Threads };
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
// 8 -> matmul.int8, 4 -> matmul.int4. Empty when that kernel is not
// registered (the control then hides that choice).
std::string quantKernelId(int bits);

// Applies one `key=value` (keys: n, block, threads, bits, density, kernels,
// sweep). Throws UsageError with a one-line message for an unknown key or a
// value out of range. `sweep` goes to `sweepOut` when given.
void applySetting(RunSettings& settings, const std::string& keyValue, SweepAxis* sweepOut = nullptr);

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
  std::string layout;                 // --layout: JSON of the grids drawn in the screenshot
  int width = 1600, height = 900;
};

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
