#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/atomic_file.hpp"

using namespace cachescope;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
// A fresh, empty directory per test case, so leftovers are easy to count.
fs::path tempDir() {
  static int n = 0;
  fs::path d = fs::temp_directory_path() / ("cachescope-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
// Names in dir other than the expected ones: stale temporaries show up here.
std::vector<std::string> strays(const fs::path& dir, const std::vector<std::string>& expected) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (std::find(expected.begin(), expected.end(), name) == expected.end()) out.push_back(name);
  }
  return out;
}
}  // namespace

TEST_CASE("atomic file replaces the target only on commit", "[report]") {
  fs::path dir = tempDir();
  fs::path target = dir / "out.csv";
  writeFileAtomically(target.string(), "old\n");
  {
    AtomicFile f(target.string());
    CHECK_FALSE(f.direct());
    CHECK(slurp(target) == "old\n");  // untouched until commit
  }  // abandoned: no commit
  CHECK(slurp(target) == "old\n");
  AtomicFile g(target.string());
  g.commit("new\n");
  CHECK(slurp(target) == "new\n");
  CHECK(strays(dir, {"out.csv"}).empty());
  CHECK_THROWS_WITH(g.commit("again\n"), Catch::Contains("already written"));
  fs::remove_all(dir);
}

TEST_CASE("unwritable paths fail at open with a message", "[report]") {
  CHECK_THROWS_AS(AtomicFile("/nonexistent-dir/x.csv"), FileError);
  CHECK_THROWS_WITH(AtomicFile("/nonexistent-dir/x.csv"), Catch::Contains("does not exist"));
  CHECK_THROWS_AS(AtomicFile(fs::temp_directory_path().string()), FileError);
  CHECK_THROWS_AS(AtomicFile(""), FileError);
}

TEST_CASE("two atomic files to one path in one process both commit, the last wins", "[report]") {
  // Two GUI exports in the same second, or --out X --plot X: each writer needs
  // its own temporary, or the second writes into the file the first renamed.
  fs::path dir = tempDir();
  const std::string target = (dir / "plot.svg").string();
  const std::string longer(10000, 'a'), shorter = "short\n";
  {
    AtomicFile first(target), second(target);
    first.commit(longer);
    CHECK(slurp(target) == longer);
    second.commit(shorter);
  }
  CHECK(slurp(target) == shorter);  // not "short\n" over the start of the a's
  {
    AtomicFile first(target), second(target);
    second.commit(longer);
    first.commit(shorter);
  }
  CHECK(slurp(target) == shorter);
  CHECK(strays(dir, {"plot.svg"}).empty());
  fs::remove_all(dir);
}

TEST_CASE("a FIFO target is written into, not replaced", "[report]") {
  fs::path dir = tempDir();
  const fs::path fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // The read end is opened first without blocking, so the writer's open
  // succeeds; the reader thread drains it (1 MiB: more than a pipe holds, so
  // the writer must loop over partial writes) until EOF or a deadline.
  const int rfd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(rfd >= 0);
  std::string received;
  std::thread reader([&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    char buf[65536];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{rfd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::read(rfd, buf, sizeof buf);
      if (n > 0) received.append(buf, std::size_t(n));
      else if (n == 0 && !received.empty()) break;  // the writer closed
      else if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));  // no writer yet
    }
  });
  std::string payload;
  for (int i = 0; payload.size() < (1u << 20); ++i) payload += "line " + std::to_string(i) + "\n";
  {
    AtomicFile f(fifo.string());
    CHECK(f.direct());
    f.commit(payload);
  }
  reader.join();
  ::close(rfd);
  CHECK(fs::is_fifo(fifo));
  CHECK(received.size() == payload.size());
  CHECK(received == payload);
  CHECK(strays(dir, {"pipe"}).empty());
  fs::remove_all(dir);
}

