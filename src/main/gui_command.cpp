// `cachescope [gui]`: the desktop app, and its scripted mode for tests and
// lecture preparation (--frames/--screenshot/--frame-times).
#include <algorithm>
#include <cctype>
#include <iterator>
#include <cstdio>
#include <memory>

#include "app/app.hpp"
#include "cli/command.hpp"
#include "cli/plugin_option.hpp"
#include "cli/lecture_export.hpp"
#include "engine/lecture.hpp"
#include "engine/settings.hpp"
#include "platform/errors.hpp"
#include "report/atomic_file.hpp"

namespace cachescope::cli {

void addGuiCommand(CLI::App& root, Commands& commands);

namespace {

struct GuiArgs {
  std::string view, theme, scenario, screenshot, frameTimes, layout;
  std::vector<std::string> sets, thenSets;
  int frames = -1;
  float fontSize = 0;
  bool fontGiven = false, framesGiven = false;
  std::string window;
  // `cachescope lecture`: the lecture file, the scripted presenter's keys and
  // the step-to-display CSV.
  std::string lecture, lectureTimes;
  std::vector<std::string> keys;
  std::string pluginFile;  // --plugin's last file: "run mine again" rebuilds and reloads it
};

bool endsWith(std::string s, const std::string& tail) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// An output the scripted run writes at its end, checked before anything
// runs: AtomicFile creates (and, unused, removes) its temporary beside the
// target, which fails at once for a missing or unwritable directory.
void checkOutput(const std::string& flag, const std::string& path) {
  try {
    AtomicFile probe(path);
  } catch (const FileError& e) {
    throw FileError(flag + " " + path + ": " + e.what());
  }
}

int runGui(const GuiArgs& a) {
  engine::LaunchOptions o;
  // Scenario first; explicit options override it.
  if (!a.scenario.empty()) engine::applyScenarioFile(o, a.scenario);
  if (!a.view.empty() && !engine::parseView(a.view, o.view))
    throw UsageError("--view must be timings, cache, roofline, access, threads, memory, leaderboard or dispatch (got '" + a.view + "')");
  if (!a.theme.empty() && !engine::parseTheme(a.theme, o.theme))
    throw UsageError("--theme must be light or dark (got '" + a.theme + "')");
  if (!a.lecture.empty()) {
    // A projector: light theme and text sized from the window's height.
    if (a.theme.empty()) o.theme = engine::Theme::Light;
    if (!a.fontGiven)
      o.fontSize = o.height > 0 ? std::clamp(float(o.height) / 30.0f, 16.0f, 40.0f) : 24.0f;
    o.lecture = a.lecture;
    o.lectureTimes = a.lectureTimes;
    for (const std::string& k : a.keys) {
      static const char* const known[] = {"right", "left", "next", "prev", "r", "b", "f",
                                          "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
      if (std::find(std::begin(known), std::end(known), k) == std::end(known) && k.rfind("guess=", 0) != 0)
        throw UsageError("--keys " + k +
                         ": keys are right, left, r (reveal), b (blank), f (fullscreen), 0..9, guess=VALUE");
      o.lectureKeys.push_back(k);
    }
    engine::checkLectureKeys(engine::loadLecture(a.lecture), o.lectureKeys);
    if (!a.keys.empty() && !a.framesGiven) throw UsageError("--keys needs --frames N (a scripted run that exits)");
    if (!a.lectureTimes.empty()) checkOutput("--lecture-times", a.lectureTimes);
  }
  if (a.fontGiven) {
    if (!(a.fontSize >= engine::kMinFontSize && a.fontSize <= engine::kMaxFontSize))
    {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", double(a.fontSize));
      throw UsageError(std::string("--font-size ") + buf + ": must be in 10..48 pixels");
    }
    o.fontSize = a.fontSize;
  }
  if (!a.window.empty()) engine::applyWindowSize(o, a.window);
  if (!a.lecture.empty() && !a.fontGiven && o.height > 0)
    o.fontSize = std::clamp(float(o.height) / 30.0f, 16.0f, 40.0f);
  for (const std::string& kv : a.sets) engine::applyLaunchSetting(o, kv, "--set");
  engine::checkLaunch(o);
  // Checked now so a typo fails before the window opens.
  for (const std::string& kv : a.thenSets) {
    engine::RunSettings probe = o.settings;
    engine::applySetting(probe, kv, nullptr, "--then-set");
    if (kv.rfind("bits=", 0) == 0) engine::checkBitsUsed(probe, "--then-set");
  }
  o.thenSet = a.thenSets;
  if (a.framesGiven && a.frames < 0) throw UsageError("--frames " + std::to_string(a.frames) + ": must be >= 0");
  o.frames = a.frames;
  // A script never falls into the interactive app: these need a scripted run.
  if (!a.thenSets.empty() && !a.framesGiven)
    throw UsageError("--then-set needs --frames N (a scripted run that exits); without it the app would wait for you");
  if (!a.layout.empty() && a.screenshot.empty())
    throw UsageError("--layout needs --screenshot FILE.png: the layout is written for the frame that is saved");
  if (!a.screenshot.empty()) {
    if (!endsWith(a.screenshot, ".png"))
      throw UsageError("--screenshot " + a.screenshot + ": the file must end in .png (the window is saved as PNG)");
    checkOutput("--screenshot", a.screenshot);
  }
  if (!a.layout.empty()) checkOutput("--layout", a.layout);
  if (!a.frameTimes.empty()) checkOutput("--frame-times", a.frameTimes);
  if ((!a.screenshot.empty() || !a.frameTimes.empty()) && o.frames < 0) o.frames = 1;
  o.screenshot = a.screenshot;
  o.frameTimes = a.frameTimes;
  o.layout = a.layout;
  o.pluginFile = a.pluginFile;
  return app::runApp(o);  // DisplayError is a RunFailure: runCommandLine makes it exit 1
}

}  // namespace

void addGuiCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand("gui", "Open the desktop app (the default without a command)");
  app->footer("Keys: F9 hides or shows the control panel, Esc cancels the job in flight, F11 fullscreen, F12 saves "
              "the window as PNG.");
  auto a = std::make_shared<GuiArgs>();
  app->add_option("--view", a->view, "Tab to open: timings | cache | roofline | access | threads | memory | leaderboard | dispatch");
  app->add_option("--set", a->sets,
                  "Start with KEY=VALUE (repeatable): n, block, threads, bits (quantized kernels), density, "
                  "kernels=ID,ID, sweep=n|block|threads|density; panel=0|1 (control panel); predict=0|1 (Predict first: "
                  "results hidden until a guess), predict-guess=ID|SIZE (that guess, committed); Access view: step=ACCESS, "
                  "caches=PRESET, l1=SIZE:WAYS:LINE, access=ID[,ID[,ID]], play=0|1, speed=ACCESSES_PER_S, loop=0|1");
  app->add_option("--scenario", a->scenario, "Lecture scenario (JSON: view, theme, font_size, sweep, set)");
  app->add_option("--screenshot", a->screenshot,
                  "After the results are in and --frames more frames: save the window as FILE.png and exit "
                  "(the directory must exist and be writable; checked before the run)");
  auto* frames = app->add_option("--frames", a->frames, "Scripted run: wait for the results, draw N more frames, exit");
  app->add_option("--frame-times", a->frameTimes, "Write per-frame times (CSV frame,ms,busy) on exit");
  app->add_option("--then-set", a->thenSets,
                  "Scripted run (needs --frames): once the first results are in, change KEY=VALUE as a slider "
                  "would, and report the time to the first updated number");
  app->add_option("--layout", a->layout,
                  "With --screenshot: write the saved frame's layout as JSON (windows, items, text, plots, the "
                  "Access grids) for tests/gui/layout_check");
  auto* font = app->add_option("--font-size", a->fontSize, "Text size in pixels (10..48, default 18)");
  app->add_option("--window", a->window,
                  "Window size WIDTHxHEIGHT, e.g. 1280x720 for a projector (default: the primary monitor's work "
                  "area, at most 2560x1440)");
  app->add_option("--theme", a->theme, "dark | light (light reads best on a projector)");
  auto plugins = addPluginOptions(app);
  commands.push_back({app, [a, font, frames, plugins] {
                        loadPlugins(*plugins);  // before the window opens: a bad file is exit 2
                        a->fontGiven = font->count() > 0;
                        a->framesGiven = frames->count() > 0;
                        if (!plugins->files.empty()) a->pluginFile = plugins->files.back();
                        return runGui(*a);
                      }});

