// The Leaderboard view: the ranking of a competition database (the same
// database and ranking as `cachescope leaderboard show`): rank, name, rate,
// % of the library on that host, speedup over the naive loop, verified, host;
// a database path field and Reload. Reloads read the database off the UI
// thread (a std::async task), so a database another process holds locked
// does not freeze frames; a corrupt or locked file is one visible line.
// "Your kernel": "Run mine again" re-times the loaded user kernel at the
// current settings (app_controls.cpp drawRunMineAgain), and where those are
// a competition's protocol (n, threads) the view shows the place that run
// would take in its ranking, marked not submitted: nothing is written to
// the database (`cachescope leaderboard submit` does that).
#include <cstring>
#include <filesystem>
#include <future>
#include <optional>

#include <imgui.h>

#include "app/panels.hpp"
#include "app/view_layout.hpp"
#include "kernels/registry.hpp"
#include "leaderboard/database.hpp"
#include "leaderboard/ranking.hpp"
#include "report/numbers.hpp"

namespace cachescope::app {

namespace lb = cachescope::leaderboard;

namespace {

struct Loaded {
  std::string path;
  std::vector<lb::Ranking> rankings;
  std::string error;  // one line; empty when read
};

// The view's own state: it asks nothing of the worker.
struct LeaderboardViewState {
  char path[1024] = {};  // the database shown
  char edit[1024] = {};  // another one to open, typed by the user
  bool started = false;
  std::future<Loaded> pending;
  std::optional<Loaded> shown;
};

LeaderboardViewState& viewState() {
  static LeaderboardViewState s;
  return s;
}

Loaded load(std::string path, double waitSeconds) {
  Loaded l;
  l.path = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return l;  // looking creates nothing: "no entries"
  try {
    lb::Database db(path, waitSeconds);
    l.rankings = lb::rankEntries(db.entries());
  } catch (const std::exception& e) {
    l.error = e.what();
  }
  return l;
}

void startLoad(LeaderboardViewState& s) {
  if (s.pending.valid()) return;
  s.pending = std::async(std::launch::async, load, std::string(s.path), 2.0);
}

// "Intel Xeon Platinum 8480+" from "Intel(R) Xeon(R) Platinum 8480+ CPU": a
// table cell; the full text is its tooltip.
std::string shortCpu(std::string cpu) {
  for (const char* drop : {"(R)", "(TM)", "(tm)", " CPU", " Processor", " @"}) {
    std::size_t at;
    while ((at = cpu.find(drop)) != std::string::npos) {
      if (std::string(drop) == " @") {
        cpu.erase(at);
        break;
      }
      cpu.erase(at, std::string(drop).size());
    }
  }
  while (!cpu.empty() && cpu.back() == ' ') cpu.pop_back();
  return cpu;
}

std::string opt(const std::optional<double>& v, int decimals, const char* suffix = "") {
  return v ? fixedText(*v, decimals) + suffix : "-";
}

std::string entryTip(const lb::Submission& s) {
  std::string t = s.name + ": " + s.kernel + "\nhost: " + lb::hostText(s.host) + "\ncaches: " + s.host.caches +
                  "\nsubmitted " + s.date + "\nprotocol " + lb::protocolText(s.protocol);
  if (s.verified)
    t += "\nmedian " + durationText(*s.medianS) + ", min " + durationText(*s.minS) + ", max " + durationText(*s.maxS) +
         "\nthe library ran at " + opt(s.libraryRate, 2) + " " + s.unit + " on that host in the same run";
  else t += "\nnot verified: " + s.failure + "\n(never timed, never ranked)";
  if (!s.pluginPath.empty()) t += "\nplugin: " + s.pluginPath;
  return t;
}

void drawRanking(const lb::Ranking& r, views::BoxRecord& rec) {
  const float width = ImGui::GetContentRegionAvail().x;
  views::heading("Competition " + r.competition + " (" + lb::protocolText(r.protocol) + ")");
  views::note(r.by == lb::RankBy::PercentOfLibrary
                  ? "Entries come from " + std::to_string(r.hosts) +
                        " different hosts: they are ranked by % of each host's own OpenBLAS, measured in the same "
                        "submit run, not by raw rate."
                  : std::string("All ranked entries come from one host: ranked by rate."));
  std::vector<std::array<std::string, 7>> rows;
  rows.push_back({"rank", "name", "GFLOP/s", "% of BLAS", "x naive", "verified", "host"});
  for (const lb::RankedEntry& e : r.rows) {
    const lb::Submission& s = e.entry;
    rows.push_back({e.rank ? std::to_string(e.rank) : "-", s.name, opt(s.rate, 2), opt(s.percentOfLibrary, 1, "%"),
                    opt(s.speedupOverBaseline, 1, "x"), s.verified ? "yes" : "no", shortCpu(s.host.cpu)});
  }
  const float pad = ImGui::GetStyle().CellPadding.x * 2 + ImGui::GetFontSize() * 0.5f;
  float need = 0;
  for (std::size_t c = 0; c < 7; ++c) {
    float w = 0;
    for (const auto& row : rows) w = std::max(w, ImGui::CalcTextSize(row[c].c_str()).x);
    need += w + pad;
  }
  const ImVec4 bad(0.85f, 0.25f, 0.2f, 1);
  if (need <= width && ImGui::BeginTable(("##lb" + r.competition).c_str(), 7,
                                         ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit, ImVec2(width, 0))) {
    for (const std::string& h : rows.front()) ImGui::TableSetupColumn(h.c_str());
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      ImGui::TableNextRow();
      for (std::size_t c = 0; c < 7; ++c) {
        ImGui::TableNextColumn();
        if (c == 5 && !r.rows[i].entry.verified) ImGui::TextColored(bad, "%s", rows[i + 1][c].c_str());
        else ImGui::TextUnformatted(rows[i + 1][c].c_str());
        tooltip(entryTip(r.rows[i].entry));
      }
    }
    ImGui::EndTable();
    rec.addItem("table", "leaderboard " + r.competition, need);
  } else {
    // Too narrow for seven columns (a large font): one wrapped line per entry.
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      const auto& row = rows[i + 1];
      const lb::Submission& s = r.rows[i].entry;
      std::string line = (r.rows[i].rank ? row[0] + ". " : std::string("(not ranked) ")) + row[1] + ": ";
      line += s.verified ? row[2] + " GFLOP/s, " + row[3] + " of BLAS, " + row[4] + " naive"
                         : "not verified (" + s.failure + ")";
      line += ", on " + row[6];
      if (!s.verified) ImGui::PushStyleColor(ImGuiCol_Text, bad);
      ImGui::TextWrapped("%s", line.c_str());
      if (!s.verified) ImGui::PopStyleColor();
      tooltip(entryTip(s));
    }
  }
  ImGui::Spacing();
}

