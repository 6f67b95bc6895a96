#include "trace/presets.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "platform/host.hpp"
#include "trace/errors.hpp"

namespace fs = std::filesystem;

namespace cachescope::trace {

CachePreset hostPreset() {
  CachePreset p;
  p.name = "host";
  p.description = "This machine's data caches as the OS reports them (" + host().cpuModel + ").";
  for (const CacheInfo& c : host().caches) {
    sim::LevelConfig l;
    l.name = "L" + std::to_string(c.level) + (c.type == "Data" ? "d" : "");
    l.ways = std::uint32_t(c.ways > 0 ? c.ways : 1);
    l.lineBytes = std::uint32_t(c.lineBytes > 0 ? c.lineBytes : 64);
    l.sizeBytes = c.sizeBytes;
    // sysfs rounds some sizes (e.g. "105M"); sets x ways x line is exact.
    if (c.sets > 0 && l.sizeBytes % (std::uint64_t(l.ways) * l.lineBytes) != 0)
      l.sizeBytes = std::uint64_t(c.sets) * l.ways * l.lineBytes;
    p.levels.push_back(l);
    if (p.levels.size() == std::size_t(sim::kMaxLevels)) break;
  }
  return p;
}

std::vector<std::string> presetDirectories() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("CACHESCOPE_ASSETS"); env && *env) dirs.push_back((fs::path(env) / "caches").string());
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path d = exe.parent_path(); !d.empty(); d = d.parent_path()) {
      fs::path candidate = d / "assets" / "caches";
      if (fs::is_directory(candidate, ec)) {
        dirs.push_back(candidate.string());
        break;
      }
      if (d == d.root_path()) break;
    }
  }
#ifdef CACHESCOPE_ASSET_DIR
  dirs.push_back((fs::path(CACHESCOPE_ASSET_DIR) / "caches").string());
#endif
  return dirs;
}

namespace {

// A level's numeric field as an exact unsigned integer no larger than `max`.
// nlohmann's get<unsigned>() truncates 8.9 to 8, wraps 4294967304 to 8 and is
// undefined behaviour for 1e30, so the JSON type is checked first: only an
// integer literal (number_unsigned) passes, then the range.
std::uint64_t wholeNumber(const nlohmann::json& level, const char* field, const std::string& lname,
                          std::uint64_t max) {
  const nlohmann::json& v = level.at(field);
  if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max)
    throw SimulationError(lname + " '" + field + "' must be a whole number from 0 to " + std::to_string(max) +
                          ", not " + v.dump());
  return v.get<std::uint64_t>();
}

CachePreset parsePresetFile(const fs::path& file, const std::string& name) {
  std::ifstream in(file);
  if (!in) throw SimulationError("cannot read cache preset '" + file.string() + "'");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    throw SimulationError("cache preset '" + file.string() + "' is not valid JSON: " + what);
  }
  CachePreset p;
  p.name = name;
  p.path = file.string();
  try {
    p.description = j.value("description", std::string());
    if (j.contains("policy")) p.replacement = sim::parseReplacement(j.at("policy").get<std::string>());
    const auto& levels = j.at("levels");
    if (!levels.is_array() || levels.empty() || levels.size() > std::size_t(sim::kMaxLevels))
      throw SimulationError("'levels' must be a list of 1 to 4 cache levels");
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const auto& l = levels[i];
      const std::string lname = l.value("name", "L" + std::to_string(i + 1));
      if (l.contains("spec")) {
        p.levels.push_back(sim::parseLevelSpec(l.at("spec").get<std::string>(), lname));
        continue;
      }
      sim::LevelConfig level;
      level.name = lname;
      if (l.at("size").is_string()) {
        if (!parseByteSize(l.at("size").get<std::string>(), level.sizeBytes))
          throw SimulationError(lname + " 'size' must be bytes with optional K/M/G suffix, not " +
                                l.at("size").dump());
      } else {
        level.sizeBytes = wholeNumber(l, "size", lname, ~std::uint64_t(0));
      }
      level.ways = std::uint32_t(wholeNumber(l, "ways", lname, std::uint64_t(1) << 31));
      level.lineBytes = std::uint32_t(wholeNumber(l, "line", lname, sim::kMaxLineBytes));
      sim::validate(level);
      p.levels.push_back(level);
    }
  } catch (const nlohmann::json::exception& e) {
    throw SimulationError("cache preset '" + file.string() + "': " + e.what());
  } catch (const sim::ConfigError& e) {
    throw SimulationError("cache preset '" + file.string() + "': " + e.what());
  } catch (const SimulationError& e) {
    throw SimulationError("cache preset '" + file.string() + "': " + e.what());
  }
  return p;
}

}  // namespace

CachePreset loadPreset(const std::string& nameOrPath) {
  if (nameOrPath == "host") return hostPreset();
  const bool looksLikePath = nameOrPath.find('/') != std::string::npos ||
                             (nameOrPath.size() > 5 && nameOrPath.substr(nameOrPath.size() - 5) == ".json");
  if (looksLikePath) {
    if (!fs::is_regular_file(nameOrPath)) throw SimulationError("cache preset file '" + nameOrPath + "' not found");
    return parsePresetFile(nameOrPath, fs::path(nameOrPath).stem().string());
  }
  for (const std::string& d : presetDirectories()) {
    fs::path f = fs::path(d) / (nameOrPath + ".json");
    if (fs::is_regular_file(f)) return parsePresetFile(f, nameOrPath);
  }
  std::string known = "host";
  for (const CachePreset& p : listPresets())
    if (p.name != "host") known += ", " + p.name;
  throw SimulationError("unknown cache preset '" + nameOrPath + "' (known: " + known + ")");
}

std::vector<CachePreset> listPresets() {
  std::vector<CachePreset> all{hostPreset()};
  std::set<std::string> seen{"host"};
  for (const std::string& d : presetDirectories()) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      const std::string name = f.stem().string();
      if (!seen.insert(name).second) continue;
      try {
        all.push_back(parsePresetFile(f, name));
      } catch (const SimulationError&) {
        // A broken preset is reported when it is named, not when listing.
      }
    }
  }
  return all;
}

}  // namespace cachescope::trace
