// Memory statistics: the heap walk is consistent, counts what the app
// allocates, and sees it go away after a full collection; linear memory grows
// when the heap needs it. Collections run between event-loop turns, so each
// check is a sequence of steps (turns.ts) and what it compares is in globals.
import "crust";
import { memoryStats, describeMemory, MemoryStats } from "crust";
import { runSteps } from "./turns";

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

/** The heap at the start of a check, and at its fullest. */
let before = new MemoryStats();
let full = new MemoryStats();
const COUNT = 1000, SIZE = 1024;
const CHAIN = 10000;
let big: i32 = 0;

function buffersStart(): void {
  before = memoryStats();
  checkShape(before, "at start");
  holdBuffers(COUNT, SIZE);
  full = memoryStats();
  checkShape(full, "holding buffers");
  const grew = full.heapUsed - before.heapUsed;
  assert(grew >= <usize>(COUNT * SIZE), "heapUsed grew by " + grew.toString() + " for " + (COUNT * SIZE).toString() + " B of buffers");
  assert(full.blocksUsed >= before.blocksUsed + COUNT, "one block per buffer: " + before.blocksUsed.toString() + " -> " + full.blocksUsed.toString());
}

/** A collection keeps what is still referenced. */
function buffersKept(): void {
  const kept = memoryStats();
  assert(kept.heapUsed >= before.heapUsed + <usize>(COUNT * SIZE), "live buffers survive a collection");
  assert(heldIntact(COUNT, SIZE), "and are intact");
  held = null;
}

function buffersFreed(): void {
  const after = memoryStats();
  checkShape(after, "after collecting");
  // Back to where it started, give or take a MemoryStats object or two.
  assert(after.heapUsed <= before.heapUsed + 256,
    "heapUsed back after a collection: " + before.heapUsed.toString() + " -> " + full.heapUsed.toString() + " -> " + after.heapUsed.toString());
  assert(after.blocksUsed <= before.blocksUsed + 4, "blocks freed: " + after.blocksUsed.toString() + " vs " + before.blocksUsed.toString());
  assert(after.heapFree >= <usize>(COUNT * SIZE), "the freed bytes are free blocks now");
  assert(after.pages >= full.pages, "linear memory never shrinks");
}

function chainStart(): void {
  before = memoryStats();
  holdChain(CHAIN);
  full = memoryStats();
  assert(full.blocksUsed >= before.blocksUsed + CHAIN, "one block per object");
  assert(full.heapUsed - before.heapUsed >= <usize>CHAIN * 16, "each object takes at least its fields");
  chain = null;
}

function chainFreed(): void {
  const after = memoryStats();
  assert(after.blocksUsed <= before.blocksUsed + 4 && after.heapUsed <= before.heapUsed + 256,
    "small objects collected: " + describeMemory(after) + " vs " + describeMemory(before));
}

function growthStart(): void {
  before = memoryStats();
  // More than all memory so far: the allocator must grow linear memory.
  big = <i32>(<usize>before.pages * WASM_PAGE) + (1 << 20);
  holdBuffers(1, big);
  full = memoryStats();
  checkShape(full, "after growing");
  assert(full.pages > before.pages, "linear memory grew: " + before.pages.toString() + " -> " + full.pages.toString() + " pages");
  assert(full.heapUsed >= before.heapUsed + <usize>big, "the big buffer is counted");
  held = null;
}

function growthFreed(): void {
  const after = memoryStats();
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
  runSteps([buffersStart, buffersKept, buffersFreed, chainStart, chainFreed, growthStart, growthFreed, description]);
}
