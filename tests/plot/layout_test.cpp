// The shared layout's promises (layout.hpp): text at the font size it is
// given, wrapped rather than cut, legends below when beside would squeeze,
// category labels that never overlap, bar values with their unit, and the
// problem check and minimum size that the app's views rely on. Every plot
// builder of src/plot is laid out at 16 and 28 px from its minimum size up to
// 1280x720 without a problem.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <sstream>

#include "plot/bench_plots.hpp"
#include "plot/cairo_render.hpp"
#include "plot/layout.hpp"
#include "plot/roofline_plot.hpp"

using namespace cachescope;
using namespace cachescope::plot;

namespace {

const TextWidthFn tenPerByte = [](const std::string& line, float, bool) { return 10.0f * float(line.size()); };

std::string problemsText(const Frame& f) {
  std::ostringstream os;
  for (const std::string& p : layoutProblems(f)) os << p << '\n';
  return os.str();
}

BenchRecord rec(std::string kernel, int n, double medianS, std::string unit = "GFLOP/s") {
  BenchRecord r;
  r.kernel = std::move(kernel);
  r.n = n;
  r.reps = 5;
  r.timesS = {medianS};
  r.medianS = medianS;
  r.minS = medianS * 0.9;
  r.maxS = medianS * 1.3;
  r.work = 2.0 * n * n * n;
  r.unit = std::move(unit);
  r.rate = r.work / medianS / 1e9;
  return r;
}

// Seven matmul kernels and their rates at n=512: naive far below the rest.
std::vector<BenchRecord> ladder(int count = 7) {
  const char* ids[] = {"matmul.naive", "matmul.reordered", "matmul.jik", "matmul.kij", "matmul.blocked",
                       "matmul.simd", "matmul.packed", "matmul.parallel", "matmul.blas"};
  const double rates[] = {1.3, 9.5, 1.1, 8.7, 21.4, 60.2, 120.5, 131.0, 148.0};
  std::vector<BenchRecord> rs;
  for (int i = 0; i < count; ++i) rs.push_back(rec(ids[i], 512, 2.0 * 512 * 512 * 512 / rates[i] / 1e9));
  return rs;
}

std::vector<BenchRecord> densitySweep() {
  std::vector<BenchRecord> rs;
  for (double d : {0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0}) {
    BenchRecord r = rec("matmul.sparse", 512, 0.002 + 0.03 * d);
    r.density = d;
    r.work = 2.0 * d * 512 * 512 * 512;
    r.rate = r.work / r.medianS / 1e9;
    r.denseEquivalentRate = 2.0 * 512 * 512 * 512 / r.medianS / 1e9;
    rs.push_back(r);
  }
  rs.push_back(rec("matmul.blocked", 512, 0.0125));
  rs.push_back(rec("matmul.blas", 512, 0.0018));
  return rs;
}

// Every chart src/plot builds, with the data the app and `bench` give them.
std::vector<std::pair<std::string, Plot>> everyBuilder() {
  std::vector<std::pair<std::string, Plot>> out;
  out.push_back({"bars of 3", rateBars(ladder(3), true)});
  out.push_back({"bars of 7", rateBars(ladder(7), true)});
  out.push_back({"bars of 9, full ids", rateBars(ladder(9), false)});
  {
    std::vector<BenchRecord> mixed = ladder(3);
    mixed.push_back(rec("matmul.int8", 512, 0.004, "GOP/s"));
    mixed.push_back(rec("relu.naive", 512, 0.001, "GB/s"));
    for (const Plot& p : benchPlots(mixed, true)) out.push_back({"mixed units: " + p.title, p});
    out.push_back({"mixed units in one chart", rateBars(mixed, false)});
  }
  {
    std::vector<BenchRecord> rs;
    for (int n : {64, 128, 256, 512, 1024})
      for (const char* k : {"matmul.naive", "matmul.blocked", "matmul.blas"}) rs.push_back(rec(k, n, 1e-9 * n * n * n));
    out.push_back({"n sweep", sweepPlot(rs, SweepAxis::N)});
  }
  {
    std::vector<BenchRecord> rs;
    for (int b : {4, 8, 16, 32, 64, 128, 256}) {
      BenchRecord r = rec("matmul.blocked", 512, 0.02 + 0.001 * b);
      r.block = b;
      rs.push_back(r);
    }
    rs.push_back(rec("matmul.naive", 512, 0.2));
    out.push_back({"block sweep", sweepPlot(rs, SweepAxis::Block)});
  }
  {
    std::vector<BenchRecord> rs;
    for (int t : {1, 2, 3, 4}) {
      BenchRecord r = rec("matmul.parallel", 512, 0.01 / t);
      r.threads = t;
      rs.push_back(r);
    }
    out.push_back({"threads sweep", sweepPlot(rs, SweepAxis::Threads)});
  }
  out.push_back({"density", densityPlot(densitySweep(), true)});
  {
    RooflineMachine m;
    m.peakGflops = 230;
    m.bandwidthGBs = 18;
    m.threads = 1;
    m.simd = "avx2";
    out.push_back({"roofline", rooflinePlot(m, {{"matmul.naive n=512", 85.3, 1.3},
                                                {"matmul.blocked n=512", 85.3, 21.4},
                                                {"matmul.blas n=512", 85.3, 148},
                                                {"relu.naive n=512", 0.125, 6.0}})});
  }
  return out;
}

}  // namespace

