// Checks a screenshot of the app and its frame-times file:
//   gui_image_check SHOT.png TIMES.csv VIEW THEME
// - the image is the window size and not blank (many colours);
// - the control column has its panel background down the left edge;
// - the view drew its plot: the expected series colours cover enough pixels;
// - the frame-times CSV has a header and positive, finite times.
// (Plot files need no display: tests/plot checks the PNG that cairo draws.)
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "image_check.hpp"

#include "plot/plot.hpp"

namespace {

using namespace image_check;

unsigned fromImGui(float r, float g, float b) {
  auto c = [](float v) { return unsigned(v * 255.0f + 0.5f); };
  return (c(r) << 16) | (c(g) << 8) | c(b);
}

int countColor(const Image& img, unsigned color, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = y0; y < y1 && y < img.h; ++y)
    for (int x = x0; x < x1 && x < img.w; ++x) n += near(img.rgb(x, y), color) ? 1 : 0;
  return n;
}

unsigned paletteRgb(std::size_t i) { return unsigned(cachescope::plot::paletteColor(i) >> 8); }

void checkFrameTimes(const std::string& path) {
  std::ifstream in(path);
  std::string header;
  expect(bool(std::getline(in, header)), "frame times file readable");
  expect(header.rfind("frame,ms", 0) == 0, "frame times header starts with frame,ms (got '" + header + "')");
  int rows = 0;
  bool sane = true;
  double worst = 0;
  for (std::string line; std::getline(in, line);) {
    std::stringstream ss(line);
    std::string frame, ms;
    std::getline(ss, frame, ',');
    std::getline(ss, ms, ',');
    double v = std::atof(ms.c_str());
    sane = sane && std::isfinite(v) && v > 0 && v < 60000;
    worst = std::max(worst, v);
    ++rows;
  }
  expect(rows >= 5, "at least 5 frames recorded (" + std::to_string(rows) + ")");
  expect(sane, "every frame time positive and finite (max " + std::to_string(worst) + " ms)");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: gui_image_check SHOT.png TIMES.csv VIEW THEME\n");
    return 2;
  }
  const std::string view = argv[3], theme = argv[4];
  Image img;
  if (!load(argv[1], img)) {
    std::printf("FAIL cannot read %s\n", argv[1]);
    return 1;
  }
  expect(img.w == 1600 && img.h == 900, "screenshot is 1600x900 (" + std::to_string(img.w) + "x" +
                                            std::to_string(img.h) + ")");
  std::set<unsigned> colours;
  for (int y = 0; y < img.h; y += 3)
    for (int x = 0; x < img.w; x += 3) colours.insert(img.rgb(x, y));
  expect(colours.size() > 60, "not blank: " + std::to_string(colours.size()) + " distinct colours");

  // Theme colours from theme.cpp: control column (MenuBarBg) and window.
  const bool light = theme == "light";
  const unsigned panel = light ? fromImGui(0.88f, 0.90f, 0.94f) : fromImGui(0.14f, 0.16f, 0.20f);
  const unsigned window = light ? fromImGui(0.97f, 0.97f, 0.98f) : fromImGui(0.09f, 0.10f, 0.12f);
  // The left edge, below the widgets and above the status bar.
  const int panelPx = countColor(img, panel, 0, 100, 6, 840);
  expect(panelPx > 6 * 700, "control column background down the left edge (" + std::to_string(panelPx) + " px)");
  const int windowPx = countColor(img, window, 300, 0, img.w, img.h);
  expect(windowPx > 100000, "view area on the window background (" + std::to_string(windowPx) + " px)");

  // The view's plots: series colours in the view area (right of the controls).
  const int x0 = 300;
  if (view == "timings") {
    const int bars = countColor(img, paletteRgb(0), x0, 0, img.w, img.h);
    expect(bars > 3000, "rate bars drawn in the first palette colour (" + std::to_string(bars) + " px)");
  } else if (view == "cache") {
    const int a = countColor(img, paletteRgb(0), x0, 0, img.w, img.h);
    const int b = countColor(img, paletteRgb(1), x0, 0, img.w, img.h);
    expect(a > 2000 && b > 2000, "hit-rate bars of two series (" + std::to_string(a) + ", " + std::to_string(b) + " px)");
  } else if (view == "roofline") {
    // The roof line (view_roofline.cpp: #333333, #e0e0e0 on dark) and the
    // kernels' points in palette colours.
    const int roof = countColor(img, light ? 0x333333 : 0xe0e0e0, x0, 0, img.w, img.h);
    int points = 0;
    for (std::size_t i = 0; i < 4; ++i) points += countColor(img, paletteRgb(i), x0, 0, img.w, img.h);
    expect(roof > 400, "roofline roof drawn (" + std::to_string(roof) + " px)");
    expect(points > 60, "kernel points drawn (" + std::to_string(points) + " px)");
  }
  checkFrameTimes(argv[2]);
  return failures ? 1 : 0;
}
