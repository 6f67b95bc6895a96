#include "app/cell_grid_renderer.hpp"

#include <GLFW/glfw3.h>  // with GL_GLEXT_PROTOTYPES + GLFW_INCLUDE_GLCOREARB (cachescope_gui_deps)

#include "app/embedded_shaders.hpp"

namespace cachescope::app {

struct CellGridRenderer::Item {
  const CellGridRenderer* owner = nullptr;
  GLuint texture = 0;
  int texW = 0, texH = 0;  // allocated size
  int cols = 0, rows = 0;
  ImVec2 pos, size;
  GridPalette palette;
};

namespace {

std::string shaderLog(GLuint shader) {
  GLint len = 0;
  glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &len);
  std::string log(std::size_t(std::max(len, 1)), '\0');
  glGetShaderInfoLog(shader, len, nullptr, log.data());
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
    error = std::string("shader ") + name + " does not compile: " + shaderLog(s);
    glDeleteShader(s);
    return 0;
  }
  return s;
}

void setColor(GLint location, const ImVec4& c) { glUniform4f(location, c.x, c.y, c.z, c.w); }

}  // namespace

CellGridRenderer::CellGridRenderer() {
  GLuint vs = compile(GL_VERTEX_SHADER, "cell_grid.vert", error_);
  GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, "cell_grid.frag", error_) : 0;
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
    GLint len = 0;
    glGetProgramiv(p, GL_INFO_LOG_LENGTH, &len);
    std::string log(std::size_t(std::max(len, 1)), '\0');
    glGetProgramInfoLog(p, len, nullptr, log.data());
    error_ = "cell grid shaders do not link: " + log;
    glDeleteProgram(p);
    return;
  }
  program_ = p;
  uCells_ = glGetUniformLocation(p, "uCells");
  uGrid_ = glGetUniformLocation(p, "uGrid");
  uCellPx_ = glGetUniformLocation(p, "uCellPx");
  uResident_ = glGetUniformLocation(p, "uResident");
  uGlow_ = glGetUniformLocation(p, "uGlow");
  uCurrent_ = glGetUniformLocation(p, "uCurrent");
  uGap_ = glGetUniformLocation(p, "uGap");
  // Core profile: drawing needs a vertex array object even without attributes.
  glGenVertexArrays(1, &vao_);
}

CellGridRenderer::~CellGridRenderer() {
  for (const auto& item : items_)
    if (item->texture) glDeleteTextures(1, &item->texture);
  if (vao_) glDeleteVertexArrays(1, &vao_);
  if (program_) glDeleteProgram(program_);
}

bool CellGridRenderer::draw(ImDrawList* list, ImVec2 pos, ImVec2 size, int cols, int rows, const CellTexel* cells,
                            const GridPalette& palette) {
  if (!program_ || cols <= 0 || rows <= 0) return false;
  if (used_ == items_.size()) items_.push_back(std::make_unique<Item>());
  Item& item = *items_[used_++];
  item.owner = this;
  item.cols = cols;
  item.rows = rows;
  item.pos = pos;
  item.size = size;
  item.palette = palette;

  GLint lastTexture = 0, lastUnpack = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &lastTexture);
  glGetIntegerv(GL_UNPACK_ALIGNMENT, &lastUnpack);
  if (!item.texture) glGenTextures(1, &item.texture);
  glBindTexture(GL_TEXTURE_2D, item.texture);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  if (item.texW != cols || item.texH != rows) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, cols, rows, 0, GL_RGBA, GL_UNSIGNED_BYTE, cells);
    item.texW = cols;
    item.texH = rows;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, cols, rows, GL_RGBA, GL_UNSIGNED_BYTE, cells);
  }
  glBindTexture(GL_TEXTURE_2D, GLuint(lastTexture));
  glPixelStorei(GL_UNPACK_ALIGNMENT, lastUnpack);

  list->AddCallback(&CellGridRenderer::callback, &item);
  list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
  return true;
}

void CellGridRenderer::callback(const ImDrawList*, const ImDrawCmd* cmd) {
  const Item& item = *static_cast<const Item*>(cmd->UserCallbackData);
  item.owner->render(item, cmd->ClipRect);
}

void CellGridRenderer::render(const Item& item, const ImVec4& clip) const {
  const ImDrawData* dd = ImGui::GetDrawData();
  if (!dd) return;
  const ImVec2 origin = dd->DisplayPos, scale = dd->FramebufferScale;
  const float fbH = dd->DisplaySize.y * scale.y;
  const float x0 = (item.pos.x - origin.x) * scale.x, y0 = (item.pos.y - origin.y) * scale.y;
  const float w = item.size.x * scale.x, h = item.size.y * scale.y;
  glViewport(GLint(x0), GLint(fbH - (y0 + h)), GLsizei(w), GLsizei(h));
  const float cx0 = (clip.x - origin.x) * scale.x, cy0 = (clip.y - origin.y) * scale.y;
  const float cx1 = (clip.z - origin.x) * scale.x, cy1 = (clip.w - origin.y) * scale.y;
  if (cx1 <= cx0 || cy1 <= cy0) return;
  glEnable(GL_SCISSOR_TEST);
  glScissor(GLint(cx0), GLint(fbH - cy1), GLsizei(cx1 - cx0), GLsizei(cy1 - cy0));
  glDisable(GL_BLEND);

  glUseProgram(program_);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, item.texture);
  glUniform1i(uCells_, 0);
  glUniform2i(uGrid_, item.cols, item.rows);
  glUniform2f(uCellPx_, w / float(item.cols), h / float(item.rows));
  const GridPalette& p = item.palette;
  setColor(uResident_, p.resident);
  setColor(uGlow_, p.glow);
  setColor(uCurrent_, p.current);
  setColor(uGap_, p.gap);
  glBindVertexArray(vao_);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  // ImGui_ImplOpenGL3 restores its own state on the ResetRenderState
  // callback queued after this one (program, VAO, blending, viewport).
}

}  // namespace cachescope::app
