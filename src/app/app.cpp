// The window and the frame loop.
//
// [SECTION] frame statistics
// [SECTION] window and contexts
// [SECTION] actions between frames (runs, exports, fonts, fullscreen)
// [SECTION] scripted runs (--frames, --screenshot, --frame-times)
// [SECTION] the loop
#include "app/app.hpp"

#include <algorithm>
#include <cfloat>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <sstream>
#include <thread>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include "app/cell_grid_renderer.hpp"
#include "app/surface_renderer.hpp"
#include "app/gl_support.hpp"
#include "app/layout_record.hpp"
#include "app/lecture_mode.hpp"
#include "app/panels.hpp"
#include "app/theme.hpp"
#include "app/ui_state.hpp"
#include "engine/worker.hpp"
#include "kernels/registry.hpp"
#include "plot/export.hpp"
#include "report/atomic_file.hpp"
#include "userkernels/plugin.hpp"

namespace cachescope::app {

namespace {

using Clock = std::chrono::steady_clock;

// [SECTION] frame statistics

struct FrameSample {
  double ms = 0;
  bool busy = false;  // the worker was running a benchmark during the frame
};

std::string frameTimesCsv(const std::vector<FrameSample>& samples) {
  std::ostringstream os;
  os << "frame,ms,busy\n";
  char buf[64];
  for (std::size_t i = 0; i < samples.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%zu,%.3f,%d\n", i, samples[i].ms, samples[i].busy ? 1 : 0);
    os << buf;
  }
  return os.str();
}

std::string timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

// [SECTION] window and contexts

struct Window {
  GLFWwindow* handle = nullptr;
  ~Window() {
    if (handle) glfwDestroyWindow(handle);
  }
};

struct ImGuiSetup {
  ImGuiContext* ctx = nullptr;
  bool glfw = false, gl = false;
  ~ImGuiSetup() {
    if (gl) ImGui_ImplOpenGL3_Shutdown();
    if (glfw) ImGui_ImplGlfw_Shutdown();
    if (ctx) ImGui::DestroyContext(ctx);
  }
};

class App {
 public:
  explicit App(const LaunchOptions& options) : options_(options) {}
  int run();

 private:
  void open();
  void rebuildFonts();
  void handleActions(const Snapshot& snap);
  void runExports();
  void toggleFullscreen();
  bool scriptStep(const Snapshot& snap, const ProgressView& progress);
  void postRun();

  LaunchOptions options_;
  GlfwSession glfw_;
  Window window_;
  ImGuiSetup imgui_;
  std::unique_ptr<CellGridRenderer> grids_;  // GL objects: released before the context
  std::unique_ptr<SurfaceRenderer> surfaces_;
  UiState state_;
  std::unique_ptr<Worker> worker_;
  LectureMode lecture_;  // `cachescope lecture` and the Lecture button
  std::vector<FrameSample> frames_;
  int windowedPos_[2] = {0, 0}, windowedSize_[2] = {0, 0};

  // Scripted runs.
  enum class Phase { WaitInitial, WaitChange, Frames, Done };
  Phase phase_ = Phase::WaitInitial;
  int framesLeft_ = 0;
  Clock::time_point scriptStart_, changeAt_;
  std::uint64_t changeAfterId_ = 0;  // the first timing request after the change is newer
  double changeLatencyMs_ = -1;
  bool captureNext_ = false;
  bool rooflineRequested_ = false;
  bool cacheRequested_ = false;
  bool mineAgainPressed_ = false;
  int exitCode_ = 0;
};

void App::open() {
  glfwDefaultWindowHints();
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  // Without --window: the primary monitor's work area (less its frame),
  // so a 1280x720 projector gets a window that fits it.
  int width = options_.width, height = options_.height;
  if (width <= 0 || height <= 0) {
    int wx = 0, wy = 0, ww = 0, wh = 0;
    if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) glfwGetMonitorWorkarea(monitor, &wx, &wy, &ww, &wh);
    fitWindowSize(ww, wh, width, height);
  }
  window_.handle = glfwCreateWindow(width, height, "cachescope", nullptr, nullptr);
  if (!window_.handle)
    throw DisplayError("cannot open an OpenGL 3.3 window: " + lastGlfwError() +
                       " (the headless commands list, bench, simulate and roofline need no display)");
  glfwMakeContextCurrent(window_.handle);
  // Scripted runs measure frame cost, not the display's refresh.
  glfwSwapInterval(options_.frames >= 0 ? 0 : 1);

