// Memory traces from a file or standard input, streamed in constant memory.
//
// Two line formats, mixed freely:
//   Valgrind Lackey (--trace-mem=yes):  " L 04222cac,8"  " S 7ff000398,8"
//                                        " M 0421f14,4"  (modify = load + store)
//     "I  04016f8,3" instruction lines and "==1234== ..." messages are ignored.
//   native:                              "R 7fff5a10 8"  "W 0x601040 4"
// Addresses are hexadecimal (optional 0x), sizes decimal bytes (1..4096);
// leading zeros are allowed in both;
// the separator after the address may be ',' or blanks. Blank lines and
// lines starting with '#' are ignored. Anything else is malformed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cachesim/hierarchy.hpp"
#include "trace/errors.hpp"

namespace cachescope::trace {

// The largest access a trace line may give (see parseTraceLine).
inline constexpr std::uint32_t kMaxTraceAccessBytes = 4096;

struct TraceLine {
  enum class Kind { Ignored, Load, Store, Modify, Bad };
  Kind kind = Kind::Ignored;
  std::uint64_t address = 0;
  std::uint32_t size = 0;
  const char* error = nullptr;  // Bad: what is wrong
};

// Parses one line (without its newline).
TraceLine parseTraceLine(std::string_view line);

// Reads lines through a large buffer with read(2): no per-line allocation,
// memory bounded by the buffer whatever the trace length.
class LineReader {
 public:
  // "-" is standard input. Throws SimulationError when the file cannot be opened.
  explicit LineReader(const std::string& path, std::size_t bufferBytes = 1 << 20);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its newline; false at the end. A line longer than
  // the buffer comes back truncated with `tooLong()` set.
  bool next(std::string_view& line);
  bool tooLong() const { return tooLong_; }
  std::uint64_t lineNumber() const { return lineNumber_; }
  std::uint64_t bytesRead() const { return bytesRead_; }
  // Size of a regular file, 0 for pipes and terminals: for progress only
  // (how the input is connected decides nothing else).
  std::uint64_t fileBytes() const { return fileBytes_; }

 private:
  bool fill();

  int fd_ = -1;
  bool ownsFd_ = false;
  std::string path_;
  // Not zeroed: a short trace touches only the pages it fills.
  std::unique_ptr<char[]> buffer_;
  std::size_t bufferSize_ = 0;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool tooLong_ = false;
  bool skipping_ = false;  // discarding the rest of an over-long line
  std::uint64_t lineNumber_ = 0;
  std::uint64_t bytesRead_ = 0;
  std::uint64_t fileBytes_ = 0;
};

struct TraceStats {
  std::uint64_t lines = 0;
  std::uint64_t references = 0;  // loads + stores (M counts two)
  std::uint64_t writes = 0;
  std::uint64_t skipped = 0;     // malformed lines passed over with skipBad
  std::uint64_t firstSkippedLine = 0;
};

// Reads on from `in`, adding to `st`, until the end of the trace (returns
// true) or until `st.references` reaches `stopAt` (returns false; the rest is
// left unread, so a later call goes on where this one stopped). Feeds every
// access to `sink(address, size, op)`. Malformed lines throw TraceError
// naming the line, or are counted when `skipBad`. `poll()` is called every
// 2^18 lines (progress, cancellation).
template <class Sink, class Poll>
bool readTraceUntil(LineReader& in, bool skipBad, TraceStats& st, std::uint64_t stopAt, Sink&& sink, Poll&& poll) {
  std::string_view text;
  while (st.references < stopAt) {
    if (!in.next(text)) return true;
    ++st.lines;
    if ((st.lines & ((1u << 18) - 1)) == 0) poll(st);
    TraceLine t = in.tooLong() ? TraceLine{TraceLine::Kind::Bad, 0, 0, "line too long"} : parseTraceLine(text);
    switch (t.kind) {
      case TraceLine::Kind::Ignored: break;
      case TraceLine::Kind::Load:
        sink(t.address, t.size, sim::Op::Read);
        ++st.references;
        break;
      case TraceLine::Kind::Store:
        sink(t.address, t.size, sim::Op::Write);
        ++st.references;
        ++st.writes;
        break;
      case TraceLine::Kind::Modify:
        sink(t.address, t.size, sim::Op::Read);
        sink(t.address, t.size, sim::Op::Write);
        st.references += 2;
        ++st.writes;
        break;
      case TraceLine::Kind::Bad:
        if (!skipBad) throw TraceError(in.lineNumber(), t.error);
        if (st.skipped++ == 0) st.firstSkippedLine = in.lineNumber();
        break;
    }
  }
  return false;
}

// The whole trace.
template <class Sink, class Poll>
TraceStats readTrace(LineReader& in, bool skipBad, Sink&& sink, Poll&& poll) {
  TraceStats st;
  readTraceUntil(in, skipBad, st, ~std::uint64_t(0), sink, poll);
  return st;
}

}  // namespace cachescope::trace
