#include "leaderboard/database.hpp"

#include <cstdlib>
#include <filesystem>

#include <sqlite3.h>

#include "report/numbers.hpp"

namespace cachescope::leaderboard {

namespace fs = std::filesystem;

namespace {

const char* kSchema = R"sql(
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kernel TEXT NOT NULL,
  source_hash TEXT NOT NULL,
  plugin_path TEXT NOT NULL,
  competition TEXT NOT NULL,
  n INTEGER NOT NULL, threads INTEGER NOT NULL, reps INTEGER NOT NULL, warmup INTEGER NOT NULL,
  params TEXT NOT NULL,
  host_cpu TEXT NOT NULL, host_cores INTEGER NOT NULL, host_simd TEXT NOT NULL, host_caches TEXT NOT NULL,
  host_key TEXT NOT NULL,
  context TEXT NOT NULL,
  verified INTEGER NOT NULL,
  failure TEXT NOT NULL,
  median_s REAL, min_s REAL, max_s REAL, stddev_s REAL,
  rate REAL, unit TEXT NOT NULL,
  library_rate REAL, baseline_median_s REAL, percent_of_library REAL, speedup_over_baseline REAL,
  date TEXT NOT NULL,
  UNIQUE (source_hash, name, host_key, date)
);
CREATE INDEX submissions_competition ON submissions (competition);
)sql";

const char* kColumns =
    "name, kernel, source_hash, plugin_path, competition, n, threads, reps, warmup, params, host_cpu, host_cores, "
    "host_simd, host_caches, host_key, context, verified, failure, median_s, min_s, max_s, stddev_s, rate, unit, "
    "library_rate, baseline_median_s, percent_of_library, speedup_over_baseline, date";

// A prepared statement that finalizes itself.
struct Statement {
  sqlite3_stmt* st = nullptr;
  ~Statement() { sqlite3_finalize(st); }
};

void bindText(sqlite3_stmt* st, int i, const std::string& s) {
  sqlite3_bind_text(st, i, s.c_str(), int(s.size()), SQLITE_TRANSIENT);
}
void bindOptional(sqlite3_stmt* st, int i, const std::optional<double>& v) {
  if (v) sqlite3_bind_double(st, i, *v);
  else sqlite3_bind_null(st, i);
}
std::string columnText(sqlite3_stmt* st, int i) {
  const unsigned char* t = sqlite3_column_text(st, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}
std::optional<double> columnOptional(sqlite3_stmt* st, int i) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(st, i);
}
nlohmann::json columnJson(sqlite3_stmt* st, int i) {
  nlohmann::json j = nlohmann::json::parse(columnText(st, i), nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

}  // namespace

std::string defaultDatabasePath() {
  fs::path base;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x == '/') base = x;
  else if (const char* h = std::getenv("HOME"); h && *h) base = fs::path(h) / ".local" / "share";
  else base = fs::current_path();
  return (base / "cachescope" / "leaderboard.db").string();
}

[[noreturn]] void Database::fail(int rc, const char* doing) const {
  const int primary = rc & 0xff;
  std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    throw DatabaseBusy(path_ + ": database is locked by another process (waited " + significantText(busySeconds_, 3) +
                       " s while " + doing + ")");
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
    throw DatabaseError(path_ + ": not a usable leaderboard database (" + why + "); it was left unchanged");
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_PERM || primary == SQLITE_READONLY || primary == SQLITE_AUTH)
    throw DatabaseError(path_ + ": cannot open the database for writing (" + why + ")");
  throw DatabaseBusy(path_ + ": " + doing + " failed (" + why + ")");
}

void Database::exec(const char* sql, const char* doing) const {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, doing);
}

