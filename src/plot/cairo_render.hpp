// The cairo renderer: draws a Frame from layoutPlot() onto any cairo_t, so
// one routine serves every surface cairo has (the surface picks the format:
// an image surface for PNG, a PDF surface for PDF). It follows the drawing
// recipe of layout.hpp and the look of the SVG writer (svg.cpp): light theme,
// the same colours, line widths and dashes, so the PNG, the PDF and the SVG
// of a plot are the same picture.
//
// Fonts: the family kFontFamily ("DejaVu Sans", Debian's fonts-dejavu-core)
// through cairo's toy text API, which asks fontconfig. Fallback: when that
// family is not installed fontconfig substitutes its best sans-serif match,
// and with no font installed at all cairo draws with its built-in "twin"
// font; text never makes rendering fail. The layout is computed with widths
// measured in that same font (cairoLayout), so margins and the legend fit
// the text as drawn.
//
// Core code: cairo only, no ImGui, GLFW or GL. cairo's header stays out of
// this one (cairo_t is forward-declared as cairo.h itself declares it).
#pragma once

#include <string>
#include <vector>

#include "plot/layout.hpp"
#include "plot/plot.hpp"

typedef struct _cairo cairo_t;

namespace cachescope::plot {

inline constexpr const char* kFontFamily = "DejaVu Sans";

// Text widths in kFontFamily as cairo draws them (no metric hinting).
TextWidthFn cairoTextWidth();

// The layout of a plot drawn with cairo: layoutPlot() with text widths
// measured in kFontFamily (no metric hinting) on a private context, so the
// PNG and the PDF of a plot share one layout whatever their surface.
Frame cairoLayout(const Plot& plot, float width, float height, float fontPx = kFileFontPx);

// Draws the plot into the rectangle (0, 0, f.width, f.height) of cr's user
// space (one unit = one layout pixel), f being cairoLayout(plot, ...). Sets
// cr's font options (no hinting, grey antialiasing) and restores its state.
void drawPlot(cairo_t* cr, const Plot& plot, const Frame& f);

// Whole files as bytes. Throw std::runtime_error when cairo fails (out of
// memory, a size cairo cannot make); renderPlot() (export.hpp) checks sizes.
std::string renderPng(const Plot& plot, int width, int height);
std::string renderPdf(const Plot& plot, int width, int height);
// Several plots stacked top to bottom on one page, plot i heights[i] tall.
std::string renderPng(const std::vector<Plot>& plots, int width, const std::vector<int>& heights);
std::string renderPdf(const std::vector<Plot>& plots, int width, const std::vector<int>& heights);

}  // namespace cachescope::plot
