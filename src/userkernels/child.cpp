// The child process of a user kernel (child.hpp): fork, limits, framed
// messages over a socket pair, the watchdog and the reading of a death.
#include "userkernels/child.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <new>

#include "platform/cancel.hpp"
#include "userkernels/errors.hpp"

namespace cachescope::userkernels {

Limits& limits() {
  static Limits l;
  return l;
}

std::string secondsText(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", seconds);
  return buf;
}

namespace {

struct Header {
  std::uint32_t type;
  std::uint32_t bytes;
};

// Writes all of it; false when the other end is gone.
bool writeAll(int fd, const void* data, std::size_t bytes) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t w = ::send(fd, p, bytes, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    bytes -= std::size_t(w);
  }
  return true;
}

// Reads exactly `bytes`; false at end of file or an error.
bool readAll(int fd, void* data, std::size_t bytes) {
  char* p = static_cast<char*>(data);
  while (bytes > 0) {
    const ssize_t r = ::recv(fd, p, bytes, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    bytes -= std::size_t(r);
  }
  return true;
}

// Address space in use now, from /proc/self/statm (pages).
std::uint64_t addressSpaceBytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t pages = 0;
  in >> pages;
  return pages * std::uint64_t(::sysconf(_SC_PAGESIZE));
}

std::string signalName(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

}  // namespace

void ChildChannel::send(std::uint32_t type, const void* data, std::size_t bytes) {
  Header h{type, std::uint32_t(bytes)};
  if (!writeAll(fd_, &h, sizeof h) || (bytes && !writeAll(fd_, data, bytes))) ::_exit(4);
}

Message ChildChannel::receive() {
  Header h{};
  if (!readAll(fd_, &h, sizeof h)) ::_exit(0);  // the parent is done with us
  Message m;
  m.type = h.type;
  m.payload.resize(h.bytes);
  if (h.bytes && !readAll(fd_, m.payload.data(), h.bytes)) ::_exit(0);
  return m;
}

Child::Child(std::string what, const std::function<void(ChildChannel&)>& body) : what_(std::move(what)) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw KernelFailure("cannot start a child process for " + what_ + ": " + std::strerror(errno));
  const pid_t parent = ::getpid();
  // The memory limit is counted from what cachescope already maps (the
  // child starts as a copy of it).
  const std::uint64_t limit = addressSpaceBytes() + std::uint64_t(limits().memoryBytes);
  std::fflush(nullptr);  // nothing buffered is written twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw KernelFailure("cannot start a child process for " + what_ + ": " + std::strerror(errno));
  }
  if (pid == 0) {
    // The child: never returns into the parent's code.
    ::close(fds[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(5);
    struct rlimit core {0, 0};
    ::setrlimit(RLIMIT_CORE, &core);
    struct rlimit as {limit, limit};
    ::setrlimit(RLIMIT_AS, &as);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGPIPE, SIGINT, SIGTERM}) ::signal(sig, SIG_DFL);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);  // a kernel's printf goes to stderr
    ChildChannel channel(fds[1]);
    try {
      body(channel);
    } catch (const std::bad_alloc&) {
      channel.send(kMsgError, "out of memory in " + what_ + " (limit " +
                                  std::to_string(std::uint64_t(limits().memoryBytes) >> 20) + " MiB)");
    } catch (const std::exception& e) {
      channel.send(kMsgError, std::string(e.what()));
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  pid_ = pid;
  fd_ = fds[0];
}

Child::~Child() {
  kill();
  if (fd_ >= 0) ::close(fd_);
}

void Child::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void Child::send(std::uint32_t type, const void* data, std::size_t bytes) {
  Header h{type, std::uint32_t(bytes)};
  if (!writeAll(fd_, &h, sizeof h) || (bytes && !writeAll(fd_, data, bytes))) died("");
}

Message Child::receive(double seconds, const std::string& during) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      kill();
      throw KernelFailure("timed out after " + secondsText(seconds) + " in " + what_ + during);
    }
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, int(std::min<long long>(left, 50)));
    if (r < 0 && errno != EINTR) died(during);
    if (r > 0) break;
    if (cancelRequested()) {
      kill();
      throw Cancelled{};
    }
  }
  Header h{};
  if (!readAll(fd_, &h, sizeof h)) died(during);
  Message m;
  m.type = h.type;
  m.payload.resize(h.bytes);
  // The rest of a message follows at once: a child stopped halfway through
  // one is a dead child (its end closes).
  if (h.bytes && !readAll(fd_, m.payload.data(), h.bytes)) died(during);
  if (m.type == kMsgError) throw KernelFailure(std::string(m.payload.begin(), m.payload.end()));
  return m;
}

void Child::died(const std::string& during) {
  int status = 0;
  pid_t r = -1;
  // The socket closed: the child is exiting or dead; give it a moment.
  for (int i = 0; i < 200; ++i) {
    r = ::waitpid(pid_, &status, WNOHANG);
    if (r != 0 || (r < 0 && errno != EINTR)) break;
    ::usleep(10000);
  }
  if (r == 0) {
    kill();
    throw KernelFailure(what_ + " closed its connection" + during);
  }
  pid_ = -1;
  if (r > 0 && WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    std::string why;
    if (sig == SIGKILL) why = " (killed: the memory limit or an outside kill)";
    throw KernelFailure("crashed: " + signalName(sig) + " in " + what_ + during + why);
  }
  if (r > 0 && WIFEXITED(status))
    throw KernelFailure(what_ + " exited with status " + std::to_string(WEXITSTATUS(status)) + during +
                        " (a kernel must return, not exit)");
  throw KernelFailure(what_ + " ended unexpectedly" + during);
}

}  // namespace cachescope::userkernels
