#include "report/bench_json_reader.hpp"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

namespace cachescope {

namespace {

using nlohmann::json;

double number(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!it->is_number()) throw BenchJsonError(std::string("bench JSON: '") + key + "' is not a number");
  return it->get<double>();
}

template <class T>
std::optional<T> optional(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) throw BenchJsonError(std::string("bench JSON: parameter '") + key + "' is not a number");
  return it->get<T>();
}

BenchRecord record(const json& j) {
  if (!j.is_object() || !j.contains("kernel") || !j["kernel"].is_string())
    throw BenchJsonError("bench JSON: a result without a \"kernel\" string");
  const json& params = j.contains("params") ? j["params"] : j;
  if (!params.contains("n") || !params["n"].is_number_integer())
    throw BenchJsonError("bench JSON: result '" + j["kernel"].get<std::string>() + "' has no integer \"n\"");
  BenchRecord r;
  r.kernel = j["kernel"].get<std::string>();
  r.n = params["n"].get<int>();
  r.block = optional<int>(params, "block");
  r.threads = optional<int>(params, "threads");
  r.bits = optional<int>(params, "bits");
  r.density = optional<double>(params, "density");
  r.warmup = j.value("warmup", 0);
  r.reps = j.value("reps", 0);
  if (auto it = j.find("warnings"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) throw BenchJsonError("bench JSON: 'warnings' is not an array");
    for (const json& w : *it) {
      if (!w.is_string()) throw BenchJsonError("bench JSON: a warning is not a string");
      r.warnings.push_back(w.get<std::string>());
    }
  }
  r.footprintBytes = optional<double>(j, "footprint_bytes");
  r.fp32FootprintBytes = optional<double>(j, "fp32_footprint_bytes");
  if (j.contains("error")) {
    // formatJson writes nothing but the parameters for a failed run.
    // "cancelled" is the outcome's own name; anything else is why it failed.
    const std::string error = j["error"].is_string() ? j["error"].get<std::string>() : j["error"].dump();
    if (error == toString(Outcome::Cancelled)) {
      r.outcome = Outcome::Cancelled;
    } else {
      r.outcome = Outcome::Failed;
      r.failure = error;
    }
    return r;
  }
  if (j.contains("times_s")) {
    if (!j["times_s"].is_array()) throw BenchJsonError("bench JSON: 'times_s' is not an array");
    for (const json& t : j["times_s"]) r.timesS.push_back(t.is_number() ? t.get<double>() : std::nan(""));
  }
  r.medianS = number(j, "median_s");
  r.meanS = number(j, "mean_s");
  r.stddevS = number(j, "stddev_s");
  r.minS = number(j, "min_s");
  r.maxS = number(j, "max_s");
  r.work = number(j, "work");
  r.rate = number(j, "rate");
  r.unit = j.value("unit", std::string());
  r.denseEquivalentRate = optional<double>(j, "dense_equivalent_rate");
  if (auto it = j.find("error_vs_fp32"); it != j.end() && it->is_object()) {
    r.errMaxAbs = number(*it, "max_abs");
    r.errRelative = number(*it, "relative");
  }
  return r;
}

}  // namespace

std::vector<BenchRecord> parseBenchJson(const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) throw BenchJsonError("bench JSON: not valid JSON");
  if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array())
    throw BenchJsonError("bench JSON: no \"results\" array");
  std::vector<BenchRecord> records;
  for (const json& j : doc["results"]) records.push_back(record(j));
  return records;
}

}  // namespace cachescope
