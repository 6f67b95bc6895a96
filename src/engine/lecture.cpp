#include "engine/lecture.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "kernels/registry.hpp"
#include "platform/errors.hpp"
#include "platform/host.hpp"
#include "report/atomic_file.hpp"
#include "report/writers.hpp"
#include "trace/presets.hpp"

namespace cachescope::engine {

const char* toString(QuestionKind kind) {
  switch (kind) {
    case QuestionKind::None: return "none";
    case QuestionKind::Choice: return "choice";
    case QuestionKind::Number: return "number";
    case QuestionKind::Knee: return "knee";
  }
  return "?";
}

namespace {

using nlohmann::json;

constexpr std::size_t kMaxLectureBytes = 1 << 20;

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// " (did you mean 'x'?)" when a candidate is close, else the list.
std::string suggest(const std::string& got, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t bestD = ~std::size_t(0);
  for (const std::string& c : candidates) {
    const std::size_t d = editDistance(got, c);
    if (d < bestD) bestD = d, best = c;
  }
  if (!best.empty() && bestD <= std::max<std::size_t>(2, got.size() / 3)) return " (did you mean '" + best + "'?)";
  std::string all;
  for (const std::string& c : candidates) all += (all.empty() ? "" : ", ") + c;
  return " (one of: " + all + ")";
}

struct Where {
  std::string name;
  int step = 0;
  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    throw UsageError(name + ": step " + std::to_string(step) + ": " + field + ": " + why);
  }
};

std::string stringField(const Where& w, const json& v, const std::string& field) {
  if (!v.is_string()) w.fail(field, "must be a string");
  return v.get<std::string>();
}

double numberField(const Where& w, const json& v, const std::string& field) {
  if (!v.is_number()) w.fail(field, "must be a number");
  return v.get<double>();
}

// A "set" entry as the text --set takes (numbers in full, as scenarios do).
std::string setText(const Where& w, const json& v, const std::string& key) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) {
    // The shortest text that reads back as the same double: 0.05, not
    // 0.050000000000000003 (the handout shows it).
    const double d = v.get<double>();
    char buf[64];
    for (int digits = 6; digits <= 17; ++digits) {
      std::snprintf(buf, sizeof buf, "%.*g", digits, d);
      if (std::strtod(buf, nullptr) == d) break;
    }
    return buf;
  }
  w.fail(key, "must be a string or a number");
}

// applyLaunchSetting's message names its origin "set.KEY=VALUE: why"; the
// lecture's names the step and the field.
void applyStepSetting(const Where& w, LaunchOptions& launch, const std::string& key, const std::string& value) {
  try {
    applyLaunchSetting(launch, key + "=" + value, "set.");
  } catch (const InputError& e) {
    std::string why = e.what();
    const std::string prefix = "set." + key + "=" + value + ": ";
    if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
    else if (why.rfind("set.: ", 0) == 0) why = why.substr(6);
    else if (why.rfind("set. ", 0) == 0) why = why.substr(5);
    if (why.rfind("unknown key", 0) == 0) {
      const std::vector<std::string> keys = {"n", "block", "threads", "bits", "density", "kernels", "panel", "step",
                                             "caches", "l1", "access", "play", "speed", "loop", "probe",
                                             "probe-max", "probe-threads", "probe-simulate", "probe-prefetch",
                                             "mountain"};
      w.fail("set", "unknown key '" + key + "'" + suggest(key, keys));
    }
    w.fail(key, why);
  }
}