  IMGUI_CHECKVERSION();
  imgui_.ctx = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // fixed layout: nothing to remember
  layout::attach(imgui_.ctx);
  imgui_.glfw = ImGui_ImplGlfw_InitForOpenGL(window_.handle, true);
  imgui_.gl = ImGui_ImplOpenGL3_Init("#version 330 core");
  if (!imgui_.glfw || !imgui_.gl) throw DisplayError("cannot initialise Dear ImGui on this OpenGL context");

  state_.settings = options_.settings;
  state_.lastSeen = state_.settings;
  state_.view = options_.view;
  state_.theme = options_.theme;
  state_.panelShown = options_.panel != 0;
  state_.rooflineLevels = options_.rooflineLevels;
  if (!options_.pluginFile.empty()) {
    // --plugin: the last user kernel registered is the one "run mine again" reruns.
    for (const Kernel& k : kernels())
      if (k.info.id.rfind(userkernels::kUserIdPrefix, 0) == 0) state_.mine.id = k.info.id;
    state_.mine.file = options_.pluginFile;
  }
  state_.predict.on = options_.predict;
  state_.predict.pendingGuess = options_.predictGuess;
  state_.predict.pendingView = options_.view;
  state_.fontSize = std::clamp(options_.fontSize, kMinFontSize, kMaxFontSize);
  if (options_.sweep != SweepAxis::None) state_.sweepAxis = options_.sweep;
  if (!loadFonts(state_.fontSize)) state_.notice = std::string("font ") + kFontPath + " missing: built-in font";
  applyTheme(state_.theme, state_.fontSize);

  // A shader that fails to build is reported in the Access view, not fatal.
  grids_ = std::make_unique<CellGridRenderer>();
  state_.grids = grids_.get();
  surfaces_ = std::make_unique<SurfaceRenderer>();
  state_.surfaces = surfaces_.get();
  const MemoryLaunch& mem = options_.memory;
  state_.memory.shown = mem.probe;
  state_.memory.maxBytes = mem.maxBytes;
  state_.memory.threads = mem.threads;
  if (mem.simulate >= 0) state_.memory.simulate = mem.simulate == 1;
  if (!mem.prefetch.empty()) state_.memory.prefetch = mem.prefetch;
  if (mem.heatmap >= 0) state_.memory.heatmap = mem.heatmap == 1;
  const AnimationLaunch& anim = options_.animation;
  if (!anim.caches.empty()) state_.access.caches = anim.caches;
  if (!anim.kernels.empty()) state_.access.kernels = anim.kernels;
  state_.access.l1 = anim.l1;
  state_.access.pendingStep = anim.step;
  state_.access.pendingPlay = anim.play == 1;
  if (anim.speed > 0) state_.access.speed = anim.speed;
  if (anim.loop >= 0) state_.access.loop = anim.loop == 1;
  state_.access.wantLayout = !options_.layout.empty();

