// `cachescope [gui]`: the desktop app, and its scripted mode for tests and
// lecture preparation (--frames/--screenshot/--frame-times).
#include <memory>

#include "app/app.hpp"
#include "cli/command.hpp"
#include "engine/settings.hpp"
#include "platform/errors.hpp"

namespace cachescope::cli {

void addGuiCommand(CLI::App& root, Commands& commands);

namespace {

struct GuiArgs {
  std::string view, theme, scenario, screenshot, frameTimes, layout;
  std::vector<std::string> sets, thenSets;
  int frames = -1;
  float fontSize = 0;
  std::string window;
};

int runGui(const GuiArgs& a) {
  engine::LaunchOptions o;
  // Scenario first; explicit options override it.
  if (!a.scenario.empty()) engine::applyScenarioFile(o, a.scenario);
  if (!a.view.empty() && !engine::parseView(a.view, o.view))
    throw UsageError("--view must be timings, cache, roofline, access or threads (got '" + a.view + "')");
  if (!a.theme.empty() && !engine::parseTheme(a.theme, o.theme))
    throw UsageError("--theme must be light or dark (got '" + a.theme + "')");
  if (a.fontSize != 0) o.fontSize = a.fontSize;
  if (!a.window.empty()) engine::applyWindowSize(o, a.window);
  if (o.fontSize < engine::kMinFontSize || o.fontSize > engine::kMaxFontSize)
    throw UsageError("--font-size must be in 10..48 pixels");
  for (const std::string& kv : a.sets)
    if (!engine::applyAnimationSetting(o.animation, kv)) engine::applySetting(o.settings, kv, &o.sweep);
  // Checked now so a typo fails before the window opens.
  for (const std::string& kv : a.thenSets) {
    engine::RunSettings probe = o.settings;
    engine::applySetting(probe, kv, nullptr);
  }
  o.thenSet = a.thenSets;
  if (a.frames < -1) throw UsageError("--frames must be >= 0");
  o.frames = a.frames;
  if ((!a.screenshot.empty() || !a.frameTimes.empty()) && o.frames < 0) o.frames = 1;
  o.screenshot = a.screenshot;
  o.frameTimes = a.frameTimes;
  o.layout = a.layout;
  return app::runApp(o);  // DisplayError is a RunFailure: runCommandLine makes it exit 1
}

}  // namespace

void addGuiCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand("gui", "Open the desktop app (the default without a command)");
  auto a = std::make_shared<GuiArgs>();
  app->add_option("--view", a->view, "Tab to open: timings | cache | roofline | access | threads");
  app->add_option("--set", a->sets,
                  "Start with KEY=VALUE (repeatable): n, block, threads, bits, density, kernels=ID,ID, sweep=n|block|threads|density; "
                  "Access view: step=ACCESS, caches=PRESET, l1=SIZE:WAYS:LINE, reordered=0|1, play=0|1, speed=ACCESSES_PER_S, loop=0|1");
  app->add_option("--scenario", a->scenario, "Lecture scenario (JSON: view, theme, font_size, sweep, set)");
  app->add_option("--screenshot", a->screenshot, "After the results are in and --frames more frames: save the window as PNG and exit");
  app->add_option("--frames", a->frames, "Scripted run: wait for the results, draw N more frames, exit");
  app->add_option("--frame-times", a->frameTimes, "Write per-frame times (CSV frame,ms,busy) on exit");
  app->add_option("--then-set", a->thenSets,
                  "Scripted run: once the first results are in, change KEY=VALUE as a slider would, and report "
                  "the time to the first updated number");
  app->add_option("--layout", a->layout,
                  "Scripted run: write where the Access view drew its grids (JSON) next to the screenshot, for tests");
  app->add_option("--font-size", a->fontSize, "Text size in pixels (10..48, default 18)");
  app->add_option("--window", a->window, "Window size WIDTHxHEIGHT (default 1600x900; 1280x720 for a projector)");
  app->add_option("--theme", a->theme, "dark | light (light reads best on a projector)");
  commands.push_back({app, [a] { return runGui(*a); }});
}

}  // namespace cachescope::cli
