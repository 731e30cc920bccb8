// Memory statistics: the heap walk is consistent, counts what the app
// allocates, and sees it go away after a full collection; linear memory grows
// when the heap needs it.
import "crust";
import { memoryStats, describeMemory, MemoryStats } from "crust";

const WASM_PAGE: usize = 65536;

/** Objects kept alive only through this global, so that clearing it is
 *  enough to make them garbage (no local of main points at them). */
let held: ArrayBuffer[] | null = null;

class Small {
  constructor(public a: i32, public b: f64, public next: Small | null) {}
}
let chain: Small | null = null;

function holdBuffers(count: i32, size: i32): void {
  const list = new Array<ArrayBuffer>(0);
  for (let i = 0; i < count; i++) list.push(new ArrayBuffer(size));
  held = list;
}

function holdChain(count: i32): void {
  let head: Small | null = null;
  for (let i = 0; i < count; i++) head = new Small(i, i * 0.5, head);
  chain = head;
}

/** In its own function: a reference read in a frame can stay in that frame's
 *  shadow-stack slot (a GC root) until the frame returns. */
function heldIntact(count: i32, size: i32): bool {
  const list = held;
  return list !== null && list.length == count && list[count - 1].byteLength == size;
}

function checkShape(s: MemoryStats, what: string): void {
  assert(s.consistent, what + ": heap walk inconsistent");
  assert(s.pages > 0 && s.pages == memory.size(), what + ": pages " + s.pages.toString() + " vs memory.size() " + memory.size().toString());
  assert(s.heapUsed > 0 && s.blocksUsed > 0, what + ": something is always allocated");
  // Blocks (and their 4-byte headers) fit inside linear memory.
  const inBlocks = s.heapUsed + s.heapFree + <usize>s.blocksUsed * 4;
  assert(inBlocks <= <usize>s.pages * WASM_PAGE, what + ": blocks exceed linear memory: " + describeMemory(s));
}

function fresh(): MemoryStats {
  __collect();
  return memoryStats();
}

function buffers(): void {
  const before = fresh();
  checkShape(before, "at start");

  const count = 1000, size = 1024;
  holdBuffers(count, size);
  const full = memoryStats();
  checkShape(full, "holding buffers");
  const grew = full.heapUsed - before.heapUsed;
  assert(grew >= <usize>(count * size), "heapUsed grew by " + grew.toString() + " for " + (count * size).toString() + " B of buffers");
  assert(full.blocksUsed >= before.blocksUsed + count, "one block per buffer: " + before.blocksUsed.toString() + " -> " + full.blocksUsed.toString());

  // A collection keeps what is still referenced.
  __collect();
  const kept = memoryStats();
  assert(kept.heapUsed >= before.heapUsed + <usize>(count * size), "live buffers survive a collection");
  assert(heldIntact(count, size), "and are intact");

  held = null;
  const after = fresh();
  checkShape(after, "after collecting");
  // Back to where it started, give or take a MemoryStats object or two.
  assert(after.heapUsed <= before.heapUsed + 256,
    "heapUsed back after __collect(): " + before.heapUsed.toString() + " -> " + full.heapUsed.toString() + " -> " + after.heapUsed.toString());
  assert(after.blocksUsed <= before.blocksUsed + 4, "blocks freed: " + after.blocksUsed.toString() + " vs " + before.blocksUsed.toString());
  assert(after.heapFree >= <usize>(count * size), "the freed bytes are free blocks now");
  assert(after.pages >= full.pages, "linear memory never shrinks");
}

function smallObjects(): void {
  const before = fresh();
  holdChain(10000);
  const full = memoryStats();
  assert(full.blocksUsed >= before.blocksUsed + 10000, "one block per object");
  assert(full.heapUsed - before.heapUsed >= 10000 * 16, "each object takes at least its fields");
  chain = null;
  const after = fresh();
  assert(after.blocksUsed <= before.blocksUsed + 4 && after.heapUsed <= before.heapUsed + 256,
    "small objects collected: " + describeMemory(after) + " vs " + describeMemory(before));
}

function growth(): void {
  const before = fresh();
  // More than all memory so far: the allocator must grow linear memory.
  const big = <i32>(<usize>before.pages * WASM_PAGE) + (1 << 20);
  holdBuffers(1, big);
  const full = memoryStats();
  checkShape(full, "after growing");
  assert(full.pages > before.pages, "linear memory grew: " + before.pages.toString() + " -> " + full.pages.toString() + " pages");
  assert(full.heapUsed >= before.heapUsed + <usize>big, "the big buffer is counted");
  held = null;
  const after = fresh();
  checkShape(after, "after the big buffer");
  assert(after.heapUsed <= before.heapUsed + 256, "big buffer collected");
}

function description(): void {
  const s = memoryStats();
  const d = describeMemory(s);
  assert(d.startsWith("linear memory " + (s.pages * 64).toString() + " KiB"), "describeMemory: " + d);
  assert(d.includes("heap used " + s.heapUsed.toString() + " B"), "describeMemory shows heapUsed: " + d);
  assert(!d.includes("inconsistent"), "a consistent heap is not flagged: " + d);
}

export function main(args: string[]): void {
  buffers();
  smallObjects();
  growth();
  description();
}
