// Timers: objects with a fire() method, ordered by deadline in a binary heap.
// AssemblyScript has no closures, so a timer is a small class the caller
// extends; it can be re-armed from inside fire(). O(log n) arm and cancel.
import { monotonicNs } from "./clock";

export abstract class Timer {
  /** Monotonic deadline in ns; meaningful while armed. */
  deadline: i64 = 0;
  /** Position in the heap, -1 when not armed. */
  heapIndex: i32 = -1;

  abstract fire(now: i64): void;

  get armed(): bool { return this.heapIndex >= 0; }

  /** Fire once, delayNs from now (re-arming moves the deadline). */
  start(delayNs: i64): void {
    timers.arm(this, monotonicNs() + delayNs);
  }

  cancel(): void {
    timers.cancel(this);
  }
}

export class TimerHeap {
  private heap: Timer[] = [];

  get size(): i32 { return this.heap.length; }

  /** The earliest deadline, or i64.MAX_VALUE when no timer is armed. */
  nextDeadline(): i64 {
    return this.heap.length > 0 ? this.heap[0].deadline : i64.MAX_VALUE;
  }

  arm(t: Timer, deadline: i64): void {
    if (t.armed) this.cancel(t);
    t.deadline = deadline;
    t.heapIndex = this.heap.length;
    this.heap.push(t);
    this.up(t.heapIndex);
  }

  cancel(t: Timer): void {
    const i = t.heapIndex;
    if (i < 0) return;
    const last = this.heap.pop();
    t.heapIndex = -1;
    if (i < this.heap.length) {
      this.heap[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(i);
    }
  }

  /** Fire every timer whose deadline is at or before now; returns how many. */
  fireDue(now: i64): i32 {
    let fired = 0;
    while (this.heap.length > 0 && this.heap[0].deadline <= now) {
      const t = this.heap[0];
      this.cancel(t);
      t.fire(now);
      fired++;
    }
    return fired;
  }

  private up(i: i32): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].deadline <= h[i].deadline) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: i32): void {
    const h = this.heap;
    const n = h.length;
    while (true) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && h[l].deadline < h[m].deadline) m = l;
      if (r < n && h[r].deadline < h[m].deadline) m = r;
      if (m == i) break;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: i32, b: i32): void {
    const h = this.heap;
    const t = h[a];
    h[a] = h[b];
    h[b] = t;
    h[a].heapIndex = a;
    h[b].heapIndex = b;
  }
}

/** The kernel's one timer heap, driven by the event loop. */
export const timers = new TimerHeap();