TEST_CASE("layout takes the renderer's text widths", "[plot][layout]") {
  Plot p;
  p.y.label = "GFLOP/s";
  p.x.categories = {"naive", "blocked"};
  Series s;
  s.name = "GFLOP/s";
  s.kind = SeriesKind::Bars;
  s.points = {{0, 3, 0, 0, "naive"}, {1, 9, 0, 0, "blocked"}};
  p.series.push_back(s);
  CHECK(textWidth("ab\nabcd", 12, tenPerByte) == 40);
  CHECK(textWidth("ab\nabcd", 10) == Approx(4 * 10 * 0.55));  // the estimate: longest line, 0.55 em
  const Frame f = layoutPlot(p, 1280, 720, 15, tenPerByte);
  for (const TextItem& t : f.texts) CHECK(t.box.width() == Approx(10.0f * float(t.text.size())));
  // The y tick labels end a gap left of the area.
  for (const TextItem* t : f.textsOf(TextRole::YTick)) CHECK(t->box.x1 == Approx(f.area.x0 - 15 * 0.4f));
  // A legend name wider than the whole canvas is the one thing shortened, with "...".
  p.series[0].name = std::string(200, 'x');
  const Frame cut = layoutPlot(p, 1280, 720, 15, tenPerByte);
  REQUIRE(cut.legendEntries.size() == 1);
  const std::string& shown = cut.legendEntries[0].text;
  CHECK(shown.size() < 200);
  CHECK(shown.substr(shown.size() - 3) == "...");
  CHECK(layoutProblems(cut).empty());
  // ... between whole UTF-8 code points ("\xc3\xa9" is one).
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";
  p.series[0].name = accents;
  const std::string cutAccents = layoutPlot(p, 1280, 720, 15, tenPerByte).legendEntries[0].text;
  REQUIRE(cutAccents.size() > 3);
  CHECK(cutAccents.size() < accents.size());
  CHECK((cutAccents.size() - 3) % 2 == 0);
  CHECK(cutAccents.substr(0, cutAccents.size() - 3) == accents.substr(0, cutAccents.size() - 3));
  // A name that fits the canvas keeps every character, wherever the legend goes.
  p.series[0].name = std::string(60, 'y');
  const Frame whole = layoutPlot(p, 1280, 720, 15, tenPerByte);
  CHECK(whole.legendEntries[0].text == p.series[0].name);
}

