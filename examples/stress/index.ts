// stress: a memory stress test of the allocator and the garbage collector.
//
//   npx crust run examples/stress [-- SECONDS [SEED]]      (default 2 s)
//
// For SECONDS of monotonic time it replaces random entries of a working set
// of WORKING_SET slots with fresh objects of five kinds and mixed sizes:
// ArrayBuffers (16 B to 64 KiB, log-uniform), arrays of u32, strings, linked
// chains of small class instances and small Maps. Each object is filled from
// its own seed, and every byte of it is checked against that seed before it
// is dropped (and, at the end, for every object still held). Old objects thus
// become garbage at random ages. The collector runs between event-loop turns
// (crust/core/gc.ts), paced by the heap's growth; a collection is also
// requested after every COLLECT_EVERY bytes allocated, and the heap walk must
// be consistent before and after each.
//
// The work runs in slices of SLICE_NS on a Timer re-armed with start(0), so
// the event loop keeps turning (and collecting); a slice also ends once
// COLLECT_EVERY bytes were made. At the end it prints counts and memory
// statistics, drops everything, lets a collection run and checks that the
// heap went back to where it started (see HEAP_SLACK) and that linear memory
// stayed under PAGES_BOUND. Exit 0 if every check held; 1, with what failed, if not;
// 2 for a bad argument. The seed is printed so that a failure can be replayed.
import {
  println, exit, Timer, monotonicNs, formatMs, NS_PER_MS, NS_PER_S,
  randomU32, memoryStats, describeMemory, MemoryStats, requestCollection, collections,
} from "crust";

const WORKING_SET = 512;
/** Payload bytes the working set may hold: the largest object is 64 KiB, an
 *  average one ~5 KiB, so this cap matters only in unlucky streaks. */
const LIVE_CAP: i64 = 4 << 20;
/** Request a full collection after this many bytes of new objects. */
const COLLECT_EVERY: i64 = 8 << 20;
const SLICE_NS: i64 = 10 * NS_PER_MS;
const MIN_BUFFER_LOG2 = 4;  // 16 B
const MAX_BUFFER_LOG2 = 16; // 64 KiB

/** After the final collection the heap may hold this much more than after
 *  the first: the run's own bookkeeping (this object, the emptied slot array,
 *  the timer heap's array, the last report strings) is a few KiB, while one
 *  leaked large buffer (64 KiB) or 1% of a typical working set (~25 KiB)
 *  would exceed it. */
const HEAP_SLACK: usize = 16 << 10;
/** Linear memory may grow by at most this many 64 KiB pages: live data is at
 *  most LIVE_CAP + 64 KiB, garbage between requested collections at most
 *  COLLECT_EVERY + 64 KiB (less, as the paced collections also free),
 *  i.e. ~12 MiB; allowing twice that for TLSF fragmentation and the
 *  headers of small objects gives 24 MiB. */
const PAGES_BOUND: i32 = (24 << 20) >> 16;

// ---- Patterns ---------------------------------------------------------------

/** The main generator (xorshift64*, seeded from the command line or the
 *  kernel's entropy): it picks slots, kinds, sizes and each object's seed. */
class Prng {
  private s: u64;
  constructor(seed: u64) { this.s = seed != 0 ? seed : 0x9e3779b97f4a7c15; }
  next(): u32 {
    let x = this.s;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    this.s = x;
    return <u32>((x * 0x2545f4914f6cdd1d) >> 32);
  }
  /** Uniform in [0, n). */
  below(n: u32): u32 { return <u32>((<u64>this.next() * n) >> 32); }
  /** Log-uniform in [2^lo, 2^hi]. */
  logUniform(lo: i32, hi: i32): i32 {
    const bits = lo + <i32>this.below(<u32>(hi - lo + 1));
    const base = 1 << bits;
    return bits == hi ? base : base + <i32>this.below(<u32>base);
  }
}

/** The pattern of one object: xorshift32 from its seed, cheap to replay. */
// @ts-ignore: decorator
@inline function patternNext(x: u32): u32 {
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  return x;
}

