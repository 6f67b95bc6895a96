// The leaderboard database: one SQLite file (libsqlite3), schema versioned by
// PRAGMA user_version. Safe for several processes at once: a rollback journal,
// a busy timeout, and every write in a BEGIN IMMEDIATE transaction, so
// concurrent submits queue rather than lose an entry. Nothing is ever written
// to a file that is not a leaderboard database of this or an older version.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "leaderboard/submission.hpp"
#include "platform/errors.hpp"

struct sqlite3;

namespace cachescope::leaderboard {

// The file is not a leaderboard database (not SQLite, corrupt, another
// program's tables, a newer schema) or cannot be opened: exit 2, one line
// naming the file. It is left as it is.
struct DatabaseError : InputError {
  using InputError::InputError;
};

// Another process held the database locked for longer than the busy timeout,
// or a write failed while running (disk full): exit 1, the file is unchanged.
struct DatabaseBusy : RunFailure {
  using RunFailure::RunFailure;
};

inline constexpr int kSchemaVersion = 1;
inline constexpr double kDefaultBusySeconds = 10.0;

// $XDG_DATA_HOME/cachescope/leaderboard.db, else ~/.local/share/cachescope/
// leaderboard.db (the folder is created by Database when missing).
std::string defaultDatabasePath();

class Database {
 public:
  // Opens (creating the file and its folder when missing) and checks or
  // creates the schema. Throws DatabaseError / DatabaseBusy.
  explicit Database(std::string path, double busySeconds = kDefaultBusySeconds);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Inserts one entry in its own transaction; returns its row id, or 0 when
  // an entry with the same source hash, name, host and date is already there.
  std::int64_t insert(const Submission& s);
  // Inserts all in one transaction (all or none); returns how many were new.
  int insertAll(const std::vector<Submission>& entries);
  // Entries, oldest first; `competition` "" for all.
  std::vector<Submission> entries(const std::string& competition = "") const;
  // One entry by row id (DatabaseError when there is none).
  Submission entry(std::int64_t rowId) const;
  int count() const;
  const std::string& path() const { return path_; }

 private:
  void exec(const char* sql, const char* doing) const;
  [[noreturn]] void fail(int rc, const char* doing) const;
  std::int64_t insertOne(const Submission& s);

  std::string path_;
  double busySeconds_;
  sqlite3* db_ = nullptr;
};

}  // namespace cachescope::leaderboard
