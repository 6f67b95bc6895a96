#include "engine/settings.hpp"

#include "engine/lecture.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include <nlohmann/json.hpp>

#include "bench/param_list.hpp"
#include "bench/runner.hpp"
#include "engine/worker.hpp"
#include "kernels/registry.hpp"
#include "platform/host.hpp"
#include "report/atomic_file.hpp"
#include "trace/presets.hpp"

namespace cachescope::engine {

const char* toString(View view) {
  switch (view) {
    case View::Timings: return "timings";
    case View::Cache: return "cache";
    case View::Roofline: return "roofline";
    case View::Access: return "access";
    case View::Threads: return "threads";
    case View::Memory: return "memory";
    case View::Leaderboard: return "leaderboard";
    case View::Dispatch: return "dispatch";
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
    case SweepAxis::Density: return "density";
  }
  return "?";
}

bool parseView(const std::string& text, View& out) {
  for (View v : {View::Timings, View::Cache, View::Roofline, View::Access, View::Threads, View::Memory, View::Leaderboard,
                 View::Dispatch})
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
  for (SweepAxis a : {SweepAxis::None, SweepAxis::N, SweepAxis::Block, SweepAxis::Threads, SweepAxis::Density})
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
  std::string id = kernelRoles().precisionKernel(bits);
  if (id.empty()) id = kernelRoles().precisionKernel(32);
  return findKernel(id) ? id : "";
}

namespace {

// "--set n=5" or, for a scenario, "scenario 'f.json': set.n=5": what the
// user wrote, and where.
std::string named(const std::string& origin, const std::string& key, const std::string& value) {
  if (!origin.empty() && origin.back() == '.') return origin + key + "=" + value;
  return origin + " " + key + "=" + value;
}

// A whole number in lo..hi, from the text as typed: out-of-range values
// (2^64 - 1 from a scenario) are named as given, never after a wrap.
int parseInt(const std::string& origin, const std::string& key, const std::string& value, int lo, int hi) {
  long long v = 0;
  // A leading '+' is accepted, as stoi did before; "+-5" is not a number.
  const bool plus = value.size() > 1 && value[0] == '+' && value[1] >= '0' && value[1] <= '9';
  const char* begin = value.data() + (plus ? 1 : 0);
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(begin, end, v);
  if (value.empty() || ec == std::errc::invalid_argument || ptr != end)
    throw UsageError(named(origin, key, value) + ": not an integer");
  if (ec == std::errc::result_out_of_range || v < lo || v > hi)
    throw UsageError(named(origin, key, value) + ": must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  return int(v);
}

// Keeps the ladder order of the registry whatever order the user typed.
std::vector<std::string> parseKernelList(const std::string& origin, const std::string& value) {
  const std::vector<std::string> wanted = splitIdList(value);
  for (const std::string& id : wanted)
    if (!findKernel(id))
      throw UsageError(named(origin, "kernels", value) + ": unknown kernel '" + id + "' (did you mean '" +
                       nearestKernelId(id) + "'?)");
  if (wanted.empty())
    throw UsageError(named(origin, "kernels", value) + ": give at least one kernel id (see 'cachescope list')");
  std::vector<std::string> ordered;
  for (const Kernel& k : kernels())
    if (std::find(wanted.begin(), wanted.end(), k.info.id) != wanted.end()) ordered.push_back(k.info.id);
  return ordered;
}

const char* const kRunKeys[] = {"n", "block", "threads", "bits", "density", "kernels", "sweep"};
const char* const kWindowKeys[] = {"panel", "roofline-levels", "predict", "predict-guess", "mine-again"};
const char* const kAccessKeys[] = {"step", "caches", "l1", "access", "play", "speed", "loop"};

template <std::size_t N>
bool oneOf(const std::string& key, const char* const (&keys)[N]) {
  for (const char* k : keys)
    if (key == k) return true;
  return false;
}

template <std::size_t N>
std::string joined(const char* const (&keys)[N]) {
  std::string s;
  for (const char* k : keys) s += std::string(s.empty() ? "" : ", ") + k;
  return s;
}

std::string runKeysText() { return joined(kRunKeys); }

// The kernels that take bits, with their widths: "matmul.int8 (8, 4), matmul.int4 (4)".
std::string bitsKernelsText() {
  std::string s;
  for (const Kernel& k : kernels()) {
    if (!k.uses(Param::Bits)) continue;
    s += (s.empty() ? "" : ", ") + k.info.id + " (";
    for (std::size_t i = 0; i < k.info.bits.size(); ++i) s += (i ? ", " : "") + std::to_string(k.info.bits[i]);
    s += ")";
  }
  return s;
}

}  // namespace

std::string settingKeysText() {
  return joined(kRunKeys) + "; window: " + joined(kWindowKeys) + "; Access view: " + joined(kAccessKeys) +
         "; Memory view: " + memoryKeysText();
}

int runBits(const Kernel& k, int bits) {
  if (!k.uses(Param::Bits)) return 32;
  if (k.info.bits.empty() || std::find(k.info.bits.begin(), k.info.bits.end(), bits) != k.info.bits.end()) return bits;
  return k.info.bits.front();
}

std::vector<int> selectedBitsChoices(const RunSettings& settings) {
  std::vector<int> out;
  for (const std::string& id : settings.kernels) {
    const Kernel* k = findKernel(id);
    if (!k || !k->uses(Param::Bits)) continue;
    for (int b : k->info.bits)
      if (std::find(out.begin(), out.end(), b) == out.end()) out.push_back(b);
  }
  return out;
}

void normalizeBits(RunSettings& settings) {
  const std::vector<int> choices = selectedBitsChoices(settings);
  if (choices.empty() || std::find(choices.begin(), choices.end(), settings.params.bits) != choices.end()) return;
  settings.params.bits = choices.front();
}

void checkBitsUsed(const RunSettings& settings, const std::string& origin) {
  const std::vector<int> choices = selectedBitsChoices(settings);
  const std::string what = named(origin, "bits", std::to_string(settings.params.bits));
  if (choices.empty())
    throw UsageError(what + ": no selected kernel takes bits (the quantized ones do: " + bitsKernelsText() +
                     "); select one with kernels=");
  if (std::find(choices.begin(), choices.end(), settings.params.bits) == choices.end())
    throw UsageError(what + ": the selected quantized kernels take " + bitsKernelsText());
}

double estimateRunSeconds(const RunSettings& s) {
  double total = 0;
  for (const std::string& id : s.kernels) {
    const Kernel* k = findKernel(id);
    if (!k) continue;
    Job j{k, s.params};
    j.params.bits = runBits(*k, s.params.bits);
    j.params.block = std::min(j.params.block, j.params.n);
    const RunOptions reps = repsForEstimate(k->work(j.params) / kEstimateRate);
    total += estimateSweep({j}, {reps.warmup, reps.reps + 1}).seconds;
  }
  return total;
}

void fitWindowSize(int workW, int workH, int& width, int& height) {
  if (workW <= 0 || workH <= 0) {
    width = 1280;
    height = 720;
    return;
  }
  // A title bar and borders around the client area: leave room for them.
  const int marginW = std::max(16, workW / 40), marginH = std::max(48, workH / 20);
  width = std::clamp(workW - marginW, 640, 2560);
  height = std::clamp(workH - marginH, 480, 1440);
}

void applyWindowSize(LaunchOptions& options, const std::string& text) {
  const auto x = text.find('x');
  int w = 0, h = 0;
  bool ok = x != std::string::npos;
  if (ok) {
    const char* s = text.data();
    const auto a = std::from_chars(s, s + x, w);
    const auto b = std::from_chars(s + x + 1, s + text.size(), h);
    ok = a.ec == std::errc() && a.ptr == s + x && b.ec == std::errc() && b.ptr == s + text.size();
  }
  if (!ok || w < 640 || h < 480 || w > 7680 || h > 4320)
    throw UsageError("--window " + text + ": give WIDTHxHEIGHT in pixels, 640x480 to 7680x4320 (e.g. 1280x720)");
  options.width = w;
  options.height = h;
}

void applySetting(RunSettings& settings, const std::string& keyValue, SweepAxis* sweepOut,
                  const std::string& origin) {
  auto eq = keyValue.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(origin + " expects key=value (keys: " + runKeysText() + "), got '" + keyValue + "'");
  std::string key = keyValue.substr(0, eq), value = keyValue.substr(eq + 1);
  Params& p = settings.params;
  // Values are checked before they are stored: a bad --set changes nothing.
  if (key == "n") {
    p.n = parseInt(origin, key, value, kMinN, kMaxN);
  } else if (key == "block") {
    p.block = parseInt(origin, key, value, kMinBlock, kMaxBlock);
  } else if (key == "threads") {
    p.threads = parseInt(origin, key, value, 1, host().logicalCores);
  } else if (key == "bits") {
    const int b = parseInt(origin, key, value, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (!isRunBits(b)) throw UsageError(named(origin, key, value) + ": must be " + kRunBitsText);
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
      throw UsageError(named(origin, key, value) + ": must be a number in (0, 1]");
    p.density = d;
  } else if (key == "kernels") {
    settings.kernels = parseKernelList(origin, value);
  } else if (key == "sweep") {
    SweepAxis axis;
    if (!parseSweepAxis(value, axis))
      throw UsageError(named(origin, key, value) + ": must be n, block, threads, density or none");
    if (sweepOut) *sweepOut = axis;
  } else {
    throw UsageError(origin + ": unknown key '" + key + "' (keys: " + runKeysText() + ")");
  }
}

void applyLaunchSetting(LaunchOptions& options, const std::string& keyValue, const std::string& origin) {
  const auto eq = keyValue.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(origin + " expects key=value (keys: " + settingKeysText() + "), got '" + keyValue + "'");
  const std::string key = keyValue.substr(0, eq), value = keyValue.substr(eq + 1);
  if (oneOf(key, kRunKeys)) {
    applySetting(options.settings, keyValue, &options.sweep, origin);
    if (key == "bits") options.bitsOrigin = origin;
    return;
  }
  if (key == "roofline-levels") {
    if (value != "0" && value != "1") throw UsageError(named(origin, key, value) + ": must be 0 (one roof) or 1 (a roof per level)");
    options.rooflineLevels = value == "1";
    return;
  }
  if (key == "mine-again") {
    if (value != "0" && value != "1")
      throw UsageError(named(origin, key, value) + ": must be 0 or 1 (scripted: press Run mine again once the first results are in)");
    options.mineAgain = value == "1";
    return;
  }
  if (key == "predict") {
    if (value != "0" && value != "1") throw UsageError(named(origin, key, value) + ": must be 0 (off) or 1 (Predict first on)");
    options.predict = value == "1";
    return;
  }
  if (key == "predict-guess") {
    if (value.empty()) throw UsageError(named(origin, key, value) + ": give the guess (a kernel id, or a size such as 64K)");
    options.predict = true;
    options.predictGuess = value;
    options.predictGuessOrigin = named(origin, key, value);
    return;
  }
  if (key == "panel") {
    if (value != "0" && value != "1") throw UsageError(named(origin, key, value) + ": must be 0 (hidden) or 1 (shown)");
    options.panel = value == "1";
    return;
  }
  if (applyMemorySetting(options.memory, keyValue, origin)) return;
  if (!oneOf(key, kAccessKeys))
    throw UsageError(origin + ": unknown key '" + key + "' (keys: " + settingKeysText() + ")");
  try {
    AnimationLaunch launch = options.animation;  // a refused value changes nothing
    applyAnimationSetting(launch, keyValue);
    // A preset name is resolved now: a typo fails before the window opens,
    // not in the status bar of a running app.
    if (key == "caches") trace::loadPreset(value);
    options.animation = launch;
  } catch (const InputError& e) {
    // The Access view's parser says "--set KEY=VALUE: why"; keep the why and
    // name the real source.
    std::string why = e.what();
    const std::string flag = "--set " + keyValue + ":";
    if (why.rfind(flag, 0) == 0) why = why.substr(flag.size());
    else if (why.rfind("--set ", 0) == 0 && why.find(':') != std::string::npos) why = why.substr(why.find(':') + 1);
    while (!why.empty() && why.front() == ' ') why.erase(0, 1);
    throw UsageError(named(origin, key, value) + ": " + why);
  }
}

void checkLaunch(const LaunchOptions& options) {
  if (!options.bitsOrigin.empty()) checkBitsUsed(options.settings, options.bitsOrigin);
  if (!options.predictGuess.empty()) {
    const LectureQuestion q = predictQuestion(options.view, options.settings);
    if (q.kind == QuestionKind::None)
      throw UsageError(options.predictGuessOrigin + ": Predict first asks in the timings and memory views only");
    if (q.kind == QuestionKind::Choice && q.options.size() < 2)
      throw UsageError(options.predictGuessOrigin + ": Predict first needs two or more kernels of one family");
    Guess g = initialGuess(q);
    parseGuess(q, options.predictGuess, g, options.predictGuessOrigin);
  }
}

namespace {

// A scenario is a few lines a lecturer writes; anything larger is the wrong
// file (or /dev/zero), refused before it is read into memory.
constexpr std::size_t kMaxScenarioBytes = 1 << 20;

// The whole file, or a FileError (exit 2) with the reason in one line: a
// directory or an unreadable file is the user's input, not a crash.
std::string readScenario(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw FileError("cannot read scenario '" + path + "': " + std::strerror(errno));
  std::string text;
  char buf[65536];
  std::size_t got = 0;
  while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    text.append(buf, got);
    if (text.size() > kMaxScenarioBytes)
      throw FileError("scenario '" + path + "' is larger than " + std::to_string(kMaxScenarioBytes >> 20) +
                      " MiB; is it the right file?");
  }
  if (std::ferror(f.get())) throw FileError("cannot read scenario '" + path + "': " + std::strerror(errno));
  return text;
}

// A number of a "set" entry, as the text the --set parsers take, exactly:
// integers in full (2^64 - 1 stays that, 1e6 is 1000000), other doubles in
// the shortest text that reads back as the same double (0.12345678, not
// 0.123457). The parsers then judge the value as if it had been typed, so a
// scenario and --set accept the same values.
std::string numberText(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  const double d = v.get<double>();
  // 2^63: every double below it that is a whole number fits an int64.
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9223372036854775808.0)
    return std::to_string(static_cast<long long>(d));
  char buf[64];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, ptr) : std::string("nan");
}

}  // namespace