// ---- The objects ------------------------------------------------------------

abstract class Item {
  constructor(public seed: u32) {}
  /** Payload bytes (what the working set counts and verify() checks). */
  abstract get bytes(): i64;
  /** Check every byte against the seed; true if all match. */
  abstract verify(): bool;
  /** Managed objects allocated to build it, itself included. */
  abstract get allocations(): i32;
}

class BufferItem extends Item {
  buffer: ArrayBuffer;
  constructor(seed: u32, size: i32) {
    super(seed);
    this.buffer = new ArrayBuffer(size);
    const p = changetype<usize>(this.buffer);
    const words = size >> 2;
    let x = seed;
    for (let i = 0; i < words; i++) { x = patternNext(x); store<u32>(p + (<usize>i << 2), x); }
    for (let i = words << 2; i < size; i++) { x = patternNext(x); store<u8>(p + <usize>i, <u8>x); }
  }
  get bytes(): i64 { return this.buffer.byteLength; }
  get allocations(): i32 { return 2; }
  verify(): bool {
    const p = changetype<usize>(this.buffer);
    const size = this.buffer.byteLength;
    const words = size >> 2;
    let x = this.seed;
    let bad = 0;
    for (let i = 0; i < words; i++) { x = patternNext(x); bad |= load<u32>(p + (<usize>i << 2)) ^ x; }
    for (let i = words << 2; i < size; i++) { x = patternNext(x); bad |= <u32>(load<u8>(p + <usize>i) ^ <u8>x); }
    return bad == 0;
  }
}

class ArrayItem extends Item {
  values: u32[];
  constructor(seed: u32, length: i32) {
    super(seed);
    this.values = new Array<u32>(length);
    let x = seed;
    for (let i = 0; i < length; i++) { x = patternNext(x); this.values[i] = x; }
  }
  get bytes(): i64 { return <i64>this.values.length << 2; }
  get allocations(): i32 { return 3; } // item, array, backing buffer
  verify(): bool {
    let x = this.seed;
    for (let i = 0; i < this.values.length; i++) {
      x = patternNext(x);
      if (this.values[i] != x) return false;
    }
    return true;
  }
}

/** Printable ASCII mostly, every 8th unit from the rest of the BMP below the
 *  surrogates, so that strings are not all one byte per character. */
function charFor(x: u32, i: i32): i32 {
  return (i & 7) == 7 ? 0x100 + <i32>(x % 0xd700) : 0x20 + <i32>(x % 0x5f);
}

class StringItem extends Item {
  text: string;
  constructor(seed: u32, length: i32) {
    super(seed);
    const units = new Array<i32>(length); // garbage once the string exists
    let x = seed;
    for (let i = 0; i < length; i++) { x = patternNext(x); units[i] = charFor(x, i); }
    this.text = String.fromCharCodes(units);
  }
  get bytes(): i64 { return <i64>this.text.length << 1; }
  get allocations(): i32 { return 4; } // item, units array and its buffer, string
  verify(): bool {
    let x = this.seed;
    for (let i = 0; i < this.text.length; i++) {
      x = patternNext(x);
      if (this.text.charCodeAt(i) != charFor(x, i)) return false;
    }
    return true;
  }
}

/** A small class instance, as an app's records are. */
class Cell {
  weight: f64;
  constructor(public value: u32, public next: Cell | null) {
    this.weight = <f64>value * 0.5;
  }
}

const CELL_PAYLOAD: i64 = 12; // value + weight

class ChainItem extends Item {
  head: Cell | null = null;
  constructor(seed: u32, public length: i32) {
    super(seed);
    // Built back to front so that the head holds the first pattern value.
    const values = new StaticArray<u32>(length);
    let x = seed;
    for (let i = 0; i < length; i++) { x = patternNext(x); values[i] = x; }
    for (let i = length - 1; i >= 0; i--) this.head = new Cell(values[i], this.head);
  }
  get bytes(): i64 { return <i64>this.length * CELL_PAYLOAD; }
  get allocations(): i32 { return 2 + this.length; } // item, values, cells
  verify(): bool {
    let x = this.seed;
    let cell = this.head;
    for (let i = 0; i < this.length; i++) {
      if (cell === null) return false;
      x = patternNext(x);
      if (cell.value != x || cell.weight != <f64>x * 0.5) return false;
      cell = cell.next;
    }
    return cell === null;
  }
}

