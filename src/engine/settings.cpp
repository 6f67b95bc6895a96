#include "engine/settings.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench/param_list.hpp"
#include "kernels/registry.hpp"
#include "platform/host.hpp"
#include "report/atomic_file.hpp"

namespace cachescope::engine {

const char* toString(View view) {
  switch (view) {
    case View::Timings: return "timings";
    case View::Cache: return "cache";
    case View::Roofline: return "roofline";
    case View::Access: return "access";
    case View::Threads: return "threads";
  }
  return "?";
}

const char* toString(Theme theme) { return theme == Theme::Light ? "light" : "dark"; }

const char* toString(SweepAxis axis) {
  switch (axis) {
    case SweepAxis::None: return "none";
    case SweepAxis::N: return "n";
    case SweepAxis::Block: return "block";
    case SweepAxis::Threads: return "threads";
  }
  return "?";
}

bool parseView(const std::string& text, View& out) {
  for (View v : {View::Timings, View::Cache, View::Roofline, View::Access, View::Threads})
    if (text == toString(v)) {
      out = v;
      return true;
    }
  return false;
}

bool parseTheme(const std::string& text, Theme& out) {
  if (text == "dark") out = Theme::Dark;
  else if (text == "light") out = Theme::Light;
  else return false;
  return true;
}

bool parseSweepAxis(const std::string& text, SweepAxis& out) {
  for (SweepAxis a : {SweepAxis::None, SweepAxis::N, SweepAxis::Block, SweepAxis::Threads})
    if (text == toString(a)) {
      out = a;
      return true;
    }
  return false;
}

bool operator==(const RunSettings& a, const RunSettings& b) {
  const Params &p = a.params, &q = b.params;
  return a.kernels == b.kernels && p.n == q.n && p.block == q.block && p.threads == q.threads && p.bits == q.bits &&
         p.density == q.density;
}

RunSettings defaultRunSettings() {
  RunSettings s;
  for (const std::string& id : kernelRoles().selection)
    if (findKernel(id)) s.kernels.push_back(id);
  s.params.n = 512;
  s.params.block = 64;
  s.params.threads = 1;
  return s;
}

std::string quantKernelId(int bits) {
  const std::string id = kernelRoles().precisionKernel(bits == 8 || bits == 4 ? bits : 32);
  return findKernel(id) ? id : "";
}

namespace {

int parseInt(const std::string& key, const std::string& value) {
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size()) throw UsageError("--set " + key + "=" + value + ": not an integer");
  return v;
}

void checkRange(const std::string& key, int v, int lo, int hi) {
  if (v < lo || v > hi)
    throw UsageError("--set " + key + "=" + std::to_string(v) + ": must be in " + std::to_string(lo) + ".." +
                     std::to_string(hi));
}

// Keeps the ladder order of the registry whatever order the user typed.
std::vector<std::string> parseKernelList(const std::string& value) {
  const std::vector<std::string> wanted = splitIdList(value);
  for (const std::string& id : wanted)
    if (!findKernel(id))
      throw UsageError("--set kernels: unknown kernel '" + id + "' (did you mean '" + nearestKernelId(id) + "'?)");
  if (wanted.empty()) throw UsageError("--set kernels=: give at least one kernel id (see 'cachescope list')");
  std::vector<std::string> ordered;
  for (const Kernel& k : kernels())
    if (std::find(wanted.begin(), wanted.end(), k.info.id) != wanted.end()) ordered.push_back(k.info.id);
  return ordered;
}

}  // namespace

void applySetting(RunSettings& settings, const std::string& keyValue, SweepAxis* sweepOut) {
  auto eq = keyValue.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--set expects key=value (keys: n, block, threads, bits, density, kernels, sweep), got '" +
                     keyValue + "'");
  std::string key = keyValue.substr(0, eq), value = keyValue.substr(eq + 1);
  Params& p = settings.params;
  // Values are checked before they are stored: a bad --set changes nothing.
  if (key == "n") {
    const int v = parseInt(key, value);
    checkRange(key, v, kMinN, kMaxN);
    p.n = v;
  } else if (key == "block") {
    const int v = parseInt(key, value);
    checkRange(key, v, kMinBlock, kMaxBlock);
    p.block = v;
  } else if (key == "threads") {
    const int v = parseInt(key, value);
    checkRange(key, v, 1, host().logicalCores);
    p.threads = v;
  } else if (key == "bits") {
    int b = parseInt(key, value);
    if (b != 32 && b != 8 && b != 4) throw UsageError("--set bits=" + value + ": must be 32, 8 or 4");
    p.bits = b;
  } else if (key == "density") {
    std::size_t used = 0;
    double d = 0;
    try {
      d = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != value.size() || !(d > 0.0 && d <= 1.0))
      throw UsageError("--set density=" + value + ": must be a number in (0, 1]");
    p.density = d;
  } else if (key == "kernels") {
    settings.kernels = parseKernelList(value);
  } else if (key == "sweep") {
    SweepAxis axis;
    if (!parseSweepAxis(value, axis)) throw UsageError("--set sweep=" + value + ": must be n, block, threads or none");
    if (sweepOut) *sweepOut = axis;
  } else {
    throw UsageError("--set: unknown key '" + key + "' (keys: n, block, threads, bits, density, kernels, sweep)");
  }
}

void applyScenarioFile(LaunchOptions& options, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FileError("cannot read scenario '" + path + "'");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("scenario '" + path + "' is not valid JSON: " + std::string(e.what()));
  }
  if (!j.is_object()) throw UsageError("scenario '" + path + "' must be a JSON object");
  auto text = [&](const nlohmann::json& v, const std::string& key) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) {
      std::ostringstream os;
      os << v.get<double>();
      return os.str();
    }
    throw UsageError("scenario '" + path + "': '" + key + "' must be a string or a number");
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "view") {
      if (!parseView(text(*it, key), options.view))
        throw UsageError("scenario '" + path + "': view must be timings, cache, roofline, access or threads");
    } else if (key == "theme") {
      if (!parseTheme(text(*it, key), options.theme))
        throw UsageError("scenario '" + path + "': theme must be light or dark");
    } else if (key == "font_size") {
      if (!it->is_number()) throw UsageError("scenario '" + path + "': font_size must be a number");
      options.fontSize = it->get<float>();
    } else if (key == "sweep") {
      if (!parseSweepAxis(text(*it, key), options.sweep))
        throw UsageError("scenario '" + path + "': sweep must be n, block, threads or none");
    } else if (key == "set") {
      if (!it->is_object()) throw UsageError("scenario '" + path + "': 'set' must be an object of key: value");
      for (auto s = it->begin(); s != it->end(); ++s) {
        const std::string kv = s.key() + "=" + text(*s, s.key());
        if (!applyAnimationSetting(options.animation, kv)) applySetting(options.settings, kv, &options.sweep);
      }
    } else if (key == "title" || key == "notes") {
      // For the lecturer reading the file; the app shows nothing of it.
    } else {
      throw UsageError("scenario '" + path + "': unknown key '" + key +
                       "' (keys: view, theme, font_size, sweep, set, title, notes)");
    }
  }
}

}  // namespace cachescope::engine