void applyScenarioFile(LaunchOptions& options, const std::string& path) {
  const std::string contents = readScenario(path);
  nlohmann::json j;
  try {
    // parse() takes exactly one document: trailing text or a second object
    // is an error (operator>> would stop after the first and ignore the rest).
    j = nlohmann::json::parse(contents);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("scenario '" + path + "' is not valid JSON: " + std::string(e.what()));
  }
  if (!j.is_object()) throw UsageError("scenario '" + path + "' must be a JSON object");
  auto text = [&](const nlohmann::json& v, const std::string& key) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return numberText(v);
    throw UsageError("scenario '" + path + "': '" + key + "' must be a string or a number");
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "view") {
      if (!parseView(text(*it, key), options.view))
        throw UsageError("scenario '" + path + "': view must be timings, cache, roofline, access, threads or memory");
    } else if (key == "theme") {
      if (!parseTheme(text(*it, key), options.theme))
        throw UsageError("scenario '" + path + "': theme must be light or dark");
    } else if (key == "font_size") {
      // Checked as a double: converting an out-of-range one to float is
      // undefined behaviour, so 1e300 must be refused before it.
      const double size = it->is_number() ? it->get<double>() : 0.0;
      if (!(size >= kMinFontSize && size <= kMaxFontSize))
        throw UsageError("scenario '" + path + "': font_size must be a number in " +
                         std::to_string(int(kMinFontSize)) + ".." + std::to_string(int(kMaxFontSize)) + " (pixels)");
      options.fontSize = static_cast<float>(size);
    } else if (key == "sweep") {
      if (!parseSweepAxis(text(*it, key), options.sweep))
        throw UsageError("scenario '" + path + "': sweep must be n, block, threads, density or none");
    } else if (key == "set") {
      if (!it->is_object()) throw UsageError("scenario '" + path + "': 'set' must be an object of key: value");
      for (auto s = it->begin(); s != it->end(); ++s) {
        applyLaunchSetting(options, s.key() + "=" + text(*s, s.key()), "scenario '" + path + "': set.");
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
