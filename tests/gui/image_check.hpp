// Shared by the screenshot checkers: a PNG loaded as RGBA, colour
// comparison with a tolerance, and an ok/FAIL line per expectation (the
// process exits non-zero when any failed).
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <stb_image.h>

namespace image_check {

inline int failures = 0;

inline void expect(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> px;
  unsigned rgb(int x, int y) const {  // 0xRRGGBB
    const unsigned char* p = &px[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 4];
    return (unsigned(p[0]) << 16) | (unsigned(p[1]) << 8) | p[2];
  }
};

inline bool load(const std::string& path, Image& img) {
  int n = 0;
  unsigned char* data = stbi_load(path.c_str(), &img.w, &img.h, &n, 4);
  if (!data) return false;
  img.px.assign(data, data + std::size_t(img.w) * std::size_t(img.h) * 4);
  stbi_image_free(data);
  return true;
}

// Every channel within `tol` of the other colour's.
inline bool near(unsigned a, unsigned b, int tol = 3) {
  for (int s = 0; s < 24; s += 8)
    if (std::abs(int((a >> s) & 0xff) - int((b >> s) & 0xff)) > tol) return false;
  return true;
}

}  // namespace image_check
