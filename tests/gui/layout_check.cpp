// Checks one frame's layout as `cachescope gui --layout FILE` wrote it
// (src/app/layout_record.hpp):
//
//   layout_check LAYOUT.json [--visible LABEL,LABEL...] [--absent LABEL,LABEL...] [--required-only] [--fills WxH]
//                [--texts MIN:REGEX]...
//
// Fails (exit 1, one line per finding) on
// - a window or child whose content reaches beyond its visible rectangle
//   sideways without a horizontal scrollbar (what is beyond cannot be seen);
// - an item (a widget) that sticks out of its window's visible part sideways;
// - text cut by the rectangle it was drawn in (a glyph across its clip edge),
//   from ImGui or from a draw list (the glyphs read back, and the texts views
//   record), or shortened to fit (ending in "..." or an ellipsis);
// - text over other text (the ink boxes of words of two different runs);
// - text drawn smaller than the chosen font size (never shrunk to fit);
// - a plot canvas smaller than the minimum its layout states;
// - with --visible: an item recorded under one of those labels that is
//   missing or not wholly inside its window's visible part (it would need
//   scrolling); with --absent: an item under one of those labels. With
//   --required-only only these two are checked. --fills WxH: the frame
//   fits a WxH work area (inside it, at least 90% x 85% of it). --texts
//   MIN:REGEX (repeatable): at least MIN of the texts drawn (plot texts
//   included, on screen or scrolled off) match REGEX whole (ECMAScript).
// Exit 2 when the file cannot be read. Prints a summary line either way.
//
// [SECTION] geometry
// [SECTION] checks
// [SECTION] main
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

// [SECTION] geometry

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float w() const { return x1 - x0; }
  float h() const { return y1 - y0; }
};

Box box(const nlohmann::json& a) { return {a.at(0).get<float>(), a.at(1).get<float>(), a.at(2).get<float>(), a.at(3).get<float>()}; }

bool overlapY(const Box& a, const Box& b) { return a.y1 > b.y0 && a.y0 < b.y1; }

// Overlap of two boxes in both directions by more than `tol` pixels.
bool overlaps(const Box& a, const Box& b, float tol) {
  return std::min(a.x1, b.x1) - std::max(a.x0, b.x0) > tol && std::min(a.y1, b.y1) - std::max(a.y0, b.y0) > tol;
}

std::string fmt(const Box& b) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "[%.0f,%.0f - %.0f,%.0f]", b.x0, b.y0, b.x1, b.y1);
  return buf;
}

// The last part of an ImGui window name: "##main/##views_1234/##view_5678" -> "##view".
std::string shortName(const std::string& name) {
  std::string s = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
  const auto u = s.rfind('_');
  if (u != std::string::npos && s.size() - u == 9) s = s.substr(0, u);  // _%08X of a child
  return s.empty() ? name : s;
}

// [SECTION] checks

struct Findings {
  std::vector<std::string> lines;
  void add(const std::string& s) { lines.push_back(s); }
};

struct Run {
  std::string text, window;
  Box rect, clip;
  std::vector<Box> words;
  bool cut = false;
  float fontPx = 0;
};

// The text inside an item's rectangle, to name it in a finding.
std::string textIn(const Box& item, const std::vector<Run>& runs) {
  std::string s;
  for (const Run& r : runs) {
    const float cx = (r.rect.x0 + r.rect.x1) / 2, cy = (r.rect.y0 + r.rect.y1) / 2;
    if (cx >= item.x0 && cx <= item.x1 && cy >= item.y0 && cy <= item.y1) s += (s.empty() ? "" : " ") + r.text;
  }
  return s;
}