// Where the rerun would stand in ranking `r`: by rate on one host, by % of
// the library measured in the same run otherwise; "" when the rerun's n or
// threads are not the competition's.
std::string provisionalPlace(const lb::Ranking& r, const BenchRecord& mine, const Snapshot& snap, std::string& why) {
  const int threads = mine.threads ? *mine.threads : 1;
  if (mine.n != r.protocol.n || threads != r.protocol.threads) {
    why = "Competition " + r.competition + " measures at n=" + std::to_string(r.protocol.n) + ", " +
          std::to_string(r.protocol.threads) + (r.protocol.threads == 1 ? " thread" : " threads") +
          ": set those to see where your kernel would stand.";
    return "";
  }
  double mineValue = mine.rate;
  if (r.by == lb::RankBy::PercentOfLibrary) {
    const BenchRecord* lib = nullptr;
    for (const BenchRecord& b : snap.timing->records)
      if (b.kernel == kernelRoles().library && b.outcome == Outcome::Ok && b.rate > 0) lib = &b;
    if (!lib) {
      why = "Entries from several hosts are ranked by % of each host's library: tick " + kernelRoles().library +
            " so the run measures it too.";
      return "";
    }
    mineValue = 100 * mine.rate / lib->rate;
  }
  int ranked = 0, above = 0;
  for (const lb::RankedEntry& e : r.rows) {
    if (!e.rank) continue;
    ++ranked;
    const double v = r.by == lb::RankBy::PercentOfLibrary ? e.entry.percentOfLibrary.value_or(0) : e.entry.rate.value_or(0);
    if (v > mineValue) ++above;
  }
  return "would rank " + std::to_string(above + 1) + " of " + std::to_string(ranked + 1) + " in " + r.competition +
         (r.by == lb::RankBy::PercentOfLibrary ? " (" + fixedText(mineValue, 1) + "% of the library)" : "") +
         " - not submitted";
}

