# How cachescope finds its external packages. All come from Debian's packages
# (see third_party/README.md); nothing is vendored.

find_package(Threads REQUIRED)
find_package(TBB REQUIRED)                 # libtbb-dev: TBB::tbb
find_package(nlohmann_json 3 REQUIRED)     # nlohmann-json3-dev
find_package(CLI11 REQUIRED)               # libcli11-dev: CLI11::CLI11
find_package(PkgConfig REQUIRED)

# OpenBLAS: Debian installs the pthread flavour with a pkg-config file.
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
add_library(cachescope_blas INTERFACE)
target_link_libraries(cachescope_blas INTERFACE PkgConfig::OPENBLAS)

if(CACHESCOPE_TESTS)
  find_package(Catch2 2 REQUIRED)          # catch2 (v2, header-only)
  include(Catch)
endif()

# stb: header-only (libstb-dev): the GUI's F12 window screenshots, PNG
# decoding in tests, and required by Debian's imgui.
pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)

# cairo (libcairo2-dev): plot files as PNG and PDF, headless (src/plot).
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)

if(CACHESCOPE_GUI)
  find_package(glfw3 3.3 REQUIRED)         # libglfw3-dev
  find_package(OpenGL REQUIRED)
  pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)   # libimgui-dev 1.86
  # One INTERFACE target so the link order (imgui -> glfw/GL/stb) is right
  # under --as-needed: Debian's libimgui.a carries the GLFW and OpenGL3 backends.
  add_library(cachescope_gui_deps INTERFACE)
  target_include_directories(cachescope_gui_deps INTERFACE /usr/include/imgui/backends)
  target_compile_definitions(cachescope_gui_deps INTERFACE GL_GLEXT_PROTOTYPES GLFW_INCLUDE_GLCOREARB)
  target_link_libraries(cachescope_gui_deps INTERFACE PkgConfig::IMGUI glfw OpenGL::GL PkgConfig::STB ${CMAKE_DL_LIBS})
endif()
