// Garbage collection paced by the event loop (crust/core/gc.ts): garbage made
// turn after turn is collected without being asked for, linear memory stays
// bounded by the live heap plus the pacing's headroom, and what a global
// holds survives every collection intact.
import "crust";
import { Timer, collections, memoryStats, describeMemory } from "crust";

const TURNS = 400;
/** Garbage per turn: 400 turns make 25 MiB of it. */
const PER_TURN = 64 << 10;
/** Held for the whole run: a live heap the pacing has to double. */
const LIVE = 1 << 20;

let live = new Uint32Array(LIVE >> 2);
let pagesAtStart: i32 = 0;

class Churn extends Timer {
  turns: i32 = 0;
  fire(now: i64): void {
    // Garbage in pieces of different sizes, dropped at once.
    for (let size = 64; size <= PER_TURN >> 1; size <<= 1) {
      const parts = (PER_TURN >> 1) / size;
      for (let i = 0; i < parts; i++) new ArrayBuffer(size);
    }
    if (++this.turns < TURNS) { this.start(0); return; }
    check();
  }
}

function check(): void {
  const s = memoryStats();
  for (let i = 0; i < live.length; i++) assert(live[i] == <u32>i * 2654435761, "live data intact at " + i.toString());
  assert(collections() >= 5, "the loop collected by itself: " + collections().toString() + " collections");
  // Live 1 MiB + headroom 1 MiB + one turn's 64 KiB, plus fragmentation:
  // far below the 25 MiB made.
  const grown = (s.pages - pagesAtStart) * 64;
  assert(grown <= 4096, "linear memory grew by " + grown.toString() + " KiB: " + describeMemory(s));
}

export function main(args: string[]): void {
  for (let i = 0; i < live.length; i++) live[i] = <u32>i * 2654435761;
  pagesAtStart = memory.size();
  new Churn().start(0);
}
