// The traceable ReLU loop nest: y = max(x, 0) over a rows x cols matrix,
// row-major with leading dimensions. Written once over an access policy
// (access.hpp): `Direct` for the timed relu.naive (fp32) and relu.int8 (int8),
// `Traced<Sink>` for the simulator and the animation.
//
// Loads and stores it emits: per (i, j): load x[i][j], store y[i][j];
// point(i, j, 0) before each element.
#pragma once

#include <cstddef>

#include "kernels/access.hpp"

namespace cachescope {

template <class Acc, class T>
void reluLoop(Acc& acc, int rows, int cols, const T* __restrict x, std::size_t ldx, T* __restrict y, std::size_t ldy) {
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) {
      acc.point(i, j, 0);
      const T v = acc.load(&x[i * ldx + j]);
      acc.store(&y[i * ldy + j], v > T(0) ? v : T(0));
    }
  }
}

}  // namespace cachescope
