// The plot model with literal numbers: ticks, ranges, the data->pixel
// mapping, and the SVG / CSV writers' output.
#include <catch2/catch.hpp>

#include <cmath>
#include <regex>

#include "plot/layout.hpp"
#include "plot/plot.hpp"

using namespace cachescope::plot;

namespace {

std::vector<double> values(const std::vector<Tick>& ticks) {
  std::vector<double> v;
  for (const Tick& t : ticks) v.push_back(t.value);
  return v;
}

std::vector<std::string> labels(const std::vector<Tick>& ticks) {
  std::vector<std::string> v;
  for (const Tick& t : ticks) v.push_back(t.label);
  return v;
}

// A small XML well-formedness check: every tag opened is closed in order,
// attributes are quoted, no raw '&' or '<' in text.
bool wellFormed(const std::string& xml, std::string& why) {
  std::vector<std::string> stack;
  std::size_t i = xml.find("<svg");
  if (i == std::string::npos) {
    why = "no <svg";
    return false;
  }
  while (i < xml.size()) {
    std::size_t lt = xml.find('<', i);
    std::string textPart = xml.substr(i, (lt == std::string::npos ? xml.size() : lt) - i);
    for (std::size_t a = textPart.find('&'); a != std::string::npos; a = textPart.find('&', a + 1)) {
      std::size_t semi = textPart.find(';', a);
      std::string ent = textPart.substr(a, semi == std::string::npos ? 8 : semi - a + 1);
      if (ent != "&amp;" && ent != "&lt;" && ent != "&gt;" && ent != "&quot;" && ent != "&apos;") {
        why = "bad entity " + ent;
        return false;
      }
    }
    if (lt == std::string::npos) break;
    std::size_t gt = xml.find('>', lt);
    if (gt == std::string::npos) {
      why = "unclosed tag";
      return false;
    }
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0 || tag.find('<') != std::string::npos) {
      why = "bad attribute quoting in <" + tag + ">";
      return false;
    }
    if (tag[0] == '/') {
      std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name) {
        why = "mismatched </" + name + ">";
        return false;
      }
      stack.pop_back();
    } else if (tag.back() != '/') {
      stack.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    i = gt + 1;
  }
  if (!stack.empty()) {
    why = "unclosed <" + stack.back() + ">";
    return false;
  }
  return true;
}

Point pt(double x, double y, double lo = 0, double hi = 0) {
  Point p;
  p.x = x;
  p.y = y;
  p.errLow = lo;
  p.errHigh = hi;
  return p;
}

Series series(std::string name, SeriesKind kind, std::vector<Point> points, bool dashed = false) {
  Series s;
  s.name = std::move(name);
  s.kind = kind;
  s.points = std::move(points);
  s.dashed = dashed;
  return s;
}

Marker marker(double x, std::string label) {
  Marker m;
  m.x = x;
  m.label = std::move(label);
  return m;
}

Plot sample() {
  Plot p;
  p.title = "GFLOP/s against n";
  p.subtitle = "A & B <fp32>";
  p.x.label = "n (matrix)";
  p.y.label = "GFLOP/s";
  p.x.scale = Scale::Log2;
  p.series.push_back(series("matmul.naive", SeriesKind::Line, {pt(64, 1.5, 0.1, 0.2), pt(128, 1.2), pt(256, 0.9)}));
  p.series.push_back(series("matmul.<blocked>", SeriesKind::Line, {pt(64, 10), pt(128, 12), pt(256, 13)}, true));
  p.markers.push_back(marker(100, "L1 \"full\""));
  return p;
}

}  // namespace

