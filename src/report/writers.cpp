#include "report/writers.hpp"

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "report/numbers.hpp"
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
std::string optNum(const std::optional<double>& v) { return v ? num(*v) : ""; }

// The failure column of CSV and the "error" of JSON: why it failed, or
// "cancelled".
std::string failureText(const BenchRecord& r) {
  return r.outcome == Outcome::Failed ? r.failure : r.outcome == Outcome::Cancelled ? toString(r.outcome) : "";
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

std::string formatTable(const std::vector<BenchRecord>& records) {
  TextTable t;
  t.align.assign(14, Align::Right);
  t.align[0] = t.align[11] = Align::Left;  // kernel, unit
  t.rows.push_back({"kernel", "n", "block", "threads", "bits", "density", "reps", "median", "stddev", "min",
                    "rate", "unit", "max abs err", "rel err"});
  for (const BenchRecord& r : records) {
    if (r.outcome != Outcome::Ok) {
      t.rows.push_back({r.kernel, std::to_string(r.n), optInt(r.block), optInt(r.threads), optInt(r.bits),
                        optNum(r.density), "-", outcomeText(r), "", "", "", "", "", ""});
      continue;
    }
    t.rows.push_back({r.kernel, std::to_string(r.n), optInt(r.block), optInt(r.threads), optInt(r.bits),
                      optNum(r.density), std::to_string(r.reps), durationText(r.medianS), durationText(r.stddevS),
                      durationText(r.minS), rateText(r.rate), r.unit, r.errMaxAbs ? num(*r.errMaxAbs, 3) : "",
                      r.errRelative ? num(*r.errRelative, 3) : ""});
  }
  return layoutTable(t);
}

std::string formatCsv(const std::vector<BenchRecord>& records) {
  std::ostringstream os;
  os << "kernel,n,block,threads,bits,density,warmup,reps,median_s,mean_s,stddev_s,min_s,max_s,work,rate,unit,"
        "err_max_abs,err_relative,failure\n";
  for (const BenchRecord& r : records) {
    std::string failure = failureText(r);
    for (char& ch : failure)
      if (ch == ',' || ch == '\n' || ch == '"') ch = ' ';
    os << r.kernel << ',' << r.n << ',' << optInt(r.block) << ',' << optInt(r.threads) << ',' << optInt(r.bits)
       << ',' << optNum(r.density) << ',' << r.warmup << ',' << r.reps << ',' << num(r.medianS, 9) << ','
       << num(r.meanS, 9) << ',' << num(r.stddevS, 9) << ',' << num(r.minS, 9) << ',' << num(r.maxS, 9) << ','
       << num(r.work, 12) << ',' << num(r.rate, 6) << ',' << r.unit << ',' << optNum(r.errMaxAbs) << ','
       << optNum(r.errRelative) << ',' << failure << '\n';
  }
  return os.str();
}

namespace {
nlohmann::json finiteOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
}  // namespace

std::string formatJson(const std::vector<BenchRecord>& records) {
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
    j["rate"] = finiteOrNull(r.rate);
    j["unit"] = r.unit;
    if (r.unit != "GB/s") j["gflops"] = finiteOrNull(r.rate);  // 2n^3 / median (GOP/s for integer kernels)
    else j["gbps"] = finiteOrNull(r.rate);
    if (r.errMaxAbs) j["error_vs_fp32"] = {{"max_abs", *r.errMaxAbs}, {"relative", r.errRelative.value_or(0.0)}};
    results.push_back(j);
  }
  nlohmann::json doc = {{"context", hostContextJson()}, {"results", results}};
  return doc.dump(2) + "\n";
}

std::string formatRecords(const std::vector<BenchRecord>& records, Format format) {
  switch (format) {
    case Format::Csv: return formatCsv(records);
    case Format::Json: return formatJson(records);
    case Format::Table: break;
  }
  return formatTable(records);
}

}  // namespace cachescope
