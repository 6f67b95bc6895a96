// The one text-table layouter: every table the CLI prints (bench, simulate,
// roofline, list) and the GUI copies goes through it, so they all align the
// same way.
#pragma once

#include <string>
#include <vector>

namespace cachescope {

enum class Align { Left, Right };

struct TextTable {
  // Per column; columns without an entry are right-aligned (numbers).
  std::vector<Align> align;
  // Header rows first. Rows may be shorter than the widest: missing cells are empty.
  std::vector<std::vector<std::string>> rows;
  int headerRows = 1;
  // A line of '-' as wide as the table under the header rows.
  bool rule = true;
};

// Columns two spaces apart, each as wide as its widest cell; a column empty in
// every row (header included) is left out; no line ends in spaces.
std::string layoutTable(const TextTable& table);

}  // namespace cachescope
