#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "kernels/registry.hpp"

namespace cachescope::cli {

namespace {

std::string usesText(const Kernel& k) {
  std::string s = "n";
  for (Param p : k.info.uses) s += std::string(",") + toString(p);
  return s;
}

int runList(const std::string& format) {
  if (format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const Kernel& k : kernels()) {
      nlohmann::json uses = nlohmann::json::array({"n"});
      for (Param p : k.info.uses) uses.push_back(toString(p));
      nlohmann::json j = {{"id", k.info.id},           {"family", toString(k.info.family)},
                          {"title", k.info.title},     {"teaches", k.info.teaches},
                          {"params", uses},            {"traceable", k.traceable()},
                          {"trace_note", k.info.traceNote}, {"unit", rateUnit(k.info.unit)},
                          {"quantized", k.info.quantized}};
      if (!k.info.bits.empty()) j["bits"] = k.info.bits;
      arr.push_back(j);
    }
    std::cout << nlohmann::json{{"kernels", arr}}.dump(2) << '\n';
    return 0;
  }
  std::size_t wId = 2, wTitle = 5, wUses = 6;
  for (const Kernel& k : kernels()) {
    wId = std::max(wId, k.info.id.size());
    wTitle = std::max(wTitle, k.info.title.size());
    wUses = std::max(wUses, usesText(k).size());
  }
  auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w - s.size(), ' '); };
  std::cout << pad("id", wId) << "  " << pad("title", wTitle) << "  " << pad("params", wUses) << "  unit     traced\n";
  std::cout << std::string(wId + wTitle + wUses + 21, '-') << '\n';
  for (const Kernel& k : kernels())
    std::cout << pad(k.info.id, wId) << "  " << pad(k.info.title, wTitle) << "  " << pad(usesText(k), wUses) << "  "
              << pad(rateUnit(k.info.unit), 7) << "  " << (k.traceable() ? "yes" : "no") << '\n';
  return 0;
}

}  // namespace

void addListCommand(CLI::App& root, Commands& commands) {
  auto* app = root.add_subcommand("list", "List the kernels: id, title, parameters, unit, traceable");
  auto format = std::make_shared<std::string>("table");
  app->add_option("--format", *format, "table | json")->check(CLI::IsMember({"table", "json"}));
  commands.push_back({app, [format] { return runList(*format); }});
}

}  // namespace cachescope::cli
