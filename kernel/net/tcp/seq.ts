// TCP sequence-number arithmetic (RFC 9293 §3.4): 32-bit numbers compared
// modulo 2^32. `a` is before `b` when the signed 32-bit difference b - a is
// positive, which is meaningful while the two are less than 2^31 apart —
// always true for numbers inside one connection's windows.

/** a < b in sequence space. */
// @ts-ignore: decorator
@inline export function seqLt(a: u32, b: u32): bool { return <i32>(a - b) < 0; }
/** a <= b in sequence space. */
// @ts-ignore: decorator
@inline export function seqLe(a: u32, b: u32): bool { return <i32>(a - b) <= 0; }
/** a > b in sequence space. */
// @ts-ignore: decorator
@inline export function seqGt(a: u32, b: u32): bool { return <i32>(a - b) > 0; }
/** a >= b in sequence space. */
// @ts-ignore: decorator
@inline export function seqGe(a: u32, b: u32): bool { return <i32>(a - b) >= 0; }
/** The signed distance from b to a (a - b). */
// @ts-ignore: decorator
@inline export function seqDiff(a: u32, b: u32): i32 { return <i32>(a - b); }
/** The later of a and b. */
// @ts-ignore: decorator
@inline export function seqMax(a: u32, b: u32): u32 { return seqGt(a, b) ? a : b; }
/** The earlier of a and b. */
// @ts-ignore: decorator
@inline export function seqMin(a: u32, b: u32): u32 { return seqLt(a, b) ? a : b; }
/** lo <= x < hi in sequence space (an empty range when lo == hi). */
// @ts-ignore: decorator
@inline export function seqInRange(x: u32, lo: u32, hi: u32): bool { return x - lo < hi - lo; }

/** Insert v at index i of a (AssemblyScript's splice only removes). */
export function insertAt<T>(a: T[], i: i32, v: T): void {
  a.push(v);
  for (let j = a.length - 1; j > i; j--) a[j] = a[j - 1];
  a[i] = v;
}
