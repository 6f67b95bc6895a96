// The layout with a renderer's own text widths (TextWidthFn): margins and
// the legend follow the widths it is given.
#include <catch2/catch.hpp>

#include <algorithm>

#include "plot/layout.hpp"

using namespace cachescope::plot;

TEST_CASE("layout takes the renderer's text widths", "[plot]") {
  Plot p;
  p.y.label = "GFLOP/s";
  p.x.categories = {"naive", "blocked"};
  Series s;
  s.name = "GFLOP/s";
  s.kind = SeriesKind::Bars;
  s.points = {{0, 3, 0, 0, "naive"}, {1, 9, 0, 0, "blocked"}};
  p.series.push_back(s);
  const TextWidthFn tenPerByte = [](const std::string& line, float) { return 10.0f * float(line.size()); };
  CHECK(textWidth("ab\nabcd", 12, tenPerByte) == 40);
  CHECK(textWidth("ab\nabcd", 10) == Approx(4 * 10 * 0.55));  // the estimate: longest line, 0.55 em
  const Frame f = layoutPlot(p, 1280, 720, 15, tenPerByte);
  float widest = 0;
  for (const Tick& t : f.yTicks) widest = std::max(widest, 10.0f * float(t.label.size()));
  // The y tick labels end a gap left of the area and start at the padding.
  CHECK(f.area.x0 - f.yTickLabelX == Approx(15 * 0.4f));
  CHECK(f.yTickLabelX - widest == Approx(15 * 0.8f));
  // A legend name too long for the box is cut to fit, with "...".
  p.series[0].name = std::string(200, 'x');
  const Frame cut = layoutPlot(p, 1280, 720, 15, tenPerByte);
  REQUIRE(cut.legendEntries.size() == 1);
  const std::string& shown = cut.legendEntries[0].text;
  CHECK(shown.size() < 200);
  CHECK(shown.substr(shown.size() - 3) == "...");
  CHECK(cut.legendEntries[0].textPos.x + 10.0f * float(shown.size()) <= cut.legend.x1);
  // ... between whole UTF-8 code points ("\xc3\xa9" is one).
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xc3\xa9";
  p.series[0].name = accents;
  const std::string cutAccents = layoutPlot(p, 1280, 720, 15, tenPerByte).legendEntries[0].text;
  REQUIRE(cutAccents.size() > 3);
  CHECK(cutAccents.size() < accents.size());
  CHECK((cutAccents.size() - 3) % 2 == 0);
  CHECK(cutAccents.substr(0, cutAccents.size() - 3) == accents.substr(0, cutAccents.size() - 3));
}
