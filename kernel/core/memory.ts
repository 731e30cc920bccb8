// Memory statistics: linear memory size and the allocator's view of it.
// The numbers come from walking the TLSF heap of AssemblyScript's runtime
// (~lib/rt/tlsf.ts, which exports its ROOT): every block from the first to
// the tail sentinel is either free or in use. The walk checks that it ends
// exactly at the tail the root records, so a layout change in a future
// AssemblyScript shows up as `consistent == false` rather than as nonsense.
import { ROOT } from "rt/tlsf";

// Layout constants of rt/tlsf.ts and rt/common.ts for wasm32 (usize = 4):
// block header = one usize of size|tags; root = flMap, 23 second-level maps,
// 23*16 list heads, tail pointer.
const BLOCK_OVERHEAD: usize = 4;
const AL_MASK: usize = 15;
const TAGS_MASK: usize = 3;
const FREE: usize = 1;
const ROOT_TAIL_OFFSET: usize = 1568; // HL_END
const ROOT_SIZE: usize = 1572;

export class MemoryStats {
  /** Linear memory in 64 KiB wasm pages. */
  pages: i32 = 0;
  /** Bytes in blocks handed out by the allocator (GC objects and buffers). */
  heapUsed: usize = 0;
  /** Bytes in free blocks. */
  heapFree: usize = 0;
  /** Number of blocks in use. */
  blocksUsed: i32 = 0;
  /** False if the heap walk did not end at the tail the allocator records. */
  consistent: bool = true;
}

export function memoryStats(): MemoryStats {
  const s = new MemoryStats();
  s.pages = memory.size();
  const root = changetype<usize>(ROOT);
  if (root == 0) return s;
  const tail = load<usize>(root + ROOT_TAIL_OFFSET);
  let block = ((root + ROOT_SIZE + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
  const end = <usize>memory.size() << 16;
  while (block != tail) {
    if (block >= end) { s.consistent = false; break; }
    const info = load<usize>(block);
    const size = info & ~TAGS_MASK;
    if (info & FREE) s.heapFree += size;
    else { s.heapUsed += size; s.blocksUsed++; }
    block += BLOCK_OVERHEAD + size;
  }
  return s;
}

/** "pages=3 heap used=1234 free=5678 blocks=12" for logs. */
export function describeMemory(s: MemoryStats): string {
  return "linear memory " + (s.pages * 64).toString() + " KiB, heap used " + s.heapUsed.toString() +
    " B in " + s.blocksUsed.toString() + " blocks, free " + s.heapFree.toString() + " B" +
    (s.consistent ? "" : " (heap walk inconsistent)");
}