TEST_CASE("wrapText breaks at spaces and dots, between characters only for a word too wide", "[plot][layout]") {
  CHECK(wrapText("matmul.reordered n=512", 100, 10, tenPerByte) ==
        std::vector<std::string>{"matmul.", "reordered", "n=512"});
  CHECK(wrapText("one two three", 80, 10, tenPerByte) == std::vector<std::string>{"one two", "three"});
  CHECK(wrapText("a\nb c", 1000, 10, tenPerByte) == std::vector<std::string>{"a", "b c"});
  CHECK(wrapText("abcdefghij", 40, 10, tenPerByte) == std::vector<std::string>{"abcd", "efgh", "ij"});
  CHECK(wrapText("", 40, 10, tenPerByte) == std::vector<std::string>{""});
}

TEST_CASE("no text is drawn below the font size the layout is given", "[plot][layout]") {
  for (float font : {16.0f, 28.0f})
    for (const auto& [name, plot] : everyBuilder()) {
      const Frame f = layoutPlot(plot, 1280, 720, font);
      INFO(name << " at " << font << " px");
      REQUIRE(!f.texts.empty());
      for (const TextItem& t : f.texts) CHECK(t.fontPx >= font);
    }
}

TEST_CASE("a title wider than the canvas wraps onto more lines, never cut", "[plot][layout]") {
  Plot p = rateBars(ladder(3), true);
  p.title = "Speed of each kernel (GFLOP/s, higher is better) on a long projector title";
  p.subtitle = "n=512, block=64, threads=1, median of repetitions, bars: fastest / slowest, AMD EPYC 7B13";
  const Frame f = layoutPlot(p, 600, 720, 28);
  const auto titles = f.textsOf(TextRole::Title), subs = f.textsOf(TextRole::Subtitle);
  CHECK(titles.size() >= 2);
  CHECK(subs.size() >= 2);
  std::string joined;
  for (const TextItem* t : titles) joined += t->text;
  std::string expected = p.title;
  std::erase(expected, ' ');
  std::erase(joined, ' ');
  CHECK(joined == expected);  // every character is there
  INFO(problemsText(f));
  CHECK(layoutProblems(f).empty());
}

TEST_CASE("the legend goes below the data in wrapping rows when beside it would squeeze it", "[plot][layout]") {
  std::vector<BenchRecord> rs;
  for (int n : {64, 128, 256, 512})
    for (const char* k : {"matmul.naive", "matmul.reordered", "matmul.blocked", "matmul.packed", "matmul.blas"})
      rs.push_back(rec(k, n, 1e-9 * n * n * n));
  const Plot p = sweepPlot(rs, SweepAxis::N);
  const Frame wide = layoutPlot(p, 1600, 900, 16);
  CHECK(!wide.legendBelow);
  const Frame narrow = layoutPlot(p, 700, 720, 28);
  CHECK(narrow.legendBelow);
  CHECK(narrow.legend.y0 > narrow.area.y1);
  CHECK(narrow.area.width() > 700 * 0.7f);
  // Whole names, in more than one row, and nothing overlaps.
  REQUIRE(narrow.legendEntries.size() == 5);
  std::set<float> rows;
  for (const LegendEntry& e : narrow.legendEntries) {
    CHECK(e.text.find("...") == std::string::npos);
    rows.insert(e.swatch.y0);
  }
  CHECK(rows.size() >= 2);
  INFO(problemsText(narrow));
  CHECK(layoutProblems(narrow).empty());
}