class MapItem extends Item {
  map: Map<u32, Cell> = new Map<u32, Cell>();
  constructor(seed: u32, public entries: i32) {
    super(seed);
    let x = seed;
    for (let i = 0; i < entries; i++) { x = patternNext(x); this.map.set(MapItem.key(seed, i), new Cell(x, null)); }
  }
  /** Distinct for distinct i: multiplying by an odd constant is a bijection. */
  static key(seed: u32, i: i32): u32 { return (<u32>i * 0x9e3779b1) ^ seed; }
  get bytes(): i64 { return <i64>this.entries * (4 + CELL_PAYLOAD); }
  get allocations(): i32 { return 4 + this.entries; } // item, map, its two buffers, cells
  verify(): bool {
    if (this.map.size != this.entries) return false;
    let x = this.seed;
    for (let i = 0; i < this.entries; i++) {
      x = patternNext(x);
      const k = MapItem.key(this.seed, i);
      if (!this.map.has(k)) return false;
      const c = this.map.get(k);
      if (c.value != x || c.weight != <f64>x * 0.5) return false;
    }
    return true;
  }
}

const KINDS = 5;
const KIND_NAMES: string[] = ["buffers", "arrays", "strings", "chains", "maps"];

// ---- The run ----------------------------------------------------------------

class StressRun extends Timer {
  private slots: Array<Item | null> = new Array<Item | null>(WORKING_SET);
  private liveBytes: i64 = 0;
  private sinceCollect: i64 = 0;
  private nextReport: i64 = 0;
  private startedAt: i64 = 0;
  private endsAt: i64 = 0;
  private endedAt: i64 = 0;
  /** Taken at the first turn, after a collection. */
  private baseline: MemoryStats | null = null;
  /** A collection was requested at the end of the last slice. */
  private collecting: bool = false;
  private finishing: bool = false;

  /** Items created, and the managed allocations they made (a lower bound:
   *  a Map's rehashing is not counted). */
  objects: i64 = 0;
  allocations: i64 = 0;
  perKind: StaticArray<i64> = new StaticArray<i64>(KINDS);
  bytesAllocated: i64 = 0;
  bytesVerified: i64 = 0;
  objectsVerified: i64 = 0;
  mismatches: i64 = 0;
  requested: i32 = 0;
  inconsistentWalks: i32 = 0;
  peakHeapUsed: usize = 0;
  peakPages: i32 = 0;
  slices: i32 = 0;

  constructor(private rng: Prng, public seconds: f64, public seed: u64) {
    super();
  }

  /** Each turn: the first takes the baseline, then slices of work, then
   *  the release of everything, and a last turn checks the collected heap. */
  fire(now: i64): void {
    // The heap is walked only when it has news: for the baseline, and after
    // a requested collection, which ran at the top of this turn.
    const baseline = this.baseline;
    if (baseline === null) {
      this.begin(now, memoryStats());
      this.start(0);
      return;
    }
    if (this.collecting) {
      const stats = memoryStats();
      this.observe(stats);
      this.collecting = false;
      if (this.finishing) { this.report(baseline, stats); return; }
    }
    if (now >= this.endsAt) this.finish(now);
    else this.slice(now);
    this.start(0);
  }

  private begin(now: i64, baseline: MemoryStats): void {
    this.baseline = baseline;
    this.startedAt = now;
    this.endsAt = now + <i64>(this.seconds * <f64>NS_PER_S);
    this.nextReport = now + NS_PER_S;
    const s = this.seconds;
    const shown = s == Math.floor(s) ? (<i64>s).toString() : s.toString();
    println("stress: " + shown + " s, seed " + this.seed.toString() + ", " + WORKING_SET.toString() +
      " slots; " + describeMemory(baseline));
  }

