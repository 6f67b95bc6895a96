#include "kernels/quantize.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

using namespace cachescope;

TEST_CASE("quantMax follows the bit width", "[quantize]") {
  CHECK(quantMax(8) == 127);
  CHECK(quantMax(4) == 7);
  CHECK_THROWS_AS(quantMax(1), std::invalid_argument);
  CHECK_THROWS_AS(quantMax(9), std::invalid_argument);
}

TEST_CASE("round trip stays within half a step", "[quantize]") {
  for (int bits : {8, 4}) {
    std::vector<float> x;
    for (int i = 0; i < 101; ++i) x.push_back(std::sin(0.37f * i) * 3.0f);
    std::vector<std::int8_t> q(x.size());
    float s = quantizeTensor(x.data(), x.size(), bits, q.data());
    float maxAbs = 0;
    for (float v : x) maxAbs = std::max(maxAbs, std::fabs(v));
    CHECK(s == Approx(maxAbs / quantMax(bits)));
    std::vector<float> back(x.size());
    dequantize(q.data(), q.size(), s, back.data());
    for (std::size_t i = 0; i < x.size(); ++i) {
      INFO("bits " << bits << " i " << i);
      CHECK(std::abs(int(q[i])) <= quantMax(bits));
      CHECK(std::fabs(back[i] - x[i]) <= s / 2 * (1 + 1e-6f));
    }
  }
}

TEST_CASE("rounding is to nearest and the largest value maps to qmax", "[quantize]") {
  CHECK(quantizeValue(0.74f, 0.5f, 127) == 1);
  CHECK(quantizeValue(0.76f, 0.5f, 127) == 2);
  CHECK(quantizeValue(-0.76f, 0.5f, 127) == -2);
  CHECK(quantizeValue(0.25f, 0.5f, 127) == 0);  // 0.5: ties to even
  CHECK(quantizeValue(0.75f, 0.5f, 127) == 2);  // 1.5: ties to even
  std::vector<float> x{-2.0f, 0.5f, 1.0f};
  std::vector<std::int8_t> q(3);
  quantizeTensor(x.data(), 3, 8, q.data());
  CHECK(q[0] == -127);
  CHECK(q[1] == 32);                  // 0.5 * 63.5 = 31.75
  CHECK((q[2] == 63 || q[2] == 64));  // 63.5 up to float rounding of the scale
}

TEST_CASE("values outside the scale's range saturate", "[quantize]") {
  CHECK(quantizeValue(1000.0f, 1.0f, 127) == 127);
  CHECK(quantizeValue(-1000.0f, 1.0f, 127) == -127);
  CHECK(quantizeValue(9.0f, 1.0f, 7) == 7);
  CHECK(quantizeValue(-9.0f, 1.0f, 7) == -7);
  CHECK(quantizeValue(1e30f, 1e-30f, 127) == 127);  // x/s overflows to inf
  CHECK(quantizeValue(NAN, 1.0f, 127) == 0);
}

TEST_CASE("all-zero groups get scale 0 and no division by zero", "[quantize]") {
  std::vector<float> x(12, 0.0f);
  x[5] = 0.3f;  // row 1 (of 3 x 4) is not all zero
  std::vector<std::int8_t> q(12, 99);
  std::vector<float> rowScales(3, -1.0f);
  quantizeRows(x.data(), 3, 4, 4, 8, q.data(), rowScales.data());
  CHECK(rowScales[0] == 0.0f);
  CHECK(rowScales[2] == 0.0f);
  CHECK(rowScales[1] == Approx(0.3f / 127));
  for (int j = 0; j < 4; ++j) CHECK(q[j] == 0);
  CHECK(q[5] == 127);
  std::vector<float> colScales(4, -1.0f);
  quantizeColumns(x.data(), 3, 4, 4, 4, q.data(), colScales.data());
  CHECK(colScales[0] == 0.0f);
  CHECK(colScales[1] == Approx(0.3f / 7));
  CHECK(q[5] == 7);
  for (std::int8_t v : q) CHECK(std::isfinite(float(v)));
  CHECK(quantizeValue(1.0f, 0.0f, 127) == 0);
  std::vector<float> none(3, 0.0f);
  std::vector<std::int8_t> qz(3, 5);
  CHECK(quantizeTensor(none.data(), 3, 8, qz.data()) == 0.0f);
  CHECK(qz == std::vector<std::int8_t>{0, 0, 0});
}

TEST_CASE("per-column scales use each column's own range", "[quantize]") {
  // 2 x 3, ld 4 (one padding column that must stay untouched).
  std::vector<float> x{1.0f, -0.5f, 4.0f, 9.0f, -2.0f, 0.25f, 1.0f, 9.0f};
  std::vector<std::int8_t> q(8, 42);
  std::vector<float> s(3);
  quantizeColumns(x.data(), 2, 3, 4, 8, q.data(), s.data());
  CHECK(s[0] == Approx(2.0f / 127));
  CHECK(s[1] == Approx(0.5f / 127));
  CHECK(s[2] == Approx(4.0f / 127));
  CHECK(q[4] == -127);
  CHECK(q[1] == -127);
  CHECK(q[2] == 127);
  CHECK(q[3] == 42);
  CHECK(q[7] == 42);
}

TEST_CASE("int4 pack and unpack are exact, low nibble first", "[quantize]") {
  std::vector<std::int8_t> v;
  for (int i = 0; i < 16; ++i) v.push_back(std::int8_t(i - 8));
  std::vector<std::uint8_t> packed(int4Bytes(v.size()));
  REQUIRE(packed.size() == 8);
  packInt4(v.data(), v.size(), packed.data());
  CHECK(packed[0] == 0x98);  // -8 -> 0x8 low, -7 -> 0x9 high
  CHECK(packed[7] == 0x76);  // 6, 7
  std::vector<std::int8_t> back(v.size());
  unpackInt4(packed.data(), v.size(), back.data());
  CHECK(back == v);
  for (std::size_t i = 0; i < v.size(); ++i) CHECK(int4At(packed.data(), i) == v[i]);
}

TEST_CASE("int4 handles odd lengths", "[quantize]") {
  for (std::size_t count : {1u, 3u, 7u, 33u}) {
    std::vector<std::int8_t> v(count);
    for (std::size_t i = 0; i < count; ++i) v[i] = std::int8_t(int(i * 5 % 15) - 7);
    std::vector<std::uint8_t> packed(int4Bytes(count), 0xFF);
    CHECK(packed.size() == (count + 1) / 2);
    packInt4(v.data(), count, packed.data());
    CHECK((packed.back() >> 4) == 0);  // the unused high nibble is cleared
    std::vector<std::int8_t> back(count);
    unpackInt4(packed.data(), count, back.data());
    CHECK(back == v);
  }
  std::vector<std::int8_t> bad{3, 8};
  std::uint8_t out = 0;
  CHECK_THROWS_AS(packInt4(bad.data(), 2, &out), std::invalid_argument);
}
