#include "leaderboard/submission.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "leaderboard/sha256.hpp"
#include "platform/host.hpp"

namespace cachescope::leaderboard {

namespace {

constexpr const char* kFormat = "cachescope-leaderboard";
constexpr int kFileVersion = 1;

std::string cachesText(const HostInfo& h) {
  std::string out;
  for (const CacheInfo& c : h.caches) {
    if (!out.empty()) out += ", ";
    out += "L" + std::to_string(c.level) + (c.type == "Data" ? "d" : "") + " " + formatBytes(c.sizeBytes) + "/" +
           std::to_string(c.ways);
  }
  return out;
}

void optionalNumber(nlohmann::json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = *v;
  else j[key] = nullptr;
}

// Field readers: every message names the entry and the field.
const nlohmann::json& field(const nlohmann::json& j, const std::string& where, const char* key) {
  if (!j.contains(key)) throw SubmissionFileError(where + ": missing field '" + key + "'");
  return j.at(key);
}

std::string stringField(const nlohmann::json& j, const std::string& where, const char* key, bool required = true) {
  if (!required && (!j.contains(key) || j.at(key).is_null())) return "";
  const nlohmann::json& v = field(j, where, key);
  if (!v.is_string()) throw SubmissionFileError(where + ": field '" + key + "' must be a string");
  std::string s = v.get<std::string>();
  if (s.size() > 4096 || s.find('\n') != std::string::npos)
    throw SubmissionFileError(where + ": field '" + key + "' must be one line of at most 4096 characters");
  return s;
}

std::optional<double> numberField(const nlohmann::json& j, const std::string& where, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  const nlohmann::json& v = j.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
    throw SubmissionFileError(where + ": field '" + key + "' must be a number >= 0 or null");
  return v.get<double>();
}

int intField(const nlohmann::json& j, const std::string& where, const char* key, int lo, int hi) {
  const nlohmann::json& v = field(j, where, key);
  if (!(v.is_number_integer() || v.is_number_unsigned()) || v.get<long long>() < lo || v.get<long long>() > hi)
    throw SubmissionFileError(where + ": field '" + key + "' must be a whole number from " + std::to_string(lo) +
                              " to " + std::to_string(hi));
  return int(v.get<long long>());
}

bool isHex(const std::string& s, std::size_t len) {
  if (s.size() != len) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::string HostSummary::key() const {
  return sha256Hex(cpu + "\n" + std::to_string(cores) + "\n" + simd + "\n" + caches).substr(0, 16);
}

HostSummary thisHost() {
  const HostInfo& h = host();
  HostSummary s;
  s.cpu = h.cpuModel;
  s.cores = h.logicalCores;
  s.simd = toString(h.simd);
  s.caches = cachesText(h);
  return s;
}

std::string utcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, int(ms));
  return out;
}

nlohmann::json toJson(const Submission& s) {
  nlohmann::json j;
  j["name"] = s.name;
  j["kernel"] = s.kernel;
  j["source_hash"] = s.sourceHash;
  j["plugin_path"] = s.pluginPath;
  j["competition"] = s.competition;
  j["protocol"] = {{"n", s.protocol.n},
                   {"threads", s.protocol.threads},
                   {"reps", s.protocol.reps},
                   {"warmup", s.protocol.warmup}};
  j["params"] = s.params;
  j["host"] = {{"cpu", s.host.cpu}, {"cores", s.host.cores}, {"simd", s.host.simd}, {"caches", s.host.caches},
               {"key", s.host.key()}};
  j["context"] = s.context;
  j["verified"] = s.verified;
  j["failure"] = s.failure;
  optionalNumber(j, "median_s", s.medianS);
  optionalNumber(j, "min_s", s.minS);
  optionalNumber(j, "max_s", s.maxS);
  optionalNumber(j, "stddev_s", s.stddevS);
  optionalNumber(j, "rate", s.rate);
  j["unit"] = s.unit;
  optionalNumber(j, "library_rate", s.libraryRate);
  optionalNumber(j, "baseline_median_s", s.baselineMedianS);
  optionalNumber(j, "percent_of_library", s.percentOfLibrary);
  optionalNumber(j, "speedup_over_baseline", s.speedupOverBaseline);
  j["date"] = s.date;
  return j;
}

Submission submissionFromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw SubmissionFileError(where + ": an entry is a JSON object");
  static const char* known[] = {"name",     "kernel",      "source_hash", "plugin_path", "competition", "protocol",
                                "params",   "host",        "context",     "verified",    "failure",     "median_s",
                                "min_s",    "max_s",       "stddev_s",    "rate",        "unit",        "library_rate",
                                "baseline_median_s", "percent_of_library", "speedup_over_baseline", "date"};
  for (const auto& [key, value] : j.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) throw SubmissionFileError(where + ": unknown field '" + key + "'");
  }
  Submission s;
  s.name = stringField(j, where, "name");
  if (s.name.empty()) throw SubmissionFileError(where + ": field 'name' is empty");
  s.kernel = stringField(j, where, "kernel");
  s.sourceHash = stringField(j, where, "source_hash");
  if (!isHex(s.sourceHash, 64)) throw SubmissionFileError(where + ": field 'source_hash' must be 64 hex digits");
  s.pluginPath = stringField(j, where, "plugin_path", false);
  s.competition = stringField(j, where, "competition");
  const nlohmann::json& p = field(j, where, "protocol");
  if (!p.is_object()) throw SubmissionFileError(where + ": field 'protocol' must be an object");
  s.protocol.n = intField(p, where + ": protocol", "n", 1, 1 << 20);
  s.protocol.threads = intField(p, where + ": protocol", "threads", 1, 1 << 20);
  s.protocol.reps = intField(p, where + ": protocol", "reps", 1, 1 << 20);
  s.protocol.warmup = intField(p, where + ": protocol", "warmup", 0, 1 << 20);
  if (j.contains("params")) {
    if (!j["params"].is_object()) throw SubmissionFileError(where + ": field 'params' must be an object");
    s.params = j["params"];
  }
  const nlohmann::json& h = field(j, where, "host");
  if (!h.is_object()) throw SubmissionFileError(where + ": field 'host' must be an object");
  s.host.cpu = stringField(h, where + ": host", "cpu");
  s.host.cores = intField(h, where + ": host", "cores", 0, 1 << 20);
  s.host.simd = stringField(h, where + ": host", "simd");
  s.host.caches = stringField(h, where + ": host", "caches");
  if (j.contains("context")) {
    if (!j["context"].is_object()) throw SubmissionFileError(where + ": field 'context' must be an object");
    s.context = j["context"];
  }
  const nlohmann::json& v = field(j, where, "verified");
  if (!v.is_boolean()) throw SubmissionFileError(where + ": field 'verified' must be true or false");
  s.verified = v.get<bool>();
  s.failure = stringField(j, where, "failure", false);
  s.medianS = numberField(j, where, "median_s");
  s.minS = numberField(j, where, "min_s");
  s.maxS = numberField(j, where, "max_s");
  s.stddevS = numberField(j, where, "stddev_s");
  s.rate = numberField(j, where, "rate");
  s.unit = stringField(j, where, "unit", false);
  s.libraryRate = numberField(j, where, "library_rate");
  s.baselineMedianS = numberField(j, where, "baseline_median_s");
  s.percentOfLibrary = numberField(j, where, "percent_of_library");
  s.speedupOverBaseline = numberField(j, where, "speedup_over_baseline");
  s.date = stringField(j, where, "date");
  if (s.date.empty()) throw SubmissionFileError(where + ": field 'date' is empty");
  // An unverified entry carries no numbers: it was never timed.
  if (!s.verified && (s.rate || s.percentOfLibrary))
    throw SubmissionFileError(where + ": an unverified entry has no rate (it is never timed)");
  return s;
}

