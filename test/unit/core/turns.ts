// Test steps that run one per event-loop turn, with a garbage collection
// requested between them. The collector runs only at the top of a turn
// (crust/core/gc.ts) and its roots are the globals: a test that wants to see
// what a collection freed ends its step, and whatever must survive is held by
// a global. As a test of its own, main() checks that the steps run in order,
// on separate turns, each after a collection of its own.
import "crust";
import { Timer, collections, requestCollection } from "crust";

export type Step = () => void;

class Steps extends Timer {
  private next: i32 = 0;
  constructor(private steps: Step[]) { super(); }

  fire(now: i64): void {
    const step = this.steps[this.next++];
    step();
    if (this.next < this.steps.length) {
      requestCollection();
      this.start(0);
    }
  }
}

/** Run the steps, one per turn, starting at the next turn (after a collection). */
export function runSteps(steps: Step[]): void {
  requestCollection();
  new Steps(steps).start(0);
}

// ---- Self-test ----------------------------------------------------------------

const seen: u32[] = [];
function record(): void { seen.push(collections()); }
function checkSeen(): void {
  record();
  assert(seen.length == 3, "three steps ran: " + seen.length.toString());
  for (let i = 1; i < seen.length; i++) {
    assert(seen[i] == seen[i - 1] + 1, "one collection between steps: " + seen.join(","));
  }
  assert(seen[0] >= 1, "a collection before the first step");
}

export function main(args: string[]): void {
  runSteps([record, record, checkSeen]);
}
