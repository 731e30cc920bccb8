// Timers: a TimerHeap fires in deadline order, cancel really removes, a timer
// may re-arm itself (or others) from fire(); then the kernel's own heap, driven
// by the event loop after main returns, fires Timer.start() timers in order.
import "crust";
import { Timer, monotonicNs, NS_PER_MS, NS_PER_S } from "crust";
import { TimerHeap, timers } from "crust/core/timer";

/** What fired, in order (timer ids). */
let fired: i32[] = [];

class Recorder extends Timer {
  count: i32 = 0;
  constructor(public id: i32) { super(); }
  fire(now: i64): void {
    this.count++;
    fired.push(this.id);
  }
}

/** Re-arms itself on its heap `times` more times, each `step` after now. */
class Repeater extends Timer {
  count: i32 = 0;
  constructor(public heap: TimerHeap, public id: i32, public step: i64, public times: i32) { super(); }
  fire(now: i64): void {
    this.count++;
    fired.push(this.id);
    if (this.count <= this.times) this.heap.arm(this, now + this.step);
  }
}

/** Cancels another timer when it fires. */
class Canceller extends Timer {
  constructor(public heap: TimerHeap, public victim: Timer) { super(); }
  fire(now: i64): void {
    fired.push(-1);
    this.heap.cancel(this.victim);
  }
}

function show(a: i32[]): string {
  let s = "[";
  for (let i = 0; i < a.length; i++) s += (i > 0 ? "," : "") + a[i].toString();
  return s + "]";
}

function expectFired(want: i32[], what: string): void {
  let ok = fired.length == want.length;
  for (let i = 0; ok && i < want.length; i++) ok = fired[i] == want[i];
  assert(ok, what + ": expected " + show(want) + ", fired " + show(fired));
  fired = [];
}

function ordering(): void {
  const h = new TimerHeap();
  assert(h.size == 0 && h.nextDeadline() == i64.MAX_VALUE, "an empty heap has no deadline");
  const deadlines: i64[] = [50, 10, 40, 30, 20, 60];
  const ts: Recorder[] = [];
  for (let i = 0; i < deadlines.length; i++) {
    const t = new Recorder(<i32>deadlines[i]);
    ts.push(t);
    assert(!t.armed, "not armed before arm()");
    h.arm(t, deadlines[i]);
    assert(t.armed, "armed after arm()");
  }
  assert(h.size == 6, "six armed");
  assert(h.nextDeadline() == 10, "earliest deadline first: " + h.nextDeadline().toString());
  assert(h.fireDue(5) == 0, "nothing due before the first deadline");
  expectFired([], "before 10");
  assert(h.fireDue(30) == 3, "three due at 30 (deadlines are inclusive)");
  expectFired([10, 20, 30], "up to 30");
  assert(h.nextDeadline() == 40, "next is 40");
  assert(!ts[1].armed && ts[0].armed, "fired timers are disarmed, others not");
  assert(h.fireDue(1000) == 3, "the rest");
  expectFired([40, 50, 60], "the rest");
  assert(h.size == 0, "empty again");
}

function cancelling(): void {
  const h = new TimerHeap();
  const a = new Recorder(1), b = new Recorder(2), c = new Recorder(3), d = new Recorder(4);
  h.arm(a, 10); h.arm(b, 20); h.arm(c, 30); h.arm(d, 40);
  h.cancel(b);
  assert(!b.armed && h.size == 3, "cancel disarms and removes");
  h.cancel(b); // twice is harmless
  assert(h.size == 3, "cancelling a disarmed timer changes nothing");
  h.cancel(a); // the root
  assert(h.nextDeadline() == 30, "after cancelling the earliest, the next is 30");
  h.fireDue(100);
  expectFired([3, 4], "cancelled timers do not fire");

  // Re-arming an armed timer moves it instead of adding it twice.
  h.arm(a, 50); h.arm(b, 60);
  h.arm(a, 70);
  assert(h.size == 2, "re-arming keeps one entry: " + h.size.toString());
  h.fireDue(100);
  expectFired([2, 1], "moved deadline");
  assert(a.count == 1 && b.count == 1, "each fired once, at its last deadline");

  // A timer cancelled by another one that fires first at the same turn.
  const victim = new Recorder(9);
  h.arm(new Canceller(h, victim), 10);
  h.arm(victim, 20);
  h.fireDue(100);
  expectFired([-1], "cancelled from inside fire()");
  assert(!victim.armed && h.size == 0, "victim gone");
}

