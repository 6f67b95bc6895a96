#include "report/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <tuple>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cachescope {

namespace fs = std::filesystem;

namespace {

// --- temporaries removed on SIGINT / SIGTERM / SIGHUP -----------------------
// A fixed table, because the signal handler may neither allocate nor lock:
// it only reads slots whose state is kLive (published with release order
// after the path was copied) and calls unlink(2), which is async-signal-safe.
// The owning pid is kept so a forked child (user kernels run in one) that is
// killed never removes its parent's temporaries.
constexpr int kSlots = 64;
constexpr int kFree = 0, kFilling = 1, kLive = 2;
struct TempSlot {
  std::atomic<int> state{kFree};
  pid_t owner = 0;
  char path[4096] = {};
};
TempSlot gSlots[kSlots];
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");

constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP};

void removeTemporariesAndReraise(int sig) {
  const int savedErrno = errno;
  const pid_t self = ::getpid();
  for (TempSlot& s : gSlots)
    if (s.state.load(std::memory_order_acquire) == kLive && s.owner == self) ::unlink(s.path);
  // Die of the signal as if we had never caught it: the parent's shell sees
  // "terminated by SIGTERM", not an exit code. The signal is blocked while
  // the handler runs, so raise() takes effect once we return.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
  errno = savedErrno;
}

// Checked at every registration, not once: a signal left at its default
// action by then gets the handler; one the program (or a test framework)
// handles itself stays as it is, since that code then decides how to stop and
// the destructors remove the temporaries.
void installCleanupHandlers() {
  for (int sig : kCleanupSignals) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0) continue;
    if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;
    struct sigaction act {};
    act.sa_handler = removeTemporariesAndReraise;
    sigemptyset(&act.sa_mask);
    for (int other : kCleanupSignals) sigaddset(&act.sa_mask, other);
    ::sigaction(sig, &act, nullptr);
  }
}

// Returns the slot, or -1 when the path is too long or all slots are taken
// (then only the destructor removes the temporary).
int registerTemporary(const std::string& path) {
  if (path.size() >= sizeof(TempSlot::path)) return -1;
  installCleanupHandlers();
  for (int i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!gSlots[i].state.compare_exchange_strong(expected, kFilling, std::memory_order_acquire)) continue;
    std::memcpy(gSlots[i].path, path.c_str(), path.size() + 1);
    gSlots[i].owner = ::getpid();
    gSlots[i].state.store(kLive, std::memory_order_release);
    return i;
  }
  return -1;
}

void unregisterTemporary(const std::string& path) {
  for (TempSlot& s : gSlots)
    if (s.state.load(std::memory_order_acquire) == kLive && s.owner == ::getpid() && path == s.path) {
      s.state.store(kFree, std::memory_order_release);
      return;
    }
}

// --- paths ------------------------------------------------------------------

std::string errnoText(int err) { return std::strerror(err); }

FileError cannotWrite(const std::string& path, const std::string& why) {
  return FileError("cannot write '" + path + "': " + why);
}

// The descriptor a path stands for when it names one of this process's open
// files: "-", /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N. Such a
// target is written through that descriptor (keeping a shell's `>>` append
// and offsets), never resolved to the file behind it and replaced.
std::optional<int> descriptorOf(const std::string& p) {
  if (p == "-" || p == "/dev/stdout" || p == "/proc/self/fd/1") return STDOUT_FILENO;
  if (p == "/dev/stderr") return STDERR_FILENO;
  for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    const std::size_t len = std::strlen(prefix);
    if (p.size() > len && p.compare(0, len, prefix) == 0) {
      const std::string digits = p.substr(len);
      if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      return std::atoi(digits.c_str());
    }
  }
  return std::nullopt;
}

struct Resolved {
  std::string target;          // symlinks followed
  std::optional<int> fd;       // set when the chain reaches one of our descriptors
};

