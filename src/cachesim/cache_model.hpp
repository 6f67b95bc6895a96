// The simulator behind one non-template face: a hierarchy whose policy is
// chosen at run time. Per-access calls through `access()` / `count()` pay a
// variant dispatch; hot loops call `visit()` once and run on the concrete
// Hierarchy<Policy>, so the dispatch happens once per run, not per access.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "cachesim/config.hpp"
#include "cachesim/hierarchy.hpp"

namespace cachescope::sim {

class CacheModel {
 public:
  using Impl = std::variant<Hierarchy<LruPolicy>, Hierarchy<FifoPolicy>, Hierarchy<PlruPolicy>,
                            Hierarchy<RandomPolicy>>;

  // Throws ConfigError for an impossible configuration.
  explicit CacheModel(const HierarchyConfig& config);

  const HierarchyConfig& config() const { return config_; }
  int levels() const { return int(config_.levels.size()); }

  AccessEvent access(std::uint64_t address, std::uint32_t size, Op op);
  void count(std::uint64_t address, std::uint32_t size, Op op);
  // count() on each reference in order (the batched fast path; see
  // batchable() and batchFlags() in hierarchy.hpp).
  void countBatch(const std::uint64_t* addresses, const RefFlags* flags, std::size_t n);

  LevelCounters counters(int level) const;
  std::vector<LevelCounters> allCounters() const;
  MemoryCounters memory() const;
  void resetCounters();

  // The line number held by (set, way) of a level, or kInvalidLine. Line
  // numbers are address >> log2(line size of that level).
  std::uint64_t lineAt(int level, std::uint64_t set, std::uint32_t way) const;
  bool dirtyAt(int level, std::uint64_t set, std::uint32_t way) const;
  // Whether the line containing `address` is resident in a level.
  bool contains(int level, std::uint64_t address) const;

  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(static_cast<F&&>(f), impl_);
  }
  template <class F>
  decltype(auto) visit(F&& f) const {
    return std::visit(static_cast<F&&>(f), impl_);
  }

 private:
  HierarchyConfig config_;
  Impl impl_;
};

}  // namespace cachescope::sim
