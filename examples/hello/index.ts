// hello: greet, sleep 100 ms on a timer, report how long the sleep took.
import { println, Timer, monotonicNs, formatMs, NS_PER_MS } from "crust";

class Wake extends Timer {
  constructor(public startedAt: i64) { super(); }
  fire(now: i64): void {
    println("woke after " + formatMs(now - this.startedAt));
  }
}

export function main(args: string[]): void {
  println("Hello from Crust!");
  const wake = new Wake(monotonicNs());
  wake.start(100 * NS_PER_MS);
}
