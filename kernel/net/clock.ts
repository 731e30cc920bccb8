// Time for the network stack: where ARP, DHCP, DNS and TCP read the clock and
// arm their timers. The kernel's monotonic clock and timer heap are the
// default; a test passes a ManualNetClock and moves time by hand, so lease
// renewals, RTOs and TIME_WAIT run instantly and deterministically.
import { monotonicNs } from "../core/clock";
import { Timer, TimerHeap, timers } from "../core/timer";

export abstract class NetClock {
  /** Monotonic nanoseconds. */
  abstract now(): i64;
  /** Arm t to fire at deadline (moving it if armed); i64.MAX_VALUE disarms. */
  schedule(t: Timer, deadline: i64): void {
    if (deadline == i64.MAX_VALUE) this.timerHeap().cancel(t);
    else if (!t.armed || t.deadline != deadline) this.timerHeap().arm(t, deadline);
  }
  /** Disarm t (nothing happens if it is not armed). */
  cancel(t: Timer): void { this.timerHeap().cancel(t); }
  /** The heap this clock's timers live in. */
  protected abstract timerHeap(): TimerHeap;
}

/** The kernel's clock and timer heap, driven by the event loop. */
export class KernelNetClock extends NetClock {
  now(): i64 { return monotonicNs(); }
  protected timerHeap(): TimerHeap { return timers; }
}

/** A clock that moves only when told: for tests. */
export class ManualNetClock extends NetClock {
  readonly heap: TimerHeap = new TimerHeap();
  private t: i64;

  constructor(start: i64 = 1_000_000_000) { super(); this.t = start; }

  now(): i64 { return this.t; }
  protected timerHeap(): TimerHeap { return this.heap; }

  /** The earliest armed deadline, i64.MAX_VALUE if none. */
  nextDeadline(): i64 { return this.heap.nextDeadline(); }

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
}
