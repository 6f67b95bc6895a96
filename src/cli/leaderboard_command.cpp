// `cachescope leaderboard submit|show|export|import`: the competition's
// database (src/leaderboard). submit loads a student's --plugin (or takes a
// built-in --kernel), verifies and times it under the
// competition protocol next to the library and the baseline on this host and
// adds the entry; show ranks; export writes submission files; import merges
// them (a lecturer collects a class's files), skipping entries already there.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/command.hpp"
#include "cli/plugin_option.hpp"
#include "cli/progress_line.hpp"
#include "kernels/registry.hpp"
#include "leaderboard/database.hpp"
#include "leaderboard/ranking.hpp"
#include "leaderboard/sha256.hpp"
#include "leaderboard/submit.hpp"
#include "report/atomic_file.hpp"
#include "report/numbers.hpp"
#include "userkernels/errors.hpp"
#include "userkernels/plugin.hpp"

namespace cachescope::cli {

namespace lb = cachescope::leaderboard;

namespace {

struct SubmitArgs {
  std::string db, name, kernel, competition, out;
  double wait = lb::kDefaultBusySeconds;
  bool quiet = false;
};

struct ShowArgs {
  std::string db, competition, format = "table";
  double wait = lb::kDefaultBusySeconds;
};

struct ExportArgs {
  std::string db, out, competition, name;
  double wait = lb::kDefaultBusySeconds;
};

struct ImportArgs {
  std::string db;
  std::vector<std::string> files;
  double wait = lb::kDefaultBusySeconds;
};

std::string dbPath(const std::string& given) { return given.empty() ? lb::defaultDatabasePath() : given; }

int runSubmit(const SubmitArgs& a, const PluginArgs& plugin) {
  if (plugin.files.size() + (a.kernel.empty() ? 0 : 1) != 1)
    throw UsageError("submit takes one kernel: --plugin FILE.cpp|FILE.so, or --kernel ID for a built-in one");
  lb::SubmitRequest req;
  req.name = a.name;
  req.competition = lb::loadCompetition(a.competition.empty() ? lb::defaultCompetitionPath() : a.competition);
  if (plugin.files.empty()) {
    req.kernel = findKernel(a.kernel);
    if (!req.kernel)
      throw UsageError("--kernel: unknown kernel '" + a.kernel + "' (did you mean " + nearestKernelId(a.kernel) +
                       "?)");
    req.sourceHash = lb::builtinSourceHash(a.kernel);
  } else {
    const std::string& file = plugin.files.front();
    PluginArgs limitsOnly = plugin;  // checks and sets the child's limits
    limitsOnly.files.clear();
    loadPlugins(limitsOnly);
    userkernels::LoadedKernel k;
    try {
      k = userkernels::loadPlugin(file);
    } catch (const userkernels::BuildError& e) {
      std::cerr << e.output;
      throw;
    }
    req.kernel = k.kernel;
    req.sourceHash = lb::sha256File(file);  // of the file the student named (their .cpp, or the .so)
    std::error_code ec;
    req.pluginPath = std::filesystem::absolute(file, ec).string();
    if (!a.quiet) std::cerr << "leaderboard: loaded " << k.kernel->info.id << " from " << k.object << '\n';
  }
  lb::checkRequest(req);
  // Open early: a corrupt or locked database is reported before the run, and
  // --out is created (and checked) before it too.
  { lb::Database check(dbPath(a.db), a.wait); }
  std::optional<AtomicFile> out;
  if (!a.out.empty()) out.emplace(a.out);

  std::optional<ProgressLine> line;
  if (!a.quiet) line.emplace(std::cerr, "leaderboard", ::isatty(STDERR_FILENO) != 0);
  ProgressFn progress;
  if (line)
    progress = [&](const Progress& p) {
      const double f = std::min(1.0, p.fraction());
      if (p.run == 0) line->step("[" + std::to_string(p.job + 1) + "/3] " + p.kernel, f);
      else line->update("run " + std::to_string(p.run) + "/" + std::to_string(p.runs), f);
    };
  const lb::SubmitResult r = lb::runSubmission(req, nullptr, progress);
  if (line) line->finish();
  if (r.outcome == Outcome::Failed) throw RunFailure("submit: " + r.message);
  if (r.outcome == Outcome::Cancelled) throw RunFailure("submit: cancelled");

  lb::Database db(dbPath(a.db), a.wait);
  const std::int64_t id = db.insert(r.entry);
  if (out) out->commit(lb::submissionFileText({r.entry}));
  const lb::Submission& s = r.entry;
  if (!s.verified)  // recorded (the lecturer sees it), never ranked: a run-time failure of the kernel
    throw RunFailure("entry " + std::to_string(id) + ": " + s.name + " (" + s.kernel +
                     ") not verified, not ranked: " + s.failure);
  std::cout << "entry " << id << ": " << s.name << " (" << s.kernel << ") " << fixedText(*s.rate, 2) << ' ' << s.unit
            << ", " << fixedText(*s.percentOfLibrary, 1) << "% of the library (" << fixedText(*s.libraryRate, 2)
            << "), " << fixedText(*s.speedupOverBaseline, 1) << "x the baseline, competition " << s.competition
            << " (" << lb::protocolText(s.protocol) << ")\n";
  return 0;
}

int runShow(const ShowArgs& a) {
  lb::Database db(dbPath(a.db), a.wait);
  const std::vector<lb::Ranking> rankings = lb::rankEntries(db.entries(a.competition));
  if (a.format == "json") std::cout << lb::rankingJson(rankings);
  else if (a.format == "csv") std::cout << lb::rankingCsv(rankings);
  else std::cout << lb::rankingTable(rankings);
  return 0;
}

int runExport(const ExportArgs& a) {
  AtomicFile out(a.out);  // a bad path is reported before the database is read
  lb::Database db(dbPath(a.db), a.wait);
  std::vector<lb::Submission> chosen;
  for (lb::Submission& s : db.entries(a.competition))
    if (a.name.empty() || s.name == a.name) chosen.push_back(std::move(s));
  out.commit(lb::submissionFileText(chosen));
  std::cerr << "leaderboard: exported " << chosen.size() << " entr" << (chosen.size() == 1 ? "y" : "ies") << " to "
            << a.out << '\n';
  return 0;
}

int runImport(const ImportArgs& a) {
  std::vector<lb::Submission> all;  // every file is read and checked before anything is written
  for (const std::string& f : a.files) {
    std::vector<lb::Submission> e = lb::loadSubmissionFile(f);
    all.insert(all.end(), e.begin(), e.end());
  }
  lb::Database db(dbPath(a.db), a.wait);
  const int added = db.insertAll(all);
  std::cout << "imported " << added << " new entr" << (added == 1 ? "y" : "ies") << " from " << a.files.size()
            << " file" << (a.files.size() == 1 ? "" : "s") << " (" << (int(all.size()) - added)
            << " already present); " << db.count() << " in " << db.path() << '\n';
  return 0;
}

CLI::Option* addDb(CLI::App* app, std::string& db, double& wait) {
  app->add_option("--wait", wait, "seconds to wait for a database another process holds locked (default 10)")
      ->check(CLI::Range(0.0, 3600.0));
  return app->add_option("--db", db,
                         "database file (default $XDG_DATA_HOME/cachescope/leaderboard.db, "
                         "or ~/.local/share/cachescope/leaderboard.db)");
}

}  // namespace

void addLeaderboardCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand("leaderboard", "Competition leaderboard: submit a kernel, show the ranking, "
                                                 "export and import submission files");
  app->require_subcommand(1);

