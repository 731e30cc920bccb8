// Byte storage of a connection, bounded by construction.
//
// SendBuffer: the bytes the app wrote that the peer has not acknowledged, a
// ring that grows by doubling up to its limit (idle connections stay small).
// Offset 0 is the oldest unacknowledged byte.
//
// ReceiveBuffer: received bytes the app has not taken yet — data beyond
// RCV.NXT that arrived out of order, and in-order data held while the app has
// paused the stream — in a ring of the receive window's size, allocated when
// first needed (data in order for an app that reads goes straight from the
// packet and never lands here). Ring index `head` holds the first byte not
// yet delivered; the right edge of the window is that byte + capacity. It
// records which ranges it holds and how recently each grew, which is what the
// SACK blocks we send report (RFC 2018 §4). The number of ranges is bounded,
// so a peer spraying one-byte islands cannot grow the list.
import { seqLt, seqLe, seqGt, seqDiff, seqMax, seqMin, insertAt } from "./seq";

const INITIAL_SEND_CAPACITY: i32 = 4096;

export class SendBuffer {
  private ring: ArrayBuffer | null = null;
  private head: i32 = 0; // ring index of offset 0
  private used: i32 = 0;

  constructor(public limit: i32) {}

  get length(): i32 { return this.used; }
  get room(): i32 { return this.limit - this.used; }

  /** Append up to len bytes; returns how many fit under the limit. */
  write(data: usize, len: i32): i32 {
    const n = min(len, this.room);
    if (n <= 0) return 0;
    this.reserve(this.used + n);
    const ring = this.ring!;
    const cap = ring.byteLength;
    const base = changetype<usize>(ring);
    let tail = this.head + this.used;
    if (tail >= cap) tail -= cap;
    const first = min(n, cap - tail);
    memory.copy(base + <usize>tail, data, <usize>first);
    if (first < n) memory.copy(base, data + <usize>first, <usize>(n - first));
    this.used += n;
    return n;
  }

  /** Copy len bytes starting at offset (from the oldest byte) to dst. */
  read(offset: i32, dst: usize, len: i32): void {
    assert(offset >= 0 && len >= 0 && offset + len <= this.used, "SendBuffer.read out of range");
    if (len == 0) return;
    const ring = this.ring!;
    const cap = ring.byteLength;
    const base = changetype<usize>(ring);
    let at = this.head + offset;
    if (at >= cap) at -= cap;
    const first = min(len, cap - at);
    memory.copy(dst, base + <usize>at, <usize>first);
    if (first < len) memory.copy(dst + <usize>first, base, <usize>(len - first));
  }

  /** Drop the n oldest bytes (they were acknowledged). */
  consume(n: i32): void {
    n = min(n, this.used);
    if (n <= 0) return;
    this.used -= n;
    if (this.used == 0) { this.head = 0; return; }
    this.head += n;
    const cap = this.ring!.byteLength;
    if (this.head >= cap) this.head -= cap;
  }

  /** Drop everything and give the memory back. */
  clear(): void {
    this.ring = null;
    this.head = 0;
    this.used = 0;
  }

  private reserve(need: i32): void {
    const old = this.ring;
    const oldCap = old === null ? 0 : old.byteLength;
    if (need <= oldCap) return;
    let cap = max(oldCap, min(INITIAL_SEND_CAPACITY, this.limit));
    while (cap < need) cap = min(cap << 1, this.limit);
    const ring = new ArrayBuffer(cap);
    if (old !== null) this.read(0, changetype<usize>(ring), this.used);
    this.ring = ring;
    this.head = 0;
  }
}

/** One contiguous run of held data [start, end). */
export class SeqRange {
  constructor(public start: u32, public end: u32, public stamp: u32 = 0) {}
}

/** The most ranges a ReceiveBuffer tracks; a segment that would need more
 *  is dropped (the sender retransmits it later). */
export const MAX_RECEIVE_RANGES: i32 = 16;

export class ReceiveBuffer {
  private ring: ArrayBuffer | null = null;
  /** Sequence number of the first byte not yet delivered (ring[head]). */
  private base: u32 = 0;
  private head: i32 = 0;
  /** Held ranges, sorted by sequence number, disjoint and not touching. */
  ranges: SeqRange[] = [];
  private clock: u32 = 0;

  constructor(public capacity: i32) {}

  /** Start empty, with seq as the first byte to deliver. */
  reset(seq: u32): void {
    this.base = seq;
    this.head = 0;
    this.ranges = [];
  }

  get isEmpty(): bool { return this.ranges.length == 0; }

