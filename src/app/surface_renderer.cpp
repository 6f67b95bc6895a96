#include "app/surface_renderer.hpp"

#include <GLFW/glfw3.h>  // with GL_GLEXT_PROTOTYPES + GLFW_INCLUDE_GLCOREARB (cachescope_gui_deps)

#include <algorithm>
#include <cmath>

#include "app/embedded_shaders.hpp"

namespace cachescope::app {

struct SurfaceRenderer::Item {
  const SurfaceRenderer* owner = nullptr;
  GLuint vao = 0, vbo = 0;
  GLsizei triangles = 0, lines = 0;  // vertex counts: triangles first, then lines
  ImVec2 pos, size;
  Mat4 matrix{};
  float rotate[9] = {};
};

namespace {

struct Vertex {
  float x, y, z;
  float r, g, b, a;
};

// Model -> view rotation (row-major 3x3): pitch about x after yaw about y.
void rotation(const SurfaceCamera& c, float r[9]) {
  const float cy = std::cos(c.yaw), sy = std::sin(c.yaw), cp = std::cos(c.pitch), sp = std::sin(c.pitch);
  // Ry(yaw) then Rx(pitch): rows of Rx * Ry.
  const float m[9] = {cy, 0, sy, sp * sy, cp, -sp * cy, -cp * sy, sp, cp * cy};
  std::copy(m, m + 9, r);
}

std::string programLog(GLuint p) {
  GLint len = 0;
  glGetProgramiv(p, GL_INFO_LOG_LENGTH, &len);
  std::string log(std::size_t(std::max(len, 1)), '\0');
  glGetProgramInfoLog(p, len, nullptr, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log;
}

GLuint compile(GLenum type, const char* name, std::string& error) {
  const char* text = embeddedShader(name);
  if (!text) {
    error = std::string("shader ") + name + " is not embedded in this build";
    return 0;
  }
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &text, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    GLint len = 0;
    glGetShaderiv(s, GL_INFO_LOG_LENGTH, &len);
    std::string log(std::size_t(std::max(len, 1)), '\0');
    glGetShaderInfoLog(s, len, nullptr, log.data());
    error = std::string("shader ") + name + " does not compile: " + log.c_str();
    glDeleteShader(s);
    return 0;
  }
  return s;
}

}  // namespace

void SurfaceCamera::drag(float dx, float dy) {
  yaw += dx * 0.01f;
  pitch = std::clamp(pitch + dy * 0.01f, 0.05f, 1.5f);
}

Mat4 surfaceMatrix(const SurfaceCamera& camera, ImVec2 size, ImVec2 margin) {
  float r[9];
  rotation(camera, r);
  // Extent of the box's corners after the rotation (the box centred on y).
  float lo[2] = {1e9f, 1e9f}, hi[2] = {-1e9f, -1e9f};
  for (int i = 0; i < 8; ++i) {
    const float x = (i & 1) ? 1.f : -1.f, y = (i & 2) ? 0.5f : -0.5f, z = (i & 4) ? 1.f : -1.f;
    for (int k = 0; k < 2; ++k) {
      const float v = r[3 * k] * x + r[3 * k + 1] * y + r[3 * k + 2] * z;
      lo[k] = std::min(lo[k], v);
      hi[k] = std::max(hi[k], v);
    }
  }
  const float hw = std::max(1.f, size.x * 0.5f), hh = std::max(1.f, size.y * 0.5f);
  const float s = std::max(1e-3f, std::min((hw - margin.x) / (0.5f * (hi[0] - lo[0])), (hh - margin.y) / (0.5f * (hi[1] - lo[1]))));
  const float cx = 0.5f * (lo[0] + hi[0]), cy = 0.5f * (lo[1] + hi[1]);
  const float kx = s / hw, ky = s / hh, kz = -0.4f;
  // clip = K * (R * (p - (0, 0.5, 0)) - (cx, cy, 0)), column-major.
  Mat4 m{};
  for (int col = 0; col < 3; ++col) {
    m[col * 4 + 0] = kx * r[col];
    m[col * 4 + 1] = ky * r[3 + col];
    m[col * 4 + 2] = kz * r[6 + col];
  }
  m[12] = kx * (-0.5f * r[1] - cx);
  m[13] = ky * (-0.5f * r[4] - cy);
  m[14] = kz * (-0.5f * r[7]);
  m[15] = 1;
  return m;
}

ImVec2 projectPoint(const Mat4& m, ImVec2 pos, ImVec2 size, float x, float y, float z) {
  const float cx = m[0] * x + m[4] * y + m[8] * z + m[12];
  const float cy = m[1] * x + m[5] * y + m[9] * z + m[13];
  return ImVec2(pos.x + (cx * 0.5f + 0.5f) * size.x, pos.y + (0.5f - cy * 0.5f) * size.y);
}

SurfaceRenderer::SurfaceRenderer() {
  GLuint vs = compile(GL_VERTEX_SHADER, "surface.vert", error_);
  GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, "surface.frag", error_) : 0;
  if (!vs || !fs) {
    if (vs) glDeleteShader(vs);
    return;
  }
  GLuint p = glCreateProgram();
  glAttachShader(p, vs);
  glAttachShader(p, fs);
  glLinkProgram(p);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(p, GL_LINK_STATUS, &ok);
  if (!ok) {
    error_ = "surface shaders do not link: " + programLog(p);
    glDeleteProgram(p);
    return;
  }
  program_ = p;
  uMvp_ = glGetUniformLocation(p, "uMvp");
  uRotate_ = glGetUniformLocation(p, "uRotate");
  uLit_ = glGetUniformLocation(p, "uLit");
}

