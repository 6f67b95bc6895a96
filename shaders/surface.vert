// The memory mountain's surface (src/app/surface_renderer.cpp): vertices in
// model space (x: log working set, z: stride, y: height, each in [-1, 1] or
// [0, 1]) with a colour each; uMvp is the rotation and orthographic fit the
// renderer computes on the CPU (the same matrix places the axis labels).
#version 330 core

layout(location = 0) in vec3 aPos;
layout(location = 1) in vec4 aColor;

uniform mat4 uMvp;

out vec3 vModel;
out vec4 vColor;

void main() {
  vModel = aPos;
  vColor = aColor;
  gl_Position = uMvp * vec4(aPos, 1.0);
}
