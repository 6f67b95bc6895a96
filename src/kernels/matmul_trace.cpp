#include "kernels/matmul_trace.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace cachescope {

namespace {

constexpr std::size_t kPage = 4096;

std::size_t pageRound(std::size_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }

// Deterministic small values: the trace depends on addresses only, but the
// loop nest still computes real products.
template <class T>
void fillPattern(T* p, std::size_t count, int modulo, int offset) {
  for (std::size_t i = 0; i < count; ++i) p[i] = static_cast<T>(int((i * 7 + 3) % std::size_t(modulo)) - offset);
}

}  // namespace

void TraceArena::Free::operator()(unsigned char* p) const { std::free(p); }

std::size_t TraceArena::reserve(std::size_t bytes) {
  const std::size_t at = size_;
  size_ += pageRound(std::max<std::size_t>(1, bytes));
  return at;
}

void TraceArena::allocate() {
  const std::size_t bytes = std::max(size_, kPage);
  void* p = std::aligned_alloc(kPage, bytes);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, bytes);
  base_.reset(static_cast<unsigned char*>(p));
}

std::size_t matmulTraceLd(const TraceShape& shape) {
  std::size_t ld = std::size_t(shape.n) + std::size_t(std::max(0, shape.ldPad));
  if (shape.bits == 4) ld += ld % 2;  // rows of whole bytes
  return ld;
}

namespace detail {

MatmulTraceBuffers::MatmulTraceBuffers(const TraceShape& s, const MatmulTraceInfo& info) : shape(s) {
  if (info.extras.size() > 4) throw std::logic_error("a traced matmul has at most four extra buffers");
  ld = matmulTraceLd(s);
  count = std::size_t(s.n) * ld;
  const std::size_t in = s.bits == 32 ? 4 : 1;  // bytes of an input element as stored unpacked
  std::array<std::size_t, 4> ot{};
  std::size_t oa = 0, ob = 0, oc = 0, oua = 0, oub = 0;
  oa = arena_.reserve(s.bits == 4 ? count / 2 : count * in);
  ob = arena_.reserve(s.bits == 4 ? count / 2 : count * in);
  oc = arena_.reserve(count * 4);
  for (std::size_t e = 0; e < info.extras.size(); ++e) {
    extraRows[e] = info.extras[e].rows(s);
    extraCols[e] = info.extras[e].cols(s);
    ot[e] = arena_.reserve(std::size_t(extraRows[e]) * std::size_t(extraCols[e]) * in);
  }
  if (s.bits == 4) {
    oua = arena_.reserve(count);
    oub = arena_.reserve(count);
  }
  arena_.allocate();
  switch (s.bits) {
    case 32:
      fa = arena_.at<float>(oa);
      fb = arena_.at<float>(ob);
      fc = arena_.at<float>(oc);
      for (std::size_t e = 0; e < info.extras.size(); ++e) ft[e] = arena_.at<float>(ot[e]);
      for (std::size_t i = 0; i < count; ++i) {
        fa[i] = float(int(i % 17) - 8) / 8.0f;
        fb[i] = float(int(i % 13) - 6) / 8.0f;
      }
      break;
    case 8:
      ia = arena_.at<std::int8_t>(oa);
      ib = arena_.at<std::int8_t>(ob);
      ic = arena_.at<std::int32_t>(oc);
      for (std::size_t e = 0; e < info.extras.size(); ++e) it[e] = arena_.at<std::int8_t>(ot[e]);
      fillPattern(ia, count, 255, 127);
      fillPattern(ib, count, 253, 126);
      break;
    default:
      pa = arena_.at<std::uint8_t>(oa);
      pb = arena_.at<std::uint8_t>(ob);
      ic = arena_.at<std::int32_t>(oc);
      for (std::size_t e = 0; e < info.extras.size(); ++e) it[e] = arena_.at<std::int8_t>(ot[e]);
      ia = arena_.at<std::int8_t>(oua);
      ib = arena_.at<std::int8_t>(oub);
      fillPattern(ia, count, 16, 8);
      fillPattern(ib, count, 15, 7);
      for (std::size_t i = 0; i < count; i += 2) {
        pa[i / 2] = std::uint8_t((ia[i] & 0xf) | (ia[i + 1] & 0xf) << 4);
        pb[i / 2] = std::uint8_t((ib[i] & 0xf) | (ib[i + 1] & 0xf) << 4);
      }
      break;
  }
}

std::vector<TraceBuffer> MatmulTraceBuffers::describe(const MatmulTraceInfo& info) const {
  const int n = shape.n;
  std::vector<TraceBuffer> v;
  auto add = [&](std::string name, std::string caption, const void* base, int rows, int cols, std::size_t rowLd,
                 std::uint32_t bytes) { v.push_back(traceBuffer(std::move(name), std::move(caption), base, rows, cols, rowLd, bytes)); };
  switch (shape.bits) {
    case 32:
      add("A", "A", fa, n, n, ld, 4);
      add("B", "B", fb, n, n, ld, 4);
      add("C", "C = A x B", fc, n, n, ld, 4);
      break;
    case 8:
      add("A", "A (int8)", ia, n, n, ld, 1);
      add("B", "B (int8)", ib, n, n, ld, 1);
      add("C", "C = A x B (int32)", ic, n, n, ld, 4);
      break;
    default:
      // Packed rows of ld / 2 bytes: a cell stands for the byte of two elements.
      add("A", "A (int4, 2 per byte)", pa, n, int(ld / 2), ld / 2, 1);
      add("B", "B (int4, 2 per byte)", pb, n, int(ld / 2), ld / 2, 1);
      add("C", "C = A x B (int32)", ic, n, n, ld, 4);
      break;
  }
  for (std::size_t e = 0; e < info.extras.size(); ++e) {
    const void* base = shape.bits == 32 ? static_cast<const void*>(ft[e]) : static_cast<const void*>(it[e]);
    add(info.extras[e].name, info.extras[e].caption, base, extraRows[e], extraCols[e], std::size_t(extraCols[e]),
        shape.bits == 32 ? 4 : 1);
  }
  return v;
}

TraceDescription matmulTraceDescription(const MatmulTraceInfo& info) {
  TraceDescription d;
  d.note = info.note;
  d.caveat = info.caveat;
  d.code = info.code;
  d.bits = info.bits;
  d.usesBlock = info.usesBlock;
  d.references = info.references;
  d.outerCount = info.outerCount ? info.outerCount : [](const TraceShape& s) { return s.n; };
  d.elements = [](const TraceShape& s) -> std::string {
    switch (s.bits) {
      case 32: return "fp32 A, B, C (4 bytes each)";
      case 8: return "int8 A, B (1 byte), int32 C";
      default: return "int4 A, B packed two per byte (a load reads the byte holding the element), int32 C";
    }
  };
  d.bytes = [info](const TraceShape& s) {
    const double count = double(s.n) * double(matmulTraceLd(s));
    double extra = 0;
    for (const MatmulTraceInfo::Extra& e : info.extras) extra += double(e.rows(s)) * e.cols(s);
    switch (s.bits) {
      case 32: return count * 12 + extra * 4;
      case 8: return count * 6 + extra;
      default: return count * 7 + extra;  // packed A, B; int32 C; the unpacked copies
    }
  };
  return d;
}

}  // namespace detail

}  // namespace cachescope
