#include "report/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace cachescope {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  namespace fs = std::filesystem;
  if (path_.empty()) throw FileError("output path is empty");
  std::error_code ec;
  if (fs::is_directory(path_, ec)) throw FileError("cannot write '" + path_ + "': it is a directory");
  fs::path target(path_);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) throw FileError("cannot write '" + path_ + "': directory '" + dir.string() + "' does not exist");
  tmp_ = (dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (!file_) throw FileError("cannot write '" + path_ + "': " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (file_) std::fclose(file_);
  if (!committed_) std::remove(tmp_.c_str());
}

void AtomicFile::commit(const std::string& contents) {
  if (committed_ || !file_) throw FileError("'" + path_ + "' was already written");
  bool ok = std::fwrite(contents.data(), 1, contents.size(), file_) == contents.size();
  ok = (std::fflush(file_) == 0) && ok;
  ok = (::fsync(::fileno(file_)) == 0 || errno == EINVAL) && ok;
  int err = errno;
  std::fclose(file_);
  file_ = nullptr;
  if (!ok) throw FileError("cannot write '" + path_ + "': " + std::strerror(err));
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw FileError("cannot write '" + path_ + "': " + std::strerror(errno));
  committed_ = true;
}

void writeFileAtomically(const std::string& path, const std::string& contents) {
  AtomicFile(path).commit(contents);
}

}  // namespace cachescope
