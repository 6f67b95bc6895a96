// Draws matrices as cell grids with our own shaders (shaders/cell_grid.*),
// inside ImGui windows: draw() uploads the cells to a texture and queues an
// ImDrawList callback that renders the grid when ImGui's draw data is
// rendered, clipped like any other widget.
//
// Must be created with the GL context current. A shader that does not
// compile or link leaves error() set and draw() returning false: the view
// shows the message instead of an abort.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <imgui.h>

namespace cachescope::app {

// Colours of a grid. The fills (levels, untouched) are chosen per cell by
// the caller into CellTexel; the outlines and the glow of a fresh touch are
// drawn by the shader from the flags. Every colour on a grid is one of these.
struct GridPalette {
  ImVec4 untouched, glow, resident, current, gap;
  std::array<ImVec4, 4> level;  // L1, L2, L3, memory
};

// Per-cell texel of the grid texture (see shaders/cell_grid.frag).
struct CellTexel {
  std::uint8_t r = 0, g = 0, b = 0, flags = 0;
};
// Flags: in L1, the access shown, a fresh touch, and which neighbours
// (left, right, above, below) are in L1 too (the outline runs around them).
inline constexpr std::uint8_t kCellInL1 = 1, kCellCurrent = 2, kCellFresh = 4, kCellL1Left = 8, kCellL1Right = 16,
                              kCellL1Up = 32, kCellL1Down = 64;

class CellGridRenderer {
 public:
  CellGridRenderer();
  ~CellGridRenderer();
  CellGridRenderer(const CellGridRenderer&) = delete;
  CellGridRenderer& operator=(const CellGridRenderer&) = delete;

  const std::string& error() const { return error_; }

  // Call once per frame before the first draw(): textures of the previous
  // frame may be reused (its draw data has been rendered).
  void beginFrame() { used_ = 0; }

  // Queues `cols` x `rows` cells (row-major, top row first) into `list` at
  // [pos, pos + size) in screen coordinates. False when the shaders failed.
  bool draw(ImDrawList* list, ImVec2 pos, ImVec2 size, int cols, int rows, const CellTexel* cells,
            const GridPalette& palette);

 private:
  struct Item;
  static void callback(const ImDrawList* list, const ImDrawCmd* cmd);
  void render(const Item& item, const ImVec4& clip) const;

  std::string error_;
  unsigned program_ = 0, vao_ = 0;
  int uCells_ = -1, uGrid_ = -1, uCellPx_ = -1, uResident_ = -1, uGlow_ = -1, uCurrent_ = -1, uGap_ = -1;
  std::vector<std::unique_ptr<Item>> items_;  // one texture each, reused frame to frame
  std::size_t used_ = 0;
};

}  // namespace cachescope::app