std::vector<std::string> viewNames() {
  std::vector<std::string> out;
  for (View v :
       {View::Timings, View::Cache, View::Roofline, View::Access, View::Threads, View::Memory, View::Leaderboard})
    out.push_back(toString(v));
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A kernel id the question names: registered and among the step's kernels.
void checkStepKernel(const Where& w, const LectureStep& step, const std::string& field, const std::string& id) {
  if (!findKernel(id)) w.fail(field, "unknown kernel '" + id + "' (did you mean '" + nearestKernelId(id) + "'?)");
  if (!contains(step.launch.settings.kernels, id))
    w.fail(field, "kernel '" + id + "' is not among the step's kernels (add it to set.kernels)");
}

LectureQuestion parseQuestion(const Where& w, const json& q, const LectureStep& step) {
  if (!q.is_object()) w.fail("question", "must be an object");
  LectureQuestion out;
  if (!q.contains("kind")) w.fail("question.kind", "missing (choice, number or knee)");
  const std::string kind = stringField(w, q["kind"], "question.kind");
  if (kind == "choice") out.kind = QuestionKind::Choice;
  else if (kind == "number") out.kind = QuestionKind::Number;
  else if (kind == "knee") out.kind = QuestionKind::Knee;
  else w.fail("question.kind", "unknown kind '" + kind + "'" + suggest(kind, {"choice", "number", "knee"}));
  if (!q.contains("text")) w.fail("question.text", "missing (the question the class answers)");
  out.text = stringField(w, q["text"], "question.text");
  if (out.text.empty()) w.fail("question.text", "must not be empty");

  std::vector<std::string> allowed = {"kind", "text"};
  if (out.kind == QuestionKind::Choice) {
    allowed.insert(allowed.end(), {"options", "answer"});
    if (q.contains("options")) {
      if (!q["options"].is_array()) w.fail("question.options", "must be a list of kernel ids");
      for (const json& o : q["options"]) {
        const std::string id = stringField(w, o, "question.options");
        checkStepKernel(w, step, "question.options", id);
        out.options.push_back(id);
      }
    } else {
      out.options = step.launch.settings.kernels;
    }
    if (out.options.size() < 2) w.fail("question.options", "a choice needs at least two kernels");
    out.answer = q.contains("answer") ? stringField(w, q["answer"], "question.answer") : "fastest";
    if (out.answer != "fastest" && out.answer != "slowest")
      w.fail("question.answer", "'" + out.answer + "' is not computable" + suggest(out.answer, {"fastest", "slowest"}) +
                                    "; the answer is measured, never written in the file");
  } else if (out.kind == QuestionKind::Number) {
    allowed.insert(allowed.end(), {"of", "kernels", "min", "max"});
    if (!q.contains("of")) w.fail("question.of", "missing (rate-ratio or traversal-ratio)");
    out.of = stringField(w, q["of"], "question.of");
    if (out.of == "rate-ratio") {
      if (!q.contains("kernels") || !q["kernels"].is_array() || q["kernels"].size() != 2)
        w.fail("question.kernels", "rate-ratio needs two kernel ids [A, B] (rate of A / rate of B)");
      for (const json& k : q["kernels"]) {
        const std::string id = stringField(w, k, "question.kernels");
        checkStepKernel(w, step, "question.kernels", id);
        out.ratio.push_back(id);
      }
    } else if (out.of == "traversal-ratio") {
      if (step.launch.view != View::Memory || step.launch.memory.probe != ProbeKind::Traversal)
        w.fail("question.of", "traversal-ratio needs view memory with set.probe=traversal");
    } else {
      w.fail("question.of", "unknown '" + out.of + "'" + suggest(out.of, {"rate-ratio", "traversal-ratio"}));
    }
    out.min = q.contains("min") ? numberField(w, q["min"], "question.min") : 0.0;
    out.max = q.contains("max") ? numberField(w, q["max"], "question.max") : 10.0;
    if (!(std::isfinite(out.min) && std::isfinite(out.max) && out.min < out.max))
      w.fail("question.min", "min must be below max (the slider's range)");
  } else {
    allowed.insert(allowed.end(), {"level"});
    if (step.launch.view != View::Memory || step.launch.memory.probe != ProbeKind::Latency)
      w.fail("question.kind", "knee needs view memory with the latency ladder (set.probe=latency)");
    out.level = 1;
    if (q.contains("level")) {
      const double l = numberField(w, q["level"], "question.level");
      if (!(l == 1 || l == 2 || l == 3)) w.fail("question.level", "must be 1, 2 or 3 (L1d, L2, L3)");
      out.level = int(l);
    }
  }
  for (auto it = q.begin(); it != q.end(); ++it)
    if (!contains(allowed, it.key()))
      w.fail("question", "unknown field '" + it.key() + "'" + suggest(it.key(), allowed));
  return out;
}

LectureStep parseStep(const Where& w, const json& s) {
  if (!s.is_object()) w.fail("step", "must be an object");
  LectureStep step;
  step.number = w.step;
  const std::vector<std::string> allowed = {"view", "title", "caption", "set", "sweep", "question", "notes"};
  for (auto it = s.begin(); it != s.end(); ++it)
    if (!contains(allowed, it.key())) w.fail(it.key(), "unknown field" + suggest(it.key(), allowed));
  if (!s.contains("view")) w.fail("view", "missing");
  const std::string view = stringField(w, s["view"], "view");
  if (!parseView(view, step.launch.view)) w.fail("view", "unknown view '" + view + "'" + suggest(view, viewNames()));
  if (!s.contains("title")) w.fail("title", "missing");
  step.title = stringField(w, s["title"], "title");
  if (step.title.empty()) w.fail("title", "must not be empty");
  if (!s.contains("caption")) w.fail("caption", "missing (two or three sentences of why)");
  step.caption = stringField(w, s["caption"], "caption");
  if (step.caption.empty()) w.fail("caption", "must not be empty");
  if (s.contains("set")) {
    if (!s["set"].is_object()) w.fail("set", "must be an object of key: value");
    for (auto it = s["set"].begin(); it != s["set"].end(); ++it) {
      const std::string value = setText(w, *it, it.key());
      applyStepSetting(w, step.launch, it.key(), value);
      step.sets.push_back(it.key() + "=" + value);
    }
  }
  if (s.contains("sweep")) {
    const std::string sweep = stringField(w, s["sweep"], "sweep");
    if (!parseSweepAxis(sweep, step.launch.sweep))
      w.fail("sweep", "unknown axis '" + sweep + "'" + suggest(sweep, {"n", "block", "threads", "density", "none"}));
  }
  try {
    checkLaunch(step.launch);
  } catch (const InputError& e) {
    std::string why = e.what();
    const std::string prefix = "set.bits=" + std::to_string(step.launch.settings.params.bits) + ": ";
    if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
    w.fail("bits", why);
  }
  if (s.contains("question")) step.question = parseQuestion(w, s["question"], step);
  return step;
}

std::string readWhole(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw FileError("cannot read lecture '" + path + "': " + std::strerror(errno));
  std::string text;
  char buf[65536];
  std::size_t got = 0;
  while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    text.append(buf, got);
    if (text.size() > kMaxLectureBytes) throw FileError("lecture '" + path + "' is larger than 1 MiB; is it the right file?");
  }
  if (std::ferror(f.get())) throw FileError("cannot read lecture '" + path + "': " + std::strerror(errno));
  return text;
}

