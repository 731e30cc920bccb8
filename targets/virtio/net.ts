// virtio-net (virtio 1.2 §5.1) as a NetDevice: one receive and one transmit
// queue, no control queue, no mergeable receive buffers, no segmentation
// offload. Frames travel behind the 12-byte struct virtio_net_hdr (§5.1.6).
//
// Receive: a fixed pool of buffers, each big enough for a full frame, is
// posted at start. When the device returns one, the frame is handed to the
// sink and the buffer is posted again at once, so none is ever lost.
// Transmit: the frame is copied into one of a fixed pool of buffers, which the
// device hands back through the used ring; a frame finding the pool empty is
// dropped and counted (transmit returns false).
// Interrupt-driven: on an interrupt the ISR status is read (acknowledging
// it) and the used rings are processed, at most RX_BUDGET frames per loop
// turn; the rest waits for the next turn, so a flood cannot starve timers.
import { dma_address } from "crust/boundary";
import { EventSource, addSource } from "crust/core/loop";
import { NetDevice } from "crust/dev/net";
import { randomBytes } from "crust/core/entropy";
import * as log from "crust/core/log";
import { IrqHandler } from "../x86/irq";
import { negotiate, attachInterrupt, finishInit, failDevice } from "./device";
import { VirtioTransport } from "./transport";
import { VirtQueue } from "./virtqueue";

const TOPIC = "virtio-net";

// virtio 1.2 §5.1.3: feature bits.
export const VIRTIO_NET_F_CSUM: u64 = 1 << 0;
export const VIRTIO_NET_F_GUEST_CSUM: u64 = 1 << 1;
export const VIRTIO_NET_F_MAC: u64 = 1 << 5;
const WANTED: u64 = VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_MAC;

// virtio 1.2 §5.1.2: virtqueue numbers.
const RECEIVEQ1: u16 = 0;
const TRANSMITQ1: u16 = 1;

// virtio 1.2 §5.1.4: struct virtio_net_config starts with u8 mac[6].
const CONFIG_MAC: u32 = 0;

// virtio 1.2 §5.1.6: struct virtio_net_hdr, 12 bytes with VIRTIO_F_VERSION_1.
export const NET_HDR_SIZE: i32 = 12;
const HDR_FLAGS: usize = 0;
const HDR_GSO_TYPE: usize = 1;
const HDR_CSUM_START: usize = 6;
const HDR_CSUM_OFFSET: usize = 8;
const HDR_NUM_BUFFERS: usize = 10;
const VIRTIO_NET_HDR_F_NEEDS_CSUM: u8 = 1;
const VIRTIO_NET_HDR_F_DATA_VALID: u8 = 2;
const VIRTIO_NET_HDR_GSO_NONE: u8 = 0;

// IEEE 802.3 §3.1.1: destination, source, EtherType; the shortest frame we pass on.
const ETHERNET_HEADER: i32 = 14;

// virtio 1.2 §5.1.6.3.1: without mergeable buffers or guest TSO/UFO, receive
// buffers of 1526 bytes suffice (header and a 1514-byte frame); ours hold a
// 1526-byte frame after the header, room for an 802.1Q tag to spare.
export const MAX_FRAME: i32 = 1526;
const BUFFER_SIZE: i32 = NET_HDR_SIZE + MAX_FRAME;
const BUFFER_STRIDE: usize = (<usize>BUFFER_SIZE + 15) & ~15;

// Pool sizes (the queues are made this long, or shorter if the device's are).
// QEMU sends queued frames from a bottom half, not during the kick, so a TCP
// window's worth of segments queues up at once: a short TX queue drops them
// and TCP has to recover (64 buffers gave 1.5 MB/s from the guest).
const RX_BUFFERS: i32 = 64;
const TX_BUFFERS: i32 = 256;
// Frames handed to the sink per loop turn.
const RX_BUDGET: i32 = 64;

/** Counters of one virtio-net device. */
export class VirtioNetStats {
  rxFrames: u64 = 0;
  rxBytes: u64 = 0;
  /** Used buffers with a length the device could not have written. */
  rxErrors: u64 = 0;
  /** Frames that arrived while no sink was set. */
  rxNoSink: u64 = 0;
  /** Frames whose checksum the device left for the driver (NEEDS_CSUM). */
  rxChecksumsCompleted: u64 = 0;
  /** Frames the device marked DATA_VALID (checksum already checked). */
  rxChecksumValid: u64 = 0;
  txFrames: u64 = 0;
  txBytes: u64 = 0;
  /** Frames dropped because every transmit buffer was in flight. */
  txDroppedFull: u64 = 0;
  /** Frames refused as malformed (too long, bad checksum range). */
  txErrors: u64 = 0;
  interrupts: u64 = 0;
}

