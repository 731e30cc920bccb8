// virtio-rng, the entropy device (virtio 1.2 §5.4): one request queue of
// device-writable buffers that the device fills with random bytes. The bytes
// are mixed into the kernel's generator with addEntropy(): once at start
// (waited for, briefly, so the app's main already benefits) and again every
// REFRESH_NS while the loop is running. The refresh is checked on each loop
// turn rather than by a timer, so the device never keeps the loop alive.
import { dma_address, wait } from "crust/boundary";
import { EventSource, addSource } from "crust/core/loop";
import { addEntropy } from "crust/core/entropy";
import { monotonicNs, NS_PER_MS, NS_PER_S } from "crust/core/clock";
import { IrqHandler } from "../x86/irq";
import { negotiate, attachInterrupt, finishInit, failDevice } from "./device";
import { VirtioTransport } from "./transport";
import { VirtQueue } from "./virtqueue";

const TOPIC = "virtio-rng";

// virtio 1.2 §5.4.2: one virtqueue, requestq.
const REQUESTQ: u16 = 0;
// virtio 1.2 §5.4.3: no device-specific feature bits.
const WANTED: u64 = 0;

/** Bytes asked for per request. */
export const REQUEST_BYTES: i32 = 64;
const REFRESH_NS: i64 = 60 * NS_PER_S;
/** How long start() waits for the first bytes. */
const FIRST_READ_WAIT_NS: i64 = 100 * NS_PER_MS;

export class VirtioRng extends EventSource {
  private q: VirtQueue;
  private buffer: usize;
  private inFlight: bool = false;
  private nextRefresh: i64 = 0;
  /** Total random bytes received and mixed in. */
  bytesReceived: u64 = 0;
  requests: u64 = 0;
  interrupts: u64 = 0;
  /** The most recent bytes the device gave (already mixed in; for tests). */
  lastBytes: StaticArray<u8> = new StaticArray<u8>(0);

  private constructor(public transport: VirtioTransport, q: VirtQueue) {
    super();
    this.q = q;
    this.buffer = heap.alloc(<usize>REQUEST_BYTES);
  }

  /** Bring the device up (virtio 1.2 §5.4.5) and take a first helping of
   *  entropy. Null, with the reason logged, if the device cannot be used. */
  static start(t: VirtioTransport): VirtioRng | null {
    if (negotiate(t, WANTED, TOPIC) < 0) return null;
    const q = VirtQueue.create(t, REQUESTQ, 1);
    if (q === null) {
      failDevice(t, TOPIC, "request queue missing or refused");
      return null;
    }
    const rng = new VirtioRng(t, q);
    if (!attachInterrupt(t, new RngInterrupt(rng), TOPIC)) return null;
    if (!finishInit(t, TOPIC)) return null;
    rng.request();
    // Wait for the first bytes (an interrupt or the deadline ends each wait;
    // the interrupt stays pending for the dispatcher, which finds no more work).
    const deadline = monotonicNs() + FIRST_READ_WAIT_NS;
    while (rng.inFlight && !rng.q.hasUsed() && monotonicNs() < deadline) wait(deadline);
    rng.collect();
    addSource(rng);
    return rng;
  }

  /** Ask the device for REQUEST_BYTES more, unless a request is pending. */
  request(): void {
    if (this.inFlight) return;
    const d = this.q.reserve(1);
    if (d < 0) return;
    this.q.fill(d, dma_address(this.buffer), <u32>REQUEST_BYTES, true);
    this.q.publish(d);
    this.q.kick();
    this.inFlight = true;
    this.requests++;
    this.nextRefresh = monotonicNs() + REFRESH_NS;
  }

  /** Mix in whatever the device returned; returns the bytes taken. */
  collect(): i32 {
    let total = 0;
    let d: i32;
    while ((d = this.q.takeUsed()) >= 0) {
      // §5.4.6: the used length says how much was written; never trust more
      // than the buffer holds.
      const n = <i32>min<u32>(this.q.usedLength, <u32>REQUEST_BYTES);
      this.q.release(d);
      this.inFlight = false;
      if (n == 0) continue;
      addEntropy(this.buffer, <usize>n);
      const copy = new StaticArray<u8>(n);
      memory.copy(changetype<usize>(copy), this.buffer, <usize>n);
      this.lastBytes = copy;
      this.bytesReceived += <u64>n;
      total += n;
    }
    return total;
  }

  onInterrupt(): void {
    this.interrupts++;
    this.transport.takeInterrupt();
    this.collect();
  }

  /** The periodic refresh, checked each loop turn. */
  poll(now: i64): bool {
    if (!this.inFlight && now >= this.nextRefresh) this.request();
    return false;
  }
}

/** The entropy devices the platform started, in discovery order. */
export const rngDevices: VirtioRng[] = [];

class RngInterrupt extends IrqHandler {
  constructor(public rng: VirtioRng) { super(); }
  onInterrupt(): void { this.rng.onInterrupt(); }
}
