#include "cli/output_paths.hpp"

#include "bench/param_list.hpp"
#include "report/atomic_file.hpp"

namespace cachescope::cli {

void requireDistinctOutputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i)
    for (std::size_t j = i + 1; j < outputs.size(); ++j)
      if (sameOutputFile(outputs[i].second, outputs[j].second))
        throw UsageError(outputs[i].first + " '" + outputs[i].second + "' and " + outputs[j].first + " '" +
                         outputs[j].second + "' are the same file; give each output its own file");
}

}  // namespace cachescope::cli