TEST_CASE("standard output targets are written to the descriptor", "[report]") {
  // fd 1 goes to a pipe for the duration; /dev/stdout and '-' must reach it
  // (renaming over /dev/stdout would replace the symlink, as root).
  int p[2];
  REQUIRE(::pipe(p) == 0);
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  REQUIRE(saved >= 0);
  REQUIRE(::dup2(p[1], STDOUT_FILENO) >= 0);
  ::close(p[1]);
  bool directStdout = false, directDash = false;
  std::string error;
  try {
    AtomicFile a("/dev/stdout");
    directStdout = a.direct();
    if (directStdout) a.commit("via /dev/stdout\n");
    AtomicFile b("-");
    directDash = b.direct();
    if (directDash) b.commit("via -\n");
  } catch (const std::exception& e) {
    error = e.what();
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  std::string got;
  char buf[256];
  for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;) got.append(buf, std::size_t(n));
  ::close(p[0]);
  INFO(error);
  CHECK(error.empty());
  CHECK(directStdout);
  CHECK(directDash);
  CHECK(got == "via /dev/stdout\nvia -\n");
  CHECK(fs::is_symlink("/dev/stdout"));
}

TEST_CASE("a symlink target is followed: the link stays, its file gets the content", "[report]") {
  fs::path dir = tempDir();
  writeFileAtomically((dir / "real.txt").string(), "old\n");
  fs::create_symlink("real.txt", dir / "link.txt");  // relative, as users make them
  writeFileAtomically((dir / "link.txt").string(), "new\n");
  CHECK(fs::is_symlink(dir / "link.txt"));
  CHECK(fs::read_symlink(dir / "link.txt") == "real.txt");
  CHECK(slurp(dir / "real.txt") == "new\n");
  // A dangling link creates the file it points to.
  fs::create_symlink(dir / "later.txt", dir / "dangling.txt");
  writeFileAtomically((dir / "dangling.txt").string(), "created\n");
  CHECK(fs::is_symlink(dir / "dangling.txt"));
  CHECK(slurp(dir / "later.txt") == "created\n");
  CHECK(strays(dir, {"real.txt", "link.txt", "dangling.txt", "later.txt"}).empty());
  fs::remove_all(dir);
}

TEST_CASE("an existing file keeps its permission bits; a new one gets the umask's", "[report]") {
  fs::path dir = tempDir();
  const fs::path target = dir / "secret.json";
  writeFileAtomically(target.string(), "{}\n");
  fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  writeFileAtomically(target.string(), "{\"a\": 1}\n");
  CHECK(fs::status(target).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(slurp(target) == "{\"a\": 1}\n");
  fs::permissions(target, fs::perms(0754), fs::perm_options::replace);
  writeFileAtomically(target.string(), "{}\n");
  CHECK(fs::status(target).permissions() == fs::perms(0754));

  // mkstemp creates 0600; a new output must look like any other new file.
  const mode_t old = ::umask(022);
  writeFileAtomically((dir / "fresh.csv").string(), "x\n");
  ::umask(old);
  CHECK(fs::status(dir / "fresh.csv").permissions() == fs::perms(0644));
  fs::remove_all(dir);
}

TEST_CASE("a full device is written directly and its error reported", "[report]") {
  // As root the old rename turned /dev/full into a regular file holding the
  // CSV: never commit unless the target is known to be written directly.
  AtomicFile f("/dev/full");
  REQUIRE(f.direct());
  CHECK_THROWS_WITH(f.commit("kernel,n\n"), Catch::Contains("cannot write '/dev/full'") &&
                                                 Catch::Contains("No space left on device"));
  struct stat st {};
  REQUIRE(::stat("/dev/full", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  // /dev/null takes anything.
  AtomicFile null("/dev/null");
  REQUIRE(null.direct());
  CHECK_NOTHROW(null.commit("anything\n"));
}

TEST_CASE("a failed rename reports the reason and leaves no temporary", "[report]") {
  // Root bypasses permission bits, so the failure is made another way: the
  // target becomes a directory after the temporary was created.
  fs::path dir = tempDir();
  const fs::path target = dir / "out.csv";
  AtomicFile f(target.string());
  CHECK(strays(dir, {}).size() == 1);  // the temporary, beside the target
  fs::create_directory(target);
  CHECK_THROWS_WITH(f.commit("a,b\n"), Catch::Contains("cannot write") && Catch::Contains("Is a directory"));
  CHECK(strays(dir, {"out.csv"}).empty());
  CHECK(fs::is_directory(target));
  fs::remove_all(dir);
}

TEST_CASE("a process killed by SIGTERM or SIGINT leaves no temporary", "[report]") {
  for (int sig : {SIGTERM, SIGINT}) {
    INFO("signal " << sig);
    fs::path dir = tempDir();
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // Catch2 handles SIGTERM/SIGINT itself while a test runs; a real
      // program has the default action, which is what AtomicFile hooks.
      ::signal(sig, SIG_DFL);
      int code = 0;
      try {
        AtomicFile f((dir / "out.json").string());
        (void)!::write(ready[1], "r", 1);
        ::pause();  // killed here, the temporary still open
        code = 3;
      } catch (...) {
        code = 4;
      }
      ::_exit(code);
    }
    ::close(ready[1]);
    char c = 0;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    CHECK(strays(dir, {}).size() == 1);  // the temporary exists while the child runs
    ::kill(child, sig);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));  // died of the signal, re-raised with its default action
    if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == sig);
    CHECK(strays(dir, {}).empty());
    fs::remove_all(dir);
  }
}

