// Pixel checks of the Access and Threads views' screenshots.
//
//   view_image_check access SHOT.png LAYOUT.json
// LAYOUT.json is what `cachescope gui --layout` wrote: where each grid was
// drawn, the instant t, the fade length and the palette. This program records
// the same loop nests on the same caches itself (access_animation.hpp, the
// simulator's own trace), works out at t which level served each cell's last
// access and which lines are in L1, and checks the screenshot's pixels there:
// cell centres in the level's colour, or in the glow colour while fresh;
// untouched cells grey; the L1 outline at the top edge of a resident region
// and not between two resident cells (so large resident areas do not merge
// into dark blocks); and every pixel of every grid one of the legend's
// colours (no blends).
//
//   view_image_check layout LAYOUT.json [--grids-visible]
// Any of the Cache, Roofline, Access and Threads views' layout record
// (view_layout.hpp): every box inside the view's width, no two boxes over
// each other (one inside another is fine), plots at least their minimum
// size, tables as wide as their text; with --grids-visible, every grid ends
// above the view's bottom edge (visible without scrolling).
//
//   view_image_check threads SHOT.png
// The Threads view: the C grid is coloured by thread (palette colours), the
// timeline lanes are drawn.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "image_check.hpp"

#include "engine/access_animation.hpp"
#include "plot/plot.hpp"
#include "report/numbers.hpp"
#include "trace/presets.hpp"
#include "trace/simulation.hpp"

