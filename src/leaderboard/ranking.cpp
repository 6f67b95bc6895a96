#include "leaderboard/ranking.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "report/numbers.hpp"
#include "report/table.hpp"

namespace cachescope::leaderboard {

namespace {

std::string opt(const std::optional<double>& v, int decimals) { return v ? fixedText(*v, decimals) : "-"; }

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csvNumber(const std::optional<double>& v) { return v ? significantText(*v) : ""; }

}  // namespace

std::string Ranking::rankedByText() const {
  if (by == RankBy::PercentOfLibrary)
    return "ranked by % of each host's OpenBLAS (" + std::to_string(hosts) + " hosts)";
  return "ranked by rate (one host)";
}

std::string hostText(const HostSummary& h) {
  return h.cpu + " (" + std::to_string(h.cores) + " cores, " + h.simd + ")";
}

std::vector<Ranking> rankEntries(const std::vector<Submission>& entries) {
  std::vector<Ranking> out;
  for (const Submission& s : entries) {
    auto it = std::find_if(out.begin(), out.end(), [&](const Ranking& r) { return r.competition == s.competition && r.protocol == s.protocol; });
    if (it == out.end()) {
      out.push_back({});
      it = out.end() - 1;
      it->competition = s.competition;
      it->protocol = s.protocol;
    }
    it->rows.push_back({0, s});
  }
  for (Ranking& r : out) {
    std::set<std::string> hosts;
    for (const RankedEntry& e : r.rows)
      if (e.entry.ranked()) hosts.insert(e.entry.host.key());
    r.hosts = int(hosts.size());
    r.by = r.hosts > 1 ? RankBy::PercentOfLibrary : RankBy::Rate;
    auto score = [&](const Submission& s) { return r.by == RankBy::Rate ? *s.rate : *s.percentOfLibrary; };
    std::stable_sort(r.rows.begin(), r.rows.end(), [&](const RankedEntry& a, const RankedEntry& b) {
      if (a.entry.ranked() != b.entry.ranked()) return a.entry.ranked();
      if (!a.entry.ranked()) return false;  // unranked keep their order (oldest first)
      return score(a.entry) > score(b.entry);
    });
    int rank = 0;
    for (RankedEntry& e : r.rows) e.rank = e.entry.ranked() ? ++rank : 0;
  }
  return out;
}

std::string rankingTable(const std::vector<Ranking>& rankings) {
  if (rankings.empty()) return "no entries\n";
  std::ostringstream out;
  bool first = true;
  for (const Ranking& r : rankings) {
    if (!first) out << '\n';
    first = false;
    out << "competition " << r.competition << " (" << protocolText(r.protocol) << "), " << r.rankedByText() << '\n';
    TextTable t;
    t.align = {Align::Right, Align::Left, Align::Left, Align::Right, Align::Right, Align::Right, Align::Left,
               Align::Left, Align::Left};
    t.rows.push_back({"rank", "name", "kernel", "GFLOP/s", "% of BLAS", "x naive", "verified", "host", "date"});
    for (const RankedEntry& e : r.rows) {
      const Submission& s = e.entry;
      t.rows.push_back({e.rank ? std::to_string(e.rank) : "-", s.name, s.kernel, opt(s.rate, 2),
                        opt(s.percentOfLibrary, 1), opt(s.speedupOverBaseline, 1),
                        s.verified ? "yes" : "no: " + s.failure, hostText(s.host), s.date.substr(0, 16)});
    }
    out << layoutTable(t);
  }
  return out.str();
}

std::string rankingCsv(const std::vector<Ranking>& rankings) {
  std::ostringstream out;
  out << "competition,rank,name,kernel,rate,unit,percent_of_library,speedup_over_baseline,verified,failure,median_s,"
         "min_s,max_s,host,host_key,n,threads,reps,warmup,ranked_by,date\n";
  for (const Ranking& r : rankings)
    for (const RankedEntry& e : r.rows) {
      const Submission& s = e.entry;
      out << csvField(r.competition) << ',' << (e.rank ? std::to_string(e.rank) : "") << ',' << csvField(s.name)
          << ',' << csvField(s.kernel) << ',' << csvNumber(s.rate) << ',' << csvField(s.unit) << ','
          << csvNumber(s.percentOfLibrary) << ',' << csvNumber(s.speedupOverBaseline) << ','
          << (s.verified ? "true" : "false") << ',' << csvField(s.failure) << ',' << csvNumber(s.medianS) << ','
          << csvNumber(s.minS) << ',' << csvNumber(s.maxS) << ',' << csvField(hostText(s.host)) << ','
          << s.host.key() << ',' << s.protocol.n << ',' << s.protocol.threads << ',' << s.protocol.reps << ','
          << s.protocol.warmup << ',' << (r.by == RankBy::Rate ? "rate" : "percent_of_library") << ','
          << csvField(s.date) << '\n';
    }
  return out.str();
}

std::string rankingJson(const std::vector<Ranking>& rankings) {
  nlohmann::json doc;
  doc["competitions"] = nlohmann::json::array();
  for (const Ranking& r : rankings) {
    nlohmann::json c;
    c["id"] = r.competition;
    c["protocol"] = {{"n", r.protocol.n},
                     {"threads", r.protocol.threads},
                     {"reps", r.protocol.reps},
                     {"warmup", r.protocol.warmup}};
    c["hosts"] = r.hosts;
    c["ranked_by"] = r.by == RankBy::Rate ? "rate" : "percent_of_library";
    c["entries"] = nlohmann::json::array();
    for (const RankedEntry& e : r.rows) {
      nlohmann::json j = toJson(e.entry);
      j["rank"] = e.rank ? nlohmann::json(e.rank) : nlohmann::json(nullptr);
      j["id"] = e.entry.rowId;
      c["entries"].push_back(j);
    }
    doc["competitions"].push_back(c);
  }
  return doc.dump(2) + "\n";
}

}  // namespace cachescope::leaderboard
