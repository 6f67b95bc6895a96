#include "engine/lecture.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "kernels/registry.hpp"
#include "platform/errors.hpp"
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
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v.get<double>());
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
  for (View v : {View::Timings, View::Cache, View::Roofline, View::Access, View::Threads, View::Memory})
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
      if (std::size_t(q.level) > r.latency->levels.size() ||
          r.latency->levels[std::size_t(q.level - 1)].detectedBytes == 0) {
        a.why = "the ladder shows no knee for level " + std::to_string(q.level) + " (measure a larger range)";
        return a;
      }
      const probe::DetectedLevel& l = r.latency->levels[std::size_t(q.level - 1)];
      a.ready = true;
      a.value = double(l.detectedBytes);
      a.text = l.name + " ends near " + bytesText(a.value);
      if (l.sysfsBytes) a.text += " (sysfs: " + bytesText(double(l.sysfsBytes)) + ")";
      return a;
    }
  }
  return a;
}

}  // namespace cachescope::engine
