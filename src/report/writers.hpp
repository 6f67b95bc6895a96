// Reporters: one record list, three formats. The GUI's CSV/JSON export and
// `cachescope bench --format csv|json` go through these same functions, so
// their output is identical.
//
// Every format says where and when it was measured: JSON in its "context"
// object, CSV in leading lines that start with "# " (cachescope version,
// date, host; pandas reads them with comment='#'), the table in its first
// lines. Each row carries its own unit (GFLOP/s, GOP/s, GB/s), the footprint
// of its operands as stored next to fp32's, the error against fp32 where the
// kernel is quantized or sparse, a sparse kernel's effective rate (nonzero
// work) and its dense-equivalent rate, its warnings, and, when a baseline
// kernel is named, the speedup over it (report/speedup.hpp).
#pragma once

#include <string>
#include <vector>

#include "report/record.hpp"

namespace cachescope {

enum class Format { Table, Csv, Json };

// Parses "table" | "csv" | "json"; returns false otherwise.
bool parseFormat(const std::string& text, Format& out);

struct ReportOptions {
  // Speedups are baseline median / median against this kernel's record at
  // the same n (and threads); "" gives none.
  std::string baseline;
};

std::string formatTable(const std::vector<BenchRecord>& records, const ReportOptions& options = {});
std::string formatCsv(const std::vector<BenchRecord>& records, const ReportOptions& options = {});
// {"context":..., "baseline": id (when given), "results":[...]}
std::string formatJson(const std::vector<BenchRecord>& records, const ReportOptions& options = {});
std::string formatRecords(const std::vector<BenchRecord>& records, Format format, const ReportOptions& options = {});

// "cachescope 1.0.0, 2026-12-02T01:30:00Z" and "host: <cpu>, 2 cores, avx2 ...":
// the lines that head the table and (after "# ") the CSV.
std::vector<std::string> contextLines();

// "2.00 MiB", "512 KiB", "96 B".
std::string bytesText(double bytes);

// The footprint against fp32's: "4.00x smaller", "1.50x larger", "same".
std::string footprintRatioText(double footprint, double fp32);

}  // namespace cachescope
