// SHA-256 of a byte string, as lowercase hex: the source hash of a submitted
// kernel (its .cpp or .so file) and the host key of a submission.
#pragma once

#include <string>
#include <string_view>

namespace cachescope::leaderboard {

std::string sha256Hex(std::string_view bytes);

// The hash of a file's contents; throws InputError naming the file when it
// cannot be read.
std::string sha256File(const std::string& path);

}  // namespace cachescope::leaderboard
