// Shades the mountain: the vertex colour (the level the working set fits in,
// brighter with height) lit by one directional light from the viewer's upper
// left, the normal taken from the screen-space derivatives of the model
// position (no normals uploaded). uLit = 0 draws flat colour (grid lines,
// the axis box).
#version 330 core

in vec3 vModel;
in vec4 vColor;
out vec4 fragColor;

uniform mat3 uRotate;  // model -> view rotation, to light in view space
uniform int uLit;

void main() {
  if (uLit == 0) {
    fragColor = vColor;
    return;
  }
  vec3 n = normalize(cross(dFdx(vModel), dFdy(vModel)));
  vec3 nv = uRotate * n;
  if (nv.z < 0.0) nv = -nv;  // both faces lit alike (seen from below when tilted)
  vec3 light = normalize(vec3(-0.4, 0.6, 0.7));
  float diffuse = max(dot(nv, light), 0.0);
  fragColor = vec4(vColor.rgb * (0.45 + 0.55 * diffuse), vColor.a);
}
