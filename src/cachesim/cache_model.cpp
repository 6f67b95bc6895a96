#include "cachesim/cache_model.hpp"

namespace cachescope::sim {

namespace {
CacheModel::Impl makeImpl(const HierarchyConfig& c) {
  validate(c);
  switch (c.replacement) {
    case Replacement::Lru: return CacheModel::Impl(std::in_place_index<0>, c);
    case Replacement::Fifo: return CacheModel::Impl(std::in_place_index<1>, c);
    case Replacement::Plru: return CacheModel::Impl(std::in_place_index<2>, c);
    case Replacement::Random: return CacheModel::Impl(std::in_place_index<3>, c);
  }
  throw ConfigError("unknown replacement policy");
}
}  // namespace

CacheModel::CacheModel(const HierarchyConfig& config) : config_(config), impl_(makeImpl(config)) {}

AccessEvent CacheModel::access(std::uint64_t address, std::uint32_t size, Op op) {
  return visit([&](auto& h) { return h.access(address, size, op); });
}

void CacheModel::count(std::uint64_t address, std::uint32_t size, Op op) {
  visit([&](auto& h) { h.count(address, size, op); });
}

void CacheModel::countBatch(const std::uint64_t* addresses, const RefFlags* flags, std::size_t n) {
  visit([&](auto& h) { h.countBatch(addresses, flags, n); });
}

LevelCounters CacheModel::counters(int level) const {
  return visit([&](const auto& h) { return h.counters(level); });
}

std::vector<LevelCounters> CacheModel::allCounters() const {
  std::vector<LevelCounters> v;
  for (int i = 0; i < levels(); ++i) v.push_back(counters(i));
  return v;
}

MemoryCounters CacheModel::memory() const {
  return visit([](const auto& h) { return h.memory(); });
}

void CacheModel::resetCounters() {
  visit([](auto& h) { h.resetCounters(); });
}

std::uint64_t CacheModel::lineAt(int level, std::uint64_t set, std::uint32_t way) const {
  return visit([&](const auto& h) { return h.level(level).lineAt(set, way); });
}

bool CacheModel::dirtyAt(int level, std::uint64_t set, std::uint32_t way) const {
  return visit([&](const auto& h) { return h.level(level).dirtyAt(set, way); });
}

bool CacheModel::contains(int level, std::uint64_t address) const {
  return visit([&](const auto& h) {
    const auto& L = h.level(level);
    return L.contains(address >> L.lineShift());
  });
}

}  // namespace cachescope::sim
