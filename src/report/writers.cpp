#include "report/writers.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "report/numbers.hpp"
#include "report/speedup.hpp"
#include "report/table.hpp"

namespace cachescope {

bool parseFormat(const std::string& text, Format& out) {
  if (text == "table") out = Format::Table;
  else if (text == "csv") out = Format::Csv;
  else if (text == "json") out = Format::Json;
  else return false;
  return true;
}

namespace {

std::string num(double v, int precision = 6) { return significantText(v, precision); }
std::string optInt(const std::optional<int>& v) { return v ? std::to_string(*v) : ""; }
std::string optNum(const std::optional<double>& v, int precision = 6) { return v ? num(*v, precision) : ""; }

// The failure column of CSV and the "error" of JSON: why it failed, or
// "cancelled".
std::string failureText(const BenchRecord& r) {
  return r.outcome == Outcome::Failed ? r.failure : r.outcome == Outcome::Cancelled ? toString(r.outcome) : "";
}

std::optional<double> speedupOf(const BenchRecord& r, const std::vector<BenchRecord>& all, const ReportOptions& o) {
  if (o.baseline.empty()) return std::nullopt;
  return speedupOver(r, all, o.baseline);
}

// "n=512 block=64": a row named in the notes under the table.
std::string rowName(const BenchRecord& r) {
  std::string s = r.kernel + " n=" + std::to_string(r.n);
  if (r.block) s += " block=" + std::to_string(*r.block);
  if (r.threads) s += " threads=" + std::to_string(*r.threads);
  if (r.bits) s += " bits=" + std::to_string(*r.bits);
  if (r.density) s += " density=" + num(*r.density);
  return s;
}

// A CSV field: quoted (quotes doubled) when it holds a comma, quote or newline.
std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string q = "\"";
  for (char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return q + "\"";
}

}  // namespace

std::string outcomeText(const BenchRecord& r) {
  switch (r.outcome) {
    case Outcome::Ok: break;
    case Outcome::Failed: return "failed: " + r.failure;
    case Outcome::Cancelled: return toString(r.outcome);
  }
  return "";
}

namespace {
// ", clock ~3.20 GHz": the estimate the context records (its method is in JSON).
std::string clockText(const nlohmann::json& c) {
  if (!c.contains("clock") || !c["clock"].contains("ghz")) return "";
  return ", clock ~" + fixedText(c["clock"]["ghz"].get<double>(), 2) + " GHz";
}
}  // namespace

std::vector<std::string> contextLines() {
  const nlohmann::json c = hostContextJson();
  auto str = [&](const char* key) { return c.contains(key) ? c[key].get<std::string>() : std::string("?"); };
  const int cores = c.value("cores", 0);
  std::string simd = str("simd");
  if (str("simd_active") != simd) simd += " (active " + str("simd_active") + ")";
  return {"cachescope " + str("version") + ", " + str("date"),
          "host: " + str("cpu") + ", " + std::to_string(cores) + (cores == 1 ? " core, " : " cores, ") + simd +
              ", " + str("build_type") + " build" + clockText(c)};
}

std::string bytesText(double bytes) {
  if (!std::isfinite(bytes) || bytes < 0) return "-";
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return u == 0 ? fixedText(bytes, 0) + " B" : fixedText(bytes, bytes < 10 ? 2 : bytes < 100 ? 1 : 0) + " " + units[u];
}

std::string footprintRatioText(double footprint, double fp32) {
  if (!(footprint > 0) || !(fp32 > 0)) return "";
  const double ratio = fp32 / footprint;
  if (std::fabs(ratio - 1.0) < 0.005) return "same";
  return ratio > 1 ? fixedText(ratio, 2) + "x smaller" : fixedText(1 / ratio, 2) + "x larger";
}

std::string formatTable(const std::vector<BenchRecord>& records, const ReportOptions& options) {
  enum Col { Kernel, N, Block, Threads, Bits, Density, Reps, Median, Stddev, Min, Rate, Unit, DenseEq, Speedup,
             Footprint, VsFp32, MaxAbs, RelErr, Chose, Notes, Count };
  TextTable t;
  t.align.assign(Count, Align::Right);
  t.align[Kernel] = t.align[Unit] = t.align[VsFp32] = t.align[Chose] = t.align[Notes] = Align::Left;
  t.rows.push_back({"kernel", "n", "block", "threads", "bits", "density", "reps", "median", "stddev", "min", "rate",
                    "unit", "", "", "", "", "", "", "", ""});
  // Columns that only some rows fill get their header only when a row fills them.
  bool anyDense = false, anySpeedup = false, anyFootprint = false, anyErr = false, anyNotes = false;
  std::vector<std::string> choices;  // "<row>: <reason>" of each dispatching row
  std::vector<std::string> notes;  // distinct warnings, numbered in order of appearance
  std::vector<std::string> noteRows;  // the first row that has it
  std::vector<std::size_t> noteCount;  // how many rows have it
  for (const BenchRecord& r : records) {
    std::vector<std::string> row(Count);
    row[Kernel] = r.kernel;
    row[N] = std::to_string(r.n);
    row[Block] = optInt(r.block);
    row[Threads] = optInt(r.threads);
    row[Bits] = optInt(r.bits);
    row[Density] = optNum(r.density);
    if (r.footprintBytes) {
      row[Footprint] = bytesText(*r.footprintBytes);
      if (r.fp32FootprintBytes) row[VsFp32] = footprintRatioText(*r.footprintBytes, *r.fp32FootprintBytes);
      anyFootprint = true;
    }
    if (r.chosenKernel) {
      row[Chose] = *r.chosenKernel;
      choices.push_back(rowName(r) + ": " + r.choiceReason);
    }
    std::string marks;
    for (const std::string& w : r.warnings) {
      std::size_t idx = 0;
      while (idx < notes.size() && notes[idx] != w) ++idx;
      if (idx == notes.size()) {
        notes.push_back(w);
        noteRows.push_back(rowName(r));
        noteCount.push_back(0);
      }
      ++noteCount[idx];
      marks += (marks.empty() ? "[" : ",") + std::to_string(idx + 1);
    }
    if (!marks.empty()) {
      row[Notes] = marks + "]";
      anyNotes = true;
    }
    if (r.outcome != Outcome::Ok) {
      row[Reps] = "-";
      row[Median] = outcomeText(r);
      t.rows.push_back(row);
      continue;
    }
    row[Reps] = std::to_string(r.reps);
    row[Median] = durationText(r.medianS);
    row[Stddev] = durationText(r.stddevS);
    row[Min] = durationText(r.minS);
    row[Rate] = rateText(r.rate);
    row[Unit] = r.unit;
    if (r.denseEquivalentRate) {
      row[DenseEq] = rateText(*r.denseEquivalentRate);
      anyDense = true;
    }
    if (auto s = speedupOf(r, records, options)) {
      row[Speedup] = fixedText(*s, *s < 10 ? 2 : 1) + "x";
      anySpeedup = true;
    }
    if (r.errMaxAbs) {
      row[MaxAbs] = num(*r.errMaxAbs, 3);
      anyErr = true;
    }
    if (r.errRelative) row[RelErr] = num(*r.errRelative, 3);
    t.rows.push_back(row);
  }
  std::vector<std::string>& head = t.rows.front();
  if (anyDense) head[DenseEq] = "dense-eq";
  if (anySpeedup) head[Speedup] = "speedup";
  if (anyFootprint) {
    head[Footprint] = "footprint";
    head[VsFp32] = "vs fp32";
  }
  if (anyErr) {
    head[MaxAbs] = "max abs err";
    head[RelErr] = "rel err";
  }
  if (anyNotes) head[Notes] = "notes";
  if (!choices.empty()) head[Chose] = "ran";

  std::ostringstream os;
  for (const std::string& line : contextLines()) os << line << '\n';
  os << layoutTable(t);
  // What the optional columns mean, once each, under the table.
  if (anySpeedup) os << "speedup: median of " << options.baseline << " / this median, at the same n (and threads)\n";
  if (anyFootprint) os << "footprint: the operands as stored (matmul: A and B with scales or CSR arrays; relu: x); "
                          "vs fp32: against the same operands in fp32\n";
  if (anyErr) os << "errors: against the fp32 result (quantized: the rounding to bits; sparse: the dense product, "
                    "so rel err is the cost of pruning A to its density, not a bug)\n";
  if (anyDense) os << "sparse: rate counts the nonzero work 2 nnz n; dense-eq = 2n^3 / median, a time ratio "
                      "against the dense kernels, not a speed of the hardware\n";
  for (const std::string& c : choices) os << "ran " << c << '\n';
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const std::string rows = noteCount[i] == 1 ? noteRows[i]
                             : noteCount[i] == records.size()
                                 ? "all " + std::to_string(noteCount[i]) + " rows"
                                 : noteRows[i] + " and " + std::to_string(noteCount[i] - 1) + " more";
    os << "[" << i + 1 << "] " << rows << ": " << notes[i] << '\n';
  }
  return os.str();
}

