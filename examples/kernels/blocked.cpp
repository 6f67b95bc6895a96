// A correct blocked (tiled) matmul: ikj order inside 32 x 32 tiles, so a
// tile of C stays in L1 while rows of A and B stream past it. Handles any n
// (the last tiles are partial).
//   cachescope bench --plugin examples/kernels/blocked.cpp --kernels user.blocked --n 256   (add the built-in ids from `cachescope list`)
#include <algorithm>

#include "cachescope_kernel.hpp"

constexpr int kTile = 32;

template <class Acc>
void blocked(Acc& acc, int n, const float* A, const float* B, float* C) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) acc.store(&C[i * n + j], 0.0f);  // C is not zeroed for you
  for (int ii = 0; ii < n; ii += kTile) {
    acc.outer(ii / kTile);
    const int iEnd = std::min(ii + kTile, n);
    for (int kk = 0; kk < n; kk += kTile) {
      const int kEnd = std::min(kk + kTile, n);
      for (int jj = 0; jj < n; jj += kTile) {
        const int jEnd = std::min(jj + kTile, n);
        for (int i = ii; i < iEnd; ++i)
          for (int k = kk; k < kEnd; ++k) {
            const float a = acc.load(&A[i * n + k]);
            acc.line(__LINE__ + 3);
            for (int j = jj; j < jEnd; ++j) {
              acc.point(i, j, k);
              acc.store(&C[i * n + j], acc.load(&C[i * n + j]) + a * acc.load(&B[k * n + j]));
            }
          }
      }
    }
  }
}

CACHESCOPE_KERNEL(blocked, blocked)
