// Draws a height field (the memory mountain) as a lit 3D surface with our
// own shaders (shaders/surface.*), inside ImGui windows: draw() uploads the
// mesh to a vertex buffer and queues an ImDrawList callback that renders it
// into the item's rectangle when ImGui's draw data is rendered, clipped like
// any other widget, with its own depth test.
//
// The camera is a rotation (yaw about the vertical axis, pitch) and an
// orthographic fit of the unit box into the rectangle; project() applies
// the same matrix on the CPU, so the view draws axis ticks and labels with
// ImGui at the projected positions.
//
// Must be created with the GL context current. A shader that does not
// compile or link leaves error() set and draw() returning false: the view
// shows the heatmap instead.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include <imgui.h>

namespace cachescope::app {

// A grid of heights over (x, z): heights[iz * nx + ix] in [0, 1], colours
// per vertex (RGBA, 0..1). Model space: x and z from -1 to 1, y = height.
struct SurfaceMesh {
  int nx = 0, nz = 0;
  std::vector<float> heights;
  std::vector<ImVec4> colors;
  ImVec4 lineColor{0, 0, 0, 0.6f};  // the mesh's grid lines
  ImVec4 boxColor{0.5f, 0.5f, 0.5f, 1};  // the floor and the back walls' edges
};

struct SurfaceCamera {
  float yaw = -0.6f;    // radians about the vertical axis
  float pitch = 0.45f;  // radians, positive looks down on the surface
  // The rotation a mouse drag of (dx, dy) pixels makes (pitch kept within
  // a view from the side to one from above).
  void drag(float dx, float dy);
};

// Column-major 4x4 (GL's layout).
using Mat4 = std::array<float, 16>;

// The model -> clip matrix for a `size` rectangle: rotation, then an
// orthographic scale that fits the box [-1,1] x [0,1] x [-1,1] (with
// margins of margin.x pixels left and right, margin.y above and below, for
// the labels).
Mat4 surfaceMatrix(const SurfaceCamera& camera, ImVec2 size, ImVec2 margin);

// Screen position of model point (x, y, z) in the rectangle at `pos`.
ImVec2 projectPoint(const Mat4& m, ImVec2 pos, ImVec2 size, float x, float y, float z);

class SurfaceRenderer {
 public:
  SurfaceRenderer();
  ~SurfaceRenderer();
  SurfaceRenderer(const SurfaceRenderer&) = delete;
  SurfaceRenderer& operator=(const SurfaceRenderer&) = delete;

  const std::string& error() const { return error_; }
  void beginFrame() { used_ = 0; }

  // Queues the mesh into `list` at [pos, pos + size) (screen coordinates)
  // seen through `matrix`. False when the shaders failed.
  bool draw(ImDrawList* list, ImVec2 pos, ImVec2 size, const SurfaceMesh& mesh, const Mat4& matrix,
            const SurfaceCamera& camera);

 private:
  struct Item;
  static void callback(const ImDrawList* list, const ImDrawCmd* cmd);
  void render(const Item& item, const ImVec4& clip) const;

  std::string error_;
  unsigned program_ = 0;
  int uMvp_ = -1, uRotate_ = -1, uLit_ = -1;
  std::vector<std::unique_ptr<Item>> items_;  // one VAO/VBO each, reused frame to frame
  std::size_t used_ = 0;
};

}  // namespace cachescope::app