namespace {

using namespace image_check;

using namespace cachescope;
using namespace cachescope::engine;

unsigned fromJson(const nlohmann::json& c) {
  return (c.at(0).get<unsigned>() << 16) | (c.at(1).get<unsigned>() << 8) | c.at(2).get<unsigned>();
}

std::string hex(unsigned c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%06x", c);
  return buf;
}

int checkAccess(const std::string& shot, const std::string& layoutPath) {
  Image img;
  expect(load(shot, img), "screenshot loads: " + shot);
  std::ifstream in(layoutPath);
  nlohmann::json root;
  try {
    in >> root;
  } catch (const std::exception& e) {
    expect(false, std::string("layout JSON parses: ") + e.what());
    return 1;
  }
  // `gui --layout` keeps the shown view's own description under "view_record".
  const nlohmann::json& j = root.contains("view_record") ? root.at("view_record") : root;
  if (failures) return 1;
  const std::uint64_t t = j.at("t").get<std::uint64_t>();
  const double fade = j.at("fade").get<double>();
  AnimationSpec spec;
  spec.n = j.at("n").get<int>();
  spec.block = j.at("block").get<int>();
  spec.density = j.value("density", 1.0);
  spec.cacheName = j.at("caches").get<std::string>();
  spec.cache = trace::hierarchyFor(trace::loadPreset(spec.cacheName));
  const unsigned untouched = fromJson(j.at("untouched"));
  const unsigned resident = fromJson(j.at("resident"));
  const unsigned glow = fromJson(j.at("glow"));
  std::vector<unsigned> legend = {untouched, resident, glow, fromJson(j.at("current")), fromJson(j.at("gap"))};
  unsigned levelColor[4];
  for (int i = 0; i < 4; ++i) {
    levelColor[i] = fromJson(j.at("levels").at(std::size_t(i)));
    legend.push_back(levelColor[i]);
  }
  std::printf("instant t = %llu, fade %.0f accesses, n = %d, block = %d, %s caches\n", (unsigned long long)t, fade,
              spec.n, spec.block, spec.cacheName.c_str());

  std::map<std::string, std::shared_ptr<const AccessTrace>> traces;
  for (const auto& side : j.at("sides")) {
    const std::string kernel = side.at("kernel").get<std::string>();
    auto tr = recordAccessTrace(spec, kernel);
    traces[kernel] = tr;
    // The app's counters at t are those of an independent playback here.
    PlaybackState s = initialState(*tr);
    seek(*tr, s, t);
    const auto& levels = side.at("levels");
    bool same = levels.size() == std::size_t(tr->levels);
    for (int l = 0; same && l < tr->levels; ++l)
      same = levels.at(std::size_t(l)).at("accesses").get<std::uint64_t>() == s.accesses[std::size_t(l)] &&
             levels.at(std::size_t(l)).at("hits").get<std::uint64_t>() == s.hits[std::size_t(l)];
    expect(same, kernel + ": the app's hit counters at t equal a fresh recording's");
  }

  // The timeline drawn in the frame shows the instant the counters are at
  // (not the one before: the clock moves before anything is drawn).
  if (j.contains("timeline") && !j.at("sides").empty()) {
    std::uint64_t longest = 0;
    for (const auto& side : j.at("sides")) longest = std::max(longest, side.at("accesses_recorded").get<std::uint64_t>());
    const std::uint64_t at = j.at("sides").at(0).at("t").get<std::uint64_t>();
    const std::string want = "access " + cachescope::groupedText(at) + " of " + cachescope::groupedText(longest);
    expect(j.at("timeline").get<std::string>() == want,
           "the timeline reads '" + j.at("timeline").get<std::string>() + "', the counters are at '" + want + "'");
  }

  int gridsChecked = 0;
  for (const auto& g : j.at("grids")) {
    const std::string kernel = g.at("kernel").get<std::string>();
    const std::string name = g.at("grid").get<std::string>();
    const AccessTrace& tr = *traces.at(kernel);
    int grid = -1;
    for (int q = 0; q < tr.gridCount; ++q)
      if (tr.grids[std::size_t(q)].name == name) grid = q;
    expect(grid >= 0, kernel + ": the layout names a grid of the recording (" + name + ")");
    if (grid < 0) continue;
    const GridShape& shape = tr.grids[std::size_t(grid)];
    const double x = g.at("x").get<double>(), y = g.at("y").get<double>();
    const double w = g.at("w").get<double>(), h = g.at("h").get<double>();
    expect(g.at("cols").get<int>() == shape.cellCols && g.at("rows").get<int>() == shape.cellRows,
           kernel + " " + name + ": grid shape as recorded");
    const double cw = w / shape.cellCols, ch = h / shape.cellRows;
    // Cells under 3 px (a long packed panel drawn to scale) cannot be told
    // apart in a screenshot: say so rather than sample their borders.
    if (cw < 3 || ch < 3) {
      std::printf("skip %s %s: cells of %.1f x %.1f px are too small to check\n", kernel.c_str(), name.c_str(), cw, ch);
      continue;
    }
    PlaybackState s = initialState(tr);
    seek(tr, s, t);
    const std::size_t currentCell =
        s.t > 0 && tr.events[s.t - 1].grid() == grid ? tr.events[s.t - 1].cell() : std::size_t(-1);
    int checked[5] = {}, wrong = 0, outlines = 0, outlineWrong = 0, inner = 0, innerWrong = 0, fresh = 0,
        freshWrong = 0;
    std::string firstWrong;
    const auto& lines = tr.cellLine[std::size_t(grid)];
    auto inL1 = [&](int rr, int cc) {
      return rr >= 0 && s.inL1[lines[std::size_t(rr * shape.cellCols + cc)]] != 0;
    };
    for (int r = 0; r < shape.cellRows; ++r)
      for (int c = 0; c < shape.cellCols; ++c) {
        const std::size_t cell = std::size_t(r * shape.cellCols + c);
        if (cell == currentCell) continue;
        const std::uint32_t lt = s.lastTouch[std::size_t(grid)][cell];
        const int px = int(x + (c + 0.5) * cw), py = int(y + (r + 0.5) * ch);
        if (px < 0 || py < 0 || px >= img.w || py >= img.h) continue;
        if (lt != 0 && double(s.t) - double(lt) < fade) {  // fresh: its centre in the glow colour
          ++fresh;
          if (!near(img.rgb(px, py), glow, 4)) ++freshWrong;
          continue;
        }
        int slot = 4;  // untouched
        unsigned want = untouched;
        if (lt != 0) {
          const int l = s.level[std::size_t(grid)][cell];
          slot = l >= tr.levels ? 3 : std::min(l, 2);
          want = levelColor[slot];
        }
        ++checked[slot];
        if (!near(img.rgb(px, py), want, 4)) {
          if (wrong++ == 0)
            firstWrong = " (first: cell " + std::to_string(r) + "," + std::to_string(c) + " is " + hex(img.rgb(px, py)) +
                         ", want " + hex(want) + ")";
        }
        // L1 outline: the band just inside the cell's top edge (cells of 7 px
        // and more) where the cell above is not in L1; none where it is.
        if (cw >= 7 && ch >= 7 && inL1(r, c)) {
          const int oy = int(y + r * ch + 1.5);
          const bool onEdge = !inL1(r - 1, c);
          const bool isResident = near(img.rgb(px, oy), resident, 4);
          if (onEdge) {
            ++outlines;
            if (!isResident) ++outlineWrong;
          } else if (cell - std::size_t(shape.cellCols) != currentCell) {
            ++inner;
            if (isResident) ++innerWrong;
          }
        }
      }
    const int total = checked[0] + checked[1] + checked[2] + checked[3] + checked[4];
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s %s: %d cell centres in their level's colour (L1 %d, L2 %d, L3 %d, memory %d, untouched %d)",
                  kernel.c_str(), name.c_str(), total - wrong, checked[0], checked[1], checked[2], checked[3], checked[4]);
    // T (b x b) may be all aglow right after a tile copy: nothing to check then.
    expect((total > 0 || grid >= 3) && wrong == 0, buf + firstWrong);
    if (outlines) {
      std::snprintf(buf, sizeof buf, "%s %s: %d cells on the top edge of an L1 region outlined (%d not)", kernel.c_str(),
                    name.c_str(), outlines - outlineWrong, outlineWrong);
      expect(outlineWrong == 0, buf);
    }
    if (inner) {
      std::snprintf(buf, sizeof buf, "%s %s: %d cells below another L1 cell without an outline between (%d with)",
                    kernel.c_str(), name.c_str(), inner - innerWrong, innerWrong);
      expect(innerWrong == 0, buf);
    }
    if (fresh) {
      std::snprintf(buf, sizeof buf, "%s %s: %d fresh cells with the glow colour at their centre (%d not)",
                    kernel.c_str(), name.c_str(), fresh - freshWrong, freshWrong);
      expect(freshWrong == 0, buf);
    }
    // Colours only from the legend: every pixel of the grid.
    int foreign = 0;
    unsigned firstForeign = 0;
    for (int yy = int(std::ceil(y)); yy < int(y + h) && yy < img.h; ++yy)
      for (int xx = int(std::ceil(x)); xx < int(x + w) && xx < img.w; ++xx) {
        const unsigned v = img.rgb(xx, yy);
        bool known = false;
        for (unsigned l : legend) known = known || near(v, l, 4);
        if (!known && foreign++ == 0) firstForeign = v;
      }
    std::snprintf(buf, sizeof buf, "%s %s: every pixel a legend colour (%d others%s%s)", kernel.c_str(), name.c_str(),
                  foreign, foreign ? ", first " : "", foreign ? hex(firstForeign).c_str() : "");
    expect(foreign == 0, buf);
    ++gridsChecked;
  }
  expect(gridsChecked >= 6, "at least two kernels' A, B and C checked (" + std::to_string(gridsChecked) + " grids)");
  return failures ? 1 : 0;
}

