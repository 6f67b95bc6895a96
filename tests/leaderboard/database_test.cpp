// The database: schema version, insert and read back, dedup, refusing
// corrupt or foreign files without touching them, a lock held past the busy
// timeout, and several processes inserting at once without losing an entry.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "leaderboard/database.hpp"
#include "leaderboard_test_support.hpp"

using namespace cachescope;
using namespace cachescope::leaderboard;
using cachescope::test::entry;
using cachescope::test::TempDir;

namespace {
int userVersion(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

void execSql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}
}  // namespace

TEST_CASE("a new database gets the versioned schema, in a folder created for it") {
  TempDir dir;
  const std::string path = dir.file("sub/folder/lb.db");
  {
    Database db(path);
    CHECK(db.count() == 0);
  }
  CHECK(userVersion(path) == kSchemaVersion);
  Database again(path);  // reopening an existing one is fine
  CHECK(again.count() == 0);
}

TEST_CASE("an entry is read back as it was inserted") {
  TempDir dir;
  Database db(dir.file("lb.db"));
  Submission s = entry("anna", 80, 160);
  s.context = {{"cpu", "Test CPU A"}, {"date", "x"}};
  const std::int64_t id = db.insert(s);
  REQUIRE(id > 0);
  const Submission back = db.entry(id);
  CHECK(back.rowId == id);
  CHECK(toJson(back) == toJson(s));
  Submission wrong = test::wrongEntry("bob");
  db.insert(wrong);
  const auto all = db.entries();
  REQUIRE(all.size() == 2);
  CHECK_FALSE(all[1].verified);
  CHECK_FALSE(all[1].rate.has_value());
  CHECK(all[1].failure == wrong.failure);
  CHECK(db.entries("other").empty());
}

TEST_CASE("an entry with the same source hash, name, host and date is kept once") {
  TempDir dir;
  Database db(dir.file("lb.db"));
  CHECK(db.insert(entry("anna", 80, 160)) > 0);
  CHECK(db.insert(entry("anna", 81, 160)) == 0);  // same hash+name+host+date: a duplicate
  CHECK(db.insert(entry("anna", 80, 160, "Test CPU B")) > 0);  // another host
  CHECK(db.insert(entry("anna", 80, 160, "Test CPU A", "2026-12-02T05:00:00.000Z")) > 0);  // another date
  CHECK(db.insertAll({entry("anna", 80, 160), entry("carl", 50, 160)}) == 1);
  CHECK(db.count() == 4);
}

TEST_CASE("a file that is not a database is refused with one line and left unchanged") {
  TempDir dir;
  const std::string path = dir.file("garbage.db");
  std::string junk = "this is not an SQLite database, just text pretending to be one\n";
  for (int i = 0; i < 6; ++i) junk += junk;
  test::writeText(path, junk);
  try {
    Database db(path);
    FAIL("opened a garbage file");
  } catch (const DatabaseError& e) {
    const std::string what = e.what();
    CHECK(what.rfind(path + ": not a usable leaderboard database", 0) == 0);
    CHECK(what.find('\n') == std::string::npos);
  }
  CHECK(test::readText(path) == junk);
}

TEST_CASE("a database with corrupt pages is refused and not written") {
  TempDir dir;
  const std::string path = dir.file("lb.db");
  {
    Database db(path);
    for (int i = 0; i < 200; ++i) db.insert(entry("e" + std::to_string(i), 10 + i, 300));
  }
  std::string bytes = test::readText(path);
  REQUIRE(bytes.size() > 8192);
  for (std::size_t i = 4096; i < bytes.size(); ++i) bytes[i] = char(0xA5 ^ (i * 7));  // every page after the first
  test::writeText(path, bytes);
  bool refused = false;
  try {
    Database db(path);
    db.entries();
  } catch (const DatabaseError& e) {
    refused = true;
    CHECK(std::string(e.what()).find("not a usable leaderboard database") != std::string::npos);
  }
  CHECK(refused);
  CHECK(test::readText(path) == bytes);
}

TEST_CASE("another program's SQLite file and a newer schema are refused, untouched") {
  TempDir dir;
  const std::string other = dir.file("other.db");
  execSql(other, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);");
  CHECK_THROWS_WITH(Database(other), Catch::Contains("another program"));
  CHECK(userVersion(other) == 0);
  const std::string newer = dir.file("newer.db");
  { Database db(newer); }
  execSql(newer, "PRAGMA user_version = 99");
  CHECK_THROWS_WITH(Database(newer), Catch::Contains("schema version 99 is newer"));
  CHECK(userVersion(newer) == 99);
}

TEST_CASE("a database locked past the busy timeout is a run-time failure and loses nothing") {
  TempDir dir;
  const std::string path = dir.file("lb.db");
  Database db(path, 0.2);
  db.insert(entry("anna", 80, 160));
  sqlite3* holder = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &holder) == SQLITE_OK);
  REQUIRE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  try {
    db.insert(entry("bob", 70, 160));
    FAIL("inserted into a locked database");
  } catch (const DatabaseBusy& e) {
    CHECK(std::string(e.what()).find("locked by another process") != std::string::npos);
  }
  CHECK_THROWS_AS(Database(path, 0.1), DatabaseBusy);
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  CHECK(db.count() == 1);
  CHECK(db.insert(entry("bob", 70, 160)) > 0);  // free again: the insert goes in
  CHECK(db.count() == 2);
}

TEST_CASE("several processes inserting into one database at once lose no entry") {
  TempDir dir;
  const std::string path = dir.file("lb.db");
  constexpr int kChildren = 8, kEach = 25;
  std::vector<pid_t> pids;
  for (int c = 0; c < kChildren; ++c) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int code = 0;
      try {
        // Every child creates or opens the file itself: the schema's
        // creation races too.
        Database db(path, 60);
        for (int i = 0; i < kEach; ++i)
          if (db.insert(entry("c" + std::to_string(c) + "-" + std::to_string(i), 10 + i, 100)) == 0) code = 3;
      } catch (...) {
        code = 4;
      }
      ::_exit(code);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  Database db(path);
  CHECK(db.count() == kChildren * kEach);
}