  // `cachescope lecture` (registered by the CLI core, which also does its
  // --export): the app's options, and the opener that starts the app on it.
  if (CLI::App* lecture = root.get_subcommand("lecture")) {
    auto l = std::make_shared<GuiArgs>();
    lecture->add_option("--theme", l->theme, "dark | light (default light: a projector)");
    auto* lfont = lecture->add_option("--font-size", l->fontSize, "Text size in pixels (10..48; default from the window height)");
    lecture->add_option("--window", l->window, "Window size WIDTHxHEIGHT, e.g. 1280x720");
    auto* lframes = lecture->add_option("--frames", l->frames, "Scripted run: after the keys, draw N more frames, exit");
    lecture->add_option("--screenshot", l->screenshot, "With --frames: save the last frame as FILE.png");
    lecture->add_option("--frame-times", l->frameTimes, "Write per-frame times (CSV frame,ms,busy) on exit");
    lecture->add_option("--layout", l->layout, "With --screenshot: write the saved frame's layout as JSON (as gui --layout)");
    lecture->add_option("--keys", l->keys,
                        "Scripted presenter (needs --frames): keys pressed in turn, each once the shown and the next "
                        "step are measured: right, left, r, b, f, 0..9, and guess=VALUE (the class's answer to the shown step: "
                        "a kernel id or option number, a number, a working-set size such as 64K, as a click would "
                        "enter it) (comma list)")
        ->delimiter(',');
    lecture->add_option("--lecture-times", l->lectureTimes,
                        "Write each step's key-to-display latency (CSV step,ms,prefetched) on exit");
    cli::setLectureOpener([l, lfont, lframes](const std::string& path) {
      GuiArgs args = *l;
      args.fontGiven = lfont->count() > 0;
      args.framesGiven = lframes->count() > 0;
      args.lecture = path;
      return runGui(args);
    });
  }
}

}  // namespace cachescope::cli
