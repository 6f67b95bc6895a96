// GLFW set-up shared by the window and the off-screen plot writer, and the
// PNG output both use.
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

// Reference-counted glfwInit/glfwTerminate: the app's window and an export's
// hidden window may live at the same time. Throws DisplayError.
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
