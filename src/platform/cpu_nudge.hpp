// Moving the calling thread off its CPU for a while, so that a thread it has
// just woken can run beside it rather than behind it.
//
// Measured on a 2-vCPU KVM guest (Linux 6.18, oneTBB 2021.8, an Emerald
// Rapids Xeon): a oneTBB worker woken from sleep by a thread that keeps
// computing is placed on that thread's own vCPU and waits there for the
// scheduler's next tick, 3.9 ms in 12 of 12 wake-ups, while the other vCPU
// idles; matmul.parallel at n = 512 ran its 1.8 ms on one thread in two of
// three benches. When the caller moves itself to another allowed CPU
// (sched_setaffinity), the woken thread runs at once where the caller was:
// 33-160 us from the start, on the other vCPU, in 13 of 13.
//
//   CpuNudge nudge;
//   if (worker is late) nudge.moveOff();   // once; false where it cannot
//   ...                                    // the destructor restores the mask
//
// Nothing is pinned: the caller's own affinity mask is put back as it was
// when the nudge ends (and it is never narrowed to fewer than one CPU of the
// mask it had). Outside Linux moveOff() does nothing and returns false.
#pragma once

namespace cachescope {

class CpuNudge {
 public:
  CpuNudge() = default;
  ~CpuNudge();
  CpuNudge(const CpuNudge&) = delete;
  CpuNudge& operator=(const CpuNudge&) = delete;

  // Restricts the calling thread to the CPUs of its mask except the one it
  // runs on, so the kernel migrates it now. False (nothing changed) where the
  // mask has no other CPU, the calls fail, or it already moved.
  bool moveOff();
  // Puts the mask back (the destructor does it too); the thread stays where
  // it runs now.
  void restore();
  bool moved() const { return moved_; }

 private:
  bool moved_ = false;
  alignas(8) unsigned char saved_[128] = {};  // a cpu_set_t (1024 CPUs)
};

// How many times moveOff() has moved a thread in this process (tests, the
// Threads view's note).
long cpuNudgeCount();

}  // namespace cachescope
