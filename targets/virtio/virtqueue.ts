// Split virtqueues (virtio 1.2 §2.7): a descriptor table, the available ring
// the driver writes and the used ring the device writes, in one block of
// linear memory that is never moved or freed (heap.alloc, outside the GC).
// The device is given its physical address through dma_address().
//
// Guarantees: what the device writes (used ring ids and lengths) is checked
// before use; a bad entry is counted in `badUsed` and skipped, never trusted.
// The free list and chain bookkeeping live in driver-only arrays, never read
// back from memory the device can see. Buffers are described by the caller:
//
//   const head = q.reserve(1);             // -1: queue full
//   q.fill(head, dma_address(buf), len, true);
//   q.publish(head);  q.kick();
//   ... on interrupt:
//   let id: i32;
//   while ((id = q.takeUsed()) >= 0) { use(q.usedLength); q.release(id); }
import { dma_address } from "crust/boundary";
import { VirtioTransport } from "./transport";

// virtio 1.2 §2.7.5: struct virtq_desc { le64 addr; le32 len; le16 flags; le16 next; }.
const DESC_SIZE: usize = 16;
const DESC_ADDR: usize = 0;
const DESC_LEN: usize = 8;
const DESC_FLAGS: usize = 12;
const DESC_NEXT: usize = 14;
export const VIRTQ_DESC_F_NEXT: u16 = 1;
export const VIRTQ_DESC_F_WRITE: u16 = 2;

// virtio 1.2 §2.7.6: struct virtq_avail { le16 flags; le16 idx; le16 ring[]; le16 used_event; }.
const AVAIL_FLAGS: usize = 0;
const AVAIL_IDX: usize = 2;
const AVAIL_RING: usize = 4;
export const VIRTQ_AVAIL_F_NO_INTERRUPT: u16 = 1;

// virtio 1.2 §2.7.8: struct virtq_used { le16 flags; le16 idx; struct { le32 id; le32 len; } ring[]; le16 avail_event; }.
const USED_FLAGS: usize = 0;
const USED_IDX: usize = 2;
const USED_RING: usize = 4;
const USED_ELEM_SIZE: usize = 8;
export const VIRTQ_USED_F_NO_NOTIFY: u16 = 1;

// virtio 1.2 §2.7, table "Virtqueue Part Alignment": descriptor table 16,
// available ring 2, used ring 4. heap.alloc aligns to 16.
const DESC_ALIGN: usize = 16;
const USED_ALIGN: usize = 4;
// virtio 1.2 §2.7: "Queue Size ... maximum 32768"; split queues use powers of 2.
const MAX_QUEUE_SIZE: i32 = 32768;

const NONE: u16 = 0xffff;

/** Make the stores before it visible to the device before the stores after
 *  it, and the loads after it happen after the loads before it. x86 keeps
 *  stores in order and loads in order (SDM vol. 3 §9.2.2), so only the
 *  compiler must be stopped: a call out of the module is one, because the
 *  platform could read or write all of linear memory. */
export function dmaBarrier(): void {
  barrierSink = dma_address(0);
}
let barrierSink: u64 = 0;

function alignUp(v: usize, a: usize): usize { return (v + a - 1) & ~(a - 1); }

/** The largest power of two that is at most n (n >= 1). */
function floorPowerOfTwo(n: i32): i32 { return 1 << (31 - clz(n)); }

export class VirtQueue {
  readonly size: i32;
  private desc: usize;
  private avail: usize;
  private used: usize;
  /** Driver-side copies: the next free descriptor, and each chain's length. */
  private nextFree: StaticArray<u16>;
  private chainLength: StaticArray<u16>;
  private freeHead: u16 = 0;
  private freeCount: i32;
  private availIdx: u16 = 0;
  private lastUsedIdx: u16 = 0;

  /** Bytes the device wrote into the buffer last returned by takeUsed(). */
  usedLength: u32 = 0;
  /** Used ring entries that named a descriptor not in flight (device bug). */
  badUsed: u64 = 0;

  /** Memory for a queue of `size` entries (a power of two). Use create(). */
  private constructor(public transport: VirtioTransport, public index: u16, size: i32) {
    this.size = size;
    const descBytes = DESC_SIZE * <usize>size;
    const availBytes = AVAIL_RING + 2 * <usize>size + 2;
    const usedOffset = alignUp(descBytes + availBytes, USED_ALIGN);
    const usedBytes = USED_RING + USED_ELEM_SIZE * <usize>size + 2;
    const total = usedOffset + usedBytes;
    const block = heap.alloc(total);
    assert((block & (DESC_ALIGN - 1)) == 0, "heap.alloc must align to 16 for virtqueues");
    memory.fill(block, 0, total);
    this.desc = block;
    this.avail = block + descBytes;
    this.used = block + usedOffset;
    this.nextFree = new StaticArray<u16>(size);
    this.chainLength = new StaticArray<u16>(size);
    for (let i = 0; i < size; i++) this.nextFree[i] = i + 1 < size ? <u16>(i + 1) : NONE;
    this.freeCount = size;
  }

