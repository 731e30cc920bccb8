// The event loop: one core, run-to-completion handlers, like Node.js.
// Each turn fires due timers and polls the registered event sources (device
// drivers, the interrupt dispatcher); then the platform sleeps until the next
// deadline or an interrupt. The loop ends when no timer is armed and no source
// holds a reference — or when the app calls exit().
import { wait } from "../boundary";
import { exit as platformExit } from "../boundary";
import { monotonicNs } from "./clock";
import { collectIfDue } from "./gc";
import { flushConsole } from "./console";
import { timers } from "./timer";

export abstract class EventSource {
  /** Do pending work; return true if any was done (the loop turns again
   *  without sleeping). */
  abstract poll(now: i64): bool;
}

const sources: EventSource[] = [];
let refs: i32 = 0;

export function addSource(s: EventSource): void { sources.push(s); }

/** Keep the loop alive (e.g. while a socket listens); pair with unref(). */
export function ref(): void { refs++; }
export function unref(): void { if (refs > 0) refs--; }

/** End the guest now with an exit code. */
export function exit(code: i32): void {
  flushConsole();
  platformExit(code);
  unreachable();
}

/** Done when the loop has nothing left to wait for. */
export const LOOP_DONE: i64 = -1;

/** One turn. Returns the deadline to sleep until (i64.MAX_VALUE: until an
 *  interrupt), 0 to turn again at once, or LOOP_DONE. */
export function step(): i64 {
  collectIfDue(); // the only moment no handler's frame is on the stack
  let busy = false;
  const now = monotonicNs();
  if (timers.fireDue(now) > 0) busy = true;
  for (let i = 0; i < sources.length; i++) {
    if (sources[i].poll(now)) busy = true;
  }
  if (busy) return 0;
  if (timers.size == 0 && refs == 0) return LOOP_DONE;
  return timers.nextDeadline();
}

/** Run until done, sleeping in the platform's wait(). */
export function run(): void {
  while (true) {
    const deadline = step();
    if (deadline == LOOP_DONE) { flushConsole(); return; }
    if (deadline != 0) wait(deadline);
  }
}
