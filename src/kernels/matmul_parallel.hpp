// matmul.parallel: the packed GEMM (gemm_packed.hpp) with oneTBB, plus an
// optional record of which thread computed which block of C and when, for a
// "threads view".
//
// Recording is off unless a TileRecorder is attached to the prepared kernel;
// off, the only cost is one pointer test per task (a task is one band of C
// rows in one k pass: hundreds of micro-kernel calls), so the timed speed
// does not change.
//
//   std::unique_ptr<Prepared> p = findKernel("matmul.parallel")->prepare(problem, params);
//   auto* rec = dynamic_cast<TileRecording*>(p.get());
//   TileRecorder recorder(rec->tilesPerRun());
//   rec->setTileRecorder(&recorder);
//   arena.execute([&] { p->run(); });          // recorder.records(): one run
//   rec->setTileRecorder(nullptr);
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <vector>

namespace cachescope {

// One task of one run: thread `thread` (its slot in the task arena, 0 ..
// threads-1) did C[row0 .. row0+rows) x [col0 .. col0+cols) +=
// A[.., k0 .. k0+depth) * B[k0 .. k0+depth, ..] between t0 and t1 (seconds
// since the recorder's restart()). The k pass matters: the same C block is
// updated once per pass, possibly by different threads.
struct TileRecord {
  int thread = 0;
  int row0 = 0, col0 = 0, rows = 0, cols = 0;
  int k0 = 0, depth = 0;
  double t0 = 0.0, t1 = 0.0;
};

// A fixed-capacity, thread-safe log of TileRecords. All memory is taken in
// the constructor: adding a record inside the timed run never allocates.
// Records past the capacity are counted in dropped(), not stored. Read
// records() and call restart() between runs, not while one is recording.
class TileRecorder {
 public:
  explicit TileRecorder(std::size_t capacity);

  // Forgets all records and makes now the time origin.
  void restart();
  // The records added since restart(), in completion order.
  std::vector<TileRecord> records() const;
  std::size_t dropped() const;
  std::size_t capacity() const { return slots_.size(); }

  // For the kernel: seconds since restart(), and adding one record.
  double now() const;
  void add(const TileRecord& record);

 private:
  std::vector<TileRecord> slots_;
  std::atomic<std::size_t> next_{0};
  std::chrono::steady_clock::time_point origin_;
};

// Implemented by the prepared object of matmul.parallel (reach it with
// dynamic_cast from Prepared*).
class TileRecording {
 public:
  virtual ~TileRecording() = default;
  // nullptr turns recording off. The recorder must outlive the runs that use it.
  virtual void setTileRecorder(TileRecorder* recorder) = 0;
  // Records one run() adds: a recorder of this capacity holds a whole run.
  virtual std::size_t tilesPerRun() const = 0;
};

}  // namespace cachescope