void checkWindows(const nlohmann::json& j, Findings& f) {
  for (const auto& w : j.at("windows")) {
    if (w.at("scroll_x").get<bool>()) continue;
    const Box vis = box(w.at("visible")), content = box(w.at("content"));
    if (vis.w() <= 0 || vis.h() <= 0) continue;
    if (content.x1 > vis.x1 + 1.0f)
      f.add("window " + shortName(w.at("name").get<std::string>()) + ": content reaches x=" +
            std::to_string(int(content.x1)) + ", visible only to x=" + std::to_string(int(vis.x1)) + " (" +
            std::to_string(int(content.x1 - vis.x1)) + " px cut, no horizontal scrollbar)");
  }
}

void checkItems(const nlohmann::json& j, const std::vector<Run>& runs, float fs, Findings& f) {
  std::map<std::string, nlohmann::json> windows;
  for (const auto& w : j.at("windows")) windows[w.at("name").get<std::string>()] = w;
  for (const auto& it : j.at("items")) {
    const auto w = windows.find(it.at("window").get<std::string>());
    if (w == windows.end() || w->second.at("scroll_x").get<bool>()) continue;
    const Box r = box(it.at("rect"));
    // Lines (separators) span their window's whole width by design.
    if (r.w() <= 0 || r.h() < fs * 0.25f) continue;
    const Box vis = box(w->second.at("visible"));
    if (!overlapY(r, vis)) continue;  // scrolled out of view: reachable
    // The visible part, plus the outer half of a window padding or a table
    // cell's padding (at most 0.6 em): a frame's edge there is clipped, its
    // text is not.
    const float left = vis.x0 - fs * 0.6f - 1, right = vis.x1 + fs * 0.6f + 1;
    if (r.x0 >= left && r.x1 <= right) continue;
    std::string name = it.at("label").get<std::string>();
    if (name.empty()) name = textIn(r, runs);
    if (name.empty()) {
      char id[32];
      std::snprintf(id, sizeof id, "id %08x", it.at("id").get<unsigned>());
      name = id;
    }
    f.add("item '" + name + "' " + fmt(r) + " sticks out of window " + shortName(w->first) + " (visible x " +
          std::to_string(int(vis.x0)) + ".." + std::to_string(int(vis.x1)) + ")");
  }
}

void checkText(const std::vector<Run>& runs, const nlohmann::json& j, float fs, Findings& f) {
  for (const Run& r : runs) {
    if (r.cut)
      f.add("text '" + r.text + "' " + fmt(r.rect) + " is cut by its clip rectangle " + fmt(r.clip) + " (in " +
            shortName(r.window) + ")");
    // Shortened to fit ("compu...", "bloc\u2026"): cut, only more politely.
    const std::string& t = r.text;
    const bool dots = t.size() >= 3 && t.compare(t.size() - 3, 3, "...") == 0;
    const bool ellipsis = t.size() >= 3 && t.compare(t.size() - 3, 3, "\xE2\x80\xA6") == 0;
    if ((dots || ellipsis) && overlapY(r.rect, r.clip))
      f.add("text '" + r.text + "' " + fmt(r.rect) + " is shortened to fit (in " + shortName(r.window) + ")");
    if (fs > 0 && r.fontPx > 0 && r.fontPx < fs * 0.95f && overlapY(r.rect, r.clip)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " is drawn at %.0f px, below the chosen %.0f px", r.fontPx, fs);
      f.add("text '" + r.text + "'" + buf);
    }
  }
  // Words of two runs on top of each other (a run's own words never are).
  for (std::size_t a = 0; a < runs.size(); ++a)
    for (std::size_t b = a + 1; b < runs.size(); ++b) {
      if (!overlaps(runs[a].rect, runs[b].rect, 1.0f)) continue;
      // The same text a pixel or two apart is one text with a shadow.
      if (runs[a].text == runs[b].text && std::abs(runs[a].rect.x0 - runs[b].rect.x0) <= 2.5f &&
          std::abs(runs[a].rect.y0 - runs[b].rect.y0) <= 2.5f)
        continue;
      bool hit = false;
      for (const Box& wa : runs[a].words)
        for (const Box& wb : runs[b].words) hit = hit || overlaps(wa, wb, 1.5f);
      if (hit) f.add("text '" + runs[a].text + "' " + fmt(runs[a].rect) + " overlaps '" + runs[b].text + "' " + fmt(runs[b].rect));
    }
  // What views record of their draw-list text: inside its clip, not on other text.
  std::vector<std::pair<std::string, Box>> texts;
  for (const auto& t : j.at("texts")) {
    const Box r = box(t.at("rect")), c = box(t.at("clip"));
    const std::string s = t.at("text").get<std::string>();
    if (overlapY(r, c) && (r.x0 < c.x0 - 1 || r.x1 > c.x1 + 1))
      f.add("recorded text '" + s + "' " + fmt(r) + " is cut by its clip rectangle " + fmt(c));
    texts.push_back({s, r});
  }
  for (std::size_t a = 0; a < texts.size(); ++a)
    for (std::size_t b = a + 1; b < texts.size(); ++b)
      if (overlaps(texts[a].second, texts[b].second, 2.0f))
        f.add("recorded text '" + texts[a].first + "' " + fmt(texts[a].second) + " overlaps '" + texts[b].first + "' " +
              fmt(texts[b].second));
}

