// When to collect garbage.
//
// Crust uses AssemblyScript's two-colour mark & sweep collector (TCMS,
// `--runtime minimal`). Its only roots are the globals, so it may run only
// when no managed reference lives on the stack: in a run-to-completion event
// loop that is the top of every turn, and that is the only place it runs
// (loop.ts calls collectIfDue() before a turn fires anything). The
// incremental collector (ITCMS) could run anywhere, but it needs a shadow
// stack that spills every managed local around every call: it doubled the
// generated code (http-hello's wasm 151 KB of code with it, 72 KB without)
// and the image (408 KB -> 241 KB).
//
// The pacing is ITCMS's idle factor: collect when the bytes in GC objects
// have doubled since the last collection left them, and not before they grew
// by MIN_GROWTH, so that a small heap is not swept every turn. Garbage is thus
// bounded by the live heap (or MIN_GROWTH) plus what one turn allocates.

/** Bytes in GC objects, kept by the collector itself (rt/tcms.ts `total`);
 *  the build aliases it with `--use GC_TOTAL=~lib/rt/tcms/total`. */
// @ts-ignore: the alias is provided by the build
const allocated = (): usize => GC_TOTAL;

/** A heap smaller than this grows by this much before the first sweep:
 *  small against the few MiB a service runs in, large against one turn's
 *  allocations (a batch of frames and their handlers). */
const MIN_GROWTH: usize = 256 << 10;

let threshold: usize = MIN_GROWTH;
let requested = false;
let count: u32 = 0;

/** Collect at the top of the next turn whatever the pacing says (an app that
 *  just dropped a large structure, or a test that measures the heap). */
export function requestCollection(): void { requested = true; }

/** Full collections so far. */
export function collections(): u32 { return count; }

/** Called by the event loop at the top of a turn, when the stack holds no
 *  managed reference; never call it from a handler. */
export function collectIfDue(): void {
  if (!requested && allocated() < threshold) return;
  __collect();
  requested = false;
  count++;
  const live = allocated();
  threshold = live + max(live, MIN_GROWTH);
}
