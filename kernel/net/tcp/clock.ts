// Time for TCP: where the stack reads the clock and arms its timers. The
// kernel's monotonic clock and timer heap are the default; a test passes its
// own clock with a private TimerHeap and advances time by hand, so scripts
// about RTOs and TIME_WAIT run instantly and deterministically.
import { monotonicNs } from "../../core/clock";
import { Timer, TimerHeap, timers } from "../../core/timer";

export abstract class TcpClock {
  /** Monotonic nanoseconds. */
  abstract now(): i64;
  /** Arm t to fire at deadline (moving it if armed); i64.MAX_VALUE cancels. */
  abstract schedule(t: Timer, deadline: i64): void;
}

/** The kernel's clock and timer heap, driven by the event loop. */
export class KernelClock extends TcpClock {
  now(): i64 { return monotonicNs(); }
  schedule(t: Timer, deadline: i64): void {
    if (deadline == i64.MAX_VALUE) timers.cancel(t);
    else if (!t.armed || t.deadline != deadline) timers.arm(t, deadline);
  }
}

/** A clock that moves only when told: for tests. */
export class ManualClock extends TcpClock {
  readonly heap: TimerHeap = new TimerHeap();
  private t: i64;

  constructor(start: i64 = 1_000_000_000) { super(); this.t = start; }

  now(): i64 { return this.t; }

  schedule(t: Timer, deadline: i64): void {
    if (deadline == i64.MAX_VALUE) this.heap.cancel(t);
    else if (!t.armed || t.deadline != deadline) this.heap.arm(t, deadline);
  }

  /** Move time forward by ns, firing every timer that comes due on the way
   *  at its own deadline, in order. */
  advance(ns: i64): void {
    const end = this.t + ns;
    while (this.heap.nextDeadline() <= end) {
      const d = this.heap.nextDeadline();
      if (d > this.t) this.t = d;
      this.heap.fireDue(this.t);
    }
    this.t = end;
  }

  /** The earliest armed deadline, i64.MAX_VALUE if none. */
  nextDeadline(): i64 { return this.heap.nextDeadline(); }
}
