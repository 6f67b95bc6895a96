// A correct naive matmul, written over cachescope's access policy: timed,
// verified, traced and animated like the built-in naive kernel.
//   cachescope kernel build examples/kernels/naive.cpp
//   cachescope bench --plugin examples/kernels/naive.cpp --kernels user.naive --n 256   (add the built-in ids from `cachescope list`)
//   cachescope simulate --plugin examples/kernels/naive.cpp --kernel user.naive --n 128
#include "cachescope_kernel.hpp"

template <class Acc>
void naive(Acc& acc, int n, const float* A, const float* B, float* C) {
  for (int i = 0; i < n; ++i) {
    acc.outer(i);
    for (int j = 0; j < n; ++j) {
      float sum = 0;
      acc.line(__LINE__ + 3);  // the Access view highlights the update line
      for (int k = 0; k < n; ++k) {
        acc.point(i, j, k);
        sum += acc.load(&A[i * n + k]) * acc.load(&B[k * n + j]);
      }
      acc.line(__LINE__ + 1);
      acc.store(&C[i * n + j], sum);
    }
  }
}

CACHESCOPE_KERNEL(naive, naive)
