// oneDNN (Debian's libdnnl, OpenMP runtime), threads from
// omp_set_num_threads:
//   --op sgemm: dnnl::sgemm, row-major C = A B;
//   --op int8:  a matmul primitive u8 x s8 -> s32, or s8 x s8 -> s32 where
//               this CPU's oneDNN has no u8s8s32 implementation, weights
//               reordered once into the primitive's own layout (untimed, as
//               matmul.int8 packs B in prepare); the line's note names the
//               types and the implementation oneDNN chose;
//   --op bf16:  a matmul primitive bf16 x bf16 -> f32 (as matmul.bf16:
//               inputs rounded to bf16, sums in fp32), weights reordered
//               once the same way; skipped where this CPU's oneDNN has no
//               bf16 matmul.
// A driver of tools/bench-peers.
#include <omp.h>

#include <dnnl.hpp>

#include "peer_timing.hpp"

namespace {

void runSgemm(const peers::Args& a) {
  const std::size_t nn = std::size_t(a.n) * a.n;
  std::vector<float> A = peers::uniformFloats(nn, 1), B = peers::uniformFloats(nn, 2), C(nn);
  const dnnl_dim_t n = a.n;
  peers::timeAndPrint("onednn", a, "GFLOP/s", 2.0 * a.n * a.n * double(a.n), [&] {
    if (dnnl::sgemm('N', 'N', n, n, n, 1.0f, A.data(), n, B.data(), n, 0.0f, C.data(), n) != dnnl::status::success)
      std::abort();
  });
}

void runInt8(const peers::Args& a) {
  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);
  const dnnl::memory::dims dims = {a.n, a.n};
  for (dt srcType : {dt::u8, dt::s8}) {
    // Weights in the layout the primitive wants (tag::any), reordered once,
    // untimed: matmul.int8 also packs B in prepare(), as weights are packed
    // offline. With plain (ab) weights the primitive repacks B on every call.
    dnnl::memory::desc srcMd(dims, srcType, tag::ab), wMd(dims, dt::s8, tag::any), dstMd(dims, dt::s32, tag::ab);
    dnnl::matmul::primitive_desc pd;
    try {
      pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(srcMd, wMd, dstMd), eng);
    } catch (const dnnl::error&) {
      continue;  // no implementation for these types here: try the next
    }
    const std::size_t nn = std::size_t(a.n) * a.n;
    // Random bytes: 0..255 as u8, -128..127 read as s8.
    std::vector<std::uint8_t> src = peers::uniformInts<std::uint8_t>(nn, 0, 255, 1);
    std::vector<std::int8_t> w = peers::uniformInts<std::int8_t>(nn, -127, 127, 2);
    std::vector<std::int32_t> dst(nn);
    dnnl::memory srcMem(srcMd, eng, src.data()), dstMem(dstMd, eng, dst.data());
    dnnl::memory wPlain({dims, dt::s8, tag::ab}, eng, w.data()), wMem(pd.weights_desc(), eng);
    dnnl::reorder(wPlain, wMem).execute(strm, wPlain, wMem);
    strm.wait();
    dnnl::matmul prim(pd);
    const std::string types = srcType == dt::u8 ? "u8s8s32" : "s8s8s32";
    peers::timeAndPrint("onednn", a, "GOP/s", 2.0 * a.n * a.n * double(a.n), [&] {
      prim.execute(strm, {{DNNL_ARG_SRC, srcMem}, {DNNL_ARG_WEIGHTS, wMem}, {DNNL_ARG_DST, dstMem}});
      strm.wait();
    }, types + "/" + pd.impl_info_str());
    return;
  }
  peers::skip("onednn", a, "no_int8_matmul_implementation");
}

void runBf16(const peers::Args& a) {
  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);
  const dnnl::memory::dims dims = {a.n, a.n};
  dnnl::memory::desc srcMd(dims, dt::bf16, tag::ab), wMd(dims, dt::bf16, tag::any), dstMd(dims, dt::f32, tag::ab);
  dnnl::matmul::primitive_desc pd;
  try {
    pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(srcMd, wMd, dstMd), eng);
  } catch (const dnnl::error&) {
    peers::skip("onednn", a, "no_bf16_matmul_implementation");
    return;
  }
  const std::size_t nn = std::size_t(a.n) * a.n;
  std::vector<float> A = peers::uniformFloats(nn, 1), B = peers::uniformFloats(nn, 2), C(nn);
  // fp32 in, bf16 out by oneDNN's own reorders (round to nearest even).
  dnnl::memory aF32({dims, dt::f32, tag::ab}, eng, A.data()), bF32({dims, dt::f32, tag::ab}, eng, B.data());
  dnnl::memory srcMem(srcMd, eng), wMem(pd.weights_desc(), eng), dstMem(dstMd, eng, C.data());
  dnnl::reorder(aF32, srcMem).execute(strm, aF32, srcMem);
  dnnl::reorder(bF32, wMem).execute(strm, bF32, wMem);
  strm.wait();
  dnnl::matmul prim(pd);
  peers::timeAndPrint("onednn", a, "GFLOP/s", 2.0 * a.n * a.n * double(a.n), [&] {
    prim.execute(strm, {{DNNL_ARG_SRC, srcMem}, {DNNL_ARG_WEIGHTS, wMem}, {DNNL_ARG_DST, dstMem}});
    strm.wait();
  }, std::string("bf16bf16f32/") + pd.impl_info_str());
}

}  // namespace

int main(int argc, char** argv) {
  peers::Args a = peers::parseArgs(argc, argv, "onednn");
  omp_set_num_threads(a.threads);
  try {
    if (a.op == "sgemm") runSgemm(a);
    else if (a.op == "int8") runInt8(a);
    else if (a.op == "bf16") runBf16(a);
    else {
      std::fprintf(stderr, "onednn: unknown --op '%s' (sgemm, int8, bf16)\n", a.op.c_str());
      return 2;
    }
  } catch (const dnnl::error& e) {
    std::fprintf(stderr, "onednn: %s\n", e.what());
    return 1;
  }
  return 0;
}