TEST_CASE("sticky directories: a file of another user cannot be replaced, found at open", "[report]") {
  using detail::stickyBlocksReplace;
  const mode_t sticky = S_IFDIR | 01777, plain = S_IFDIR | 0777;
  CHECK(stickyBlocksReplace(sticky, 0, 1000, 1001, false));
  CHECK_FALSE(stickyBlocksReplace(sticky, 0, 1001, 1001, false));    // own file
  CHECK_FALSE(stickyBlocksReplace(sticky, 1001, 1000, 1001, false));  // own directory
  CHECK_FALSE(stickyBlocksReplace(sticky, 0, 1000, 1001, true));      // CAP_FOWNER
  CHECK_FALSE(stickyBlocksReplace(plain, 0, 1000, 1001, false));

  // The real thing needs two users: as root, a child that becomes nobody
  // tries to replace root's file in a world-writable sticky directory.
  if (::geteuid() != 0) {
    WARN("skipped: the two-user part needs root (only the rule above was tested)");
    return;
  }
  fs::path dir = tempDir();
  fs::permissions(dir, fs::perms(01777), fs::perm_options::replace);
  const fs::path target = dir / "shared.csv";
  writeFileAtomically(target.string(), "root's\n");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 1;
    if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
      try {
        AtomicFile f(target.string());
        code = 2;  // opened: the failure would only come after the run
      } catch (const FileError& e) {
        code = std::string(e.what()).find("sticky") != std::string::npos ? 0 : 3;
      }
    }
    ::_exit(code);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(slurp(target) == "root's\n");
  CHECK(strays(dir, {"shared.csv"}).empty());
  fs::remove_all(dir);
}

TEST_CASE("sameOutputFile sees one file through spellings and links", "[report]") {
  fs::path dir = tempDir();
  const fs::path a = dir / "a.svg";
  CHECK(sameOutputFile(a.string(), (dir / "." / "a.svg").string()));         // neither exists yet
  CHECK(sameOutputFile(a.string(), (dir / ".." / dir.filename() / "a.svg").string()));
  CHECK_FALSE(sameOutputFile(a.string(), (dir / "b.svg").string()));
  writeFileAtomically(a.string(), "x\n");
  fs::create_symlink(a, dir / "link.svg");
  fs::create_hard_link(a, dir / "hard.svg");
  CHECK(sameOutputFile(a.string(), (dir / "link.svg").string()));
  CHECK(sameOutputFile((dir / "hard.svg").string(), (dir / "link.svg").string()));
  CHECK(sameOutputFile("-", "/dev/stdout"));
  CHECK_FALSE(sameOutputFile(a.string(), ""));
  CHECK_FALSE(sameOutputFile("/dev/null", a.string()));
  fs::remove_all(dir);
}
