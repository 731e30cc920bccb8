// console-burst: more console text than any console buffers at once, for the
// Xen console driver (targets/xen/console.ts). 1500 lines in main (60 KB:
// past the 2 KiB ring and the driver's 16 KiB, so it must wait for dom0),
// then 20 turns of 50 lines (2 KB each: held and drained on the driver's
// timer), then the loop ends with text possibly still held. Every line must
// reach the console, in order.
import { println, Timer } from "crust";

const FIRST = 1500;
const TURNS = 20;
const PER_TURN = 50;

function line(i: i32): string {
  let n = i.toString();
  while (n.length < 4) n = "0" + n;
  return "burst " + n + " ............................";
}

class Turn extends Timer {
  private done: i32 = 0;
  fire(now: i64): void {
    const from = FIRST + this.done * PER_TURN;
    for (let i = from; i < from + PER_TURN; i++) println(line(i));
    if (++this.done < TURNS) this.start(0);
    else println("burst: done");
  }
}

export function main(args: string[]): void {
  for (let i = 0; i < FIRST; i++) println(line(i));
  new Turn().start(0);
}
