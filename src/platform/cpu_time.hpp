// CPU time of the calling thread: what a measurement on a shared machine
// reads beside its wall time.
#pragma once

#include <ctime>

namespace cachescope {

// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in seconds:
// time the thread waited while other processes ran is not in it, which on
// a shared machine is most of the noise of a single-threaded measurement.
inline double threadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

}  // namespace cachescope