/** RFC 1071: complete an Internet checksum over bytes [start, len) of a
 *  frame, whose field at start+offset holds the pseudo-header sum, and store
 *  it there (0 is sent as 0xffff, RFC 768). False if the range is bad. */
export function completeChecksum(frame: usize, len: i32, start: i32, offset: i32): bool {
  if (start < 0 || offset < 0 || start + offset + 2 > len) return false;
  let sum: u64 = 0;
  let p = frame + <usize>start;
  const end = frame + <usize>len;
  while (p + 1 < end) {
    sum += (<u64>load<u8>(p) << 8) | <u64>load<u8>(p + 1);
    p += 2;
  }
  if (p < end) sum += <u64>load<u8>(p) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  let csum = <u16>~(<u16>sum);
  if (csum == 0) csum = 0xffff;
  const field = frame + <usize>(start + offset);
  store<u8>(field, <u8>(csum >> 8));
  store<u8>(field + 1, <u8>csum);
  return true;
}

export class VirtioNet extends NetDevice {
  features: u64 = 0;
  stats: VirtioNetStats = new VirtioNetStats();
  private rxq: VirtQueue;
  private txq: VirtQueue;
  /** Buffer pools: descriptor d of a queue always carries buffer d. */
  private rxPool: usize;
  private txPool: usize;
  private backlog: bool = false;

  private constructor(public transport: VirtioTransport, rxq: VirtQueue, txq: VirtQueue) {
    super();
    this.rxq = rxq;
    this.txq = txq;
    this.rxPool = heap.alloc(BUFFER_STRIDE * <usize>rxq.size);
    this.txPool = heap.alloc(BUFFER_STRIDE * <usize>txq.size);
  }

  /** Bring the device up (virtio 1.2 §5.1.5). Null, with the reason logged
   *  and the device marked FAILED, if it cannot be used. */
  static start(t: VirtioTransport): VirtioNet | null {
    const agreed = negotiate(t, WANTED, TOPIC);
    if (agreed < 0) return null;
    const rxq = VirtQueue.create(t, RECEIVEQ1, RX_BUFFERS);
    const txq = VirtQueue.create(t, TRANSMITQ1, TX_BUFFERS);
    if (rxq === null || txq === null) {
      failDevice(t, TOPIC, "receive or transmit queue missing or refused");
      return null;
    }
    const dev = new VirtioNet(t, rxq, txq);
    dev.features = <u64>agreed;
    dev.txChecksumOffload = (dev.features & VIRTIO_NET_F_CSUM) != 0;
    // Frames the device did not mark DATA_VALID still need checking by the
    // stack, and NetDevice has no per-frame flag for those it did.
    dev.rxChecksumValidated = false;
    dev.readMac();
    // §5.1.6.2: reclaim transmit buffers when sending; no interrupt needed.
    txq.suppressInterrupts(true);
    if (!attachInterrupt(t, new NetInterrupt(dev), TOPIC)) return null;
    // §5.1.5: fill the receive queue before DRIVER_OK.
    for (let i = 0; i < rxq.size; i++) dev.postRx();
    if (!finishInit(t, TOPIC)) return null;
    rxq.kick();
    addSource(new NetBacklog(dev));
    return dev;
  }

  private readMac(): void {
    const mac = changetype<usize>(this.mac);
    if ((this.features & VIRTIO_NET_F_MAC) != 0 && this.transport.configReadBytes(CONFIG_MAC, mac, 6)) return;
    // §5.1.5: without VIRTIO_NET_F_MAC the driver picks its own address: a
    // random, locally administered, unicast one (IEEE 802 §8.2.2).
    randomBytes(mac, 6);
    store<u8>(mac, (load<u8>(mac) & 0xfe) | 0x02);
    log.warn(TOPIC, this.transport.describe() + ": no MAC from the device, using a random one");
  }

  /** Post one receive buffer (the descriptor's own). */
  private postRx(): bool {
    const d = this.rxq.reserve(1);
    if (d < 0) return false;
    const buf = this.rxPool + <usize>d * BUFFER_STRIDE;
    this.rxq.fill(d, dma_address(buf), <u32>BUFFER_SIZE, true);
    this.rxq.publish(d);
    return true;
  }

  onInterrupt(): void {
    this.stats.interrupts++;
    this.transport.takeInterrupt(); // acknowledges; the rings tell the rest
    this.service();
  }

