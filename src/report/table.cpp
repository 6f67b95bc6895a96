#include "report/table.hpp"

#include <algorithm>
#include <sstream>

namespace cachescope {

std::string layoutTable(const TextTable& t) {
  std::size_t columns = 0;
  for (const auto& row : t.rows) columns = std::max(columns, row.size());
  std::vector<std::size_t> width(columns, 0);
  for (const auto& row : t.rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  std::size_t total = 0, shown = 0;
  for (std::size_t w : width)
    if (w > 0) total += w + (shown++ ? 2 : 0);

  std::ostringstream os;
  static const std::string kEmpty;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::string line;
    bool first = true;
    for (std::size_t c = 0; c < columns; ++c) {
      if (width[c] == 0) continue;
      const std::string& cell = c < t.rows[r].size() ? t.rows[r][c] : kEmpty;
      const std::string pad(width[c] - cell.size(), ' ');
      const bool left = c < t.align.size() && t.align[c] == Align::Left;
      if (!first) line += "  ";
      first = false;
      line += left ? cell + pad : pad + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
    if (t.rule && int(r) + 1 == t.headerRows) os << std::string(total, '-') << '\n';
  }
  return os.str();
}

}  // namespace cachescope
