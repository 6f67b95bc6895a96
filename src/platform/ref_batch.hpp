// The format of a batch of memory references, shared by the loop nests that
// produce them (kernels/trace_sink.hpp) and the simulator that counts them
// (cachesim's Hierarchy::countBatch). It lives here, below both, so that
// neither depends on the other.
#pragma once

#include <cstdint>

namespace cachescope {

// Batches hold aligned references only: the size a power of two from 1 to 8
// bytes and the address a multiple of it, as every load and store of a traced
// loop nest is. Such a reference straddles a line only when it is larger than
// the line, so the batch loop needs no per-reference boundary check. Anything
// else is handed on one at a time.
inline constexpr std::uint32_t kMaxBatchedSize = 8;
constexpr bool batchable(std::uint64_t address, std::uint32_t size) {
  return size - 1 < kMaxBatchedSize && (size & (size - 1)) == 0 && (address & (size - 1)) == 0;
}

// The per-reference byte of a batch: bit 0 write, bits 1-2 log2 of the size.
// An enum, not a uint8_t: a store through a character type may alias
// anything, and the loop nest that fills a batch would reload all its
// pointers after each one.
enum class RefFlags : std::uint8_t {};
constexpr RefFlags refFlags(std::uint32_t size, bool write) {
  return RefFlags((size >= 8 ? 3 : size >= 4 ? 2 : size >= 2 ? 1 : 0) << 1 | (write ? 1 : 0));
}
constexpr bool isWrite(RefFlags f) { return (std::uint8_t(f) & 1) != 0; }
constexpr std::uint32_t sizeOf(RefFlags f) { return 1u << ((std::uint8_t(f) >> 1) & 3); }

}  // namespace cachescope
