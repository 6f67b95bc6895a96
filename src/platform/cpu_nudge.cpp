#include "platform/cpu_nudge.hpp"

#include <atomic>
#include <cstring>

#if defined(__linux__)
#include <sched.h>
#endif

namespace cachescope {

namespace {
std::atomic<long> gNudges{0};
}

#if defined(__linux__)
static_assert(sizeof(cpu_set_t) <= 128, "CpuNudge::saved_ holds a cpu_set_t");

bool CpuNudge::moveOff() {
  if (moved_) return false;
  cpu_set_t mask;
  if (sched_getaffinity(0, sizeof mask, &mask) != 0) return false;
  const int here = sched_getcpu();
  if (here < 0 || here >= CPU_SETSIZE || !CPU_ISSET(here, &mask)) return false;
  cpu_set_t others = mask;
  CPU_CLR(here, &others);
  if (CPU_COUNT(&others) == 0) return false;
  if (sched_setaffinity(0, sizeof others, &others) != 0) return false;
  std::memcpy(saved_, &mask, sizeof mask);
  moved_ = true;
  gNudges.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void CpuNudge::restore() {
  if (!moved_) return;
  cpu_set_t mask;
  std::memcpy(&mask, saved_, sizeof mask);
  sched_setaffinity(0, sizeof mask, &mask);
  moved_ = false;
}
#else
bool CpuNudge::moveOff() { return false; }
void CpuNudge::restore() { moved_ = false; }
#endif

CpuNudge::~CpuNudge() { restore(); }

long cpuNudgeCount() { return gNudges.load(std::memory_order_relaxed); }

}  // namespace cachescope