function rearming(): void {
  const h = new TimerHeap();
  // Re-armed into the future: fires once per turn that reaches its deadline.
  const r = new Repeater(h, 7, 10, 3);
  h.arm(r, 10);
  assert(h.fireDue(10) == 1, "one firing at 10");
  assert(r.armed && h.nextDeadline() == 20, "re-armed from fire() for 20");
  assert(h.fireDue(15) == 0, "not yet");
  h.fireDue(1000); // 20 is due; re-armed for 1010, not due
  assert(r.count == 2 && r.armed, "second firing, armed again: " + r.count.toString());
  h.fireDue(2000);
  h.fireDue(3000);
  assert(r.count == 4 && !r.armed, "fired 1 + 3 times, then stopped: " + r.count.toString());
  expectFired([7, 7, 7, 7], "repeater");

  // Re-armed with a deadline already due: fires again in the same turn.
  const now = new Repeater(h, 8, 0, 2);
  h.arm(now, 5);
  assert(h.fireDue(5) == 3, "three firings in one turn");
  expectFired([8, 8, 8], "immediate re-arm");
}

/** Many timers with pseudo-random deadlines and cancels: order holds. */
class Checker extends Timer {
  constructor(public order: i64[]) { super(); }
  fire(now: i64): void { this.order.push(this.deadline); }
}

function randomized(): void {
  const h = new TimerHeap();
  const order: i64[] = [];
  const all: Checker[] = [];
  let x: u32 = 12345;
  for (let i = 0; i < 500; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    const t = new Checker(order);
    all.push(t);
    h.arm(t, <i64>(x % 1000));
  }
  let cancelled = 0;
  for (let i = 0; i < all.length; i += 3) { h.cancel(all[i]); cancelled++; }
  assert(h.size == 500 - cancelled, "size after cancels");
  // Fire in several turns; order across turns must still be sorted.
  for (let now: i64 = 0; now <= 1000; now += 97) h.fireDue(now);
  h.fireDue(1000);
  assert(order.length == 500 - cancelled, "every armed timer fired once: " + order.length.toString());
  for (let i = 1; i < order.length; i++) assert(order[i - 1] <= order[i], "fired in deadline order at " + i.toString());
  for (let i = 0; i < all.length; i++) assert(!all[i].armed, "none left armed");
}

// ---- The kernel's heap and the event loop -----------------------------------

class Step extends Timer {
  constructor(public id: i32) { super(); }
  fire(now: i64): void {
    fired.push(this.id);
    if (this.id == 30) {
      // The last one: everything fired in order and not early.
      expectFired([10, 20, 30], "event loop order");
      assert(now - startedAt >= 30 * NS_PER_MS, "not before its delay");
      guard.cancel(); // nothing is left armed: the guest exits 0
    }
  }
}

/** Fails the test if the loop never gets to the last step. */
class Guard extends Timer {
  fire(now: i64): void { assert(false, "the event loop did not fire the timers: " + show(fired)); }
}

let startedAt: i64 = 0;
const guard = new Guard();

function eventLoop(): void {
  startedAt = monotonicNs();
  const before = timers.size;
  new Step(30).start(30 * NS_PER_MS);
  new Step(10).start(10 * NS_PER_MS);
  const t20 = new Step(20);
  t20.start(5 * NS_PER_MS);
  t20.start(20 * NS_PER_MS); // re-arming moves it
  const dropped = new Step(99);
  dropped.start(1 * NS_PER_MS);
  dropped.cancel();
  assert(!dropped.armed && timers.size == before + 3, "kernel heap holds three timers");
  guard.start(5 * NS_PER_S);
}

export function main(args: string[]): void {
  ordering();
  cancelling();
  rearming();
  randomized();
  eventLoop(); // finishes after main returns
}
