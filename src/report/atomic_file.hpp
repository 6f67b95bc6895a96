// Output files are written whole or not at all: contents go to a temporary
// file beside the target, which is renamed over it on commit. A file that
// cannot be created or replaced is reported before any work starts (open
// early, commit late).
//
// What "the target" is:
// - a regular file, or a name that does not exist yet: replaced atomically
//   through a unique temporary (mkstemp in the target's directory, so two
//   writers of one path never share a temporary); an existing file keeps its
//   permission bits (and, where allowed, its owner);
// - a symlink: followed; the file it points to is replaced, the link stays;
// - not a regular file (a character or block device, a FIFO, `/dev/stdout`,
//   `/dev/fd/N`, or `-` for standard output): written directly, since renaming
//   over a device node or a pipe would replace it with a plain file.
// Live temporaries are removed when the process gets SIGINT, SIGTERM or SIGHUP
// (where those still have their default action), so an interrupted run leaves
// no `.NAME.tmp-XXXXXX` behind.
#pragma once

#include <cstdio>
#include <string>
#include <sys/types.h>

#include "platform/errors.hpp"

namespace cachescope {

// An output file that cannot be written where the user asked.
struct FileError : InputError {
  using InputError::InputError;
};

class AtomicFile {
 public:
  // Creates the temporary (or opens a direct target) now; throws FileError
  // with a one-line reason. A FIFO is opened on commit, as a shell redirect
  // would block until a reader comes, and only checked for write access here.
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Writes everything, flushes, renames over the target (or writes straight
  // into a direct target); throws FileError. On failure no temporary is left.
  void commit(const std::string& contents);
  const std::string& path() const { return path_; }
  // True when the target is written in place (device, FIFO, stdout) rather
  // than replaced by a rename.
  bool direct() const { return direct_; }

 private:
  void discardTemporary();

  std::string path_;    // as the user gave it, for messages
  std::string target_;  // the file that gets replaced, symlinks followed
  std::string tmp_;     // empty for a direct target
  int fd_ = -1;
  int directFd_ = -1;   // a descriptor to write to directly (stdout, /dev/fd/N)
  bool fifo_ = false;
  bool committed_ = false;
  bool direct_ = false;
};

// Convenience: AtomicFile(path).commit(contents).
void writeFileAtomically(const std::string& path, const std::string& contents);

// True when two output paths name one file: through different spellings
// ("./x", "dir/../x"), symlinks, hard links, or both standard output. Used to
// refuse `--out X --plot X` before anything runs.
bool sameOutputFile(const std::string& a, const std::string& b);

namespace detail {
// The sticky-directory rule of rename(2): in a directory with the sticky bit,
// only the owner of the file, the owner of the directory or a process with
// CAP_FOWNER may replace an existing file. Separate so it is testable as any
// user.
bool stickyBlocksReplace(mode_t dirMode, uid_t dirOwner, uid_t fileOwner, uid_t euid, bool capFowner);
}  // namespace detail

}  // namespace cachescope
