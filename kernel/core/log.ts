// Leveled logging for the kernel and apps: `[   12.345 ms] info net: ...`.
// The level comes from the kernel option `log=error|warn|info|debug`
// (default info). Messages below the level cost one comparison.
import { monotonicNs, formatMs } from "./clock";
import { println } from "./console";

export enum Level { Error = 0, Warn = 1, Info = 2, Debug = 3 }

const NAMES: string[] = ["error", "warn", "info", "debug"];
let current: Level = Level.Info;

export function setLevel(level: Level): void { current = level; }
export function level(): Level { return current; }

/** Parse a level name; returns -1 for an unknown name. */
export function parseLevel(name: string): i32 {
  return NAMES.indexOf(name);
}

export function enabled(level: Level): bool { return level <= current; }

export function log(level: Level, topic: string, message: string): void {
  if (level > current) return;
  const t = formatMs(monotonicNs());
  println("[" + " ".repeat(max(0, 12 - t.length)) + t + "] " + NAMES[level] + " " + topic + ": " + message);
}

export function error(topic: string, message: string): void { log(Level.Error, topic, message); }
export function warn(topic: string, message: string): void { log(Level.Warn, topic, message); }
export function info(topic: string, message: string): void { log(Level.Info, topic, message); }
export function debug(topic: string, message: string): void { log(Level.Debug, topic, message); }

/** AssemblyScript's trace(), wired in by the build with `--use trace=...`. */
export function trace(message: string, n: i32 = 0, a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0): void {
  let line = message;
  const values: f64[] = [a0, a1, a2, a3, a4];
  for (let i = 0; i < n && i < 5; i++) line += (i == 0 ? " " : ", ") + values[i].toString();
  log(Level.Debug, "trace", line);
}