std::string formatCsv(const std::vector<BenchRecord>& records, const ReportOptions& options) {
  std::ostringstream os;
  for (const std::string& line : contextLines()) os << "# " << line << '\n';
  os << "# rate: work / median / 1e9 in the row's unit (sparse: nonzero work; dense_equivalent_rate: 2n^3 / median)";
  if (!options.baseline.empty()) os << "; speedup: median of " << options.baseline << " / median";
  os << '\n';
  os << "kernel,n,block,threads,bits,density,warmup,reps,median_s,mean_s,stddev_s,min_s,max_s,work,rate,unit,"
        "err_max_abs,err_relative,failure,footprint_bytes,fp32_footprint_bytes,dense_equivalent_rate,speedup,"
        "warnings,simd_path,unreliable,chosen_kernel,choice_reason\n";
  for (const BenchRecord& r : records) {
    std::string failure = failureText(r);
    for (char& ch : failure)
      if (ch == ',' || ch == '\n' || ch == '"') ch = ' ';
    std::string warnings;
    for (const std::string& w : r.warnings) warnings += (warnings.empty() ? "" : "; ") + w;
    os << r.kernel << ',' << r.n << ',' << optInt(r.block) << ',' << optInt(r.threads) << ',' << optInt(r.bits)
       << ',' << optNum(r.density) << ',' << r.warmup << ',' << r.reps << ',' << num(r.medianS, 9) << ','
       << num(r.meanS, 9) << ',' << num(r.stddevS, 9) << ',' << num(r.minS, 9) << ',' << num(r.maxS, 9) << ','
       << num(r.work, 12) << ',' << num(r.rate, 6) << ',' << r.unit << ',' << optNum(r.errMaxAbs) << ','
       << optNum(r.errRelative) << ',' << failure << ',' << optNum(r.footprintBytes, 12) << ','
       << optNum(r.fp32FootprintBytes, 12) << ',' << optNum(r.denseEquivalentRate) << ','
       << optNum(speedupOf(r, records, options)) << ',' << csvField(warnings) << ',' << csvField(r.simdPath) << ','
       << csvField(r.unreliable) << ',' << r.chosenKernel.value_or("") << ',' << csvField(r.choiceReason) << '\n';
  }
  return os.str();
}

