#include "app/gl_support.hpp"

#include <mutex>

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include "report/atomic_file.hpp"

namespace cachescope::app {

namespace {

std::mutex gGlfwMutex;
int gGlfwUsers = 0;
std::string gGlfwError;

void onGlfwError(int code, const char* message) {
  gGlfwError = message ? message : ("GLFW error " + std::to_string(code));
}

}  // namespace

std::string lastGlfwError() { return gGlfwError; }

GlfwSession::GlfwSession() {
  std::lock_guard lock(gGlfwMutex);
  if (gGlfwUsers == 0) {
    glfwSetErrorCallback(onGlfwError);
    if (!glfwInit()) {
      std::string why = gGlfwError.empty() ? "glfwInit failed" : gGlfwError;
      throw DisplayError("cannot open a window: " + why +
                         " (no display? the headless commands list, bench, simulate and roofline need none)");
    }
  }
  ++gGlfwUsers;
}

GlfwSession::~GlfwSession() {
  std::lock_guard lock(gGlfwMutex);
  if (--gGlfwUsers == 0) glfwTerminate();
}

std::vector<unsigned char> readPixelsRgba(int width, int height) {
  std::vector<unsigned char> px(std::size_t(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  const std::size_t row = std::size_t(width) * 4;
  std::vector<unsigned char> tmp(row);
  for (int y = 0; y < height / 2; ++y) {
    unsigned char* a = px.data() + y * row;
    unsigned char* b = px.data() + (height - 1 - y) * row;
    std::copy(a, a + row, tmp.data());
    std::copy(b, b + row, a);
    std::copy(tmp.data(), tmp.data() + row, b);
  }
  // The window is opaque: drop whatever alpha the blending left behind.
  for (std::size_t i = 3; i < px.size(); i += 4) px[i] = 255;
  return px;
}

void writePng(const std::string& path, const std::vector<unsigned char>& rgba, int width, int height) {
  AtomicFile out(path);  // a bad path fails before the slow encoding
  std::string bytes;
  auto sink = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), std::size_t(size));
  };
  if (!stbi_write_png_to_func(sink, &bytes, width, height, 4, rgba.data(), width * 4))
    throw FileError("cannot encode PNG for '" + path + "'");
  out.commit(bytes);
}

}  // namespace cachescope::app
