#include "bench/kernel_list_report.hpp"

#include <nlohmann/json.hpp>

#include "kernels/registry.hpp"
#include "report/table.hpp"

namespace cachescope {

namespace {

std::string usesText(const Kernel& k) {
  std::string s = "n";
  for (Param p : k.info.uses) s += std::string(",") + toString(p);
  return s;
}

}  // namespace

std::string kernelListTable() {
  TextTable t;
  t.align.assign(5, Align::Left);
  t.rows.push_back({"id", "title", "params", "unit", "traced"});
  std::string statuses;  // under the table: a kernel's state on this machine
  for (const Kernel& k : kernels()) {
    t.rows.push_back({k.info.id, k.info.title, usesText(k), rateUnit(k.info.unit), k.traceable() ? "yes" : "no"});
    if (k.info.status) statuses += k.info.id + ": " + k.info.status() + "\n";
  }
  return layoutTable(t) + statuses;
}

nlohmann::json kernelListJson() {
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
    if (k.info.status) j["status"] = k.info.status();
    arr.push_back(j);
  }
  // The registry's roles, so that scripts (tools/compare-cachegrind) find
  // the baseline and the comparison pair without spelling an id.
  const KernelRoles& r = kernelRoles();
  nlohmann::json roles = {{"baseline", r.baseline},     {"compare_pair", r.comparePair},
                          {"block_sweep", r.blockSweep}, {"threads", r.threads},
                          {"selection", r.selection},    {"roofline", r.roofline}};
  return nlohmann::json{{"kernels", arr}, {"roles", roles}};
}

std::string kernelListJsonText() { return kernelListJson().dump(2) + "\n"; }

}  // namespace cachescope
