// Interrupt dispatch for device lines (GSIs of the I/O APIC).
//
// The machine layer masks a line when it fires and records it as pending
// (machine/x86_64/irq.c). Each loop turn the dispatcher takes the pending set
// with irq_take(), runs every handler registered for each line that fired, and
// only then unmasks the line with irq_unmask(): a level-triggered line (PCI
// INTx) has been quieted by its driver by then (e.g. by reading the virtio ISR
// register), so it does not fire again at once. Lines may be shared: every
// handler of a line runs, and each checks its own device.
import { irq_route, irq_take, irq_unmask } from "crust/boundary";
import { EventSource, addSource } from "crust/core/loop";
import * as log from "crust/core/log";

/** Something that services a device when its interrupt line fires. */
export abstract class IrqHandler {
  abstract onInterrupt(): void;
}

// Intel 82093AA I/O APIC data sheet §3.2.4: 24 redirection table entries,
// the lines machine/x86_64/irq.c routes (GSI_COUNT there).
export const IOAPIC_LINES: u32 = 24;
// irq_take() reports lines as bits of a u64.
const MAX_LINES: i32 = 64;

export enum Trigger { Edge = 0, Level = 1 }

class Line {
  handlers: IrqHandler[] = [];
  trigger: Trigger = Trigger.Edge;
  count: u64 = 0;
}

class IrqDispatcher extends EventSource {
  lines: StaticArray<Line | null> = new StaticArray<Line | null>(MAX_LINES);
  /** Lines that fired with no handler registered. */
  unclaimed: u64 = 0;

  poll(now: i64): bool {
    let pending = irq_take();
    if (pending == 0) return false;
    while (pending != 0) {
      const gsi = <i32>ctz(pending);
      pending &= pending - 1;
      const line = this.lines[gsi];
      if (line === null) { this.unclaimed++; continue; } // stays masked: nobody can quiet it
      line.count++;
      const hs = line.handlers;
      for (let i = 0; i < hs.length; i++) hs[i].onInterrupt();
      irq_unmask(<u32>gsi);
    }
    return true;
  }
}

const dispatcher = new IrqDispatcher();
let started = false;

/** Register the dispatcher with the event loop (once). */
export function startIrqDispatch(): void {
  if (started) return;
  started = true;
  addSource(dispatcher);
}

/** Route `gsi` to the CPU and run `handler` whenever it fires. Returns false
 *  (and logs why) for a line the I/O APIC does not have, or when a shared
 *  line is asked for with a different trigger mode. */
export function attachIrq(gsi: u32, trigger: Trigger, handler: IrqHandler): bool {
  if (gsi >= IOAPIC_LINES) {
    log.error("irq", "GSI " + gsi.toString() + " is beyond the I/O APIC's " + IOAPIC_LINES.toString() +
      " lines that the machine layer routes");
    return false;
  }
  startIrqDispatch();
  let line = dispatcher.lines[gsi];
  if (line === null) {
    line = new Line();
    line.trigger = trigger;
    dispatcher.lines[gsi] = line;
    line.handlers.push(handler);
    irq_route(gsi, trigger == Trigger.Level ? 1 : 0);
    return true;
  }
  if (line.trigger != trigger) {
    log.error("irq", "GSI " + gsi.toString() + " is already routed " +
      (line.trigger == Trigger.Level ? "level" : "edge") + "-triggered");
    return false;
  }
  line.handlers.push(handler);
  return true;
}

/** How often `gsi` fired (for diagnostics). */
export function irqCount(gsi: u32): u64 {
  if (gsi >= <u32>MAX_LINES) return 0;
  const line = dispatcher.lines[gsi];
  return line === null ? 0 : line.count;
}

/** Interrupts that arrived on lines nobody had attached. */
export function unclaimedIrqs(): u64 { return dispatcher.unclaimed; }