TEST_CASE("linear ticks step by 1, 2 or 5 x 10^k", "[plot]") {
  CHECK(values(niceTicks(0, 10, Scale::Linear, 5)) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(values(niceTicks(0, 100, Scale::Linear, 5)) == std::vector<double>{0, 20, 40, 60, 80, 100});
  CHECK(values(niceTicks(0.3, 2.7, Scale::Linear, 5)) == std::vector<double>{0.5, 1, 1.5, 2, 2.5});
  CHECK(labels(niceTicks(0.3, 2.7, Scale::Linear, 5)) == std::vector<std::string>{"0.5", "1", "1.5", "2", "2.5"});
  CHECK(values(niceTicks(-3, 3, Scale::Linear, 6)) == std::vector<double>{-3, -2, -1, 0, 1, 2, 3});
  CHECK(values(niceTicks(10, 0, Scale::Linear, 5)) == std::vector<double>{0, 2, 4, 6, 8, 10});  // swapped
  auto big = niceTicks(0, 3e6, Scale::Linear, 3);
  CHECK(labels(big) == std::vector<std::string>{"0", "1M", "2M", "3M"});
  CHECK(labels(niceTicks(0, 25000, Scale::Linear, 5)) == std::vector<std::string>{"0", "5k", "10k", "15k", "20k", "25k"});
  CHECK(labels(niceTicks(0, 0.03, Scale::Linear, 3)) == std::vector<std::string>{"0", "0.01", "0.02", "0.03"});
}

TEST_CASE("log ticks sit at powers of the base", "[plot]") {
  CHECK(values(niceTicks(64, 1024, Scale::Log2, 6)) == std::vector<double>{64, 128, 256, 512, 1024});
  CHECK(labels(niceTicks(64, 1024, Scale::Log2, 6)) == std::vector<std::string>{"64", "128", "256", "512", "1024"});
  // Too many powers: every second one, aligned to even exponents.
  CHECK(values(niceTicks(1, 1 << 20, Scale::Log2, 6)) ==
        std::vector<double>{1, 16, 256, 4096, 65536, 1048576});
  CHECK(labels(niceTicks(1, 1 << 20, Scale::Log2, 6)).back() == "1M");
  CHECK(labels(niceTicks(16384, 65536, Scale::Log2, 6)) == std::vector<std::string>{"16K", "32K", "64K"});
  CHECK(values(niceTicks(0.5, 2000, Scale::Log10, 6)) == std::vector<double>{1, 10, 100, 1000});
  CHECK(labels(niceTicks(0.01, 1e6, Scale::Log10, 10)) ==
        std::vector<std::string>{"0.01", "0.1", "1", "10", "100", "1000", "10k", "100k", "1M"});
  // Less than two decades: 1-2-5.
  CHECK(values(niceTicks(15, 300, Scale::Log10, 6)) == std::vector<double>{20, 50, 100, 200});
}

TEST_CASE("degenerate and invalid tick ranges", "[plot]") {
  auto one = niceTicks(5, 5, Scale::Linear);
  REQUIRE(one.size() == 1);
  CHECK(one[0].value == 5);
  CHECK(one[0].label == "5");
  auto zero = niceTicks(0, 0, Scale::Linear);
  REQUIRE(zero.size() == 1);
  CHECK(zero[0].label == "0");
  auto log = niceTicks(256, 256, Scale::Log2);
  REQUIRE(log.size() == 1);
  CHECK(log[0].label == "256");
  CHECK(niceTicks(-5, -1, Scale::Log10).empty());
  CHECK(niceTicks(0, NAN, Scale::Linear).empty());
  CHECK(niceTicks(0, INFINITY, Scale::Linear).empty());
  // A log axis starting at 0 still gets ticks.
  CHECK(!niceTicks(0, 100, Scale::Log10).empty());
}

TEST_CASE("ranges pad the data, bars and linear y include 0", "[plot]") {
  Plot p;
  p.series.push_back(series("a", SeriesKind::Line, {pt(10, 50), pt(20, 100, 0, 10)}));
  Range y = yRange(p);
  CHECK(y.lo == 0);
  CHECK(y.hi == Approx(110 * 1.05));  // error bar top + 5% of the span
  Range x = xRange(p);
  CHECK(x.lo == Approx(10 - 0.3));
  CHECK(x.hi == Approx(20 + 0.3));

  p.y.min = 40;
  p.y.max = 120;
  CHECK(yRange(p).lo == 40);
  CHECK(yRange(p).hi == 120);

  Plot bars;
  bars.x.categories = {"a", "b", "c"};
  bars.series.push_back(series("", SeriesKind::Bars, {pt(0, 3), pt(1, 5), pt(2, 4)}));
  CHECK(xRange(bars).lo == -0.5);
  CHECK(xRange(bars).hi == 2.5);
  CHECK(yRange(bars).lo == 0);

  Plot single;
  single.series.push_back(series("s", SeriesKind::Points, {pt(3, 7)}));
  CHECK(xRange(single).lo < 3);
  CHECK(xRange(single).hi > 3);

  Plot empty;
  CHECK(xRange(empty).lo < xRange(empty).hi);

  Plot logp;
  logp.y.scale = Scale::Log10;
  logp.series.push_back(series("s", SeriesKind::Line, {pt(1, 0), pt(2, 10), pt(3, 1000)}));  // 0 cannot be shown
  Range ly = yRange(logp);
  CHECK(ly.lo > 0);
  CHECK(ly.lo < 10);
  CHECK(ly.hi > 1000);
}

TEST_CASE("normalize maps linear and log axes to [0, 1]", "[plot]") {
  CHECK(normalize(5, {0, 10}, Scale::Linear) == Approx(0.5));
  CHECK(normalize(-5, {0, 10}, Scale::Linear) == Approx(-0.5));
  CHECK(normalize(10, {1, 100}, Scale::Log10) == Approx(0.5));
  CHECK(normalize(8, {2, 32}, Scale::Log2) == Approx(0.5));
  CHECK(std::isnan(normalize(0, {1, 100}, Scale::Log10)));
  CHECK(normalize(3, {3, 3}, Scale::Linear) == 0.5);
}

TEST_CASE("palette colours are opaque and distinct", "[plot]") {
  for (std::size_t i = 0; i < 7; ++i) {
    CHECK((paletteColor(i) & 0xFF) == 0xFF);
    for (std::size_t j = 0; j < i; ++j) CHECK(paletteColor(i) != paletteColor(j));
  }
  CHECK(paletteColor(7) == paletteColor(0));
}

TEST_CASE("layout keeps the plot area inside the canvas and maps data to it", "[plot]") {
  Plot p = sample();
  Frame f = layoutPlot(p, 800, 450, 14);
  CHECK(f.area.x0 > 0);
  REQUIRE(f.textsOf(TextRole::Title).size() == 1);
  CHECK(f.area.y0 > f.textsOf(TextRole::Title)[0]->box.y1);
  CHECK(f.area.x1 < 800);
  CHECK(f.area.y1 < 450);
  CHECK(f.legend.x0 >= f.area.x1);  // legend outside the data
  CHECK(f.legendEntries.size() == 2);
  CHECK(f.px(f.x.lo) == Approx(f.area.x0));
  CHECK(f.px(f.x.hi) == Approx(f.area.x1));
  CHECK(f.py(f.y.lo) == Approx(f.area.y1));
  CHECK(f.dataX(f.px(128)) == Approx(128));
  CHECK(f.dataY(f.py(7.5)) == Approx(7.5));
  CHECK(f.textsOf(TextRole::Marker).size() == 1);
  CHECK(layoutProblems(f).empty());
  CHECK(f.xTicks.size() >= 2);

  Plot bars;
  bars.x.categories = {"a", "b"};
  bars.series.push_back(series("x", SeriesKind::Bars, {pt(0, 1), pt(1, 2)}));
  bars.series.push_back(series("y", SeriesKind::Bars, {pt(1, 3)}));
  Frame fb = layoutPlot(bars, 400, 300, 14);
  REQUIRE(fb.bars[0].size() == 2);
  // Category 0 has one bar over the full slot, category 1 two side by side.
  CHECK(fb.bars[0][0].x0 == Approx(-0.4));
  CHECK(fb.bars[0][0].x1 == Approx(0.4));
  CHECK(fb.bars[0][1].x1 == Approx(fb.bars[1][0].x0));
  CHECK(fb.barBase() == 0);
  CHECK(labels(fb.xTicks) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("layout survives tiny canvases and empty plots", "[plot]") {
  for (auto [w, h] : {std::pair{120.0f, 80.0f}, std::pair{0.0f, 0.0f}, std::pair{2000.0f, 60.0f}}) {
    Frame f = layoutPlot(sample(), w, h, 14);
    CHECK(!f.area.empty());
    CHECK(std::isfinite(f.px(128)));
    CHECK(std::isfinite(f.py(5)));
  }
  Frame e = layoutPlot(Plot{}, 400, 300, 14);
  CHECK(e.legendEntries.empty());
  CHECK(e.xTicks.size() >= 2);
}

TEST_CASE("integer axes tick at whole numbers only", "[plot]") {
  Plot p;
  p.x.integer = true;
  p.series.push_back(series("t", SeriesKind::Line, {pt(1, 10), pt(2, 19)}));
  Frame f = layoutPlot(p, 800, 400, 14);
  CHECK(values(f.xTicks) == std::vector<double>{1, 2});
  p.series[0].points.push_back(pt(16, 100));
  for (const Tick& t : layoutPlot(p, 800, 400, 14).xTicks) CHECK(t.value == std::round(t.value));
}

TEST_CASE("SVG is well-formed, names series and axes, escapes text", "[plot]") {
  std::string svg = toSvg(sample(), 640, 360);
  std::string why;
  INFO(why);
  CHECK(wellFormed(svg, why));
  CHECK(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
  CHECK(svg.find("width=\"640\"") != std::string::npos);
  CHECK(svg.find("matmul.naive") != std::string::npos);
  CHECK(svg.find("matmul.&lt;blocked&gt;") != std::string::npos);
  CHECK(svg.find("<blocked>") == std::string::npos);
  CHECK(svg.find("A &amp; B &lt;fp32&gt;") != std::string::npos);
  CHECK(svg.find("L1 &quot;full&quot;") != std::string::npos);
  CHECK(svg.find("n (matrix)") != std::string::npos);
  CHECK(svg.find(">GFLOP/s<") != std::string::npos);
  CHECK(svg.find("stroke-dasharray") != std::string::npos);  // the dashed series
  CHECK(svg.find(">128<") != std::string::npos);              // a log2 tick label
  CHECK(std::regex_search(svg, std::regex("<path d=\"M[0-9.]+ [0-9.]+ L")));

  Plot empty;
  CHECK(wellFormed(toSvg(empty), why));
}

TEST_CASE("CSV lists every point with quoting", "[plot]") {
  Plot p = sample();
  p.series[0].points[0].label = "a,b";
  std::string csv = toCsv(p);
  CHECK(csv.rfind("series,x,y,err_low,err_high,label\n", 0) == 0);
  CHECK(csv.find("matmul.naive,64,1.5,0.1,0.2,\"a,b\"\n") != std::string::npos);
  CHECK(csv.find("matmul.<blocked>,256,13,0,0,\n") != std::string::npos);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);
}