const BenchRecord* okRecord(const StepResults& r, const std::string& id) {
  for (const BenchRecord& b : r.records)
    if (b.kernel == id && b.outcome == Outcome::Ok && b.rate > 0) return &b;
  return nullptr;
}

std::string rateText(const BenchRecord& r) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.3g %s", r.rate, r.unit.c_str());
  return buf;
}

}  // namespace

Lecture parseLecture(const std::string& text, const std::string& name) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw UsageError(name + ": not valid JSON: " + std::string(e.what()));
  }
  const json* steps = &j;
  Lecture lecture;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "title" && it.key() != "steps" && it.key() != "notes")
        throw UsageError(name + ": unknown key '" + it.key() + "' (keys: title, steps, notes)");
    if (j.contains("title")) {
      if (!j["title"].is_string()) throw UsageError(name + ": title: must be a string");
      lecture.title = j["title"].get<std::string>();
    }
    if (!j.contains("steps")) throw UsageError(name + ": steps: missing (a list of steps)");
    steps = &j["steps"];
  }
  if (!steps->is_array()) throw UsageError(name + ": steps: must be a list of steps");
  if (steps->empty()) throw UsageError(name + ": steps: a lecture needs at least one step");
  if (steps->size() > std::size_t(kMaxLectureSteps))
    throw UsageError(name + ": steps: at most " + std::to_string(kMaxLectureSteps) + " steps");
  int number = 0;
  for (const json& s : *steps) {
    Where w{name, ++number};
    lecture.steps.push_back(parseStep(w, s));
  }
  return lecture;
}

Lecture loadLecture(const std::string& path) {
  Lecture l = parseLecture(readWhole(path), std::filesystem::path(path).filename().string());
  l.path = path;
  return l;
}

