// crash: breaks the guest on purpose, so tests can check the crash reports.
//   oob          a load outside linear memory      -> wasm trap, exit 101
//   unreachable  a wasm `unreachable`              -> wasm trap, exit 101
//   stack        native stack overflow into the guard page -> CPU exception, exit 102
//   panic        a failed assertion                -> panic, exit 100
import { println, exit } from "crust";

// Many values live across the recursive call give every native frame a few
// hundred bytes, so the 512 KiB stack runs out before wasm2c's call-depth limit.
function deep(n: i32, seed: f64): f64 {
  if (n == 0) return seed;
  const x0 = Math.sin(seed + 0.0);
  const x1 = Math.sin(seed + 1.0);
  const x2 = Math.sin(seed + 2.0);
  const x3 = Math.sin(seed + 3.0);
  const x4 = Math.sin(seed + 4.0);
  const x5 = Math.sin(seed + 5.0);
  const x6 = Math.sin(seed + 6.0);
  const x7 = Math.sin(seed + 7.0);
  const x8 = Math.sin(seed + 8.0);
  const x9 = Math.sin(seed + 9.0);
  const x10 = Math.sin(seed + 10.0);
  const x11 = Math.sin(seed + 11.0);
  const x12 = Math.sin(seed + 12.0);
  const x13 = Math.sin(seed + 13.0);
  const x14 = Math.sin(seed + 14.0);
  const x15 = Math.sin(seed + 15.0);
  const x16 = Math.sin(seed + 16.0);
  const x17 = Math.sin(seed + 17.0);
  const x18 = Math.sin(seed + 18.0);
  const x19 = Math.sin(seed + 19.0);
  const x20 = Math.sin(seed + 20.0);
  const x21 = Math.sin(seed + 21.0);
  const x22 = Math.sin(seed + 22.0);
  const x23 = Math.sin(seed + 23.0);
  const x24 = Math.sin(seed + 24.0);
  const x25 = Math.sin(seed + 25.0);
  const x26 = Math.sin(seed + 26.0);
  const x27 = Math.sin(seed + 27.0);
  const x28 = Math.sin(seed + 28.0);
  const x29 = Math.sin(seed + 29.0);
  const x30 = Math.sin(seed + 30.0);
  const x31 = Math.sin(seed + 31.0);
  const x32 = Math.sin(seed + 32.0);
  const x33 = Math.sin(seed + 33.0);
  const x34 = Math.sin(seed + 34.0);
  const x35 = Math.sin(seed + 35.0);
  const x36 = Math.sin(seed + 36.0);
  const x37 = Math.sin(seed + 37.0);
  const x38 = Math.sin(seed + 38.0);
  const x39 = Math.sin(seed + 39.0);
  const x40 = Math.sin(seed + 40.0);
  const x41 = Math.sin(seed + 41.0);
  const x42 = Math.sin(seed + 42.0);
  const x43 = Math.sin(seed + 43.0);
  const x44 = Math.sin(seed + 44.0);
  const x45 = Math.sin(seed + 45.0);
  const x46 = Math.sin(seed + 46.0);
  const x47 = Math.sin(seed + 47.0);
  const r = deep(n - 1, x0 + x47);
  return r + x0 * 1.0 + x1 * 2.0 + x2 * 3.0 + x3 * 4.0 + x4 * 5.0 + x5 * 6.0 + x6 * 7.0 + x7 * 8.0 + x8 * 9.0 + x9 * 10.0 + x10 * 11.0 + x11 * 12.0 + x12 * 13.0 + x13 * 14.0 + x14 * 15.0 + x15 * 16.0 + x16 * 17.0 + x17 * 18.0 + x18 * 19.0 + x19 * 20.0 + x20 * 21.0 + x21 * 22.0 + x22 * 23.0 + x23 * 24.0 + x24 * 25.0 + x25 * 26.0 + x26 * 27.0 + x27 * 28.0 + x28 * 29.0 + x29 * 30.0 + x30 * 31.0 + x31 * 32.0 + x32 * 33.0 + x33 * 34.0 + x34 * 35.0 + x35 * 36.0 + x36 * 37.0 + x37 * 38.0 + x38 * 39.0 + x39 * 40.0 + x40 * 41.0 + x41 * 42.0 + x42 * 43.0 + x43 * 44.0 + x44 * 45.0 + x45 * 46.0 + x46 * 47.0 + x47 * 48.0;
}

export function main(args: string[]): void {
  const mode = args.length > 0 ? args[0] : "";
  println("crash: " + mode);
  if (mode == "oob") {
    println(load<u8>(0xfffffff0).toString());
  } else if (mode == "unreachable") {
    unreachable();
  } else if (mode == "stack") {
    println(deep(1990, 0.5).toString());
  } else if (mode == "panic") {
    assert(mode == "something else", "the impossible happened");
  } else {
    println("usage: crash oob|unreachable|stack|panic");
    exit(2);
  }
  println("crash: survived " + mode);
  exit(1);
}
