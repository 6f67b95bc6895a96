// A user kernel's child process: the isolation of untrusted code
// (shared/design.md: "a student's kernel runs in a child process with
// limits").
//
// The parent forks; only the child ever loads the shared object (dlopen), so
// whatever the kernel does (a segfault, an abort, an endless loop, a write
// out of bounds, an allocation of everything) happens to the child. The child
// runs with RLIMIT_AS (cachescope's own address space plus the memory limit),
// no core dumps, its stdout sent to stderr (a kernel's printf cannot corrupt
// a JSON result), and dies with its parent (PR_SET_PDEATHSIG). Parent and
// child talk over a socket pair in framed messages; every receive in the
// parent has a deadline (the time limit: a watchdog that SIGKILLs the child)
// and is a cancellation point. A child that dies is reported by the signal
// that killed it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cachescope::userkernels {

// Limits of every user-kernel child (process-wide: the faces set them).
struct Limits {
  double seconds = 10;              // one run, one verification size, or a trace's silence
  double memoryBytes = 4.0 * (1ull << 30);  // address space beyond cachescope's own at the fork
};
Limits& limits();

// "10 s", "2.5 s": a limit in words.
std::string secondsText(double seconds);

// One framed message.
struct Message {
  std::uint32_t type = 0;
  std::vector<unsigned char> payload;
  template <class T>
  T as(std::size_t offset = 0) const;  // a trivially copyable value at `offset`
};

// Message types shared by both sides. Types from 100 up are the caller's.
enum : std::uint32_t { kMsgOk = 1, kMsgError = 2 };

// The child's end of the socket (only valid inside the child's body).
class ChildChannel {
 public:
  explicit ChildChannel(int fd) : fd_(fd) {}
  void send(std::uint32_t type, const void* data = nullptr, std::size_t bytes = 0);
  void send(std::uint32_t type, const std::string& text) { send(type, text.data(), text.size()); }
  // Blocks for the parent's next message; the parent gone: _exit.
  Message receive();

 private:
  int fd_;
};

class Child {
 public:
  // `what` names the kernel in messages ("user.x"). Forks; the child applies
  // the limits and runs `body`, then exits (an exception from body is sent
  // as a kMsgError first).
  Child(std::string what, const std::function<void(ChildChannel&)>& body);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Throws KernelFailure when the child died or could not be reached.
  void send(std::uint32_t type, const void* data = nullptr, std::size_t bytes = 0);
  // The next message within `seconds` (a cancellation point every 50 ms).
  // Throws KernelFailure: the child died ("crashed: SIGSEGV in user.x" +
  // during) or stayed silent ("timed out after 10 s in user.x" + during);
  // a kMsgError from the child as its text. `during`: " at n=256".
  Message receive(double seconds, const std::string& during);
  // Kills the child now (idempotent).
  void kill();

 private:
  [[noreturn]] void died(const std::string& during);
  std::string what_;
  pid_t pid_ = -1;
  int fd_ = -1;
};

template <class T>
T Message::as(std::size_t offset) const {
  T v{};
  if (offset + sizeof(T) <= payload.size()) __builtin_memcpy(&v, payload.data() + offset, sizeof(T));
  return v;
}

}  // namespace cachescope::userkernels
