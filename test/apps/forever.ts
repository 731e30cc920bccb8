// forever: prints a line, then ticks every second until stopped from outside.
import { println, Timer, NS_PER_S } from "crust";

class Tick extends Timer {
  fire(now: i64): void {
    this.start(NS_PER_S);
  }
}

export function main(args: string[]): void {
  println("running");
  new Tick().start(NS_PER_S);
}