void checkPlots(const nlohmann::json& j, Findings& f) {
  for (const auto& p : j.at("plots")) {
    const Box r = box(p.at("rect"));
    const float mw = p.at("min_width").get<float>(), mh = p.at("min_height").get<float>();
    if (r.w() + 0.5f < mw || r.h() + 0.5f < mh) {
      char buf[160];
      std::snprintf(buf, sizeof buf, " is %.0f x %.0f px, below its minimum %.0f x %.0f", r.w(), r.h(), mw, mh);
      f.add("plot '" + p.at("title").get<std::string>() + "'" + buf);
    }
  }
}

std::vector<std::string> splitLabels(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    const std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void checkRequired(const nlohmann::json& j, const std::vector<std::string>& visible,
                   const std::vector<std::string>& absent, Findings& f) {
  std::map<std::string, Box> vis;
  for (const auto& w : j.at("windows")) vis[w.at("name").get<std::string>()] = box(w.at("visible"));
  for (const std::string& label : visible) {
    bool found = false, shown = false;
    for (const auto& it : j.at("items")) {
      if (it.at("label").get<std::string>() != label) continue;
      found = true;
      const Box r = box(it.at("rect"));
      const auto w = vis.find(it.at("window").get<std::string>());
      if (w != vis.end() && r.x0 >= w->second.x0 - 1 && r.x1 <= w->second.x1 + 1 && r.y0 >= w->second.y0 - 1 &&
          r.y1 <= w->second.y1 + 1)
        shown = true;
    }
    if (!found) f.add("item '" + label + "' is not on screen");
    else if (!shown) f.add("item '" + label + "' is not wholly visible (it needs scrolling)");
  }
  for (const std::string& label : absent)
    for (const auto& it : j.at("items"))
      if (it.at("label").get<std::string>() == label) {
        f.add("item '" + label + "' is on screen, expected absent");
        break;
      }
}

}  // namespace

// [SECTION] main

