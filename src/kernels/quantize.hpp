// Symmetric linear quantization of fp32 to signed b-bit integers, and the
// int4 storage format. Used by matmul.int8, matmul.int4 and relu.int8.
//
// Scheme: q = clamp(round(x / s), -qmax, qmax), x ~ s * q, with
// qmax = 2^(b-1) - 1 (127 for 8 bits, 7 for 4 bits) and s = max|x| / qmax over
// the group that shares a scale (a row, a column or the whole tensor). The
// range is symmetric: -2^(b-1) (-128, -8) is never produced, so |q| <= qmax
// and a sign flip can never overflow (the AVX2 int8 kernel relies on that).
// Rounding is to nearest (ties to even, the CPU default), so a value inside
// the range is off by at most s/2; a value outside it (a scale chosen from
// other data) saturates to +-qmax. A group of zeros gets s = 0 and q = 0:
// no division by zero, and dequantization gives back exact zeros.
//
// int4 storage: two values per byte, element 2i in the low nibble and 2i+1 in
// the high nibble, each as 4-bit two's complement. An odd count leaves the
// last high nibble 0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cachescope {

// 2^(bits-1) - 1. Throws std::invalid_argument unless 2 <= bits <= 8.
int quantMax(int bits);

// max|x| / qmax; 0 for an all-zero (or empty) group.
float symmetricScale(float maxAbs, int qmax);

// round(x / scale) clamped to [-qmax, qmax]; 0 when scale is 0 or x is NaN.
std::int8_t quantizeValue(float x, float scale, int qmax);

inline float dequantizeValue(std::int8_t q, float scale) {
  return float(q) * scale;
}

// One scale for `count` values; returns it and writes q.
float quantizeTensor(const float* x, std::size_t count, int bits, std::int8_t* q);

// Row-major rows x cols with leading dimension ld (q uses ld too). One scale
// per row (scales[rows]) or per column (scales[cols]).
void quantizeRows(const float* x, int rows, int cols, std::size_t ld, int bits, std::int8_t* q, float* scales);
void quantizeColumns(const float* x, int rows, int cols, std::size_t ld, int bits, std::int8_t* q, float* scales);

void dequantize(const std::int8_t* q, std::size_t count, float scale, float* out);

// int4: bytes needed for `count` values, pack (values must lie in [-8, 7];
// throws std::invalid_argument otherwise) and unpack (sign-extends).
inline std::size_t int4Bytes(std::size_t count) {
  return (count + 1) / 2;
}
void packInt4(const std::int8_t* values, std::size_t count, std::uint8_t* packed);
void unpackInt4(const std::uint8_t* packed, std::size_t count, std::int8_t* values);

// The value of one nibble of `packed` (element `index`).
inline std::int8_t int4At(const std::uint8_t* packed, std::size_t index) {
  unsigned nib = (packed[index / 2] >> ((index & 1) * 4)) & 0xFu;
  return static_cast<std::int8_t>(int(nib ^ 8u) - 8);
}

}  // namespace cachescope