TEST_CASE("category labels of seven kernels and more never overlap", "[plot][layout]") {
  for (int count : {7, 9})
    for (float font : {16.0f, 28.0f})
      for (float width : {700.0f, 900.0f, 1280.0f}) {
        const Plot p = rateBars(ladder(count), false);  // full ids: "matmul.reordered"
        const Frame f = layoutPlot(p, width, 720, font);
        INFO(count << " kernels, " << font << " px, " << width << " wide");
        const auto ticks = f.textsOf(TextRole::XTick);
        for (std::size_t i = 0; i < ticks.size(); ++i)
          for (std::size_t j = i + 1; j < ticks.size(); ++j) {
            const Rect &a = ticks[i]->box, &b = ticks[j]->box;
            INFO("'" << ticks[i]->text << "' and '" << ticks[j]->text << "'");
            CHECK(!(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1));
          }
        // Every character of every id is on screen (wrapped, not cut).
        std::string all;
        for (const TextItem* t : ticks) all += t->text;
        for (const std::string& c : p.x.categories) {
          std::string id = c.substr(0, c.find('\n'));
          std::string pieces;
          for (char ch : id) pieces += ch;
          for (char ch : pieces) CHECK(all.find(ch) != std::string::npos);
        }
      }
  // At 28 px in 700 px the full ids cannot sit on one line each: they wrap
  // or alternate rows (the old layout ran them together).
  const Frame f = layoutPlot(rateBars(ladder(7), false), 700, 720, 28);
  CHECK(f.textsOf(TextRole::XTick).size() > 7);
}

TEST_CASE("bars carry their value and unit, with room above the tallest", "[plot][layout]") {
  const double flop = 2.0 * 512 * 512 * 512;
  const Plot p = rateBars({rec("matmul.naive", 512, flop / 1.3e9), rec("matmul.blocked", 512, flop / 21.4e9),
                           rec("matmul.blas", 512, flop / 148e9)},
                          true);
  CHECK(p.y.unit == "GFLOP/s");
  const Frame f = layoutPlot(p, 1280, 720, 28);
  const auto labels = f.textsOf(TextRole::BarLabel);
  std::string all;
  for (const TextItem* t : labels) all += t->text + "|";
  INFO(all);
  CHECK(all.find("1.3") != std::string::npos);  // the naive bar's value is written, however short the bar
  CHECK(all.find("GFLOP/s") != std::string::npos);
  CHECK(all.find("21.4") != std::string::npos);
  CHECK(all.find("148") != std::string::npos);
  for (const TextItem* t : labels) {
    CHECK(t->box.y0 >= f.area.y0);
    CHECK(t->box.y1 <= f.area.y1);
  }
  // A log y axis (the Timings view's toggle) keeps the naive bar visible:
  // more than 5% of the data area tall (the area's height depends on the
  // subtitle, which names this host's CPU and may wrap), where the linear
  // axis draws a sliver.
  Plot logPlot = p;
  logPlot.y.scale = Scale::Log10;
  const Frame lf = layoutPlot(logPlot, 1280, 720, 28);
  INFO("log area " << lf.area.y1 - lf.area.y0 << " px, linear area " << f.area.y1 - f.area.y0 << " px");
  CHECK(lf.py(lf.barBase()) - lf.py(logPlot.series[0].points[0].y) > 0.05 * (lf.area.y1 - lf.area.y0));
  CHECK(f.py(f.barBase()) - f.py(p.series[0].points[0].y) < 0.02 * (f.area.y1 - f.area.y0));  // linear: a sliver
}

TEST_CASE("layoutProblems finds overlapping text, text off the canvas and a squeezed area", "[plot][layout]") {
  Frame f;
  f.width = 400;
  f.height = 300;
  f.fontPx = 14;
  f.area = {60, 40, 380, 260};
  TextItem a;
  a.text = "naive";
  a.fontPx = 14;
  a.box = {100, 270, 150, 284};
  TextItem b = a;
  b.text = "blocked";
  b.box = {140, 270, 200, 284};
  f.texts = {a};
  CHECK(layoutProblems(f).empty());
  f.texts = {a, b};
  REQUIRE(layoutProblems(f).size() == 1);
  CHECK(layoutProblems(f)[0].find("overlaps") != std::string::npos);
  b.box = {380, 10, 420, 24};
  f.texts = {a, b};
  REQUIRE(layoutProblems(f).size() == 1);
  CHECK(layoutProblems(f)[0].find("leaves") != std::string::npos);
  b.box = {0, 0, 10, 10};
  b.fontPx = 11;
  f.texts = {a, b};
  REQUIRE(layoutProblems(f).size() == 1);
  CHECK(layoutProblems(f)[0].find("below the font size") != std::string::npos);
  f.texts = {a};
  f.area = {60, 40, 100, 260};
  CHECK(layoutProblems(f).size() == 1);
}