namespace {
nlohmann::json finiteOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
}  // namespace

std::string formatJson(const std::vector<BenchRecord>& records, const ReportOptions& options) {
  nlohmann::json results = nlohmann::json::array();
  for (const BenchRecord& r : records) {
    nlohmann::json params = {{"n", r.n}};
    if (r.block) params["block"] = *r.block;
    if (r.threads) params["threads"] = *r.threads;
    if (r.bits) params["bits"] = *r.bits;
    if (r.density) params["density"] = *r.density;
    nlohmann::json j = {{"kernel", r.kernel}, {"params", params}, {"warmup", r.warmup}, {"reps", r.reps}};
    // Flat copies of the parameters too, so simple scripts need no nesting.
    for (auto it = params.begin(); it != params.end(); ++it) j[it.key()] = it.value();
    j["warnings"] = r.warnings;
    j["simd_path"] = r.simdPath;
    j["unreliable"] = r.unreliable;  // "" when none of the rules fired
    if (r.chosenKernel) j["chosen"] = {{"kernel", *r.chosenKernel}, {"reason", r.choiceReason}};
    if (r.footprintBytes) j["footprint_bytes"] = *r.footprintBytes;
    if (r.fp32FootprintBytes) j["fp32_footprint_bytes"] = *r.fp32FootprintBytes;
    if (r.outcome != Outcome::Ok) {
      j["error"] = failureText(r);
      results.push_back(j);
      continue;
    }
    j["times_s"] = r.timesS;
    j["median_s"] = finiteOrNull(r.medianS);
    j["mean_s"] = finiteOrNull(r.meanS);
    j["stddev_s"] = finiteOrNull(r.stddevS);
    j["min_s"] = finiteOrNull(r.minS);
    j["max_s"] = finiteOrNull(r.maxS);
    j["work"] = r.work;
    j["rate"] = finiteOrNull(r.rate);  // work / median / 1e9, in `unit`
    j["unit"] = r.unit;
    // Convenience copies named for their unit only: never a GOP/s under "gflops".
    if (r.unit == "GFLOP/s") j["gflops"] = finiteOrNull(r.rate);
    else if (r.unit == "GB/s") j["gbps"] = finiteOrNull(r.rate);
    if (r.denseEquivalentRate) j["dense_equivalent_rate"] = finiteOrNull(*r.denseEquivalentRate);
    if (auto s = speedupOf(r, records, options)) j["speedup"] = finiteOrNull(*s);
    if (r.errMaxAbs) j["error_vs_fp32"] = {{"max_abs", *r.errMaxAbs}, {"relative", r.errRelative.value_or(0.0)}};
    results.push_back(j);
  }
  nlohmann::json doc = {{"context", hostContextJson()}};
  if (!options.baseline.empty()) doc["baseline"] = options.baseline;
  doc["results"] = results;
  return doc.dump(2) + "\n";
}

std::string formatRecords(const std::vector<BenchRecord>& records, Format format, const ReportOptions& options) {
  switch (format) {
    case Format::Csv: return formatCsv(records, options);
    case Format::Json: return formatJson(records, options);
    case Format::Table: break;
  }
  return formatTable(records, options);
}

}  // namespace cachescope
