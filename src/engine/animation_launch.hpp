// Launch settings of the Access view (`--set step=5000 --set caches=...`),
// kept apart from RunSettings: changing them reruns no benchmark.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cachescope::engine {

// Playback speed range, accesses per second (a log slider).
inline constexpr double kMinSpeed = 1, kMaxSpeed = 5e6;

struct AnimationLaunch {
  std::int64_t step = -1;   // open the animation paused at this access (-1: at the start)
  std::string caches;       // cache preset of the Access view ("": chosen by n)
  std::string l1;           // SIZE:WAYS:LINE for its first level ("": the preset's)
  std::vector<std::string> kernels;  // the traced kernels shown side by side ("": the registry's pair)
  int play = -1;            // 1: start playing
  double speed = 0;         // accesses per second (0: default)
  int loop = -1;            // 1: start over at the end
};

// Takes `key=value` when the key is one of the animation's (step, caches, l1,
// access=ID[,ID[,ID]], play, speed, loop) and returns true; other keys return false
// and change nothing. Throws UsageError for a bad value.
bool applyAnimationSetting(AnimationLaunch& launch, const std::string& keyValue);

}  // namespace cachescope::engine