Database::Database(std::string path, double busySeconds) : path_(std::move(path)), busySeconds_(busySeconds) {
  std::error_code ec;
  if (fs::is_directory(path_, ec)) throw DatabaseError(path_ + ": is a directory, not a database file");
  fs::path parent = fs::path(path_).parent_path();
  if (!parent.empty() && !fs::exists(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) throw DatabaseError(path_ + ": cannot create its folder (" + ec.message() + ")");
  }
  int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DatabaseError(path_ + ": cannot open the database (" + why + ")");
  }
  try {
    sqlite3_busy_timeout(db_, int(busySeconds_ * 1000));
    sqlite3_extended_result_codes(db_, 1);
    // Reading the schema version is the first read: garbage gives NOTADB here.
    exec("PRAGMA foreign_keys = ON", "opening");
    exec("BEGIN IMMEDIATE", "opening");
    try {
      int version = 0, tables = 0;
      {
        Statement s;
        int r = sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &s.st, nullptr);
        if (r != SQLITE_OK) fail(r, "reading the schema version");
        r = sqlite3_step(s.st);
        if (r != SQLITE_ROW) fail(r, "reading the schema version");
        version = sqlite3_column_int(s.st, 0);
      }
      {
        Statement s;
        int r = sqlite3_prepare_v2(db_, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'", -1, &s.st, nullptr);
        if (r != SQLITE_OK) fail(r, "reading the schema");
        r = sqlite3_step(s.st);
        if (r != SQLITE_ROW) fail(r, "reading the schema");
        tables = sqlite3_column_int(s.st, 0);
      }
      if (version == 0 && tables == 0) {
        exec(kSchema, "creating the schema");
        exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str(), "creating the schema");
      } else if (version == 0) {
        throw DatabaseError(path_ + ": an SQLite database of another program (no leaderboard schema); left unchanged");
      } else if (version > kSchemaVersion) {
        throw DatabaseError(path_ + ": leaderboard schema version " + std::to_string(version) +
                            " is newer than this cachescope's (" + std::to_string(kSchemaVersion) + ")");
      }
      // (Older versions would be migrated here; version 1 is the first.)
      exec("COMMIT", "creating the schema");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Database::~Database() { sqlite3_close(db_); }

std::int64_t Database::insertOne(const Submission& s) {
  Statement st;
  std::string sql = std::string("INSERT OR IGNORE INTO submissions (") + kColumns +
                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
                    "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)";
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.st, nullptr);
  if (rc != SQLITE_OK) fail(rc, "preparing an insert");
  bindText(st.st, 1, s.name);
  bindText(st.st, 2, s.kernel);
  bindText(st.st, 3, s.sourceHash);
  bindText(st.st, 4, s.pluginPath);
  bindText(st.st, 5, s.competition);
  sqlite3_bind_int(st.st, 6, s.protocol.n);
  sqlite3_bind_int(st.st, 7, s.protocol.threads);
  sqlite3_bind_int(st.st, 8, s.protocol.reps);
  sqlite3_bind_int(st.st, 9, s.protocol.warmup);
  bindText(st.st, 10, s.params.dump());
  bindText(st.st, 11, s.host.cpu);
  sqlite3_bind_int(st.st, 12, s.host.cores);
  bindText(st.st, 13, s.host.simd);
  bindText(st.st, 14, s.host.caches);
  bindText(st.st, 15, s.host.key());
  bindText(st.st, 16, s.context.dump());
  sqlite3_bind_int(st.st, 17, s.verified ? 1 : 0);
  bindText(st.st, 18, s.failure);
  bindOptional(st.st, 19, s.medianS);
  bindOptional(st.st, 20, s.minS);
  bindOptional(st.st, 21, s.maxS);
  bindOptional(st.st, 22, s.stddevS);
  bindOptional(st.st, 23, s.rate);
  bindText(st.st, 24, s.unit);
  bindOptional(st.st, 25, s.libraryRate);
  bindOptional(st.st, 26, s.baselineMedianS);
  bindOptional(st.st, 27, s.percentOfLibrary);
  bindOptional(st.st, 28, s.speedupOverBaseline);
  bindText(st.st, 29, s.date);
  rc = sqlite3_step(st.st);
  if (rc != SQLITE_DONE) fail(rc, "inserting an entry");
  return sqlite3_changes(db_) > 0 ? sqlite3_last_insert_rowid(db_) : 0;
}

