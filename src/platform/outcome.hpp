// How a run ended, said one way on every result (shared/design.md section 2):
// bench records, simulations, the roofline measurement, the animation's
// recorded traces, the threads run and the worker's published runs.
#pragma once

namespace cachescope {

// Ok: the numbers are valid. Failed: they are not; the result carries a
// one-line message next to it. Cancelled: the cancel flag stopped the run;
// whatever numbers it has cover the part that ran.
enum class Outcome { Ok, Failed, Cancelled };

constexpr const char* toString(Outcome o) {
  switch (o) {
    case Outcome::Ok: return "ok";
    case Outcome::Failed: return "failed";
    case Outcome::Cancelled: return "cancelled";
  }
  return "?";
}

// Thrown from deep inside a loop nest or a sink when the cancel flag is seen,
// and caught by the function that owns the loop, which reports
// Outcome::Cancelled: it never leaves a module. Deliberately not a
// std::exception, so handlers that turn failures into messages cannot mistake
// a cancellation for one.
struct Cancelled {};

}  // namespace cachescope