int main(int argc, char** argv) {
  std::vector<std::string> visible, absent;
  int fillW = 0, fillH = 0;
  bool requiredOnly = false;
  for (int i = 2; i < argc; ++i)
    if (std::string(argv[i]) == "--required-only") {
      requiredOnly = true;
      for (int k = i; k + 1 < argc; ++k) argv[k] = argv[k + 1];
      --argc;
      break;
    }
  std::vector<std::pair<int, std::string>> textCounts;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--texts") {
      const std::string v = argv[i + 1];
      const std::size_t colon = v.find(':');
      if (colon == std::string::npos) argc = 0;
      else textCounts.emplace_back(std::atoi(v.substr(0, colon).c_str()), v.substr(colon + 1));
    } else if (flag == "--visible") visible = splitLabels(argv[i + 1]);
    else if (flag == "--absent") absent = splitLabels(argv[i + 1]);
    else if (flag == "--fills") std::sscanf(argv[i + 1], "%dx%d", &fillW, &fillH);
    else argc = 0;  // usage
  }
  if (argc < 2 || argc % 2 != 0) {
    std::fprintf(stderr,
                 "usage: layout_check LAYOUT.json [--visible LABEL,...] [--absent LABEL,...] [--required-only] "
                 "[--fills WxH] [--texts MIN:REGEX]...\n");
    return 2;
  }
  nlohmann::json j;
  try {
    std::ifstream in(argv[1]);
    if (!in) throw std::runtime_error("cannot open");
    in >> j;
    for (const char* key : {"frame", "windows", "items", "glyph_runs", "texts", "plots"})
      if (!j.contains(key)) throw std::runtime_error(std::string("no '") + key + "' in it");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "layout_check: %s: %s\n", argv[1], e.what());
    return 2;
  }
  const float fs = j.at("frame").value("font_px", 0.0f);
  std::vector<Run> runs;
  for (const auto& g : j.at("glyph_runs")) {
    Run r;
    r.text = g.at("text").get<std::string>();
    r.window = g.at("window").get<std::string>();
    r.rect = box(g.at("rect"));
    r.clip = box(g.at("clip"));
    r.cut = g.at("cut").get<bool>();
    r.fontPx = g.at("font_px").get<float>();
    // Only the visible ink counts for overlaps: glyphs of a line scrolled
    // half out of its window are clipped there, not drawn over what is beyond.
    for (const auto& w : g.at("words")) {
      Box b = box(w);
      b = {std::max(b.x0, r.clip.x0), std::max(b.y0, r.clip.y0), std::min(b.x1, r.clip.x1), std::min(b.y1, r.clip.y1)};
      if (b.w() > 0 && b.h() > 0) r.words.push_back(b);
    }
    runs.push_back(std::move(r));
  }
  Findings f;
  if (!requiredOnly) {
    checkWindows(j, f);
    checkItems(j, runs, fs, f);
    checkText(runs, j, fs, f);
    checkPlots(j, f);
  }
  checkRequired(j, visible, absent, f);
  for (const auto& [min, pattern] : textCounts) {
    std::regex re;
    try {
      re = std::regex(pattern);
    } catch (const std::regex_error& e) {
      std::fprintf(stderr, "layout_check: --texts %s: not a regular expression (%s)\n", pattern.c_str(), e.what());
      return 2;
    }
    int n = 0;
    for (const auto& t : j.at("texts"))
      if (std::regex_match(t.at("text").get<std::string>(), re)) ++n;
    if (n < min)
      f.add(std::to_string(n) + " texts match '" + pattern + "', expected at least " + std::to_string(min));
  }
  if (fillW > 0 && fillH > 0) {
    // A window fitted to a WxH work area: inside it, less at most a frame.
    const int w = j.at("frame").value("width", 0), h = j.at("frame").value("height", 0);
    if (w > fillW || h > fillH || w < fillW * 9 / 10 || h < fillH * 17 / 20)
      f.add("window " + std::to_string(w) + "x" + std::to_string(h) + " does not fit a " + std::to_string(fillW) + "x" +
            std::to_string(fillH) + " work area (expected inside it, at least 90% x 85% of it)");
  }
  for (const std::string& line : f.lines) std::printf("FAIL %s\n", line.c_str());
  const auto& fr = j.at("frame");
  std::printf("%s: view %s, %s, %.0f px, %dx%d: %zu windows, %zu items, %zu text runs, %zu recorded texts, %zu plots: "
              "%zu findings\n",
              argv[1], fr.value("view", "?").c_str(), fr.value("theme", "?").c_str(), fs, fr.value("width", 0),
              fr.value("height", 0), j.at("windows").size(), j.at("items").size(), runs.size(), j.at("texts").size(),
              j.at("plots").size(), f.lines.size());
  return f.lines.empty() ? 0 : 1;
}
