// Fuzz target: parameter lists and ranges (src/bench/param_list.hpp), as
// --n, --block, --threads, --bits, --density and --kernels take them.
#include <cmath>

#include "bench/param_list.hpp"
#include "fuzz_target.hpp"

using namespace cachescope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::asString(data, size);
  fuzz::acceptsOrRefuses("parseIntList", text, [&] {
    const std::vector<int> v = parseIntList(text, "n");
    fuzz::require(!v.empty() && v.size() <= kMaxListValues, "an int list of 0 or more than kMaxListValues values");
  });
  fuzz::acceptsOrRefuses("parseDoubleList", text, [&] {
    const std::vector<double> v = parseDoubleList(text, "density");
    fuzz::require(!v.empty() && v.size() <= kMaxListValues, "a list of 0 or more than kMaxListValues values");
    for (double x : v) fuzz::require(std::isfinite(x), "a list value that is not finite");
  });
  fuzz::acceptsOrRefuses("splitIdList", text, [&] {
    for (const std::string& id : splitIdList(text)) fuzz::require(!id.empty(), "an empty id in a list");
  });
  return 0;
}