// Follows a chain of symlinks by hand (a dangling link resolves to the file
// it would create, which fs::weakly_canonical does not do).
Resolved resolve(const std::string& path) {
  Resolved r{path, descriptorOf(path)};
  for (int hops = 0; hops < 40 && !r.fd; ++hops) {
    struct stat st {};
    if (::lstat(r.target.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return r;
    std::string link(std::size_t(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
    const ssize_t len = ::readlink(r.target.c_str(), link.data(), link.size());
    if (len < 0 || std::size_t(len) >= link.size()) return r;
    link.resize(std::size_t(len));
    fs::path next(link);
    if (next.is_relative()) next = fs::path(r.target).parent_path() / next;
    r.target = next.string();
    r.fd = descriptorOf(r.target);
  }
  return r;
}

std::string directoryOf(const std::string& target) {
  fs::path p(target);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

// /proc/self/status fields; empty when not there (not Linux, no procfs).
std::string statusField(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t len = std::strlen(key);
  while (std::getline(in, line))
    if (line.compare(0, len, key) == 0 && line.size() > len && line[len] == ':') {
      std::size_t start = line.find_first_not_of(" \t", len + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
  return "";
}

// The mode a plain open(O_CREAT, 0666) would give: mkstemp makes 0600.
mode_t newFileMode() {
  const std::string umaskText = statusField("Umask");
  mode_t mask;
  if (!umaskText.empty()) {
    mask = mode_t(std::strtoul(umaskText.c_str(), nullptr, 8));
  } else {  // racy with other threads creating files, hence only a fallback
    mask = ::umask(022);
    ::umask(mask);
  }
  return 0666 & ~mask;
}

bool hasCapFowner() {
  const std::string caps = statusField("CapEff");
  if (caps.empty()) return ::geteuid() == 0;
  return (std::strtoull(caps.c_str(), nullptr, 16) >> 3) & 1;  // CAP_FOWNER is capability 3
}

// write(2) until done; returns 0 or the errno of the failure.
int writeAll(int fd, const std::string& contents) {
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    p += n;
    left -= std::size_t(n);
  }
  return 0;
}

}  // namespace

namespace detail {
bool stickyBlocksReplace(mode_t dirMode, uid_t dirOwner, uid_t fileOwner, uid_t euid, bool capFowner) {
  if (!(dirMode & S_ISVTX)) return false;
  return fileOwner != euid && dirOwner != euid && !capFowner;
}
}  // namespace detail

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw FileError("output path is empty");
  const Resolved r = resolve(path_);
  target_ = r.target;
  if (r.fd) {
    direct_ = true;
    directFd_ = ::fcntl(*r.fd, F_DUPFD_CLOEXEC, 3);
    if (directFd_ < 0) throw cannotWrite(path_, errnoText(errno));
    if ((::fcntl(directFd_, F_GETFL) & O_ACCMODE) == O_RDONLY) {
      ::close(directFd_);
      directFd_ = -1;
      throw cannotWrite(path_, "it is open for reading only");
    }
    return;
  }

  struct stat st {};
  const bool exists = ::stat(target_.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) throw cannotWrite(path_, "it is a directory");
  if (exists && !S_ISREG(st.st_mode)) {
    direct_ = true;
    if (S_ISFIFO(st.st_mode)) {
      fifo_ = true;
      if (::access(target_.c_str(), W_OK) != 0) throw cannotWrite(path_, errnoText(errno));
      return;
    }
    fd_ = ::open(target_.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd_ < 0) throw cannotWrite(path_, errnoText(errno));
    return;
  }

  const std::string dir = directoryOf(target_);
  struct stat dst {};
  if (::stat(dir.c_str(), &dst) != 0 || !S_ISDIR(dst.st_mode))
    throw cannotWrite(path_, "directory '" + dir + "' does not exist");
  // The rename at the end must be allowed: find out now, not after the run.
  if (exists && detail::stickyBlocksReplace(dst.st_mode, dst.st_uid, st.st_uid, ::geteuid(), hasCapFowner()))
    throw cannotWrite(path_, "the directory '" + dir +
                                 "' is sticky and the file belongs to another user, so it cannot be replaced");

  std::string name = (fs::path(dir) / ("." + fs::path(target_).filename().string() + ".tmp-XXXXXX")).string();
  fd_ = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd_ < 0) throw cannotWrite(path_, errnoText(errno));
  tmp_ = name;
  registerTemporary(tmp_);
  // Keep an existing file's permission bits (and owner, where we may), give a
  // new one what open(O_CREAT, 0666) would.
  const mode_t mode = exists ? (st.st_mode & 07777) : newFileMode();
  if (::fchmod(fd_, mode) != 0) {
    const int err = errno;
    discardTemporary();
    throw cannotWrite(path_, errnoText(err));
  }
  if (exists && (st.st_uid != ::geteuid() || st.st_gid != ::getegid()))
    (void)!::fchown(fd_, st.st_uid, st.st_gid);  // best effort: only root may give files away
}

AtomicFile::~AtomicFile() {
  if (directFd_ >= 0) ::close(directFd_);
  if (direct_ && fd_ >= 0) ::close(fd_);
  if (!committed_) discardTemporary();
}

void AtomicFile::discardTemporary() {
  if (fd_ >= 0 && !direct_) ::close(fd_);
  if (!direct_) fd_ = -1;
  if (tmp_.empty()) return;
  ::unlink(tmp_.c_str());
  unregisterTemporary(tmp_);
  tmp_.clear();
}

void AtomicFile::commit(const std::string& contents) {
  if (committed_) throw FileError("'" + path_ + "' was already written");
  if (direct_) {
    int fd = directFd_ >= 0 ? directFd_ : fd_;
    if (fifo_) {
      fd_ = fd = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);  // blocks until a reader opens it
      if (fd < 0) throw cannotWrite(path_, errnoText(errno));
    }
    // Whatever the program already printed to standard output comes first.
    std::cout.flush();
    std::fflush(stdout);
    const int err = writeAll(fd, contents);
    committed_ = true;  // a device cannot be rewritten from the start: one try
    if (err) throw cannotWrite(path_, errnoText(err));
    return;
  }
  if (fd_ < 0) throw FileError("cannot write '" + path_ + "': an earlier attempt failed");
  int err = writeAll(fd_, contents);
  if (!err && ::fsync(fd_) != 0 && errno != EINVAL) err = errno;
  if (::close(fd_) != 0 && !err) err = errno;
  fd_ = -1;
  if (!err && ::rename(tmp_.c_str(), target_.c_str()) != 0) err = errno;
  if (err) {
    discardTemporary();
    throw cannotWrite(path_, errnoText(err));
  }
  unregisterTemporary(tmp_);
  tmp_.clear();
  committed_ = true;
  // The rename itself is durable once the directory is synced; best effort.
  const int dirFd = ::open(directoryOf(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd >= 0) {
    (void)::fsync(dirFd);
    ::close(dirFd);
  }
}

void writeFileAtomically(const std::string& path, const std::string& contents) {
  AtomicFile(path).commit(contents);
}

bool sameOutputFile(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  // (device, inode, name): an existing file is its inode; a file still to be
  // created is its name in an existing directory's inode.
  using Identity = std::tuple<dev_t, ino_t, std::string>;
  auto identity = [](const std::string& p) -> std::optional<Identity> {
    const Resolved r = resolve(p);
    struct stat st {};
    if (r.fd) {
      if (::fstat(*r.fd, &st) != 0) return std::nullopt;
      return Identity{st.st_dev, st.st_ino, ""};
    }
    if (::stat(r.target.c_str(), &st) == 0) return Identity{st.st_dev, st.st_ino, ""};
    if (::stat(directoryOf(r.target).c_str(), &st) != 0) return std::nullopt;
    return Identity{st.st_dev, st.st_ino, fs::path(r.target).filename().string()};
  };
  const std::optional<Identity> ia = identity(a), ib = identity(b);
  if (ia && ib) return *ia == *ib;
  if (ia || ib) return false;
  std::error_code ec;
  return fs::absolute(a, ec).lexically_normal() == fs::absolute(b, ec).lexically_normal();
}

}  // namespace cachescope
