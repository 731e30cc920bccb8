// The PV console (xen/include/public/io/console.h) as the kernel's console
// driver. Text goes into the ring page that xenconsoled in dom0 reads; the
// machine layer moves the bytes (xencons_put, which never waits) and this
// driver decides what happens when the ring is full: the text is kept, in
// order, and retried on a timer, so the guest goes on working while dom0 is
// slow to read (the machine layer's own writer stops the guest until it has
// read). What is kept is bounded: text that would take the driver past
// MAX_PENDING bytes goes through that blocking writer instead — slow, but
// nothing printed is lost.
//
// The machine layer keeps that blocking writer for what runs outside the
// kernel — boot messages before the kernel starts, and crash reports, when
// the kernel may be what broke. flush() hands it whatever is pending before
// exit() or a panic, so nothing printed is lost or reordered; only a CPU
// exception or a wasm trap while text is pending loses that text.
import { console_write, xencons_put } from "crust/boundary";
import { ConsoleDriver, setConsoleDriver } from "crust/core/console";
import { NS_PER_MS } from "crust/core/clock";
import { Timer } from "crust/core/timer";

/** Text held while the ring is full: 8 rings' worth (the out ring is 2 KiB). */
const MAX_PENDING: i32 = 16 << 10;
/** How soon to retry a full ring: xenconsoled drains it within a few ms. */
const RETRY_NS: i64 = 2 * NS_PER_MS;

class Retry extends Timer {
  constructor(private console: XenConsole) { super(); }
  fire(now: i64): void { this.console.drain(); }
}

export class XenConsole extends ConsoleDriver {
  private pending: ArrayBuffer = new ArrayBuffer(MAX_PENDING);
  private held: i32 = 0;
  private retry: Retry | null = null;

  write(ptr: usize, len: i32): void {
    let sent = 0;
    if (this.held == 0) sent = <i32>xencons_put(ptr, len); // the usual case: straight into the ring
    const rest = len - sent;
    if (rest == 0) return;
    if (rest > MAX_PENDING - this.held) {
      this.flush();
      console_write(ptr + <usize>sent, rest);
      return;
    }
    memory.copy(changetype<usize>(this.pending) + <usize>this.held, ptr + <usize>sent, <usize>rest);
    this.held += rest;
    this.drain();
  }

  /** Move what the ring has room for; retry later if something is left. */
  drain(): void {
    if (this.held == 0) return;
    const base = changetype<usize>(this.pending);
    const sent = <i32>xencons_put(base, this.held);
    this.held -= sent;
    if (sent > 0 && this.held > 0) memory.copy(base, base + <usize>sent, <usize>this.held);
    if (this.held == 0) return;
    let retry = this.retry;
    if (retry === null) this.retry = retry = new Retry(this);
    if (!retry.armed) retry.start(RETRY_NS);
  }

  flush(): void {
    if (this.held == 0) return;
    console_write(changetype<usize>(this.pending), this.held);
    this.held = 0;
    const retry = this.retry;
    if (retry !== null) retry.cancel();
  }
}

export function startConsole(): void {
  setConsoleDriver(new XenConsole());
}
