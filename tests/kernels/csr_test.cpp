#include "kernels/csr.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

using namespace cachescope;

TEST_CASE("CSR from dense: row pointers, columns, values", "[csr]") {
  // 3 x 4 with an empty middle row; ld 5 (a padding column that is ignored).
  std::vector<float> a{0, 2, 0, -3, 99,  //
                       0, 0, 0, 0,  99,  //
                       5, 0, 0, 7,  99};
  Csr c = csrFromDense(a.data(), 3, 4, 5);
  CHECK(c.rows == 3);
  CHECK(c.cols == 4);
  CHECK(c.rowPtr == std::vector<std::int32_t>{0, 2, 2, 4});
  CHECK(c.colIdx == std::vector<std::int32_t>{1, 3, 0, 3});
  CHECK(c.values == std::vector<float>{2, -3, 5, 7});
  CHECK(c.nnz() == 4);
  CHECK(c.toDense() == std::vector<float>{0, 2, 0, -3, 0, 0, 0, 0, 5, 0, 0, 7});
}

TEST_CASE("empty rows and an all-zero matrix", "[csr]") {
  std::vector<float> z(6, 0.0f);
  Csr c = csrFromDense(z.data(), 2, 3, 3);
  CHECK(c.nnz() == 0);
  CHECK(c.rowPtr == std::vector<std::int32_t>{0, 0, 0});
  Csr p = pruneToCsr(z.data(), 2, 3, 3, 0.5);
  CHECK(p.nnz() == 0);  // kept zeros are not stored
  Csr e = csrFromDense(nullptr, 0, 0, 0);
  CHECK(e.rowPtr == std::vector<std::int32_t>{0});
}

TEST_CASE("density 1 keeps every nonzero", "[csr]") {
  std::vector<float> a{1, -1, 0.5f, 0, 3, -0.25f};
  Csr c = pruneToCsr(a.data(), 2, 3, 3, 1.0);
  CHECK(c.nnz() == 5);
  CHECK(c.toDense() == a);
}

TEST_CASE("pruning keeps the largest magnitudes, global threshold", "[csr]") {
  // Row 0 holds all the large values: a global threshold may empty row 1.
  std::vector<float> a{9,    -8,    7,    6,  //
                       0.1f, -0.2f, 0.3f, 0.4f};
  Csr c = pruneToCsr(a.data(), 2, 4, 4, 0.5);
  CHECK(c.nnz() == 4);
  CHECK(c.rowPtr == std::vector<std::int32_t>{0, 4, 4});
  Csr d = pruneToCsr(a.data(), 2, 4, 4, 0.75);  // 6 of 8: adds 0.4 and 0.3
  CHECK(d.toDense() == std::vector<float>{9, -8, 7, 6, 0, 0, 0.3f, 0.4f});
  CHECK(prunedCount(8, 0.75) == 6);
  CHECK(prunedCount(8, 0.5) == 4);
}

TEST_CASE("ties are broken by position, earlier first", "[csr]") {
  std::vector<float> a{1, -1, 1, -1, 1, -1};
  Csr c = pruneToCsr(a.data(), 2, 3, 3, 0.5);
  CHECK(c.toDense() == std::vector<float>{1, -1, 1, 0, 0, 0});
  Csr again = pruneToCsr(a.data(), 2, 3, 3, 0.5);
  CHECK(again.colIdx == c.colIdx);
}

TEST_CASE("tiny densities keep at least one entry", "[csr]") {
  std::vector<float> a{0.5f, -2, 1, 0.25f};
  CHECK(prunedCount(4, 1e-9) == 1);
  Csr c = pruneToCsr(a.data(), 2, 2, 2, 1e-9);
  CHECK(c.nnz() == 1);
  CHECK(c.values == std::vector<float>{-2});
  CHECK(c.colIdx == std::vector<std::int32_t>{1});
  CHECK(prunedCount(1, 0.1) == 1);
  CHECK(prunedCount(0, 0.5) == 0);
}

TEST_CASE("a density outside the range 0 < d <= 1 is rejected", "[csr]") {
  std::vector<float> a{1, 2};
  CHECK_THROWS_AS(pruneToCsr(a.data(), 1, 2, 2, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(pruneToCsr(a.data(), 1, 2, 2, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(prunedCount(4, -0.1), std::invalid_argument);
}
