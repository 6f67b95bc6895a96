// A matmul with a deliberate bug: its k loop stops one short (an
// off-by-one). The verifier catches it before any timing:
//   cachescope bench --plugin examples/kernels/buggy.cpp --kernels user.buggy
//   -> user.buggy failed: wrong result at C[0][0]: ... (n=1)
#include "cachescope_kernel.hpp"

template <class Acc>
void buggy(Acc& acc, int n, const float* A, const float* B, float* C) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      float sum = 0;
      for (int k = 0; k + 1 < n; ++k)  // bug: misses the last k
        sum += acc.load(&A[i * n + k]) * acc.load(&B[k * n + j]);
      acc.store(&C[i * n + j], sum);
    }
}

CACHESCOPE_KERNEL(buggy, buggy)