  /** Replace random slots until the slice's time is up, or until enough was
   *  made that a collection is due. */
  private slice(now: i64): void {
    this.slices++;
    const until = min(now + SLICE_NS, this.endsAt);
    do {
      this.replaceOne();
      now = monotonicNs();
    } while (now < until && this.sinceCollect < COLLECT_EVERY);
    if (this.sinceCollect >= COLLECT_EVERY) this.requestCollect();
    if (now >= this.nextReport) {
      this.nextReport += NS_PER_S;
      println("stress: " + formatMs(now - this.startedAt) + ": " + this.objects.toString() + " objects, " +
        collections().toString() + " collections (" + this.requested.toString() + " requested), " + describeMemory(memoryStats()));
    }
  }

  private replaceOne(): void {
    const slot = <i32>this.rng.below(WORKING_SET);
    const old = this.slots[slot];
    if (old !== null) this.drop(old);
    const item = this.make();
    this.slots[slot] = item;
    const b = item.bytes;
    this.liveBytes += b;
    this.bytesAllocated += b;
    this.sinceCollect += b;
    this.objects++;
    this.allocations += item.allocations;
  }

  private drop(item: Item): void {
    this.check(item);
    this.liveBytes -= item.bytes;
  }

  private check(item: Item): void {
    this.objectsVerified++;
    this.bytesVerified += item.bytes;
    if (!item.verify()) {
      this.mismatches++;
      if (this.mismatches <= 5) println("stress: MISMATCH in a " + nameOf(item) + " of " + item.bytes.toString() + " B, seed " + item.seed.toString());
    }
  }

  /** A new object of a random kind; sizes shrink when the working set is full. */
  private make(): Item {
    const rng = this.rng;
    const kind = <i32>rng.below(KINDS);
    const seed = rng.next();
    const room = LIVE_CAP - this.liveBytes;
    unchecked(this.perKind[kind]++);
    switch (kind) {
      case 0: {
        let size = rng.logUniform(MIN_BUFFER_LOG2, MAX_BUFFER_LOG2);
        if (<i64>size > room) size = 1 << MIN_BUFFER_LOG2;
        return new BufferItem(seed, size);
      }
      case 1: {
        let n = rng.logUniform(0, 12); // up to 4096 values, 16 KiB
        if (<i64>n * 4 > room) n = 1;
        return new ArrayItem(seed, n);
      }
      case 2: return new StringItem(seed, rng.logUniform(0, 11)); // up to 2048 units
      case 3: return new ChainItem(seed, 1 + <i32>rng.below(64));
      default: return new MapItem(seed, <i32>rng.below(33));
    }
  }

  /** The next turn starts with a collection; fire() sees its result. */
  private requestCollect(): void {
    this.observe(memoryStats()); // the heap at its fullest
    requestCollection();
    this.requested++;
    this.sinceCollect = 0;
    this.collecting = true;
  }

  private observe(s: MemoryStats): void {
    if (!s.consistent) this.inconsistentWalks++;
    if (s.heapUsed > this.peakHeapUsed) this.peakHeapUsed = s.heapUsed;
    if (s.pages > this.peakPages) this.peakPages = s.pages;
  }

  private finish(now: i64): void {
    this.endedAt = now;
    this.releaseAll();
    this.requestCollect();
    this.finishing = true;
  }

  /** Check what is still held, then let it all go. */
  private releaseAll(): void {
    for (let i = 0; i < WORKING_SET; i++) {
      const item = this.slots[i];
      if (item !== null) {
        this.check(item);
        this.slots[i] = null;
      }
    }
    this.liveBytes = 0;
  }

