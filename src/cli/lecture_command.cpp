// `cachescope lecture [FILE.json] [--export DIR]`: with --export, runs every
// step of the lecture headless on the engine's worker (the same requests the
// app posts) and writes each step's plots as PNG and SVG plus one
// self-contained HTML handout (titles, captions, measured numbers, host
// context, the questions with their measured answers; SVG inlined). Without
// --export it opens the app in lecture mode when this build has one (the GUI
// sets the opener, src/main/gui_command.cpp).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "bench/roofline_report.hpp"
#include "cli/command.hpp"
#include "cli/lecture_export.hpp"
#include "engine/lecture.hpp"
#include "engine/worker.hpp"
#include "kernels/registry.hpp"
#include "leaderboard/database.hpp"
#include "leaderboard/ranking.hpp"
#include "platform/errors.hpp"
#include "plot/bench_plots.hpp"
#include "plot/export.hpp"
#include "probe/probe_plots.hpp"
#include "report/atomic_file.hpp"
#include "report/writers.hpp"

namespace cachescope::cli {

namespace {

LectureOpener& opener() {
  static LectureOpener o;
  return o;
}

std::string html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

struct StepOutput {
  std::vector<std::pair<std::string, plot::Plot>> plots;  // file stem, plot
  std::vector<std::string> numbers;                        // lines of measured numbers
  engine::StepResults results;
  double seconds = 0;
  std::string error;
};

// A Leaderboard step's numbers: the class's ranking in `path`, one line an
// entry ("1. alice: 41.2 GFLOP/s, 87% of OpenBLAS, 35x naive"), or why none.
std::vector<std::string> leaderboardLines(const std::string& path) {
  std::vector<std::string> lines;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {"no submissions yet (" + path + " does not exist)"};
  std::vector<leaderboard::Ranking> rankings;
  try {
    leaderboard::Database db(path, 2.0);
    rankings = leaderboard::rankEntries(db.entries());
  } catch (const std::exception& e) {
    return {std::string("leaderboard not read: ") + e.what()};
  }
  if (rankings.empty()) return {"no submissions yet in " + path};
  for (const leaderboard::Ranking& r : rankings) {
    lines.push_back("competition " + r.competition + " (n=" + std::to_string(r.protocol.n) + "), " + r.rankedByText() +
                    ":");
    for (const leaderboard::RankedEntry& e : r.rows) {
      const leaderboard::Submission& s = e.entry;
      std::string line = (e.rank ? std::to_string(e.rank) + ". " : std::string("unranked: ")) + s.name + ": ";
      if (!s.ranked()) {
        line += s.failure.empty() ? "not verified" : s.failure;
      } else {
        line += fmt("%.3g ", *s.rate) + s.unit + ", " + fmt("%.0f%% of OpenBLAS", *s.percentOfLibrary);
        if (s.speedupOverBaseline) line += ", " + fmt("%.3gx naive", *s.speedupOverBaseline);
      }
      lines.push_back(line);
    }
  }
  return lines;
}

StepOutput runStep(engine::Worker& worker, const engine::LectureStep& step, const engine::Guess* guess) {
  using namespace engine;
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  StepOutput out;
  const LaunchOptions& o = step.launch;
  // A Memory step times no kernel; a Leaderboard step reads the class's database.
  if (o.view != View::Memory && o.view != View::Leaderboard) {  // (timesKernels below)
    Request timing;
    timing.kind = RequestKind::Timing;
    timing.settings = o.settings;
    worker.post(timing);
  }
  if (o.sweep != SweepAxis::None) {
    Request r;
    r.kind = RequestKind::Sweep;
    r.settings = o.settings;
    r.axis = o.sweep;
    worker.post(r);
  }
  if (o.view == View::Roofline) {
    Request r;
    r.kind = RequestKind::Roofline;
    r.settings = o.settings;
    worker.post(r);
  }
  if (o.view == View::Memory) {
    Request r;
    r.kind = RequestKind::Probe;
    r.settings = o.settings;
    r.probe.kind = o.memory.probe;
    r.probe.maxBytes = o.memory.maxBytes;
    r.probe.threads = o.memory.threads > 0 ? o.memory.threads : 1;
    r.probe.simulate = o.memory.simulate == 1;
    if (!o.memory.prefetch.empty()) r.probe.prefetch = o.memory.prefetch;
    worker.post(r);
  }
  if (!worker.waitIdle(std::chrono::minutes(5))) {
    worker.stop();
    throw RunFailure("lecture step " + std::to_string(step.number) + " did not finish within 5 minutes");
  }
  const auto snap = worker.snapshot();
  if (!snap->error.empty()) out.error = snap->error;
  // Only what this step asked for: the snapshot keeps earlier steps' results too.
  const bool timesKernels = o.view != View::Memory && o.view != View::Leaderboard;
  if (timesKernels && snap->timing && snap->timing->complete) out.results.records = snap->timing->records;
  if (o.view == View::Memory && snap->probes) {
    if (o.memory.probe == ProbeKind::Latency) out.results.latency = snap->probes->latency;
    if (o.memory.probe == ProbeKind::Traversal) out.results.traversal = snap->probes->traversal;
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  if (o.view == View::Leaderboard) out.numbers = leaderboardLines(leaderboard::defaultDatabasePath());
  const std::vector<BenchRecord>& recs = out.results.records;
  for (const BenchRecord& r : recs) {
    if (r.outcome != Outcome::Ok) {
      out.numbers.push_back(r.kernel + ": " + (r.failure.empty() ? "did not run" : r.failure));
      continue;
    }
    std::string line = r.kernel + " n=" + std::to_string(r.n) + ": " + fmt("%.3g ", r.rate) + r.unit + ", median " +
                       fmt("%.3g ms", r.medianS * 1e3);
    if (r.chosenKernel)  // the reason starts with the kernel it ran: "K: tuned at n=512 ..."
      line += ", ran " + (r.choiceReason.rfind(*r.chosenKernel, 0) == 0 ? r.choiceReason
                                                                        : *r.chosenKernel + " (" + r.choiceReason + ")");
    if (r.errRelative) line += ", error vs fp32 " + fmt("%.2g", *r.errRelative);
    if (r.footprintBytes && r.fp32FootprintBytes && *r.footprintBytes != *r.fp32FootprintBytes) line += ", operands " + footprintRatioText(*r.footprintBytes, *r.fp32FootprintBytes);
    out.numbers.push_back(line);
  }
  // Plots: the step's view first, then its timings.
  if (o.view == View::Memory && out.results.latency && out.results.latency->outcome == Outcome::Ok) {
    plot::Plot ladder = probe::latencyPlot(*out.results.latency);
    // A knee question: the measured knees marked (and the class's guess).
    if (step.question.kind == engine::QuestionKind::Knee)
      engine::markKnees(ladder, engine::computeAnswer(step.question, out.results), guess);
    out.plots.push_back({"latency", ladder});
    for (const probe::DetectedLevel& l : out.results.latency->levels)
      out.numbers.push_back(l.name + ": " +
                            (l.detectedBytes ? "step near " + bytesText(double(l.detectedBytes))
                                             : std::string("no step within the measured range")) +
                            " (sysfs " + bytesText(double(l.sysfsBytes)) + "), " + fmt("%.3g ns", l.latencyNs) +
                            " per load");
    if (out.results.latency->memoryReached)
      out.numbers.push_back("memory: " + fmt("%.3g ns", out.results.latency->memoryLatencyNs) + " per load");
  }
  if (o.view == View::Memory && out.results.traversal && out.results.traversal->outcome == Outcome::Ok) {
    const probe::TraversalResult& t = *out.results.traversal;
    out.plots.push_back({"traversal", probe::traversalPlot(t)});
    out.numbers.push_back("row order: " + fmt("%.3g GB/s", t.rowGBs) + ", column order: " + fmt("%.3g GB/s", t.colGBs) +
                          " (n=" + std::to_string(t.n) + ")");
  }
  if (o.view == View::Roofline && snap->roofline && snap->roofline->outcome == Outcome::Ok && !recs.empty()) {
    std::vector<Job> jobs;
    for (const BenchRecord& r : recs) {
      Job j;
      j.kernel = findKernel(r.kernel);
      j.params = o.settings.params;
      j.params.n = r.n;
      if (r.bits) j.params.bits = *r.bits;
      if (j.kernel) jobs.push_back(j);
    }
    if (jobs.size() == recs.size()) {
      const auto placed = placeKernels(snap->roofline->machine, jobs, recs);
      out.plots.push_back({"roofline", plot::rooflinePlot(snap->roofline->machine, rooflinePoints(placed))});
      out.numbers.push_back("peak fp32: " + fmt("%.3g GFLOP/s", snap->roofline->machine.peakGflops) +
                            ", DRAM bandwidth: " + fmt("%.3g GB/s", snap->roofline->machine.bandwidthGBs));
    }
  }
  if (o.sweep != SweepAxis::None && snap->sweep && snap->sweep->complete && !snap->sweep->records.empty()) {
    const std::vector<plot::Plot> ps = o.sweep == SweepAxis::Density
                                           ? plot::benchPlots(snap->sweep->records, true)
                                           : std::vector<plot::Plot>{plot::sweepPlot(snap->sweep->records,
                                                                                  o.sweep == SweepAxis::Block     ? plot::SweepAxis::Block
                                                                                  : o.sweep == SweepAxis::Threads ? plot::SweepAxis::Threads
                                                                                                                   : plot::SweepAxis::N)};
    for (std::size_t i = 0; i < ps.size(); ++i)
      out.plots.push_back({std::string("sweep-") + toString(o.sweep) + (i ? "-" + std::to_string(i + 1) : ""), ps[i]});
  }
  if (!recs.empty()) {
    const auto byUnit = plot::splitByUnit(recs);
    for (std::size_t i = 0; i < byUnit.size(); ++i)
      out.plots.push_back({"rates" + (i ? "-" + std::to_string(i + 1) : std::string()), plot::rateBars(byUnit[i], true)});
  }
  return out;
}

}  // namespace

void setLectureOpener(LectureOpener open) { opener() = std::move(open); }

std::string resolveLecturePath(const std::string& file) {
  if (!file.empty()) return file;
  const std::string p = engine::defaultLecturePath();
  if (p.empty()) throw FileError("no lecture given and the shipped assets/lectures/default.json was not found");
  return p;
}

std::map<int, engine::Guess> parseGuesses(const engine::Lecture& lecture, const std::vector<std::string>& texts) {
  std::map<int, engine::Guess> out;
  for (const std::string& t : texts) {
    const auto eq = t.find('=');
    int n = 0;
    try {
      std::size_t used = 0;
      n = eq == std::string::npos ? 0 : std::stoi(t.substr(0, eq), &used);
      if (used != eq) n = 0;
    } catch (const std::exception&) {
      n = 0;
    }
    if (n < 1 || n > int(lecture.steps.size()))
      throw UsageError("--guess " + t + ": expects STEP=VALUE with STEP in 1.." + std::to_string(lecture.steps.size()) +
                       " (e.g. --guess 1=64K)");
    const engine::LectureStep& step = lecture.steps[std::size_t(n - 1)];
    const std::string origin = "--guess " + t + ": step " + std::to_string(n);
    if (step.question.kind == engine::QuestionKind::None) throw UsageError(origin + ": the step has no question");
    engine::Guess g = engine::initialGuess(step.question);
    engine::parseGuess(step.question, t.substr(eq + 1), g, origin);
    g.committed = true;
    out[n] = g;
  }
  return out;
}

int exportLecture(const std::string& dir, const std::string& file, const std::vector<std::string>& guessTexts) {
  namespace fs = std::filesystem;
  const engine::Lecture lecture = engine::loadLecture(resolveLecturePath(file));
  const std::map<int, engine::Guess> guesses = parseGuesses(lecture, guessTexts);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw FileError("--export " + dir + ": cannot create the directory" + (ec ? ": " + ec.message() : ""));
  AtomicFile handout((fs::path(dir) / "index.html").string());  // checks the directory is writable, early

  engine::Worker worker;
  std::string body;
  int exported = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (const engine::LectureStep& step : lecture.steps) {
    std::cerr << "step " << step.number << "/" << lecture.steps.size() << ": " << step.title << "..." << std::flush;
    const auto guessIt = guesses.find(step.number);
    const engine::Guess* guess = guessIt == guesses.end() ? nullptr : &guessIt->second;
    const StepOutput out = runStep(worker, step, guess);
    std::cerr << " " << fmt("%.1f s", out.seconds) << '\n';
    char stem[32];
    std::snprintf(stem, sizeof stem, "step%02d", step.number);
    body += "<section>\n<h2>" + html(step.title) + "</h2>\n<p class=\"view\">view: " +
            html(engine::toString(step.launch.view));
    if (!step.sets.empty()) {
      body += "; settings:";
      for (const std::string& s : step.sets) body += " <code>" + html(s) + "</code>";
    }
    body += "</p>\n<p class=\"caption\">" + html(step.caption) + "</p>\n";
    if (step.question.kind != engine::QuestionKind::None) {
      const engine::Answer a = engine::computeAnswer(step.question, out.results);
      body += "<div class=\"question\"><p><b>Question:</b> " + html(step.question.text) + "</p>\n";
      if (step.question.kind == engine::QuestionKind::Choice) {
        body += "<p>Options:";
        for (const std::string& opt : step.question.options) body += " <code>" + html(opt) + "</code>";
        body += "</p>\n";
      }
      body += "<p><b>Measured answer:</b> " + html(a.ready ? a.text : "not measured (" + a.why + ")") + "</p>\n";
      if (step.question.kind == engine::QuestionKind::Knee && !a.knees.empty()) {
        body += "<p>Knees read off the ladder:";
        for (const engine::Knee& k : a.knees) body += " " + html(k.level) + " " + html(bytesText(k.bytes)) + ";";
        body.pop_back();
        body += "</p>\n";
      }
      if (guess)
        body += "<p class=\"guess\"><b>The class's guess:</b> " + html(engine::guessText(step.question, *guess)) +
                (a.ready ? " &mdash; " + html(engine::verdictText(step.question, *guess, a)) : std::string()) + "</p>\n";
      body += "</div>\n";
    }
    for (const auto& [name, p] : out.plots) {
      const std::string base = std::string(stem) + "-" + name;
      const std::string svg = plot::renderPlot(p, plot::FileFormat::Svg);
      writeFileAtomically((fs::path(dir) / (base + ".svg")).string(), svg);
      plot::exportPlot(p, (fs::path(dir) / (base + ".png")).string());
      exported += 2;
      std::string inlineSvg = svg;
      if (const auto x = inlineSvg.find("<svg"); x != std::string::npos) inlineSvg = inlineSvg.substr(x);
      body += "<figure>" + inlineSvg + "<figcaption><a href=\"" + html(base) + ".png\">PNG</a> <a href=\"" +
              html(base) + ".svg\">SVG</a></figcaption></figure>\n";
    }
    if (!out.numbers.empty()) {
      body += "<ul class=\"numbers\">\n";
      for (const std::string& n : out.numbers) body += "<li>" + html(n) + "</li>\n";
      body += "</ul>\n";
    }
    if (!out.error.empty()) body += "<p class=\"error\">" + html(out.error) + "</p>\n";
    body += "</section>\n";
  }
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                     html(lecture.title.empty() ? "cachescope lecture" : lecture.title) +
                     "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4;"
                     "color:#111}section{border-top:1px solid #aaa;margin-top:2em}figure{margin:1em 0}"
                     "figure svg{width:100%;height:auto}.caption{font-size:1.1em}.question{background:#eef3ff;"
                     "padding:.5em 1em}.view{color:#555}.error{color:#a00}.guess{color:#303}</style>\n</head>\n<body>\n<h1>" +
                     html(lecture.title.empty() ? "cachescope lecture" : lecture.title) + "</h1>\n<p>Measured on:</p><ul>\n";
  for (const std::string& l : contextLines()) page += "<li>" + html(l) + "</li>\n";
  page += "</ul>\n" + body + "</body>\n</html>\n";
  handout.commit(page);
  std::cerr << "wrote " << (fs::path(dir) / "index.html").string() << " and " << exported << " plot files in "
            << fmt("%.1f s", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()) << '\n';
  return 0;
}

void addLectureCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand(
      "lecture", "Give the guided lecture (the shipped assets/lectures/default.json or FILE.json), or with --export DIR "
                 "run every step headless and write its plots (PNG, SVG) and an HTML handout");
  auto file = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>();
  auto guesses = std::make_shared<std::vector<std::string>>();
  app->add_option("file", *file, "Lecture file (JSON: steps of view, set, title, caption, question)");
  app->add_option("--export", *dir, "Write DIR/index.html (the handout) and DIR/stepNN-*.png|svg, then exit");
  app->add_option("--guess", *guesses,
                  "With --export: the class's answer to step N's question, shown in the handout beside the measured "
                  "one (repeatable): STEP=VALUE, VALUE a kernel id or option number, a number, or a working-set size "
                  "such as 64K")
      ->allow_extra_args(false);  // one STEP=VALUE per --guess: the lecture file stays positional
  app->footer(
      "Keys in lecture mode: Right/PageDown next, Left/PageUp previous, R reveal, B blank screen, F fullscreen, 1..9 "
      "and 0 jump to a step.");
  commands.push_back({app, [file, dir, guesses] {
                        if (!dir->empty()) return exportLecture(*dir, *file, *guesses);
                        if (!guesses->empty()) throw UsageError("--guess needs --export DIR (the handout shows it)");
                        const std::string path = resolveLecturePath(*file);
                        engine::loadLecture(path);  // a bad file fails here, before a window opens
                        if (!opener())
                          throw UsageError("this build has no GUI (CACHESCOPE_GUI=OFF): use 'cachescope lecture --export DIR'");
                        return opener()(path);
                      }});
}

}  // namespace cachescope::cli
