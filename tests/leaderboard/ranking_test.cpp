// Ranking: verified entries only, by rate on one host, by % of each host's
// library across hosts (and the ranking says so); the three output forms.
#include <catch2/catch.hpp>

#include "leaderboard/ranking.hpp"
#include "leaderboard_test_support.hpp"

using namespace cachescope;
using namespace cachescope::leaderboard;
using cachescope::test::entry;

TEST_CASE("entries of one host are ranked by rate, unverified ones never") {
  const auto rankings = rankEntries({entry("slow", 20, 150), test::wrongEntry("wrong"), entry("fast", 90, 140),
                                     entry("mid", 50, 160)});
  REQUIRE(rankings.size() == 1);
  const Ranking& r = rankings[0];
  CHECK(r.by == RankBy::Rate);
  CHECK(r.hosts == 1);
  REQUIRE(r.rows.size() == 4);
  CHECK(r.rows[0].entry.name == "fast");
  CHECK(r.rows[0].rank == 1);
  CHECK(r.rows[1].entry.name == "mid");
  CHECK(r.rows[2].entry.name == "slow");
  CHECK(r.rows[2].rank == 3);
  CHECK(r.rows[3].entry.name == "wrong");
  CHECK(r.rows[3].rank == 0);
  CHECK(r.rankedByText() == "ranked by rate (one host)");
}

TEST_CASE("entries from different hosts are ranked by % of that host's library") {
  // A fast host: 100 GFLOP/s is 50% of its library. A slow host: 60 is 75%.
  const auto rankings = rankEntries({entry("onFastHost", 100, 200, "Fast CPU"), entry("onSlowHost", 60, 80, "Slow CPU"),
                                     entry("alsoFast", 120, 200, "Fast CPU")});
  REQUIRE(rankings.size() == 1);
  const Ranking& r = rankings[0];
  CHECK(r.by == RankBy::PercentOfLibrary);
  CHECK(r.hosts == 2);
  CHECK(r.rows[0].entry.name == "onSlowHost");  // 75% beats 60% and 50%, though its rate is the lowest
  CHECK(r.rows[1].entry.name == "alsoFast");
  CHECK(r.rows[2].entry.name == "onFastHost");
  const std::string table = rankingTable(rankings);
  CHECK(table.find("ranked by % of each host's OpenBLAS (2 hosts)") != std::string::npos);
  CHECK(table.find("Slow CPU (2 cores, avx512)") != std::string::npos);
}

TEST_CASE("competitions and protocols are ranked apart") {
  Submission other = entry("x", 10, 100);
  other.competition = "final";
  Submission edited = entry("y", 10, 100);
  edited.protocol.n = 1024;
  const auto rankings = rankEntries({entry("a", 10, 100), other, edited});
  REQUIRE(rankings.size() == 3);
  for (const Ranking& r : rankings) CHECK(r.rows[0].rank == 1);
}

TEST_CASE("the ranking as a table, CSV and JSON") {
  const auto rankings = rankEntries({entry("anna", 80, 160), test::wrongEntry("bob")});
  const std::string table = rankingTable(rankings);
  CHECK(table.find("competition default (n=512 threads=1 reps=5 warmup=1), ranked by rate (one host)") !=
        std::string::npos);
  for (const char* col : {"rank", "name", "GFLOP/s", "% of BLAS", "x naive", "verified", "host"})
    CHECK(table.find(col) != std::string::npos);
  CHECK(table.find("50.0") != std::string::npos);  // anna's % of the library
  CHECK(table.find("no: wrong result at C[3][17]") != std::string::npos);

  const std::string csv = rankingCsv(rankings);
  CHECK(csv.rfind("competition,rank,name,kernel,rate,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);
  CHECK(csv.find("default,1,anna,user.anna,80,") != std::string::npos);
  CHECK(csv.find("default,,bob,") != std::string::npos);

  const auto doc = nlohmann::json::parse(rankingJson(rankings));
  REQUIRE(doc["competitions"].size() == 1);
  const auto& c = doc["competitions"][0];
  CHECK(c["ranked_by"] == "rate");
  CHECK(c["entries"][0]["rank"] == 1);
  CHECK(c["entries"][0]["percent_of_library"].get<double>() == Approx(50.0));
  CHECK(c["entries"][1]["rank"].is_null());
  CHECK(c["entries"][1]["verified"] == false);
  CHECK(rankingTable({}) == "no entries\n");
}
