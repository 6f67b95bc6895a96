// Plot files: the one way a Plot becomes a file, for the app's export
// buttons and for `--plot` of the commands alike, so the same data gives the
// same bytes from either face. The format follows the file name: .svg (the
// hand-written SVG writer, svg.cpp: deterministic text), .png and .pdf
// (cairo, cairo_render.hpp), all from the same layout at one default size.
// Files are written whole or not at all (report's AtomicFile).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "plot/plot.hpp"
#include "report/atomic_file.hpp"

namespace cachescope::plot {

// The size of every exported plot, app and command line: 16:9, readable on
// a slide, the SVG's nominal size in pixels.
inline constexpr int kExportWidth = 1280, kExportHeight = 720;

enum class FileFormat { Svg, Png, Pdf };

// A file name whose extension names no plot format. The message is one line,
// "'NAME': ..." so callers can prefix the option that gave the name.
struct PlotFormatError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The format for a file name's extension (case-insensitive); throws
// PlotFormatError for any other.
FileFormat formatForPath(const std::string& path);

// The file's bytes. Throws std::invalid_argument for a size outside
// 16..8192 per side, std::runtime_error when cairo fails.
std::string renderPlot(const Plot& plot, FileFormat format, int width = kExportWidth, int height = kExportHeight);

// Several plots in one file, stacked top to bottom (the charts of a bench
// run with more than one unit): each gets an equal share of `height`, or
// its minimum height at the file font when that is more, so the file grows
// rather than squeezing. One plot: exactly renderPlot().
std::vector<int> figureHeights(const std::vector<Plot>& plots, int width = kExportWidth, int height = kExportHeight);
std::string renderFigure(const std::vector<Plot>& plots, FileFormat format, int width = kExportWidth,
                         int height = kExportHeight);

// Open early, write late: the constructor checks the extension and creates
// the temporary file (so a bad name or an unwritable directory is reported
// before a long benchmark), write() renders and renames it into place.
// Destroyed unwritten, it leaves nothing behind.
class PlotFile {
 public:
  // Throws PlotFormatError, or FileError when the file cannot be created.
  explicit PlotFile(const std::string& path);
  void write(const Plot& plot, int width = kExportWidth, int height = kExportHeight);
  void write(const std::vector<Plot>& plots, int width = kExportWidth, int height = kExportHeight);
  const std::string& path() const { return file_.path(); }
  FileFormat format() const { return format_; }

 private:
  FileFormat format_;
  AtomicFile file_;
};

// PlotFile(path).write(plot): what the app's export buttons call.
void exportPlot(const Plot& plot, const std::string& path, int width = kExportWidth, int height = kExportHeight);

}  // namespace cachescope::plot