SurfaceRenderer::~SurfaceRenderer() {
  for (const auto& item : items_) {
    if (item->vbo) glDeleteBuffers(1, &item->vbo);
    if (item->vao) glDeleteVertexArrays(1, &item->vao);
  }
  if (program_) glDeleteProgram(program_);
}

bool SurfaceRenderer::draw(ImDrawList* list, ImVec2 pos, ImVec2 size, const SurfaceMesh& mesh, const Mat4& matrix,
                           const SurfaceCamera& camera) {
  if (!program_ || mesh.nx < 2 || mesh.nz < 2 || mesh.heights.size() != std::size_t(mesh.nx) * mesh.nz ||
      mesh.colors.size() != mesh.heights.size())
    return false;
  if (used_ == items_.size()) items_.push_back(std::make_unique<Item>());
  Item& item = *items_[used_++];
  item.owner = this;
  item.pos = pos;
  item.size = size;
  item.matrix = matrix;
  rotation(camera, item.rotate);

  auto at = [&](int ix, int iz, const ImVec4& c) {
    const float x = -1.f + 2.f * float(ix) / float(mesh.nx - 1), z = -1.f + 2.f * float(iz) / float(mesh.nz - 1);
    return Vertex{x, mesh.heights[std::size_t(iz) * mesh.nx + ix], z, c.x, c.y, c.z, c.w};
  };
  auto color = [&](int ix, int iz) { return mesh.colors[std::size_t(iz) * mesh.nx + ix]; };
  std::vector<Vertex> v;
  v.reserve(std::size_t(mesh.nx) * mesh.nz * 10);
  for (int iz = 0; iz + 1 < mesh.nz; ++iz)
    for (int ix = 0; ix + 1 < mesh.nx; ++ix) {
      const Vertex a = at(ix, iz, color(ix, iz)), b = at(ix + 1, iz, color(ix + 1, iz)),
                   c = at(ix + 1, iz + 1, color(ix + 1, iz + 1)), d = at(ix, iz + 1, color(ix, iz + 1));
      v.insert(v.end(), {a, b, c, a, c, d});
    }
  item.triangles = GLsizei(v.size());
  const ImVec4 lc = mesh.lineColor, bc = mesh.boxColor;
  for (int iz = 0; iz < mesh.nz; ++iz)
    for (int ix = 0; ix + 1 < mesh.nx; ++ix) v.insert(v.end(), {at(ix, iz, lc), at(ix + 1, iz, lc)});
  for (int ix = 0; ix < mesh.nx; ++ix)
    for (int iz = 0; iz + 1 < mesh.nz; ++iz) v.insert(v.end(), {at(ix, iz, lc), at(ix, iz + 1, lc)});
  // The floor's rectangle and the four vertical edges of the box.
  const float xs[4] = {-1, 1, 1, -1}, zs[4] = {-1, -1, 1, 1};
  for (int i = 0; i < 4; ++i) {
    const int j = (i + 1) % 4;
    v.push_back({xs[i], 0, zs[i], bc.x, bc.y, bc.z, bc.w});
    v.push_back({xs[j], 0, zs[j], bc.x, bc.y, bc.z, bc.w});
    v.push_back({xs[i], 0, zs[i], bc.x, bc.y, bc.z, bc.w * 0.5f});
    v.push_back({xs[i], 1, zs[i], bc.x, bc.y, bc.z, bc.w * 0.5f});
  }
  item.lines = GLsizei(v.size()) - item.triangles;

  GLint lastVao = 0, lastBuffer = 0;
  glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &lastVao);
  glGetIntegerv(GL_ARRAY_BUFFER_BINDING, &lastBuffer);
  if (!item.vao) {
    glGenVertexArrays(1, &item.vao);
    glGenBuffers(1, &item.vbo);
    glBindVertexArray(item.vao);
    glBindBuffer(GL_ARRAY_BUFFER, item.vbo);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, sizeof(Vertex), reinterpret_cast<void*>(0));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, sizeof(Vertex), reinterpret_cast<void*>(3 * sizeof(float)));
  } else {
    glBindVertexArray(item.vao);
    glBindBuffer(GL_ARRAY_BUFFER, item.vbo);
  }
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(v.size() * sizeof(Vertex)), v.data(), GL_DYNAMIC_DRAW);
  glBindVertexArray(GLuint(lastVao));
  glBindBuffer(GL_ARRAY_BUFFER, GLuint(lastBuffer));

  list->AddCallback(&SurfaceRenderer::callback, &item);
  list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
  return true;
}

