#include "trace/trace_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cachescope::trace {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

TraceLine bad(const char* why) { return {TraceLine::Kind::Bad, 0, 0, why}; }

}  // namespace

TraceLine parseTraceLine(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n && isBlank(s[i])) ++i;
  if (i == n || s[i] == '#') return {};
  if (s[i] == '=' && i + 1 < n && s[i + 1] == '=') return {};  // ==pid== Valgrind message
  const char op = s[i++];
  if (i == n || !isBlank(s[i])) return bad("expected 'L|S|M addr,size' (Lackey) or 'R|W addr size' (native)");
  TraceLine t;
  switch (op) {
    case 'I': return {};  // instruction fetch: not simulated (data caches only)
    case 'L':
    case 'R': t.kind = TraceLine::Kind::Load; break;
    case 'S':
    case 'W': t.kind = TraceLine::Kind::Store; break;
    case 'M': t.kind = TraceLine::Kind::Modify; break;
    default: return bad("unknown access type (expected L, S, M, I, R or W)");
  }
  while (i < n && isBlank(s[i])) ++i;
  if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) i += 2;
  // Leading zeros carry no value, so only the digits after them count
  // towards the 64-bit (16 hex digits) and size limits: Lackey pads
  // addresses, and a padded number is still the same number.
  bool sawDigit = false;
  for (; i < n && s[i] == '0'; ++i) sawDigit = true;
  std::uint64_t addr = 0;
  int digits = 0;
  for (int d; i < n && (d = hexDigit(s[i])) >= 0; ++i, ++digits) {
    if (digits >= 16) return bad("address longer than 64 bits");
    addr = addr << 4 | std::uint64_t(d);
  }
  if (digits == 0 && !sawDigit) return bad("missing hexadecimal address");
  std::size_t sep = i;
  while (i < n && isBlank(s[i])) ++i;
  if (i < n && s[i] == ',') ++i;
  while (i < n && isBlank(s[i])) ++i;
  if (i == sep) return bad("expected ',' or a blank after the address");
  const char* sizeRange = "size out of range (1 to 4096 bytes)";
  sawDigit = false;
  for (; i < n && s[i] == '0'; ++i) sawDigit = true;
  std::uint64_t size = 0;
  int sizeDigits = 0;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; ++i, ++sizeDigits) {
    if (sizeDigits >= 5) return bad(sizeRange);  // 5 significant digits already exceed 4096
    size = size * 10 + std::uint64_t(s[i] - '0');
  }
  if (sizeDigits == 0 && !sawDigit) return bad("missing decimal size");
  while (i < n && isBlank(s[i])) ++i;
  if (i != n) return bad("unexpected text after the size");
  // One reference costs the simulator a line access per line it covers, so
  // an unbounded size makes run time independent of the trace's length
  // (200 lines of 1 MiB with 1-byte lines: 2e8 accesses). A page is far above
  // any real load or store (Lackey's largest are vector and xsave accesses),
  // and with lines of at least 4 bytes one reference is at most 1024 lines.
  if (size == 0 || size > kMaxTraceAccessBytes) return bad(sizeRange);
  // The range must end below 2^64 - 1 (the simulator's empty-way marker).
  if (addr > ~std::uint64_t(0) - size) return bad("address range wraps past 2^64");
  t.address = addr;
  t.size = std::uint32_t(size);
  return t;
}

LineReader::LineReader(const std::string& path, std::size_t bufferBytes)
    : path_(path), buffer_(new char[std::max<std::size_t>(bufferBytes, 1)]), bufferSize_(std::max<std::size_t>(bufferBytes, 1)) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw SimulationError("cannot open trace '" + path + "': " + std::strerror(errno));
    ownsFd_ = true;
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      if (ownsFd_) ::close(fd_);
      throw SimulationError("trace '" + path + "' is a directory");
    }
    if (S_ISREG(st.st_mode)) fileBytes_ = std::uint64_t(st.st_size);
  }
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
}

LineReader::~LineReader() {
  if (ownsFd_) ::close(fd_);
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // keep the partial line, move it to the front
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == bufferSize_) return false;  // full: the caller handles an over-long line
  for (;;) {
    const ssize_t got = ::read(fd_, buffer_.get() + end_, bufferSize_ - end_);
    if (got > 0) {
      end_ += std::size_t(got);
      bytesRead_ += std::uint64_t(got);
      return true;
    }
    if (got == 0) {
      eof_ = true;
      return false;
    }
    if (errno == EINTR) continue;
    throw SimulationError("reading trace '" + path_ + "': " + std::strerror(errno));
  }
}

bool LineReader::next(std::string_view& line) {
  tooLong_ = false;
  for (;;) {
    const char* base = buffer_.get();
    const void* nl = std::memchr(base + begin_, '\n', end_ - begin_);
    if (nl) {
      const std::size_t at = std::size_t(static_cast<const char*>(nl) - base);
      if (skipping_) {  // the tail of an over-long line already reported
        skipping_ = false;
        begin_ = at + 1;
        continue;
      }
      line = std::string_view(base + begin_, at - begin_);
      begin_ = at + 1;
      ++lineNumber_;
      return true;
    }
    if (skipping_) {  // discard and read on
      begin_ = end_;
      if (!fill() && eof_) return false;
      continue;
    }
    if (end_ - begin_ == bufferSize_) {  // no newline in a full buffer
      line = std::string_view(base, end_);
      begin_ = end_;
      tooLong_ = true;
      skipping_ = true;
      ++lineNumber_;
      return true;
    }
    if (!fill()) {
      if (!eof_) continue;  // buffer was compacted, or is now full: look again
      if (begin_ == end_) return false;
      line = std::string_view(buffer_.get() + begin_, end_ - begin_);  // last line without newline
      begin_ = end_;
      ++lineNumber_;
      return true;
    }
  }
}

}  // namespace cachescope::trace