void drawMine(UiState& state, const Snapshot& snap, views::BoxRecord& rec) {
  if (state.mine.id.empty()) return;
  views::heading("Your kernel: " + state.mine.id);
  drawRunMineAgain(state, snap, false, true);
  rec.addItem("button", "run mine again");
  const BenchRecord* mine = mineRecord(state, snap);
  const LeaderboardViewState& s = viewState();
  if (!mine || mine->outcome != Outcome::Ok || !snap.timing->complete || !s.shown) return;
  for (const lb::Ranking& r : s.shown->rankings) {
    std::string why;
    const std::string place = provisionalPlace(r, *mine, snap, why);
    ImGui::PushTextWrapPos(0);
    if (!place.empty()) ImGui::TextUnformatted(place.c_str());
    else views::note(why);
    ImGui::PopTextWrapPos();
  }
  ImGui::Spacing();
}

}  // namespace

void drawLeaderboardView(UiState& state, const Snapshot& snap) {
  LeaderboardViewState& s = viewState();
  views::BoxRecord rec(state.access.wantLayout);
  if (!s.started) {
    const std::string def = lb::defaultDatabasePath();
    std::snprintf(s.path, sizeof s.path, "%s", def.c_str());
    s.started = true;
    // The first read is in the frame (a local file reads in milliseconds, and
    // a scripted screenshot shows the table, not "Reading"): it waits at most
    // half a second for a lock. Reloads run off the UI thread.
    s.shown = load(s.path, 0.5);
  }
  if (s.pending.valid() && s.pending.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
    s.shown = s.pending.get();

  const float fs = ImGui::GetFontSize();
  // The path shown whole (wrapped), the field below empty for another one:
  // a long path is never cut inside a field.
  ImGui::TextWrapped("Database: %s", s.path);
  rec.addItem("text", "database path");
  const float reloadW = ImGui::CalcTextSize("Reload").x + ImGui::GetStyle().FramePadding.x * 2;
  const float fieldW = std::max(fs * 8, ImGui::GetContentRegionAvail().x - reloadW - ImGui::GetStyle().ItemSpacing.x);
  ImGui::SetNextItemWidth(fieldW);
  const bool entered =
      ImGui::InputTextWithHint("##lbpath", "another database file", s.edit, sizeof s.edit, ImGuiInputTextFlags_EnterReturnsTrue);
  tooltip("Another leaderboard database file (SQLite), as `cachescope leaderboard show --db FILE` reads it. Enter or "
          "Reload opens it; Reload with the field empty reads the shown one again.");
  rec.addItem("input", "other database");
  views::sameLineIfFits(reloadW);
  const bool reload = ImGui::Button("Reload");
  tooltip("Read the database again (new submissions from `cachescope leaderboard submit` or `import`).");
  rec.addItem("button", "reload");
  if ((entered || reload) && s.edit[0]) {
    static_assert(sizeof s.path == sizeof s.edit);
    std::memcpy(s.path, s.edit, sizeof s.path);
    s.edit[0] = 0;
  }
  if (entered || reload) startLoad(s);

  drawMine(state, snap, rec);
  if (s.pending.valid()) ImGui::TextUnformatted("Reading the database...");
  if (s.shown) {
    if (!s.shown->error.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.90f, 0.30f, 0.25f, 1));
      ImGui::TextWrapped("%s", s.shown->error.c_str());
      ImGui::PopStyleColor();
    } else if (s.shown->rankings.empty()) {
      views::note("No entries in " + s.shown->path +
                  " yet. Add one with `cachescope leaderboard submit --name NAME --kernel ID`, or import a class's "
                  "submission files with `cachescope leaderboard import FILE...`.");
    } else {
      for (const lb::Ranking& r : s.shown->rankings) drawRanking(r, rec);
      views::note("Rates are the median of the protocol's repetitions. A kernel that gave a wrong result is listed "
                  "but never timed or ranked. Hover a row for its host, timings and date.");
    }
  }
  if (rec.on()) state.access.layoutJson = rec.json("leaderboard");
}

}  // namespace cachescope::app
