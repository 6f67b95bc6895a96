// Output files are written whole or not at all: contents go to a temporary
// file beside the target, which is renamed over it on commit. A file that
// cannot be created is reported before any work starts (open early, commit
// late).
#pragma once

#include <cstdio>
#include <string>

#include "platform/errors.hpp"

namespace cachescope {

// An output file that cannot be written where the user asked.
struct FileError : InputError {
  using InputError::InputError;
};

class AtomicFile {
 public:
  // Creates the temporary file now; throws FileError with a one-line reason.
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Writes everything, flushes, renames over the target; throws FileError.
  void commit(const std::string& contents);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string tmp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// Convenience: AtomicFile(path).commit(contents).
void writeFileAtomically(const std::string& path, const std::string& contents);

}  // namespace cachescope
