#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "kernels/access.hpp"
#include "kernels/relu_loops.hpp"
#include "kernels/relu_vec.hpp"
#include "platform/aligned_buffer.hpp"
#include "platform/host.hpp"

using namespace cachescope;

namespace {
struct Recorder {
  std::vector<std::pair<std::uint64_t, AccessKind>> events;
  void access(std::uint64_t address, std::uint32_t size, AccessKind kind) { events.emplace_back(address, kind); }
};
}  // namespace

TEST_CASE("vector ReLU matches x > 0 ? x : 0 on every path, tail and alignment", "[relu]") {
  std::vector<ReluF32Fn> fns{reluF32Scalar};
  if (host().simd >= SimdLevel::Avx2) fns.push_back(reluF32Avx2);
  if (host().simd >= SimdLevel::Avx512) fns.push_back(reluF32Avx512);
  AlignedBuffer<float> ybuf(200);
  for (ReluF32Fn fn : fns) {
    for (bool stream : {false, true}) {
      for (std::size_t offset : {0u, 1u, 5u}) {  // streaming stores need an aligned start
        for (std::size_t count = 0; count < 140; ++count) {
          std::vector<float> x(count);
          for (std::size_t i = 0; i < count; ++i) x[i] = (i % 3 == 0 ? -1.0f : 1.0f) * float(i) * 0.25f;
          if (count > 2) x[1] = -0.0f;
          if (count > 3) x[2] = std::numeric_limits<float>::quiet_NaN();
          std::fill(ybuf.begin(), ybuf.end(), 42.0f);
          float* y = ybuf.data() + offset;
          fn(x.data(), y, count, stream);
          for (std::size_t i = 0; i < count; ++i) {
            INFO("stream " << stream << " offset " << offset << " count " << count << " i " << i);
            const float want = x[i] > 0.0f ? x[i] : 0.0f;
            REQUIRE(y[i] == want);
            REQUIRE(!std::signbit(y[i]));
          }
          REQUIRE(y[count] == 42.0f);  // nothing written past the end
          if (offset > 0) REQUIRE(y[-1] == 42.0f);
        }
      }
    }
  }
}

TEST_CASE("streaming stores only once the data outgrows half of the last-level cache", "[relu]") {
  CHECK_FALSE(useStreamingStores(0.0));
  CHECK_FALSE(useStreamingStores(64.0 * 1024));
  CHECK(useStreamingStores(1e12));
}

TEST_CASE("the ReLU loop nest works on int8 and emits one load and one store per element", "[relu]") {
  std::vector<std::int8_t> x{-128, -1, 0, 1, 127, -5}, y(6, 9);
  Direct direct;
  reluLoop<Direct, std::int8_t>(direct, 2, 3, x.data(), 3, y.data(), 3);
  CHECK(y == std::vector<std::int8_t>{0, 0, 0, 1, 127, 0});

  Recorder rec;
  Traced<Recorder> traced(rec);
  std::vector<float> xf{-1, 2, -3, 4}, yf(4);
  reluLoop(traced, 2, 2, xf.data(), 2, yf.data(), 2);
  REQUIRE(rec.events.size() == 8);
  for (std::size_t e = 0; e < 4; ++e) {
    CHECK(rec.events[2 * e].first == reinterpret_cast<std::uintptr_t>(&xf[e]));
    CHECK(rec.events[2 * e].second == AccessKind::Read);
    CHECK(rec.events[2 * e + 1].first == reinterpret_cast<std::uintptr_t>(&yf[e]));
    CHECK(rec.events[2 * e + 1].second == AccessKind::Write);
  }
  CHECK(yf == std::vector<float>{0, 2, 0, 4});
}