std::string submissionFileText(const std::vector<Submission>& entries) {
  nlohmann::json doc;
  doc["format"] = kFormat;
  doc["version"] = kFileVersion;
  doc["submissions"] = nlohmann::json::array();
  for (const Submission& s : entries) doc["submissions"].push_back(toJson(s));
  return doc.dump(2) + "\n";
}

std::vector<Submission> parseSubmissionFile(const std::string& text, const std::string& source) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw SubmissionFileError(source + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
  if (!doc.is_object() || !doc.contains("format") || doc["format"] != kFormat)
    throw SubmissionFileError(source + ": not a cachescope leaderboard file (field 'format' is not \"" +
                              std::string(kFormat) + "\")");
  for (const auto& [key, value] : doc.items())
    if (key != "format" && key != "version" && key != "submissions")
      throw SubmissionFileError(source + ": unknown field '" + key + "'");
  if (!doc.contains("version") || !doc["version"].is_number_integer() || doc["version"].get<int>() != kFileVersion)
    throw SubmissionFileError(source + ": field 'version' must be " + std::to_string(kFileVersion));
  if (!doc.contains("submissions") || !doc["submissions"].is_array())
    throw SubmissionFileError(source + ": field 'submissions' must be an array");
  std::vector<Submission> out;
  int i = 0;
  for (const nlohmann::json& e : doc["submissions"])
    out.push_back(submissionFromJson(e, source + ": submission " + std::to_string(++i)));
  return out;
}

std::vector<Submission> loadSubmissionFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw SubmissionFileError(path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SubmissionFileError(path + ": cannot be read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parseSubmissionFile(ss.str(), path);
}

}  // namespace cachescope::leaderboard
