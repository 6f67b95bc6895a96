// Plot files drawn with cairo, headless: the PNG decoded with stb and its
// pixels compared with where the layout puts each thing; the PDF's header
// and page size; determinism; and exportPlot's choice of format, its size,
// and its all-or-nothing files.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>

#include "plot/cairo_render.hpp"
#include "plot/export.hpp"
#include "plot/layout.hpp"

using namespace cachescope::plot;
namespace fs = std::filesystem;

namespace {

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> px;  // RGB
  unsigned rgb(float x, float y) const {  // 0xRRGGBB of the pixel that contains (x, y)
    const int ix = int(x), iy = int(y);
    REQUIRE((ix >= 0 && ix < w && iy >= 0 && iy < h));
    const unsigned char* p = &px[(std::size_t(iy) * std::size_t(w) + std::size_t(ix)) * 3];
    return (unsigned(p[0]) << 16) | (unsigned(p[1]) << 8) | p[2];
  }
};

Image decode(const std::string& png) {
  Image img;
  int channels = 0;
  unsigned char* data = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(png.data()), int(png.size()),
                                              &img.w, &img.h, &channels, 3);
  REQUIRE(data);
  img.px.assign(data, data + std::size_t(img.w) * std::size_t(img.h) * 3);
  stbi_image_free(data);
  return img;
}

unsigned rgbOf(Color c) { return unsigned(c >> 8); }

// Antialiased edges aside, a filled shape is its colour exactly; allow a
// little for rounding in the compositing.
bool near(unsigned a, unsigned b, int tolerance = 6) {
  for (int shift : {0, 8, 16})
    if (std::abs(int((a >> shift) & 0xFF) - int((b >> shift) & 0xFF)) > tolerance) return false;
  return true;
}

std::string hex(unsigned c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%06x", c);
  return buf;
}

Plot barPlot() {
  Plot p;
  p.title = "Speed of each kernel (GFLOP/s, higher is better)";
  p.x.label = "kernel";
  p.y.label = "GFLOP/s";
  p.x.categories = {"naive", "blocked", "simd"};
  Series s;
  s.name = "GFLOP/s";
  s.kind = SeriesKind::Bars;
  const double heights[] = {3, 9, 5};
  for (int i = 0; i < 3; ++i) s.points.push_back({double(i), heights[i], 0, 0, p.x.categories[std::size_t(i)]});
  p.series.push_back(s);
  return p;
}