TEST_CASE("the old layout's failures at 28 px are problems now caught", "[plot][layout]") {
  // What the hall saw: a canvas far below the plot's minimum. The check says
  // so instead of drawing labels over each other.
  const Plot p = rateBars(ladder(7), false);
  const Frame squeezed = layoutPlot(p, 200, 200, 28);
  CHECK(!layoutProblems(squeezed).empty());
  const Size min = minimumSize(p, 28);
  CHECK(min.width > 200);
  CHECK(min.height > 200);
  CHECK(layoutProblems(layoutPlot(p, min.width, min.height, 28)).empty());
}

TEST_CASE("minimumSize is the smallest clean canvas", "[plot][layout]") {
  for (const auto& [name, plot] : everyBuilder()) {
    for (float font : {16.0f, 28.0f}) {
      const Size min = minimumSize(plot, font);
      INFO(name << " at " << font << " px: minimum " << min.width << "x" << min.height);
      CHECK(min.width < 8192);
      CHECK(layoutProblems(layoutPlot(plot, min.width, min.height, font)).empty());
      // Narrower by a few pixels (on a canvas of any height) is not clean.
      CHECK(!layoutProblems(layoutPlot(plot, min.width - 4, 8192, font)).empty());
      CHECK(!layoutProblems(layoutPlot(plot, min.width, min.height - 4, font)).empty());
    }
  }
}

TEST_CASE("every plot builder lays out without problems from its minimum up to 1280x720", "[plot][layout]") {
  const TextWidthFn dejavu = cairoTextWidth();  // the app's and the files' face
  for (const auto& [name, plot] : everyBuilder())
    for (float font : {16.0f, 28.0f})
      for (const TextWidthFn* measure : {static_cast<const TextWidthFn*>(nullptr), &dejavu}) {
        const TextWidthFn m = measure ? *measure : TextWidthFn{};
        const Size min = minimumSize(plot, font, m);
        const float w1 = std::max(min.width, 1280.0f), h1 = std::max(min.height, 720.0f);
        for (int i = 0; i <= 5; ++i)
          for (int j = 0; j <= 5; ++j) {
            const float w = std::round(min.width + (w1 - min.width) * float(i) / 5);
            const float h = std::round(min.height + (h1 - min.height) * float(j) / 5);
            const Frame f = layoutPlot(plot, w, h, font, m);
            INFO(name << " at " << font << " px, " << (measure ? "DejaVu" : "estimated") << " widths, " << w << "x" << h
                      << " (minimum " << min.width << "x" << min.height << ")\n"
                      << problemsText(f));
            CHECK(layoutProblems(f).empty());
          }
      }
}

TEST_CASE("short kernel names are unique among those shown", "[plot]") {
  CHECK(shortKernelNames({"matmul.naive", "matmul.blocked"}) == std::vector<std::string>{"naive", "blocked"});
  CHECK(shortKernelNames({"relu.naive", "matmul.naive", "matmul.blas"}) ==
        std::vector<std::string>{"relu.naive", "matmul.naive", "blas"});
  const Plot p = rateBars({rec("relu.naive", 512, 0.001, "GB/s"), rec("matmul.naive", 512, 0.2)}, true);
  CHECK(p.x.categories[0] == "relu.naive");
  CHECK(p.x.categories[1] == "matmul.naive");
}