  /** Bytes held. */
  get held(): i32 {
    let n = 0;
    for (let i = 0; i < this.ranges.length; i++) n += seqDiff(this.ranges[i].end, this.ranges[i].start);
    return n;
  }

  /** Store the part of [seq, seq+len) that lies within [first undelivered
   *  byte, + capacity). Returns false when it could not be kept (too many
   *  ranges). */
  insert(seq: u32, data: usize, len: i32): bool {
    const start = seqMax(seq, this.base);
    const end = seqMin(seq + <u32>len, this.base + <u32>this.capacity);
    if (!seqLt(start, end)) return true;
    const r = this.ranges;
    let i = 0;
    while (i < r.length && seqLt(r[i].end, start)) i++;
    let j = i;
    while (j < r.length && seqLe(r[j].start, end)) j++;
    if (i == j && r.length >= MAX_RECEIVE_RANGES) return false;
    if (this.ring === null) this.ring = new ArrayBuffer(this.capacity);
    this.copyIn(start, data + <usize>seqDiff(start, seq), seqDiff(end, start));
    const stamp = ++this.clock;
    if (i == j) {
      insertAt<SeqRange>(r, i, new SeqRange(start, end, stamp));
    } else {
      const merged = r[i];
      merged.start = seqMin(merged.start, start);
      merged.end = seqMax(r[j - 1].end, end);
      merged.stamp = stamp;
      if (j - i > 1) r.splice(i + 1, j - i - 1);
    }
    return true;
  }

  /** The end of the data held contiguously from seq, or seq if none is. */
  contiguousEnd(seq: u32): u32 {
    const r = this.ranges;
    for (let i = 0; i < r.length; i++) {
      if (seqLe(r[i].start, seq) && seqLt(seq, r[i].end)) return r[i].end;
      if (seqGt(r[i].start, seq)) break;
    }
    return seq;
  }

  /** Whether any held data starts beyond seq (a gap the sender must fill). */
  hasDataAbove(seq: u32): bool {
    const n = this.ranges.length;
    return n > 0 && seqGt(this.ranges[n - 1].start, seq);
  }

  /** Of the held bytes [seq, seq+len), the length of the first piece that
   *  is contiguous in the ring, and its address. */
  chunkAt(seq: u32, len: i32): i32 {
    return min(len, this.capacity - this.indexOf(seq));
  }
  addressOf(seq: u32): usize {
    return changetype<usize>(this.ring!) + <usize>this.indexOf(seq);
  }

  /** Everything before seq was delivered (or skipped): forget it. */
  consume(seq: u32): void {
    const d = seqDiff(seq, this.base);
    if (d <= 0) return;
    this.base = seq;
    this.head = <i32>((<i64>this.head + d) % this.capacity);
    const r = this.ranges;
    let k = 0;
    while (k < r.length && seqLe(r[k].end, seq)) k++;
    if (k > 0) r.splice(0, k);
    if (r.length > 0 && seqLt(r[0].start, seq)) r[0].start = seq;
  }

  /** Up to max SACK blocks for the ranges beyond `above` (RCV.NXT): the most
   *  recently changed first, then the others by recency (RFC 2018 §4).
   *  Writes start/end pairs into out. */
  sackBlocks(out: StaticArray<u32>, max: i32, above: u32): i32 {
    const r = this.ranges;
    let n = 0;
    let below: u32 = u32.MAX_VALUE;
    while (n < max) {
      let best = -1;
      for (let i = 0; i < r.length; i++) {
        if (seqGt(r[i].start, above) && r[i].stamp < below && (best < 0 || r[i].stamp > r[best].stamp)) best = i;
      }
      if (best < 0) break;
      out[2 * n] = r[best].start;
      out[2 * n + 1] = r[best].end;
      below = r[best].stamp;
      n++;
    }
    return n;
  }

  /** Ranges beyond `above`: the SACK blocks there are to send. */
  rangesAbove(above: u32): i32 {
    let n = 0;
    for (let i = 0; i < this.ranges.length; i++) if (seqGt(this.ranges[i].start, above)) n++;
    return n;
  }

  /** Drop everything and give the memory back. */
  clear(): void {
    this.ring = null;
    this.ranges = [];
  }

  private indexOf(seq: u32): i32 {
    return <i32>((<i64>this.head + <i64>seqDiff(seq, this.base)) % this.capacity);
  }

  private copyIn(seq: u32, data: usize, len: i32): void {
    const at = this.indexOf(seq);
    const first = min(len, this.capacity - at);
    const ring = changetype<usize>(this.ring!);
    memory.copy(ring + <usize>at, data, <usize>first);
    if (first < len) memory.copy(ring, data + <usize>first, <usize>(len - first));
  }
}