  /** Process used buffers: frames to the sink, transmit buffers back to the
   *  pool. Returns true if any work was done. */
  service(): bool {
    const reclaimed = this.reclaimTx();
    let n = 0;
    const rxq = this.rxq;
    while (n < RX_BUDGET) {
      const d = rxq.takeUsed();
      if (d < 0) break;
      n++;
      this.deliver(this.rxPool + <usize>d * BUFFER_STRIDE, <i32>min<u32>(rxq.usedLength, 0x7fffffff));
      rxq.release(d);
      this.postRx();
    }
    if (n > 0) rxq.kick();
    this.backlog = rxq.hasUsed();
    return n > 0 || reclaimed > 0;
  }

  /** True when frames were left for the next loop turn. */
  get hasBacklog(): bool { return this.backlog; }

  private deliver(buf: usize, used: i32): void {
    const s = this.stats;
    if (used < NET_HDR_SIZE + ETHERNET_HEADER || used > BUFFER_SIZE) { s.rxErrors++; return; }
    const frame = buf + <usize>NET_HDR_SIZE;
    const len = used - NET_HDR_SIZE;
    const flags = load<u8>(buf + HDR_FLAGS);
    if (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
      // §5.1.6.4: the sender left the checksum to us (only with GUEST_CSUM).
      const start = <i32>load<u16>(buf + HDR_CSUM_START);
      const offset = <i32>load<u16>(buf + HDR_CSUM_OFFSET);
      if (!completeChecksum(frame, len, start, offset)) { s.rxErrors++; return; }
      s.rxChecksumsCompleted++;
    } else if (flags & VIRTIO_NET_HDR_F_DATA_VALID) {
      s.rxChecksumValid++;
    }
    s.rxFrames++;
    s.rxBytes += <u64>len;
    const sink = this.sink;
    if (sink === null) { s.rxNoSink++; return; }
    sink.receive(frame, len);
  }

  /** Take finished transmit buffers back; returns how many. */
  private reclaimTx(): i32 {
    let n = 0;
    let d: i32;
    while ((d = this.txq.takeUsed()) >= 0) {
      this.txq.release(d);
      n++;
    }
    return n;
  }

  transmit(frame: usize, len: i32, csumStart: i32, csumOffset: i32): bool {
    const s = this.stats;
    if (len < ETHERNET_HEADER || len > MAX_FRAME) { s.txErrors++; return false; }
    if (csumStart >= 0 && (csumOffset < 0 || csumStart + csumOffset + 2 > len)) { s.txErrors++; return false; }
    const txq = this.txq;
    let d = txq.reserve(1);
    if (d < 0) {
      this.reclaimTx();
      d = txq.reserve(1);
      if (d < 0) { s.txDroppedFull++; return false; }
    }
    const buf = this.txPool + <usize>d * BUFFER_STRIDE;
    memory.fill(buf, 0, <usize>NET_HDR_SIZE);
    store<u8>(buf + HDR_GSO_TYPE, VIRTIO_NET_HDR_GSO_NONE);
    memory.copy(buf + <usize>NET_HDR_SIZE, frame, <usize>len);
    if (csumStart >= 0) {
      if (this.txChecksumOffload) {
        // §5.1.6.2: the device completes the checksum from csum_start.
        store<u8>(buf + HDR_FLAGS, VIRTIO_NET_HDR_F_NEEDS_CSUM);
        store<u16>(buf + HDR_CSUM_START, <u16>csumStart);
        store<u16>(buf + HDR_CSUM_OFFSET, <u16>csumOffset);
      } else {
        completeChecksum(buf + <usize>NET_HDR_SIZE, len, csumStart, csumOffset);
      }
    }
    store<u16>(buf + HDR_NUM_BUFFERS, 0);
    txq.fill(d, dma_address(buf), <u32>(NET_HDR_SIZE + len), false);
    txq.publish(d);
    txq.kick();
    s.txFrames++;
    s.txBytes += <u64>len;
    return true;
  }

  /** "52:54:00:12:34:56" */
  macString(): string {
    let s = "";
    for (let i = 0; i < 6; i++) {
      const b = this.mac[i];
      if (i > 0) s += ":";
      s += (b < 16 ? "0" : "") + b.toString(16);
    }
    return s;
  }
}

class NetInterrupt extends IrqHandler {
  constructor(public dev: VirtioNet) { super(); }
  onInterrupt(): void { this.dev.onInterrupt(); }
}

/** Continues receive processing that RX_BUDGET cut short. */
class NetBacklog extends EventSource {
  constructor(public dev: VirtioNet) { super(); }
  poll(now: i64): bool {
    if (!this.dev.hasBacklog) return false;
    return this.dev.service();
  }
}