std::string defaultLecturePath() {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const std::string& d : trace::presetDirectories()) {
    const fs::path p = fs::path(d).parent_path() / "lectures" / "default.json";
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

Answer computeAnswer(const LectureQuestion& q, const StepResults& r) {
  Answer a;
  char buf[128];
  switch (q.kind) {
    case QuestionKind::None:
      a.why = "no question";
      return a;
    case QuestionKind::Choice: {
      int best = -1;
      for (std::size_t i = 0; i < q.options.size(); ++i) {
        const BenchRecord* rec = okRecord(r, q.options[i]);
        if (!rec) {
          a.why = "waiting for " + q.options[i];
          return a;
        }
        const BenchRecord* cur = best < 0 ? nullptr : okRecord(r, q.options[std::size_t(best)]);
        // Rates of different units do not compare: time is what the class sees.
        if (!cur || (q.answer == "slowest" ? rec->medianS > cur->medianS : rec->medianS < cur->medianS)) best = int(i);
      }
      const BenchRecord* win = okRecord(r, q.options[std::size_t(best)]);
      a.ready = true;
      a.value = best;
      a.kernel = win->kernel;
      a.text = win->kernel + " (" + rateText(*win) + ")";
      return a;
    }
    case QuestionKind::Number: {
      if (q.of == "rate-ratio") {
        const BenchRecord* x = q.ratio.size() == 2 ? okRecord(r, q.ratio[0]) : nullptr;
        const BenchRecord* y = q.ratio.size() == 2 ? okRecord(r, q.ratio[1]) : nullptr;
        if (!x || !y) {
          a.why = "waiting for the timings";
          return a;
        }
        // Same work, so the rate ratio is the time ratio (also across units).
        a.value = y->medianS / x->medianS;
        std::snprintf(buf, sizeof buf, "%.3gx (%s vs %s)", a.value, rateText(*x).c_str(), rateText(*y).c_str());
      } else {
        if (!r.traversal || r.traversal->outcome != Outcome::Ok || r.traversal->rowSeconds <= 0) {
          a.why = "waiting for the traversal";
          return a;
        }
        a.value = r.traversal->colSeconds / r.traversal->rowSeconds;
        std::snprintf(buf, sizeof buf, "%.3gx (row %.3g GB/s, column %.3g GB/s)", a.value, r.traversal->rowGBs,
                      r.traversal->colGBs);
      }
      a.ready = true;
      a.text = buf;
      return a;
    }
    case QuestionKind::Knee: {
      if (!r.latency || r.latency->outcome != Outcome::Ok) {
        a.why = "waiting for the latency ladder";
        return a;
      }
      for (const probe::DetectedLevel& d : r.latency->levels)
        if (d.detectedBytes) a.knees.push_back({d.name, double(d.detectedBytes)});
      if (std::size_t(q.level) > r.latency->levels.size() ||
          r.latency->levels[std::size_t(q.level - 1)].detectedBytes == 0) {
        a.why = "the ladder shows no knee for level " + std::to_string(q.level) + " (measure a larger range)";
        return a;
      }
      const probe::DetectedLevel& l = r.latency->levels[std::size_t(q.level - 1)];
      a.ready = true;
      a.level = l.name;
      a.value = double(l.detectedBytes);
      a.text = l.name + " ends near " + bytesText(a.value);
      if (l.sysfsBytes) a.text += " (sysfs: " + bytesText(double(l.sysfsBytes)) + ")";
      return a;
    }
  }
  return a;
}

namespace {

std::string optionTitle(const std::string& id) {
  const Kernel* k = findKernel(id);
  return k && !k->info.title.empty() ? k->info.title : id;
}

std::string factorText(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2gx", f);
  return buf;
}

// "1.3x too large", "2.5x too small", "spot on" (within 5 %).
std::string offText(double guess, double measured) {
  if (!(guess > 0) || !(measured > 0)) return "";
  const double f = std::max(guess, measured) / std::min(guess, measured);
  if (f < 1.05) return "spot on";
  return factorText(f) + (guess > measured ? " too large" : " too small");
}

}  // namespace

Guess initialGuess(const LectureQuestion& q) {
  Guess g;
  g.hands.assign(q.options.size(), 0);
  g.number = q.min + (q.max - q.min) / 4;
  return g;
}

int guessOption(const LectureQuestion& q, const Guess& g) {
  if (q.kind != QuestionKind::Choice) return -1;
  if (g.picked >= 0 && std::size_t(g.picked) < q.options.size()) return g.picked;
  int pick = -1, most = 0;
  for (std::size_t i = 0; i < g.hands.size() && i < q.options.size(); ++i)
    if (g.hands[i] > most) most = g.hands[i], pick = int(i);
  return pick;
}

bool guessEntered(const LectureQuestion& q, const Guess& g) {
  switch (q.kind) {
    case QuestionKind::Choice: return guessOption(q, g) >= 0;
    case QuestionKind::Number: return true;
    case QuestionKind::Knee: return g.bytes > 0;
    case QuestionKind::None: break;
  }
  return false;
}

std::string guessText(const LectureQuestion& q, const Guess& g) {
  if (!guessEntered(q, g)) return "no answer entered";
  switch (q.kind) {
    case QuestionKind::Choice: {
      const int pick = guessOption(q, g);
      std::string t = optionTitle(q.options[std::size_t(pick)]);
      int total = 0;
      for (int h : g.hands) total += h;
      if (total > 0 && std::size_t(pick) < g.hands.size())
        t += " (" + std::to_string(g.hands[std::size_t(pick)]) + " of " + std::to_string(total) + " hands)";
      return t;
    }
    case QuestionKind::Number: return factorText(g.number);
    case QuestionKind::Knee: return bytesText(g.bytes);
    case QuestionKind::None: break;
  }
  return "";
}

double guessFactor(const LectureQuestion& q, const Guess& g, const Answer& a) {
  if (!a.ready || !guessEntered(q, g)) return 0;
  const double guess = q.kind == QuestionKind::Number ? g.number : q.kind == QuestionKind::Knee ? g.bytes : 0;
  if (!(guess > 0) || !(a.value > 0)) return 0;
  return std::max(guess, a.value) / std::min(guess, a.value);
}

std::string guessOffText(const LectureQuestion& q, const Guess& g, const Answer& a) {
  if (!a.ready || !guessEntered(q, g)) return "";
  switch (q.kind) {
    case QuestionKind::Choice: return q.options[std::size_t(guessOption(q, g))] == a.kernel ? "right" : "not this time";
    case QuestionKind::Number: return offText(g.number, a.value);
    case QuestionKind::Knee: return offText(g.bytes, a.value);
    case QuestionKind::None: break;
  }
  return "";
}

std::string verdictText(const LectureQuestion& q, const Guess& g, const Answer& a) {
  if (!a.ready) return "measured: not yet (" + a.why + ")";
  const std::string guess = "guess " + guessText(q, g);
  switch (q.kind) {
    case QuestionKind::Choice: {
      const std::string measured = "measured " + std::string(q.answer == "slowest" ? "slowest " : "fastest ") +
                                   optionTitle(a.kernel) + a.text.substr(a.kernel.size());
      const int pick = guessOption(q, g);
      if (pick < 0) return guess + ", " + measured;
      return guess + ", " + measured + ": " + (q.options[std::size_t(pick)] == a.kernel ? "right" : "not this time");
    }
    case QuestionKind::Number: {
      const std::string off = offText(g.number, a.value);
      return guess + ", measured " + a.text + (off.empty() ? "" : ": " + off);
    }
    case QuestionKind::Knee: {
      std::string measured;
      for (const Knee& k : a.knees) {
        if (k.bytes == a.value) continue;
        measured += (measured.empty() ? "" : ", ") + k.level + " " + bytesText(k.bytes);
      }
      std::string t = guess + ", measured " + a.level + " knee " + bytesText(a.value);
      if (g.bytes > 0) t += ": " + offText(g.bytes, a.value);
      if (!measured.empty()) t += " (other knees: " + measured + ")";
      return t;
    }
    case QuestionKind::None: break;
  }
  return "";
}

namespace {

// A guess that cannot be read: "<origin>: <why>".
struct GuessError {
  const std::string& origin;
  [[noreturn]] void operator()(const std::string& why) const { throw UsageError(origin + ": " + why); }
};

}  // namespace

void parseGuess(const LectureQuestion& q, const std::string& text, Guess& g, const std::string& origin) {
  const GuessError fail{origin};
  switch (q.kind) {
    case QuestionKind::None: fail("the step has no question");
    case QuestionKind::Choice: {
      for (std::size_t i = 0; i < q.options.size(); ++i)
        if (text == q.options[i] || text == optionTitle(q.options[i]) || text == std::to_string(i + 1)) {
          g.picked = int(i);
          return;
        }
      std::vector<std::string> all = q.options;
      fail("'" + text + "' is not an option" + suggest(text, all) + " (or its number, 1.." +
           std::to_string(q.options.size()) + ")");
    }
    case QuestionKind::Number: {
      std::string t = text;
      if (!t.empty() && (t.back() == 'x' || t.back() == 'X')) t.pop_back();
      char* end = nullptr;
      errno = 0;
      const double v = t.empty() ? 0 : std::strtod(t.c_str(), &end);
      if (t.empty() || !end || *end || errno || !std::isfinite(v))
        fail("'" + text + "' is not a number (e.g. 3.5)");
      if (v < q.min || v > q.max)
        fail("'" + text + "' is outside the question's range " + factorText(q.min) + " .. " + factorText(q.max));
      g.number = v;
      return;
    }
    case QuestionKind::Knee: {
      std::uint64_t b = 0;
      if (!parseByteSize(text, b) || b == 0) fail("'" + text + "' is not a working-set size (e.g. 64K, 2M, 65536)");
      if (b < kKneeMinBytes || b > kKneeMaxBytes)
        fail("'" + text + "' is outside " + bytesText(double(kKneeMinBytes)) + " .. " + bytesText(double(kKneeMaxBytes)));
      g.bytes = double(b);
      return;
    }
  }
}

plot::Color guessMarkerColor() { return plot::paletteColor(5); }

void markKnees(plot::Plot& ladder, const Answer& a, const Guess* g) {
  ladder.markers.clear();
  // Short labels (the sizes are in the verdict and the table): three
  // markers close together on a log axis still read.
  for (const Knee& k : a.knees) ladder.markers.push_back({k.bytes, k.level + " knee", std::nullopt});
  if (g && g->bytes > 0) ladder.markers.push_back({g->bytes, "guess", guessMarkerColor()});
}

LectureQuestion fastestKernelQuestion(const std::vector<std::string>& kernels) {
  LectureQuestion q;
  q.kind = QuestionKind::Choice;
  q.text = "Which of the selected kernels is fastest here? Commit a guess, then see the measurement.";
  q.options = kernels;
  q.answer = "fastest";
  return q;
}

LectureQuestion kneeQuestion(int level) {
  LectureQuestion q;
  q.kind = QuestionKind::Knee;
  q.level = std::clamp(level, 1, 3);
  const std::string name = q.level == 1 ? "L1d" : "L" + std::to_string(q.level);
  q.text = "Where does the " + name + " cache end? Click the working set on the plot where the latency steps up.";
  return q;
}

std::vector<std::string> predictKernelOptions(const RunSettings& s) {
  std::vector<std::string> out;
  const Kernel* first = s.kernels.empty() ? nullptr : findKernel(s.kernels.front());
  for (const std::string& id : s.kernels)
    if (const Kernel* k = findKernel(id); k && first && k->info.family == first->info.family) out.push_back(id);
  return out;
}

LectureQuestion predictQuestion(View view, const RunSettings& s, int kneeLevel) {
  if (view == View::Timings) return fastestKernelQuestion(predictKernelOptions(s));
  if (view == View::Memory) return kneeQuestion(kneeLevel);
  return {};
}

void checkLectureKeys(const Lecture& lecture, const std::vector<std::string>& keys) {
  const int count = int(lecture.steps.size());
  int at = 0;
  for (const std::string& k : keys) {
    if (k == "right" || k == "next") at = std::min(at + 1, count - 1);
    else if (k == "left" || k == "prev") at = std::max(at - 1, 0);
    else if (k.size() == 1 && k[0] >= '0' && k[0] <= '9') at = std::clamp(k[0] == '0' ? 9 : k[0] - '1', 0, count - 1);
    else if (k.rfind("guess=", 0) == 0) {
      const LectureStep& step = lecture.steps[std::size_t(at)];
      const std::string origin = "--keys " + k + ": step " + std::to_string(step.number);
      if (step.question.kind == QuestionKind::None) throw UsageError(origin + ": the step has no question");
      Guess g = initialGuess(step.question);
      parseGuess(step.question, k.substr(6), g, origin);
    }
  }
}

}  // namespace cachescope::engine