Plot linePlot() {
  Plot p;
  p.title = "GFLOP/s against n";
  p.x.label = "n";
  p.y.label = "GFLOP/s";
  p.x.scale = Scale::Log2;
  for (int k = 0; k < 2; ++k) {
    Series s;
    s.name = k == 0 ? "matmul.naive" : "matmul.blocked";
    s.kind = SeriesKind::Line;
    for (double n : {64.0, 128.0, 256.0, 512.0}) s.points.push_back({n, k == 0 ? 2.0 + n / 256 : 10.0 - n / 128, 0, 0, ""});
    p.series.push_back(s);
  }
  p.markers.push_back({200, "L1 full", std::nullopt});
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("cachescope-plot-export-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("PNG bars: default size, white page, each bar's colour where the layout puts it", "[plot][cairo]") {
  const Plot plot = barPlot();
  const Image img = decode(renderPlot(plot, FileFormat::Png));
  REQUIRE(img.w == kExportWidth);
  REQUIRE(img.h == kExportHeight);
  CHECK(img.rgb(2, 2) == 0xffffff);
  CHECK(img.rgb(float(img.w - 3), float(img.h - 3)) == 0xffffff);

  const Frame f = cairoLayout(plot, float(kExportWidth), float(kExportHeight));
  const unsigned bar = rgbOf(paletteColor(0));
  const float base = f.py(f.barBase());
  for (std::size_t i = 0; i < 3; ++i) {
    const float x0 = f.px(f.bars[0][i].x0), x1 = f.px(f.bars[0][i].x1), top = f.py(plot.series[0].points[i].y);
    INFO("bar " << i << " x " << x0 << ".." << x1 << " y " << top << ".." << base);
    // Inside the bar (away from its edges and the grid lines): the colour.
    for (float tx : {0.2f, 0.5f, 0.8f})
      for (float ty : {0.25f, 0.75f}) {
        const unsigned got = img.rgb(x0 + tx * (x1 - x0), top + ty * (base - top));
        INFO(hex(got));
        CHECK(near(got, bar));
      }
    // Just outside it, above the top and beside it: not the bar.
    CHECK(!near(img.rgb((x0 + x1) / 2, top - 4), bar, 60));
    CHECK(!near(img.rgb(x0 - 4, (top + base) / 2), bar, 60));
  }
  // The legend's swatch for the series, inside the legend box.
  REQUIRE(f.legendEntries.size() == 1);
  const Rect& w = f.legendEntries[0].swatch;
  CHECK(near(img.rgb((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2), bar));
  // The axes frame: the ink colour along the left edge of the area.
  CHECK(near(img.rgb(std::floor(f.area.x0), f.area.y0 + f.area.height() / 3), 0x222222, 40));
}

TEST_CASE("PNG lines: a dot of each series' colour at each data point", "[plot][cairo]") {
  const Plot plot = linePlot();
  const std::string png = renderPlot(plot, FileFormat::Png, 800, 450);
  const Image img = decode(png);
  REQUIRE(img.w == 800);
  REQUIRE(img.h == 450);
  const Frame f = cairoLayout(plot, 800, 450);
  for (std::size_t s = 0; s < plot.series.size(); ++s)
    for (const Point& p : plot.series[s].points) {
      const float x = f.px(p.x), y = f.py(p.y);
      INFO("series " << s << " at n=" << p.x << " pixel " << x << "," << y);
      REQUIRE((std::isfinite(x) && std::isfinite(y)));
      CHECK(near(img.rgb(x, y), rgbOf(paletteColor(s)), 24));
    }
  // Data drawn only inside the area: far left of it is the white margin.
  CHECK(img.rgb(4, (f.area.y0 + f.area.y1) / 2) == 0xffffff);
}

TEST_CASE("cairo measures the text the layout places", "[plot][cairo]") {
  Plot p = linePlot();
  p.series[0].name = "WWWWWWWWWWWWWWWW";  // wide glyphs: wider than the 0.55 em estimate
  const Frame estimated = layoutPlot(p, 1280, 720, kFileFontPx);
  const Frame measured = cairoLayout(p, 1280, 720);
  CHECK(measured.legend.width() > estimated.legend.width());
  p.series[0].name = "iiiiiiiiiiiiiiii";  // narrow glyphs: narrower
  p.series[1].name = "ii";
  CHECK(cairoLayout(p, 1280, 720).legend.width() < layoutPlot(p, 1280, 720, kFileFontPx).legend.width());
}

TEST_CASE("PDF: a PDF document of the export size, the same bytes every time", "[plot][cairo]") {
  const std::string pdf = renderPlot(linePlot(), FileFormat::Pdf);
  REQUIRE(pdf.size() > 1000);
  CHECK(pdf.substr(0, 5) == "%PDF-");
  CHECK(pdf.find("%%EOF") != std::string::npos);
  // One PDF point per layout pixel.
  std::smatch m;
  REQUIRE(std::regex_search(pdf, m, std::regex(R"(/MediaBox \[ *0 0 ([0-9.]+) ([0-9.]+) *\])")));
  CHECK(std::stod(m[1]) == kExportWidth);
  CHECK(std::stod(m[2]) == kExportHeight);
  // No creation time stamped in: the file is a function of the plot.
  CHECK(pdf.find("/CreationDate") == std::string::npos);
  CHECK(renderPlot(linePlot(), FileFormat::Pdf) == pdf);
  CHECK(renderPlot(barPlot(), FileFormat::Png) == renderPlot(barPlot(), FileFormat::Png));
  CHECK(renderPlot(barPlot(), FileFormat::Svg) == toSvg(barPlot(), kExportWidth, kExportHeight));
}

TEST_CASE("exportPlot picks the format from the name and writes whole files", "[plot][export]") {
  CHECK(formatForPath("a/b.svg") == FileFormat::Svg);
  CHECK(formatForPath("B.PNG") == FileFormat::Png);
  CHECK(formatForPath("x.Pdf") == FileFormat::Pdf);
  for (const char* bad : {"x.bmp", "x", "x.svg.txt", "dir.png/x", ".png/"}) {
    INFO(bad);
    CHECK_THROWS_AS(formatForPath(bad), PlotFormatError);
  }
  try {
    formatForPath("plot.jpg");
    FAIL("no error");
  } catch (const PlotFormatError& e) {
    const std::string what = e.what();
    CHECK(what.find("'plot.jpg'") == 0);
    CHECK(what.find('\n') == std::string::npos);
  }

  TempDir dir;
  const Plot plot = barPlot();
  exportPlot(plot, (dir.path / "p.png").string());
  exportPlot(plot, (dir.path / "p.svg").string());
  exportPlot(plot, (dir.path / "p.pdf").string());
  CHECK(slurp(dir.path / "p.png") == renderPlot(plot, FileFormat::Png));
  CHECK(slurp(dir.path / "p.svg") == renderPlot(plot, FileFormat::Svg));
  CHECK(slurp(dir.path / "p.pdf") == renderPlot(plot, FileFormat::Pdf));
  const Image img = decode(slurp(dir.path / "p.png"));
  CHECK((img.w == kExportWidth && img.h == kExportHeight));

  // Nothing is left behind by a bad name, a bad size or a missing directory.
  const fs::path dir2 = dir.path / "empty";
  fs::create_directories(dir2);
  CHECK_THROWS_AS(exportPlot(plot, (dir2 / "p.bmp").string()), PlotFormatError);
  CHECK_THROWS_AS(exportPlot(plot, (dir2 / "p.png").string(), 8, 8), std::invalid_argument);
  CHECK_THROWS_AS(exportPlot(plot, (dir2 / "missing" / "p.png").string()), cachescope::FileError);
  CHECK(fs::is_empty(dir2));

  // PlotFile opens early: the temporary exists before the plot does, and an
  // unwritten PlotFile leaves nothing.
  {
    PlotFile early((dir2 / "late.pdf").string());
    CHECK(early.format() == FileFormat::Pdf);
    CHECK(!fs::exists(dir2 / "late.pdf"));
  }
  CHECK(fs::is_empty(dir2));
}

TEST_CASE("a figure of several plots stacks them; one plot is the plot's own file", "[plot][export]") {
  Plot a = barPlot(), b = linePlot();
  CHECK(renderFigure({a}, FileFormat::Svg) == renderPlot(a, FileFormat::Svg));
  CHECK(renderFigure({a}, FileFormat::Png) == renderPlot(a, FileFormat::Png));
  const std::vector<int> heights = figureHeights({a, b, a});
  REQUIRE(heights.size() == 3);
  for (int h : heights) CHECK(h >= kExportHeight / 3);
  const Image img = decode(renderFigure({a, b, a}, FileFormat::Png));
  CHECK(img.w == kExportWidth);
  CHECK(img.h == heights[0] + heights[1] + heights[2]);
  const std::string svg = renderFigure({a, b}, FileFormat::Svg);
  CHECK(svg.find("clip-path=\"url(#area0)\"") != std::string::npos);
  CHECK(svg.find("clip-path=\"url(#area1)\"") != std::string::npos);
  CHECK(renderFigure({a, b}, FileFormat::Pdf).rfind("%PDF", 0) == 0);
}
