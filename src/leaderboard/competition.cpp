#include "leaderboard/competition.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace cachescope::leaderboard {

namespace fs = std::filesystem;

namespace {

int wholeField(const nlohmann::json& doc, const std::string& source, const char* field, int lo, int hi) {
  if (!doc.contains(field)) throw CompetitionError(source + ": missing field '" + field + "'");
  const nlohmann::json& v = doc.at(field);
  // Only an integer literal: get<int>() would truncate 8.9 and wrap 1e30.
  if (!(v.is_number_unsigned() || v.is_number_integer()) || v.get<long long>() < lo || v.get<long long>() > hi)
    throw CompetitionError(source + ": field '" + field + "' must be a whole number from " + std::to_string(lo) +
                           " to " + std::to_string(hi) + ", not " + v.dump());
  return int(v.get<long long>());
}

bool validId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

}  // namespace

Competition parseCompetition(const std::string& text, const std::string& source) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw CompetitionError(source + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
  if (!doc.is_object()) throw CompetitionError(source + ": a competition file is one JSON object");
  static const char* known[] = {"id", "title", "n", "threads", "reps", "warmup"};
  for (const auto& [key, value] : doc.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok)
      throw CompetitionError(source + ": unknown field '" + key + "' (known: id, title, n, threads, reps, warmup)");
  }
  Competition c;
  if (!doc.contains("id")) throw CompetitionError(source + ": missing field 'id'");
  if (!doc["id"].is_string() || !validId(doc["id"].get<std::string>()))
    throw CompetitionError(source + ": field 'id' must be a string of letters, digits, '-', '_' or '.', not " +
                           doc["id"].dump());
  c.id = doc["id"].get<std::string>();
  if (doc.contains("title")) {
    if (!doc["title"].is_string()) throw CompetitionError(source + ": field 'title' must be a string");
    c.title = doc["title"].get<std::string>();
    if (c.title.find('\n') != std::string::npos) throw CompetitionError(source + ": field 'title' must be one line");
  }
  c.protocol.n = wholeField(doc, source, "n", 16, 8192);
  c.protocol.threads = wholeField(doc, source, "threads", 1, 1024);
  c.protocol.reps = wholeField(doc, source, "reps", 1, 100);
  c.protocol.warmup = wholeField(doc, source, "warmup", 0, 100);
  return c;
}

Competition loadCompetition(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw CompetitionError(path + ": is a directory, not a competition file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CompetitionError(path + ": cannot be read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parseCompetition(ss.str(), path);
}

std::string defaultCompetitionPath() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("CACHESCOPE_ASSETS"); env && *env) dirs.push_back(fs::path(env));
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path d = exe.parent_path(); !d.empty(); d = d.parent_path()) {
      if (fs::is_directory(d / "assets" / "competitions", ec)) {
        dirs.push_back(d / "assets");
        break;
      }
      if (d == d.root_path()) break;
    }
  }
#ifdef CACHESCOPE_ASSET_DIR
  dirs.push_back(fs::path(CACHESCOPE_ASSET_DIR));
#endif
  for (const fs::path& d : dirs) {
    fs::path f = d / "competitions" / "default.json";
    if (fs::is_regular_file(f, ec)) return f.string();
  }
  throw CompetitionError("assets/competitions/default.json not found (set CACHESCOPE_ASSETS or pass --competition)");
}

std::string protocolText(const Protocol& p) {
  return "n=" + std::to_string(p.n) + " threads=" + std::to_string(p.threads) + " reps=" + std::to_string(p.reps) +
         " warmup=" + std::to_string(p.warmup);
}

}  // namespace cachescope::leaderboard