void SurfaceRenderer::callback(const ImDrawList*, const ImDrawCmd* cmd) {
  const Item& item = *static_cast<const Item*>(cmd->UserCallbackData);
  item.owner->render(item, cmd->ClipRect);
}

void SurfaceRenderer::render(const Item& item, const ImVec4& clip) const {
  const ImDrawData* dd = ImGui::GetDrawData();
  if (!dd) return;
  const ImVec2 origin = dd->DisplayPos, scale = dd->FramebufferScale;
  const float fbH = dd->DisplaySize.y * scale.y;
  const float x0 = (item.pos.x - origin.x) * scale.x, y0 = (item.pos.y - origin.y) * scale.y;
  const float w = item.size.x * scale.x, h = item.size.y * scale.y;
  // The scissor: the clip rectangle within the item's own.
  const float cx0 = std::max(x0, (clip.x - origin.x) * scale.x), cy0 = std::max(y0, (clip.y - origin.y) * scale.y);
  const float cx1 = std::min(x0 + w, (clip.z - origin.x) * scale.x), cy1 = std::min(y0 + h, (clip.w - origin.y) * scale.y);
  if (cx1 <= cx0 || cy1 <= cy0) return;
  glViewport(GLint(x0), GLint(fbH - (y0 + h)), GLsizei(w), GLsizei(h));
  glEnable(GL_SCISSOR_TEST);
  glScissor(GLint(cx0), GLint(fbH - cy1), GLsizei(cx1 - cx0), GLsizei(cy1 - cy0));
  glEnable(GL_DEPTH_TEST);
  glDepthFunc(GL_LEQUAL);
  glDepthMask(GL_TRUE);
  glClearDepth(1.0);
  glClear(GL_DEPTH_BUFFER_BIT);  // inside the scissor only
  glEnable(GL_BLEND);
  glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);

  glUseProgram(program_);
  glUniformMatrix4fv(uMvp_, 1, GL_FALSE, item.matrix.data());
  glUniformMatrix3fv(uRotate_, 1, GL_TRUE, item.rotate);  // row-major
  glBindVertexArray(item.vao);
  // The surface pushed back a little so its grid lines win the depth test.
  glEnable(GL_POLYGON_OFFSET_FILL);
  glPolygonOffset(1.f, 1.f);
  glUniform1i(uLit_, 1);
  glDrawArrays(GL_TRIANGLES, 0, item.triangles);
  glDisable(GL_POLYGON_OFFSET_FILL);
  glUniform1i(uLit_, 0);
  glDrawArrays(GL_LINES, item.triangles, item.lines);
  glDisable(GL_DEPTH_TEST);
  // ImGui_ImplOpenGL3 restores its own state on the ResetRenderState
  // callback queued after this one (program, VAO, blending, viewport).
}

}  // namespace cachescope::app
