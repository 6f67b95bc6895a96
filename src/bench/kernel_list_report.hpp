// `list`'s output: the registered kernels as a text table and as JSON, built
// on report's table layouter so the GUI can show and export the same list.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace cachescope {

// id, title, parameters, unit, whether it can be traced.
std::string kernelListTable();
// {"kernels": [{"id", "family", "title", "teaches", "params", ...}]}
nlohmann::json kernelListJson();
std::string kernelListJsonText();

}  // namespace cachescope
