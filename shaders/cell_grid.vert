// One quad covering the viewport the renderer set to the grid's rectangle;
// no vertex buffer (gl_VertexID), so the grid needs no geometry upload.
#version 330 core

out vec2 vUv;  // (0, 0) top-left of the grid, (1, 1) bottom-right

void main() {
  vec2 p = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vUv = vec2(p.x, 1.0 - p.y);
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
