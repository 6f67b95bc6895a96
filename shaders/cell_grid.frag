// A matrix as a grid of cells. Per cell (one texel of uCells, RGBA8):
//   r  glow: 1 = touched just now, fading to 0
//   g  what served its last access: 0 never touched, 1 L1, 2 L2, 3 L3, 4 memory
//   b  flags: 1 its cache line is in L1, 2 the access being shown, 4 line in L2,
//      8 / 16 the cell to the left / right holds the same cache line (the
//      L1 outline then runs around the whole line, not each element)
// Everything else (outline widths, gaps) is derived from the cell size in
// pixels so the grid reads the same from 16 to 128 cells.
#version 330 core

in vec2 vUv;
out vec4 fragColor;

uniform sampler2D uCells;
uniform ivec2 uGrid;       // columns, rows
uniform vec2 uCellPx;      // cell size in framebuffer pixels
uniform vec4 uUntouched;
uniform vec4 uLevel[4];    // L1, L2, L3, memory
uniform vec4 uGlow;        // colour a fresh touch brightens towards
uniform vec4 uResident;    // outline: line in L1
uniform vec4 uResident2;   // outline: line in L2 (inner ring)
uniform vec4 uCurrent;     // frame of the access being shown
uniform vec4 uGap;         // grid lines between cells

void main() {
  vec2 g = vUv * vec2(uGrid);
  ivec2 cell = clamp(ivec2(floor(g)), ivec2(0), uGrid - 1);
  vec4 d = texelFetch(uCells, ivec2(cell.x, cell.y), 0);
  int level = int(d.g * 255.0 + 0.5);
  int flags = int(d.b * 255.0 + 0.5);
  float glow = d.r;

  vec4 c = level == 0 ? uUntouched : uLevel[min(level, 4) - 1];
  c = mix(c, uGlow, glow * 0.75);

  // Distance to the cell's nearest edge, and to the nearest edge of its
  // cache line (left and right edges only where the line ends), in pixels.
  vec2 f = fract(g) * uCellPx;
  float edge = min(min(f.x, f.y), min(uCellPx.x - f.x, uCellPx.y - f.y));
  float left = (flags & 8) != 0 ? 1e6 : f.x;
  float right = (flags & 16) != 0 ? 1e6 : uCellPx.x - f.x;
  float lineEdge = min(min(f.y, uCellPx.y - f.y), min(left, right));
  float cellPx = min(uCellPx.x, uCellPx.y);
  bool gaps = cellPx >= 6.0;  // below, a 1-pixel gap would eat a quarter of the colour
  float gap = gaps ? 1.0 : 0.0;
  float ring = max(1.0, floor(cellPx * 0.2));
  if ((flags & 2) != 0 && edge < gap + max(ring, 1.5) * 1.5) c = uCurrent;
  else if ((flags & 1) != 0 && lineEdge >= gap && lineEdge < gap + ring) c = uResident;
  else if ((flags & 4) != 0 && cellPx >= 9.0 && lineEdge >= gap + ring && lineEdge < gap + 2.0 * ring) c = uResident2;
  else if (gaps && edge < gap) c = uGap;
  fragColor = vec4(c.rgb, 1.0);
}