  /** Set up queue `index` with at most `wanted` entries and hand it to the
   *  device (virtio 1.2 §3.1.1 step 7). Null when the device has no such
   *  queue or refuses it. */
  static create(t: VirtioTransport, index: u16, wanted: i32): VirtQueue | null {
    const max = <i32>t.queueMaxSize(index);
    if (max == 0) return null;
    let size = min(min(max, wanted), MAX_QUEUE_SIZE);
    if (size < 1) return null;
    size = floorPowerOfTwo(size);
    const q = new VirtQueue(t, index, size);
    if (!t.enableQueue(index, <u16>size, dma_address(q.desc), dma_address(q.avail), dma_address(q.used))) {
      return null;
    }
    return q;
  }

  /** Free descriptors. */
  get available(): i32 { return this.freeCount; }

  /** Ask the device not to interrupt when it uses buffers of this queue
   *  (virtio 1.2 §2.7.7; a hint the device may ignore). */
  suppressInterrupts(on: bool): void {
    store<u16>(this.avail + AVAIL_FLAGS, on ? VIRTQ_AVAIL_F_NO_INTERRUPT : 0);
  }

  /** Take `count` free descriptors linked into a chain; returns its head,
   *  or -1 when not enough are free. Fill each with fill(). */
  reserve(count: i32): i32 {
    if (count < 1 || count > this.freeCount) return -1;
    const head = this.freeHead;
    let d = head;
    for (let i = 0; i < count; i++) {
      const next = this.nextFree[d];
      const last = i == count - 1;
      const entry = this.desc + <usize>d * DESC_SIZE;
      store<u16>(entry + DESC_FLAGS, last ? 0 : VIRTQ_DESC_F_NEXT);
      store<u16>(entry + DESC_NEXT, last ? 0 : next);
      if (last) this.freeHead = next;
      d = next;
    }
    this.freeCount -= count;
    this.chainLength[head] = <u16>count;
    return head;
  }

  /** Describe one buffer of a reserved chain (device-writable when
   *  `deviceWrites`); returns the next descriptor of the chain, or -1. */
  fill(d: i32, address: u64, length: u32, deviceWrites: bool): i32 {
    const entry = this.desc + <usize>d * DESC_SIZE;
    const flags = load<u16>(entry + DESC_FLAGS);
    store<u64>(entry + DESC_ADDR, address);
    store<u32>(entry + DESC_LEN, length);
    store<u16>(entry + DESC_FLAGS, (flags & VIRTQ_DESC_F_NEXT) | (deviceWrites ? VIRTQ_DESC_F_WRITE : 0));
    return (flags & VIRTQ_DESC_F_NEXT) != 0 ? <i32>load<u16>(entry + DESC_NEXT) : -1;
  }

  /** Offer a filled chain to the device (virtio 1.2 §2.7.13.2). It is seen
   *  after the next kick(). */
  publish(head: i32): void {
    const slot = <usize>(this.availIdx & <u16>(this.size - 1));
    store<u16>(this.avail + AVAIL_RING + 2 * slot, <u16>head);
    dmaBarrier(); // §2.7.13.2: the ring entry before the index
    this.availIdx++;
    store<u16>(this.avail + AVAIL_IDX, this.availIdx);
  }

  /** Notify the device of published buffers unless it asked not to be
   *  (virtio 1.2 §2.7.10, VIRTQ_USED_F_NO_NOTIFY). */
  kick(): void {
    dmaBarrier(); // §2.7.13.4: the index before reading the flags
    if ((load<u16>(this.used + USED_FLAGS) & VIRTQ_USED_F_NO_NOTIFY) == 0) {
      this.transport.notify(this.index);
    }
  }

  /** The head of the next chain the device has finished with (its written
   *  length in usedLength), or -1 when none. Pass it to release(). */
  takeUsed(): i32 {
    while (true) {
      const deviceIdx = load<u16>(this.used + USED_IDX);
      if (deviceIdx == this.lastUsedIdx) return -1;
      dmaBarrier(); // §2.7.14: read the index before the entry it covers
      const elem = this.used + USED_RING + USED_ELEM_SIZE * <usize>(this.lastUsedIdx & <u16>(this.size - 1));
      const id = load<u32>(elem);
      const len = load<u32>(elem + 4);
      this.lastUsedIdx++;
      if (id >= <u32>this.size || this.chainLength[id] == 0) {
        this.badUsed++;
        continue;
      }
      this.usedLength = len;
      return <i32>id;
    }
  }

  /** True when the device has used buffers not yet taken. */
  hasUsed(): bool {
    return load<u16>(this.used + USED_IDX) != this.lastUsedIdx;
  }

  /** Return a chain (as given by reserve() or takeUsed()) to the free list. */
  release(head: i32): void {
    const count = <i32>this.chainLength[head];
    if (count == 0) return; // not in flight
    this.chainLength[head] = 0;
    // A chain was cut from the front of the free list, so nextFree still
    // links its descriptors in order: splice it back in front as a whole.
    let last = <u16>head;
    for (let i = 1; i < count; i++) last = this.nextFree[last];
    this.nextFree[last] = this.freeHead;
    this.freeHead = <u16>head;
    this.freeCount += count;
  }
}