  auto submit = std::make_shared<SubmitArgs>();
  auto* sub = app->add_subcommand("submit",
                                  "Verify and time a kernel under the competition protocol, next to the library and "
                                  "the baseline on this host, and add the entry");
  addDb(sub, submit->db, submit->wait);
  sub->add_option("--name", submit->name, "who submits (shown in the ranking)")->required();
  auto plugin = addPluginOptions(sub);
  sub->add_option("--kernel", submit->kernel,
                  "instead of --plugin: a built-in fp32 matmul kernel id (`cachescope list`), a reference entry");
  sub->add_option("--competition", submit->competition,
                  "competition file (default assets/competitions/default.json)");
  sub->add_option("--out", submit->out, "also write the entry as a submission file (to hand in)");
  sub->add_flag("--quiet", submit->quiet, "no progress on stderr");

  auto show = std::make_shared<ShowArgs>();
  auto* sh = app->add_subcommand("show", "The ranking: rank, name, rate, % of the library, speedup over the "
                                         "baseline, verified, host");
  addDb(sh, show->db, show->wait);
  sh->add_option("--competition", show->competition, "only this competition id");
  sh->add_option("--format", show->format, "table | csv | json")->check(CLI::IsMember({"table", "csv", "json"}));

  auto exp = std::make_shared<ExportArgs>();
  auto* ex = app->add_subcommand("export", "Write entries as a submission file (JSON)");
  addDb(ex, exp->db, exp->wait);
  ex->add_option("--out", exp->out, "the file to write (whole or not at all)")->required();
  ex->add_option("--competition", exp->competition, "only this competition id");
  ex->add_option("--name", exp->name, "only entries of this name");

  auto imp = std::make_shared<ImportArgs>();
  auto* im = app->add_subcommand("import", "Merge submission files into the database (entries already there, "
                                           "same source hash, name, host and date, are skipped)");
  addDb(im, imp->db, imp->wait);
  im->add_option("files", imp->files, "submission files (JSON)")->required();

  commands.push_back({app, [=] {
                        if (sub->parsed()) return runSubmit(*submit, *plugin);
                        if (sh->parsed()) return runShow(*show);
                        if (ex->parsed()) return runExport(*exp);
                        return runImport(*imp);
                      }});
}

}  // namespace cachescope::cli