int checkLayout(const std::string& path, bool gridsVisible) {
  std::ifstream in(path);
  nlohmann::json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    expect(false, std::string("layout JSON parses: ") + e.what());
    return 1;
  }
  if (j.contains("view_record")) j = nlohmann::json(j.at("view_record"));  // gui --layout's nesting
  const std::string view = j.at("view").get<std::string>();
  const auto& content = j.at("content");
  const double left = content.at(0).get<double>(), right = content.at(2).get<double>();
  const double bottom = content.at(3).get<double>();
  struct Box {
    std::string kind, name;
    double x0, y0, x1, y1, needW, needH;
  };
  std::vector<Box> boxes;
  for (const auto& b : j.at("boxes"))
    boxes.push_back({b.at("kind").get<std::string>(), b.at("name").get<std::string>(), b.at("x0").get<double>(),
                     b.at("y0").get<double>(), b.at("x1").get<double>(), b.at("y1").get<double>(),
                     b.at("need_w").get<double>(), b.at("need_h").get<double>()});
  std::printf("%s: %zu boxes, view x %.0f..%.0f, bottom at %.0f\n", view.c_str(), boxes.size(), left, right, bottom);
  std::map<std::string, int> kinds;
  for (const Box& b : boxes) {
    ++kinds[b.kind];
    const std::string what = view + " " + b.kind + " '" + b.name + "'";
    char buf[160];
    std::snprintf(buf, sizeof buf, " at x %.0f..%.0f", b.x0, b.x1);
    expect(b.x0 >= left - 1 && b.x1 <= right + 1, what + " inside the view's width" + buf);
    if (b.kind == "plot") {
      std::snprintf(buf, sizeof buf, " (%.0f x %.0f, minimum %.0f x %.0f)", b.x1 - b.x0, b.y1 - b.y0, b.needW, b.needH);
      expect(b.x1 - b.x0 >= b.needW - 0.5 && b.y1 - b.y0 >= b.needH - 0.5, what + " at least its minimum size" + buf);
    }
    if (b.kind == "table") {
      std::snprintf(buf, sizeof buf, " (%.0f px, text needs %.0f)", b.x1 - b.x0, b.needW);
      expect(b.x1 - b.x0 >= b.needW - 0.5, what + " as wide as its text" + buf);
    }
    if (gridsVisible && b.kind == "grid") {
      std::snprintf(buf, sizeof buf, " (bottom %.0f, view bottom %.0f)", b.y1, bottom);
      expect(b.y1 <= bottom + 0.5, what + " visible without scrolling" + buf);
    }
  }
  int overlaps = 0;
  for (std::size_t a = 0; a < boxes.size(); ++a)
    for (std::size_t b = a + 1; b < boxes.size(); ++b) {
      const Box &p = boxes[a], &q = boxes[b];
      const double w = std::min(p.x1, q.x1) - std::max(p.x0, q.x0), h = std::min(p.y1, q.y1) - std::max(p.y0, q.y0);
      if (w <= 1 || h <= 1) continue;
      auto inside = [](const Box& i, const Box& o) {
        return i.x0 >= o.x0 - 0.5 && i.x1 <= o.x1 + 0.5 && i.y0 >= o.y0 - 0.5 && i.y1 <= o.y1 + 0.5;
      };
      if (inside(p, q) || inside(q, p)) continue;
      ++overlaps;
      expect(false, view + ": " + p.kind + " '" + p.name + "' and " + q.kind + " '" + q.name + "' overlap");
    }
  expect(overlaps == 0, view + ": no two boxes over each other");
  if (view == "cache" || view == "roofline") expect(kinds["plot"] >= 1, view + ": plots recorded");
  if (view == "cache") expect(kinds["table"] + kinds["plot"] >= 3, view + ": hit-rate and three-C plots and the tables");
  if (view == "access") expect(kinds["grid"] >= 6, view + ": two kernels' A, B and C recorded");
  if (view == "threads") expect(kinds["grid"] >= 1 && kinds["timeline"] >= 1, view + ": C and the timeline recorded");
  if (view == "memory") expect(kinds["plot"] + kinds["surface"] >= 1, view + ": a plot or the mountain recorded");
  return failures ? 1 : 0;
}

