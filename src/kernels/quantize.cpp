#include "kernels/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace cachescope {

int quantMax(int bits) {
  if (bits < 2 || bits > 8)
    throw std::invalid_argument("quantization width must be 2..8 bits, got " + std::to_string(bits));
  return (1 << (bits - 1)) - 1;
}

float symmetricScale(float maxAbs, int qmax) {
  if (!(maxAbs > 0.0f) || !std::isfinite(maxAbs)) return 0.0f;
  return maxAbs / float(qmax);
}

std::int8_t quantizeValue(float x, float scale, int qmax) {
  if (scale == 0.0f || std::isnan(x)) return 0;
  // Clamp in float before converting: x / scale may be far outside int range.
  float r = std::nearbyint(x / scale);
  r = std::clamp(r, -float(qmax), float(qmax));
  return static_cast<std::int8_t>(r);
}

float quantizeTensor(const float* x, std::size_t count, int bits, std::int8_t* q) {
  const int qmax = quantMax(bits);
  float m = 0.0f;
  for (std::size_t i = 0; i < count; ++i) m = std::max(m, std::fabs(x[i]));
  const float s = symmetricScale(m, qmax);
  for (std::size_t i = 0; i < count; ++i) q[i] = quantizeValue(x[i], s, qmax);
  return s;
}

void quantizeRows(const float* x, int rows, int cols, std::size_t ld, int bits, std::int8_t* q, float* scales) {
  const int qmax = quantMax(bits);
  for (int i = 0; i < rows; ++i) {
    const float* row = x + i * ld;
    float m = 0.0f;
    for (int j = 0; j < cols; ++j) m = std::max(m, std::fabs(row[j]));
    const float s = symmetricScale(m, qmax);
    scales[i] = s;
    for (int j = 0; j < cols; ++j) q[i * ld + j] = quantizeValue(row[j], s, qmax);
  }
}

void quantizeColumns(const float* x, int rows, int cols, std::size_t ld, int bits, std::int8_t* q, float* scales) {
  const int qmax = quantMax(bits);
  std::vector<float> m(std::size_t(std::max(cols, 0)), 0.0f);
  // Row by row, so the walk over x stays sequential.
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m[j] = std::max(m[j], std::fabs(x[i * ld + j]));
  for (int j = 0; j < cols; ++j) scales[j] = symmetricScale(m[j], qmax);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) q[i * ld + j] = quantizeValue(x[i * ld + j], scales[j], qmax);
}

void dequantize(const std::int8_t* q, std::size_t count, float scale, float* out) {
  for (std::size_t i = 0; i < count; ++i) out[i] = dequantizeValue(q[i], scale);
}

void packInt4(const std::int8_t* values, std::size_t count, std::uint8_t* packed) {
  for (std::size_t i = 0; i < count; ++i)
    if (values[i] < -8 || values[i] > 7)
      throw std::invalid_argument("int4 value out of range: " + std::to_string(int(values[i])));
  for (std::size_t i = 0; i + 1 < count; i += 2)
    packed[i / 2] = std::uint8_t((unsigned(values[i]) & 0xFu) | ((unsigned(values[i + 1]) & 0xFu) << 4));
  if (count % 2) packed[count / 2] = std::uint8_t(unsigned(values[count - 1]) & 0xFu);
}

void unpackInt4(const std::uint8_t* packed, std::size_t count, std::int8_t* values) {
  for (std::size_t i = 0; i < count; ++i) values[i] = int4At(packed, i);
}

}  // namespace cachescope
