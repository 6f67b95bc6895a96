#include "app/plot_png.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include "app/gl_support.hpp"
#include "app/plot_renderer.hpp"
#include "app/theme.hpp"
#include "report/atomic_file.hpp"

namespace cachescope {

using app::DisplayError;
using app::GlfwSession;

namespace {

// Puts back whatever GL and ImGui context the caller had (the app exports
// between its own frames).
struct ContextGuard {
  GLFWwindow* window = glfwGetCurrentContext();
  ImGuiContext* imgui = ImGui::GetCurrentContext();
  ~ContextGuard() {
    glfwMakeContextCurrent(window);
    ImGui::SetCurrentContext(imgui);
  }
};

}  // namespace

void writePlotPng(const plot::Plot& plot, const std::string& path, int width, int height) {
  if (width < 16 || height < 16 || width > 8192 || height > 8192)
    throw std::invalid_argument("PNG size must be 16..8192 pixels per side (got " + std::to_string(width) + "x" +
                                std::to_string(height) + ")");
  AtomicFile probe(path);  // an unwritable path fails before any GL work
  (void)probe;

  std::optional<GlfwSession> session;
  try {
    session.emplace();
  } catch (const DisplayError&) {
    throw DisplayError("PNG output needs an OpenGL context and none is available (" + app::lastGlfwError() +
                       "); write SVG instead (--plot FILE.svg)");
  }
  ContextGuard restore;
  glfwDefaultWindowHints();
  glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  std::unique_ptr<GLFWwindow, void (*)(GLFWwindow*)> window(glfwCreateWindow(64, 64, "cachescope-png", nullptr, nullptr),
                                                             glfwDestroyWindow);
  if (!window)
    throw DisplayError("cannot create an OpenGL 3.3 context for PNG output (" + app::lastGlfwError() +
                       "); write SVG instead (--plot FILE.svg)");
  glfwMakeContextCurrent(window.get());

  // Off-screen target: any size, independent of the screen and the window.
  GLuint fbo = 0, color = 0;
  glGenFramebuffers(1, &fbo);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glGenRenderbuffers(1, &color);
  glBindRenderbuffer(GL_RENDERBUFFER, color);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color);
  const bool complete = glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;

  ImGuiContext* ctx = ImGui::CreateContext();
  ImGui::SetCurrentContext(ctx);
  std::vector<unsigned char> pixels;
  std::string failure;
  {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(float(width), float(height));
    io.DeltaTime = 1.0f / 60;
    // The SVG writer uses 15 px at 960x540; scale with the image.
    const float fontPx = std::clamp(15.0f * std::min(width / 960.0f, height / 540.0f), 12.0f, 40.0f);
    app::loadFonts(fontPx);
    app::applyTheme(app::Theme::Light, fontPx);
    if (!complete || !ImGui_ImplOpenGL3_Init("#version 330 core")) {
      failure = "cannot set up OpenGL rendering for PNG output; write SVG instead";
    } else {
      ImGui_ImplOpenGL3_NewFrame();
      ImGui::NewFrame();
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(io.DisplaySize);
      ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
      ImGui::Begin("##png", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground |
                                         ImGuiWindowFlags_NoSavedSettings);
      ImGui::PopStyleVar();
      app::renderPlot(ImGui::GetWindowDrawList(), plot, ImVec2(0, 0), io.DisplaySize, app::lightPlotTheme());
      ImGui::End();
      ImGui::Render();
      glViewport(0, 0, width, height);
      glClearColor(1, 1, 1, 1);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      glBindFramebuffer(GL_READ_FRAMEBUFFER, fbo);
      pixels = app::readPixelsRgba(width, height);
      ImGui_ImplOpenGL3_Shutdown();
    }
  }
  ImGui::DestroyContext(ctx);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glDeleteRenderbuffers(1, &color);
  glDeleteFramebuffers(1, &fbo);
  if (!failure.empty()) throw DisplayError(failure);
  app::writePng(path, pixels, width, height);
}

}  // namespace cachescope
