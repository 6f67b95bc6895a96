# Turns the GLSL files named in SHADERS (paths separated by |) into OUT, a C++
# source defining cachescope::app::embeddedShader(name): the shaders are part
# of the binary, so the app needs no files at run time.
#   cmake -DSHADERS=a.vert|b.frag -DOUT=embedded_shaders.cpp -P embed_shaders.cmake
string(REPLACE "|" ";" SHADERS "${SHADERS}")
set(body "")
set(table "")
set(index 0)
foreach(path IN LISTS SHADERS)
  get_filename_component(name ${path} NAME)
  file(READ ${path} text)
  # Raw string literal with a delimiter GLSL never contains.
  string(APPEND body "const char kShader${index}[] = R\"glsl_src(${text})glsl_src\";\n")
  string(APPEND table "    {\"${name}\", kShader${index}},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from shaders/ by shaders/embed_shaders.cmake: do not edit.
#include <cstring>

namespace cachescope::app {

namespace {
${body}
struct Entry {
  const char* name;
  const char* text;
};
const Entry kEntries[] = {
${table}};
}  // namespace

const char* embeddedShader(const char* name) {
  for (const Entry& e : kEntries)
    if (std::strcmp(e.name, name) == 0) return e.text;
  return nullptr;
}

}  // namespace cachescope::app
")
# Only touch OUT when it changed, so an unrelated rebuild recompiles nothing.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
file(REMOVE ${OUT}.tmp)
