// Clocks. Monotonic time (nanoseconds since boot) orders events and drives
// timers; wall time (nanoseconds since the Unix epoch) is for humans and
// protocols such as HTTP's Date header.
import { clock_monotonic, clock_wall } from "../boundary";

export const NS_PER_US: i64 = 1_000;
export const NS_PER_MS: i64 = 1_000_000;
export const NS_PER_S: i64 = 1_000_000_000;

export function monotonicNs(): i64 {
  return clock_monotonic();
}

export function wallNs(): i64 {
  return clock_wall();
}

/** "12.345 ms" — a duration for log lines, without floating point. */
export function formatMs(ns: i64): string {
  const us = ns / NS_PER_US;
  const frac = (us % 1000).toString();
  return (us / 1000).toString() + "." + "000".slice(frac.length) + frac + " ms";
}
