// Reporters: one record list, three formats. The GUI's CSV/JSON export and
// `cachescope bench --format csv|json` go through these same functions, so
// their output is identical.
#pragma once

#include <string>
#include <vector>

#include "report/record.hpp"

namespace cachescope {

enum class Format { Table, Csv, Json };

// Parses "table" | "csv" | "json"; returns false otherwise.
bool parseFormat(const std::string& text, Format& out);

std::string formatTable(const std::vector<BenchRecord>& records);
std::string formatCsv(const std::vector<BenchRecord>& records);
std::string formatJson(const std::vector<BenchRecord>& records);  // {"context":..., "results":[...]}
std::string formatRecords(const std::vector<BenchRecord>& records, Format format);

}  // namespace cachescope