  worker_ = std::make_unique<Worker>(Engine{}, [] { glfwPostEmptyEvent(); });
  if (!options_.lecture.empty()) {
    lecture_.setScript(options_.lectureKeys);
    lecture_.setTimesPath(options_.lectureTimes);
    lecture_.open(options_.lecture, state_);
  }
}

void App::rebuildFonts() {
  loadFonts(state_.fontSize);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  applyTheme(state_.theme, state_.fontSize);
}

// [SECTION] actions between frames (runs, exports, fonts, fullscreen)

void App::postRun() {
  Request r;
  r.kind = RequestKind::Timing;
  r.settings = state_.settings;
  state_.lastPosted = worker_->post(r);
}

void App::handleActions(const Snapshot& /*snap*/) {
  Actions a = std::exchange(state_.actions, Actions{});
  if (a.stop) worker_->stop();
  // Sweeps are not rerun on change: one can take minutes (naive up to n=2048);
  // the sweep plot says when it is from other settings.
  if (a.run && !state_.settings.kernels.empty()) postRun();
  if (!a.rerunKernel.empty() && !a.run) {
    // "Run mine again": that kernel alone, the others' records kept (Request::only).
    Request r;
    r.kind = RequestKind::Timing;
    r.settings = state_.settings;
    r.only = {a.rerunKernel};
    state_.lastPosted = state_.mine.request = worker_->post(r);
    state_.mine.settings = r.settings;
  }
  if (a.sweep != SweepAxis::None && !state_.settings.kernels.empty()) {
    state_.sweepAxis = a.sweep;
    Request r;
    r.kind = RequestKind::Sweep;
    r.settings = state_.settings;
    r.axis = a.sweep;
    worker_->post(r);
  }
  // The cache view simulates on demand and again when the settings move.
  if (a.run && state_.view == View::Cache) a.simulate = true;
  if (a.simulate) {
    worker_->post(cacheRequest(state_));
    cacheRequested_ = true;
  }
  if (a.animate) worker_->post(accessRequest(state_));
  if (a.recordThreads) {
    Request r;
    r.kind = RequestKind::Threads;
    r.settings = state_.settings;
    worker_->post(r);
  }
  if (a.probe) worker_->post(probeRequest(state_, a.probeKind));
  if (a.roofline) {
    Request r;
    r.kind = RequestKind::Roofline;
    r.settings = state_.settings;
    r.levels = state_.rooflineLevels;
    if (r.levels) state_.rooflineLevelsKey = rooflineLevelsKey(state_.settings);
    worker_->post(r);
    rooflineRequested_ = true;
  }
  if (a.applyTheme) applyTheme(state_.theme, state_.fontSize);
  if (a.rebuildFonts) rebuildFonts();
  if (a.toggleFullscreen) toggleFullscreen();
  if (a.screenshot) captureNext_ = true;
  if (a.lecture) {
    if (lecture_.active()) lecture_.close(state_);
    else lecture_.open(options_.lecture, state_);
  }
}

void App::runExports() {
  std::vector<ExportRequest> exports = std::exchange(state_.exports, {});
  for (const ExportRequest& e : exports) {
    const std::string path = state_.exportDir + "/cachescope-" + e.name + "-" + timestamp() + "." + e.format;
    try {
      // Pictures go through the same function and size as `--plot`, so a
      // saved file equals the headless one for the same data.
      if (!e.text.empty()) writeFileAtomically(path, e.text);
      else if (e.format == "csv") writeFileAtomically(path, plot::toCsv(e.plot));
      else plot::exportPlot(e.plot, path);
      state_.notice = "saved " + path;
    } catch (const std::exception& ex) {
      state_.notice = std::string("export failed: ") + ex.what();
    }
  }
}

void App::toggleFullscreen() {
  if (!state_.fullscreen) {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (!mode) {
      state_.notice = "fullscreen: no monitor reported";
      return;
    }
    glfwGetWindowPos(window_.handle, &windowedPos_[0], &windowedPos_[1]);
    glfwGetWindowSize(window_.handle, &windowedSize_[0], &windowedSize_[1]);
    glfwSetWindowMonitor(window_.handle, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
    state_.fullscreen = true;
  } else {
    glfwSetWindowMonitor(window_.handle, nullptr, windowedPos_[0], windowedPos_[1], windowedSize_[0],
                         windowedSize_[1], 0);
    state_.fullscreen = false;
  }
}

// [SECTION] scripted runs (--frames, --screenshot, --frame-times)

// Advances the script after a frame; false when the app should exit.
bool App::scriptStep(const Snapshot& snap, const ProgressView& progress) {
  const auto now = Clock::now();
  const double waited = std::chrono::duration<double>(now - scriptStart_).count();
  constexpr double kTimeoutS = 300;
  if (phase_ != Phase::Frames && phase_ != Phase::Done && waited > kTimeoutS) {
    std::cerr << "cachescope: error: the results did not arrive within " << kTimeoutS << " s\n";
    exitCode_ = 1;
    return false;
  }
  const bool settled = !progress.busy && worker_->idle() && !state_.debounce.pending() && frames_.size() > 2;
  switch (phase_) {
    case Phase::WaitInitial:
      if (!settled || !lecture_.scriptDone() || userKernelBusy() || state_.mine.again) return true;
      if (options_.mineAgain && !mineAgainPressed_) {
        // --set mine-again=1: the button, pressed once the first results are in.
        if (state_.mine.id.empty()) {
          std::cerr << "cachescope: error: --set mine-again=1 needs a kernel loaded with --plugin\n";
          exitCode_ = 2;
          return false;
        }
        state_.mine.again = mineAgainPressed_ = true;
        return true;
      }
      if (!options_.thenSet.empty()) {
        for (const std::string& kv : options_.thenSet) applySetting(state_.settings, kv, nullptr, "--then-set");
        changeAt_ = now;
        changeAfterId_ = state_.lastPosted;
        phase_ = Phase::WaitChange;
        return true;
      }
      phase_ = Phase::Frames;
      framesLeft_ = options_.frames;
      break;
    case Phase::WaitChange:
      if (changeLatencyMs_ < 0 && snap.timing && snap.timing->request > changeAfterId_ &&
          snap.timing->n == state_.settings.params.n && !snap.timing->records.empty()) {
        // The frame just drawn showed it.
        changeLatencyMs_ = std::chrono::duration<double, std::milli>(now - changeAt_).count();
        std::cerr << "cachescope: first updated number " << int(changeLatencyMs_ + 0.5)
                  << " ms after the change (n=" << state_.settings.params.n << ", "
                  << snap.timing->records.front().kernel << ", including the "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(state_.debounce.delay()).count()
                  << " ms debounce)\n";
      }
      if (changeLatencyMs_ < 0 || !settled) return true;
      phase_ = Phase::Frames;
      framesLeft_ = options_.frames;
      break;
    case Phase::Frames: break;
    case Phase::Done: return false;
  }
  if (framesLeft_ <= 0) return false;
  --framesLeft_;
  // The screenshot is of the last frame.
  if (framesLeft_ == 0 && !options_.screenshot.empty()) captureNext_ = true;
  return true;
}

// [SECTION] the loop

int App::run() {
  open();
  const bool scripted = options_.frames >= 0;
  scriptStart_ = Clock::now();
  if (!state_.settings.kernels.empty() && !lecture_.active()) postRun();  // a lecture posts its steps' runs
  if (options_.sweep != SweepAxis::None) state_.actions.sweep = options_.sweep;

  std::uint64_t drawnVersion = ~std::uint64_t(0);
  std::vector<unsigned char> shot;
  int shotW = 0, shotH = 0;
  std::string shotPath;
  bool keepGoing = true;
  while (keepGoing && !glfwWindowShouldClose(window_.handle)) {
    // Sleep in the event queue when nothing can change on screen; the
    // worker wakes us with glfwPostEmptyEvent when it publishes.
    auto snapshot = worker_->snapshot();
    const bool quiet = !scripted && snapshot->version == drawnVersion && !worker_->progress().busy &&
                       !state_.debounce.pending() && state_.exports.empty() &&
                       !(state_.view == View::Access && state_.access.playing);
    if (quiet) glfwWaitEventsTimeout(0.5);
    else glfwPollEvents();

    const auto t0 = Clock::now();
    snapshot = worker_->snapshot();
    const ProgressView progress = worker_->progress();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // Scripted screenshots show the app, not a tooltip under wherever the
    // virtual display left the pointer.
    if (scripted) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    // The layout is recorded for the frame that is saved only: the others'
    // frame times stay those of the plain app.
    layout::setEnabled(!options_.layout.empty() && captureNext_);
    ImGui::NewFrame();
    if (ImGui::IsKeyPressed(GLFW_KEY_F11, false)) state_.actions.toggleFullscreen = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_F12, false)) state_.actions.screenshot = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_F9, false)) state_.panelShown = !state_.panelShown;
    // Esc cancels the job in flight, unless it is closing a popup or ending
    // an edit (ImGui's own use of the key).
    if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false) && progress.busy && !ImGui::IsAnyItemActive() &&
        !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId))
      state_.actions.stop = true;
    if (lecture_.active()) {
      lecture_.update(state_, *worker_, *snapshot);
      snapshot = lecture_.displaySnapshot(snapshot);
    }
    state_.topReserved = lecture_.bandHeight();
    if (grids_) grids_->beginFrame();
    if (surfaces_) surfaces_->beginFrame();
    drawMainWindow(state_, *snapshot, progress);
    updateAccessRequests(state_);
    updateThreadsRequests(state_);
    updateMemoryRequests(state_);
    updateUserKernel(state_, progress.busy);
    // The roofline is measured once, when its view is first shown.
    if (state_.view == View::Roofline && !snapshot->roofline && !rooflineRequested_) state_.actions.roofline = true;
    if (state_.view == View::Cache && !snapshot->cache && !cacheRequested_)
      state_.actions.simulate = true;
    lecture_.draw(state_);
    updateAutoRerun(state_, t0);
    ImGui::Render();
    int fbw = 0, fbh = 0;
    glfwGetFramebufferSize(window_.handle, &fbw, &fbh);
    glViewport(0, 0, fbw, fbh);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    double captureMs = 0;
    if (captureNext_) {
      const auto c0 = Clock::now();
      glReadBuffer(GL_BACK);
      shot = readPixelsRgba(fbw, fbh);
      shotW = fbw;
      shotH = fbh;
      shotPath = scripted && !options_.screenshot.empty() ? options_.screenshot
                 : state_.actions.screenshotPath.empty()  ? "cachescope-screenshot-" + timestamp() + ".png"
                                                          : state_.actions.screenshotPath;
      captureNext_ = false;
      if (scripted && !options_.layout.empty()) {
        try {
          layout::FrameInfo info;
          info.view = toString(state_.view);
          info.theme = toString(state_.theme);
          info.fontPx = ImGui::GetFontSize();
          info.width = fbw;
          info.height = fbh;
          // The shown view's own description (its boxes; for Access also its
          // grids and counters), under "view_record".
          writeFileAtomically(options_.layout, layout::toJson(info, state_.access.layoutJson));
        } catch (const std::exception& e) {
          std::cerr << "cachescope: error: " << e.what() << '\n';
          exitCode_ = 1;
        }
      }
      captureMs = std::chrono::duration<double, std::milli>(Clock::now() - c0).count();
    }
    glfwSwapBuffers(window_.handle);
    lecture_.frameDrawn();
    const auto t1 = Clock::now();
    frames_.push_back({std::chrono::duration<double, std::milli>(t1 - t0).count() - captureMs, progress.busy});
    drawnVersion = snapshot->version;

    // Slow work after the frame is timed: PNG encoding, exports, requests.
    if (!shot.empty()) {
      try {
        writePng(shotPath, shot, shotW, shotH);
        state_.notice = "screenshot saved to " + shotPath;
      } catch (const std::exception& e) {
        state_.notice = std::string("screenshot failed: ") + e.what();
        if (scripted) {
          std::cerr << "cachescope: error: " << e.what() << '\n';
          exitCode_ = 1;
        }
      }
      shot.clear();
    }
    handleActions(*snapshot);
    runExports();
    if (scripted) keepGoing = scriptStep(*snapshot, progress);

    // Cap at 60 frames per second where the swap does not wait for a
    // display (Xvfb): a spinning UI would steal a core from the benchmark.
    const auto next = t0 + std::chrono::microseconds(16667);
    if (Clock::now() < next) std::this_thread::sleep_until(next);
  }
  worker_->stop();
  glfwHideWindow(window_.handle);
  if (!options_.frameTimes.empty()) writeFileAtomically(options_.frameTimes, frameTimesCsv(frames_));
  lecture_.writeTimes();
  // A kernel run cannot be interrupted; one of naive at n=2048 takes a
  // minute. Closing the window must not wait for it: leave without joining
  // (all output files are written).
  if (!worker_->waitIdle(std::chrono::seconds(2))) {
    std::cerr << "cachescope: a kernel run was still going; exiting without waiting for it\n";
    std::cout.flush();
    std::_Exit(exitCode_);
  }
  return exitCode_;
}

}  // namespace

int runApp(const LaunchOptions& options) {
  App app(options);
  return app.run();
}

}  // namespace cachescope::app
