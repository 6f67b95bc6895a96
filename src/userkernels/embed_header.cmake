# Writes the kernel header as a C++ raw string (build.cpp's kernelHeaderText).
file(READ ${IN} text)
string(FIND "${text}" ")csk_hdr\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string's delimiter")
endif()
file(WRITE ${OUT}.tmp "// Generated from src/userkernels/public/cachescope_kernel.hpp: do not edit.\n#pragma once\nnamespace cachescope::userkernels::detail {\ninline constexpr const char kEmbeddedHeader[] = R\"csk_hdr(${text})csk_hdr\";\n}\n")
file(RENAME ${OUT}.tmp ${OUT})