  private report(baseline: MemoryStats, end: MemoryStats): void {
    const elapsed = this.endedAt - this.startedAt;
    let kinds = "";
    for (let k = 0; k < KINDS; k++) kinds += (k > 0 ? ", " : "") + this.perKind[k].toString() + " " + KIND_NAMES[k];
    println("stress: ran " + formatMs(elapsed) + " in " + this.slices.toString() + " slices, seed " + this.seed.toString());
    println("stress: " + this.objects.toString() + " objects (" + kinds + "), " + this.allocations.toString() +
      " allocations, " + mib(this.bytesAllocated) + " of payload");
    println("stress: " + this.objectsVerified.toString() + " objects verified, " + this.bytesVerified.toString() +
      " bytes, " + this.mismatches.toString() + " mismatches");
    println("stress: " + collections().toString() + " collections (" + this.requested.toString() + " requested); peak heap used " +
      mib(<i64>this.peakHeapUsed) + ", peak linear memory " + (this.peakPages * 64).toString() + " KiB");
    println("stress: at start: " + describeMemory(baseline));
    println("stress: at end:   " + describeMemory(end));

    const heapBound = baseline.heapUsed + HEAP_SLACK;
    const pagesBound = baseline.pages + PAGES_BOUND;
    let failures = 0;
    if (this.objects == 0) { failures++; println("stress: FAIL: nothing was allocated"); }
    if (this.mismatches > 0) { failures++; println("stress: FAIL: " + this.mismatches.toString() + " objects did not hold what was written"); }
    if (this.inconsistentWalks > 0 || !end.consistent) { failures++; println("stress: FAIL: the heap walk was inconsistent " + this.inconsistentWalks.toString() + " times"); }
    if (end.heapUsed > heapBound) {
      failures++;
      println("stress: FAIL: heap used " + end.heapUsed.toString() + " B after the final collection, bound " + heapBound.toString() + " B");
    }
    if (this.peakPages > pagesBound) {
      failures++;
      println("stress: FAIL: linear memory grew to " + this.peakPages.toString() + " pages, bound " + pagesBound.toString());
    }
    if (failures > 0) {
      println("stress: FAILED (" + failures.toString() + " checks)");
      exit(1);
      return;
    }
    println("stress: OK (heap back to " + end.heapUsed.toString() + " B, bound " + heapBound.toString() +
      "; peak " + this.peakPages.toString() + " pages, bound " + pagesBound.toString() + ")");
  }
}

function nameOf(item: Item): string {
  if (item instanceof BufferItem) return "buffer";
  if (item instanceof ArrayItem) return "array";
  if (item instanceof StringItem) return "string";
  if (item instanceof ChainItem) return "chain";
  return "map";
}

function mib(bytes: i64): string {
  const tenths = bytes * 10 / (1 << 20);
  return (tenths / 10).toString() + "." + (tenths % 10).toString() + " MiB";
}

// ---- Arguments --------------------------------------------------------------

function usage(why: string): void {
  println("stress: " + why);
  println("usage: stress [SECONDS [SEED]]    SECONDS > 0 (default 2), SEED a decimal integer");
  exit(2);
}

/** Digits with at most one '.', and at least one digit. */
function isDecimal(s: string, allowPoint: bool): bool {
  let digits = 0;
  let points = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c == 0x2e && allowPoint) points++;
    else return false;
  }
  return digits > 0 && points <= 1;
}

export function main(args: string[]): void {
  let seconds: f64 = 2;
  if (args.length > 2) { usage("too many arguments"); return; }
  if (args.length >= 1) {
    const a = args[0];
    seconds = isDecimal(a, true) ? parseFloat(a) : NaN;
    if (!(seconds > 0 && seconds <= 86400)) { usage("SECONDS must be a positive number up to 86400, not '" + a + "'"); return; }
  }
  let seed: u64 = (<u64>randomU32() << 32) | randomU32();
  if (args.length == 2) {
    const s = args[1];
    if (!isDecimal(s, false) || s.length > 19) { usage("SEED must be a decimal integer, not '" + s + "'"); return; }
    seed = U64.parseInt(s);
  }
  requestCollection(); // the baseline is taken after one
  new StressRun(new Prng(seed), seconds, seed).start(0);
}
