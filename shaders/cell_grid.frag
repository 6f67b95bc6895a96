// A matrix as a grid of cells. Per cell (one texel of uCells, RGBA8):
//   rgb  its fill: exactly the colour of the level that served its last
//        access (L1, L2, L3, memory; grey if never touched). The view
//        computes it per frame: a per-pixel palette lookup costs a software
//        rasterizer (Xvfb) milliseconds.
//   a    flags: 1 its cache line is in L1, 2 the access being shown, 4 a
//        fresh touch (its centre, or the whole cell when cells are small, in
//        the glow colour: a legend colour, never a blend), 8 / 16 / 32 / 64
//        the cell to the left / right / above / below is in L1 too.
// The L1 outline runs around the union of the cells in L1 (an edge only
// where the neighbour is not in L1), so large resident regions read as one
// outlined area, not as rings merged into dark blocks. Outlines and grid
// lines are sized from the cell size in pixels so the grid reads the same
// from 16 to 128 cells.
#version 330 core

in vec2 vUv;
out vec4 fragColor;

uniform sampler2D uCells;
uniform ivec2 uGrid;       // columns, rows
uniform vec2 uCellPx;      // cell size in framebuffer pixels
uniform vec4 uResident;    // outline: line in L1
uniform vec4 uGlow;        // a fresh touch
uniform vec4 uCurrent;     // frame of the access being shown
uniform vec4 uGap;         // grid lines between cells

void main() {
  vec2 g = vUv * vec2(uGrid);
  ivec2 cell = clamp(ivec2(floor(g)), ivec2(0), uGrid - 1);
  vec4 d = texelFetch(uCells, cell, 0);
  int flags = int(d.a * 255.0 + 0.5);
  vec3 c = d.rgb;

  // Distance to the cell's nearest edge, and to the nearest edge of the L1
  // region (edges towards a neighbour in L1 do not count), in pixels.
  vec2 f = fract(g) * uCellPx;
  float edge = min(min(f.x, f.y), min(uCellPx.x - f.x, uCellPx.y - f.y));
  float left = (flags & 8) != 0 ? 1e6 : f.x;
  float right = (flags & 16) != 0 ? 1e6 : uCellPx.x - f.x;
  float up = (flags & 32) != 0 ? 1e6 : f.y;
  float down = (flags & 64) != 0 ? 1e6 : uCellPx.y - f.y;
  float regionEdge = min(min(up, down), min(left, right));
  float cellPx = min(uCellPx.x, uCellPx.y);
  bool gaps = cellPx >= 6.0;  // below, a 1-pixel gap would eat a quarter of the colour
  float gap = gaps ? 1.0 : 0.0;
  float ring = max(1.0, floor(cellPx * 0.2));
  bool centre = cellPx < 6.0 || edge >= cellPx * 0.3;
  if ((flags & 2) != 0 && edge < gap + max(ring, 1.5) * 1.5) c = uCurrent.rgb;
  else if ((flags & 1) != 0 && regionEdge < gap + ring) c = uResident.rgb;
  else if ((flags & 4) != 0 && centre) c = uGlow.rgb;
  else if (gaps && edge < gap) c = uGap.rgb;
  fragColor = vec4(c, 1.0);
}