std::int64_t Database::insert(const Submission& s) {
  exec("BEGIN IMMEDIATE", "starting an insert");
  try {
    std::int64_t id = insertOne(s);
    exec("COMMIT", "committing an insert");
    return id;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

int Database::insertAll(const std::vector<Submission>& entries) {
  exec("BEGIN IMMEDIATE", "starting an import");
  try {
    int added = 0;
    for (const Submission& s : entries) added += insertOne(s) != 0 ? 1 : 0;
    exec("COMMIT", "committing an import");
    return added;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

namespace {

Submission rowToSubmission(sqlite3_stmt* st) {
  Submission s;
  s.rowId = sqlite3_column_int64(st, 0);
  s.name = columnText(st, 1);
  s.kernel = columnText(st, 2);
  s.sourceHash = columnText(st, 3);
  s.pluginPath = columnText(st, 4);
  s.competition = columnText(st, 5);
  s.protocol.n = sqlite3_column_int(st, 6);
  s.protocol.threads = sqlite3_column_int(st, 7);
  s.protocol.reps = sqlite3_column_int(st, 8);
  s.protocol.warmup = sqlite3_column_int(st, 9);
  s.params = columnJson(st, 10);
  s.host.cpu = columnText(st, 11);
  s.host.cores = sqlite3_column_int(st, 12);
  s.host.simd = columnText(st, 13);
  s.host.caches = columnText(st, 14);
  // 15: host_key, recomputed from the fields above
  s.context = columnJson(st, 16);
  s.verified = sqlite3_column_int(st, 17) != 0;
  s.failure = columnText(st, 18);
  s.medianS = columnOptional(st, 19);
  s.minS = columnOptional(st, 20);
  s.maxS = columnOptional(st, 21);
  s.stddevS = columnOptional(st, 22);
  s.rate = columnOptional(st, 23);
  s.unit = columnText(st, 24);
  s.libraryRate = columnOptional(st, 25);
  s.baselineMedianS = columnOptional(st, 26);
  s.percentOfLibrary = columnOptional(st, 27);
  s.speedupOverBaseline = columnOptional(st, 28);
  s.date = columnText(st, 29);
  return s;
}

}  // namespace

std::vector<Submission> Database::entries(const std::string& competition) const {
  Statement st;
  std::string sql = std::string("SELECT id, ") + kColumns + " FROM submissions" +
                    (competition.empty() ? "" : " WHERE competition = ?1") + " ORDER BY id";
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.st, nullptr);
  if (rc != SQLITE_OK) fail(rc, "reading entries");
  if (!competition.empty()) bindText(st.st, 1, competition);
  std::vector<Submission> out;
  while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) out.push_back(rowToSubmission(st.st));
  if (rc != SQLITE_DONE) fail(rc, "reading entries");
  return out;
}

Submission Database::entry(std::int64_t rowId) const {
  Statement st;
  std::string sql = std::string("SELECT id, ") + kColumns + " FROM submissions WHERE id = ?1";
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.st, nullptr);
  if (rc != SQLITE_OK) fail(rc, "reading an entry");
  sqlite3_bind_int64(st.st, 1, rowId);
  rc = sqlite3_step(st.st);
  if (rc == SQLITE_ROW) return rowToSubmission(st.st);
  if (rc != SQLITE_DONE) fail(rc, "reading an entry");
  throw DatabaseError(path_ + ": no entry " + std::to_string(rowId));
}

int Database::count() const {
  Statement st;
  int rc = sqlite3_prepare_v2(db_, "SELECT count(*) FROM submissions", -1, &st.st, nullptr);
  if (rc != SQLITE_OK) fail(rc, "counting entries");
  rc = sqlite3_step(st.st);
  if (rc != SQLITE_ROW) fail(rc, "counting entries");
  return sqlite3_column_int(st.st, 0);
}

}  // namespace cachescope::leaderboard
