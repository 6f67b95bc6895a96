// GLFW set-up for the app's window, and the window screenshots' PNG output
// (F12, --screenshot). Plot files are core: plot::exportPlot, no GL.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "platform/errors.hpp"

namespace cachescope::app {

// No window can be opened (no display, no OpenGL 3.3): a run-time failure,
// exit 1.
struct DisplayError : RunFailure {
  using RunFailure::RunFailure;
};

// Reference-counted glfwInit/glfwTerminate, so several GLFW users may
// overlap safely. Throws DisplayError.
class GlfwSession {
 public:
  GlfwSession();
  ~GlfwSession();
  GlfwSession(const GlfwSession&) = delete;
  GlfwSession& operator=(const GlfwSession&) = delete;
};

// The last GLFW error message ("" none).
std::string lastGlfwError();

// Pixels of the bound read framebuffer, top row first (GL's rows are bottom
// up). Call before glfwSwapBuffers for the back buffer.
std::vector<unsigned char> readPixelsRgba(int width, int height);

// PNG via stb_image_write, written whole or not at all. Throws FileError.
void writePng(const std::string& path, const std::vector<unsigned char>& rgba, int width, int height);

}  // namespace cachescope::app