int checkThreads(const std::string& shot) {
  Image img;
  expect(load(shot, img), "screenshot loads: " + shot);
  if (failures) return 1;
  auto count = [&](unsigned color) {
    int n = 0;
    for (int yy = 0; yy < img.h; ++yy)
      for (int xx = 0; xx < img.w; ++xx) n += near(img.rgb(xx, yy), color, 3) ? 1 : 0;
    return n;
  };
  const unsigned t0 = unsigned(plot::paletteColor(0) >> 8), t1 = unsigned(plot::paletteColor(1) >> 8);
  const int n0 = count(t0), n1 = count(t1);
  std::printf("thread 0 colour %s: %d px, thread 1 colour %s: %d px\n", hex(t0).c_str(), n0, hex(t1).c_str(), n1);
  // C alone is hundreds of pixels square: the threads together cover a good part of the window.
  expect(n0 + n1 > img.w * img.h / 10, "C coloured by thread covers over a tenth of the window");
  expect(n0 > 0, "thread 0 drew tasks");
  return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "access" && argc == 4) return checkAccess(argv[2], argv[3]);
    if (mode == "threads" && argc == 3) return checkThreads(argv[2]);
    if (mode == "layout" && (argc == 3 || (argc == 4 && std::string(argv[3]) == "--grids-visible")))
      return checkLayout(argv[2], argc == 4);
  } catch (const std::exception& e) {
    std::printf("FAIL %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: view_image_check access SHOT.png LAYOUT.json | threads SHOT.png | layout LAYOUT.json "
               "[--grids-visible]\n");
  return 2;
}
