// netfront: the Xen PV network device's frontend (xen/include/public/io/
// netif.h, ring.h; the handshake of docs/misc/xenstore-paths.pandoc and
// Linux's xen-netfront). Two shared rings in pages of linear memory granted
// to the backend (netback in dom0), one event channel, and packet buffers:
//  - rx: every request offers one granted page; netback copies a frame into
//    it ("request-rx-copy") and answers with its offset and length; the page
//    is offered again at once.
//  - tx: a frame is copied into a page granted read-only, and the page is
//    free again when netback answers.
// Checksums: "feature-no-csum-offload" makes netback complete them, so every
// frame the stack sees is whole. Frames larger than a page are not offered
// (no scatter-gather), which an MTU of 1500 never needs.
// Guarantees: a malformed response (bad id, status) is counted and dropped.
import { clock_monotonic, evtchn_alloc, evtchn_notify, evtchn_take, grant_access, wait } from "crust/boundary";
import { monotonicNs, NS_PER_MS, NS_PER_S } from "crust/core/clock";
import { NetDevice, netDevices } from "crust/dev/net";
import { EventSource, addSource } from "crust/core/loop";
import * as log from "crust/core/log";
import { xenstore } from "./xenstore";

const PAGE: usize = 4096;
// ring.h: the shared ring's header (req_prod, req_event, rsp_prod, rsp_event,
// 48 bytes of padding), then the entries; 256 fit a page for both rings.
const RING_HEADER: usize = 64;
const RING_SIZE: u32 = 256;
const REQ_PROD: usize = 0;
const REQ_EVENT: usize = 4;
const RSP_PROD: usize = 8;
const RSP_EVENT: usize = 12;
// netif.h: netif_tx_request {gref u32, offset u16, flags u16, id u16, size u16}
// and netif_tx_response {id u16, status i16} share 12-byte slots; netif_rx_request
// {id u16, pad, gref u32} and netif_rx_response {id u16, offset u16, flags u16,
// status i16} share 8-byte slots.
const TX_SLOT: usize = 12;
const RX_SLOT: usize = 8;
// xenbus.h: enum xenbus_state.
const XENBUS_CONNECTED = "4";
// Buffers in each direction (at most RING_SIZE), and the grant references
// they use: the rings take 8 and 9, rx buffers from 10, tx buffers after.
const BUFFERS: u32 = 64;
const FIRST_REF: u32 = 8;
/** How long netback may take to connect: a time, not a number of xenstore
 *  round trips, which under a loaded nested rig ranged from 3 to 13 ms each
 *  and once ran out. */
const CONNECT_TIMEOUT_NS: i64 = 30 * NS_PER_S;
const CONNECT_POLL_NS: i64 = 10 * NS_PER_MS;

/** Order the ring stores (loads) before it against those after it, as seen
 * by netback. x86 keeps stores in order and loads in order (SDM vol. 3
 * §9.2.2), so only the compiler must be stopped: a call out of the module is
 * one (as targets/virtio/virtqueue.ts's dmaBarrier). */
function ringBarrier(): void { barrierSink = clock_monotonic(); }
let barrierSink: i64 = 0;

function pageAligned(pages: u32): usize {
  const raw = heap.alloc(<usize>(pages + 1) * PAGE);
  return (raw + PAGE - 1) & ~(PAGE - 1);
}

class Netfront extends NetDevice {
  txRing: usize = pageAligned(1);
  rxRing: usize = pageAligned(1);
  txBuffers: usize = pageAligned(BUFFERS);
  rxBuffers: usize = pageAligned(BUFFERS);
  txFree: u32[] = [];
  txReqProd: u32 = 0;
  txRspCons: u32 = 0;
  rxReqProd: u32 = 0;
  rxRspCons: u32 = 0;
  port: u32 = 0;
  txDropped: u64 = 0;
  rxErrors: u64 = 0;

  constructor(public backendId: u32) {
    super();
    memory.fill(this.txRing, 0, PAGE);
    memory.fill(this.rxRing, 0, PAGE);
    // ring.h SHARED_RING_INIT: both event thresholds at 1.
    store<u32>(this.txRing, 1, REQ_EVENT); store<u32>(this.txRing, 1, RSP_EVENT);
    store<u32>(this.rxRing, 1, REQ_EVENT); store<u32>(this.rxRing, 1, RSP_EVENT);
    for (let i: u32 = 0; i < BUFFERS; i++) this.txFree.push(i);
  }

  /** Grant everything to the backend; false if a grant or the port failed. */
  share(): bool {
    let ok = grant_access(FIRST_REF, this.backendId, this.txRing, 0) & grant_access(FIRST_REF + 1, this.backendId, this.rxRing, 0);
    for (let i: u32 = 0; i < BUFFERS; i++) {
      ok &= grant_access(this.rxRef(i), this.backendId, this.rxBuffers + i * PAGE, 0);
      ok &= grant_access(this.txRef(i), this.backendId, this.txBuffers + i * PAGE, 1);
    }
    this.port = evtchn_alloc(this.backendId);
    return ok != 0 && this.port != u32.MAX_VALUE;
  }

  rxRef(i: u32): u32 { return FIRST_REF + 2 + i; }
  txRef(i: u32): u32 { return FIRST_REF + 2 + BUFFERS + i; }

  /** Offer every rx buffer to the backend. */
  fillRx(): void {
    for (let i: u32 = 0; i < BUFFERS; i++) this.offerRx(i);
    this.pushRx();
  }

  private offerRx(id: u32): void {
    const slot = this.rxRing + RING_HEADER + <usize>(this.rxReqProd % RING_SIZE) * RX_SLOT;
    store<u16>(slot, <u16>id);
    store<u32>(slot, this.rxRef(id), 4);
    this.rxReqProd++;
  }

  private pushRx(): void {
    ringBarrier();
    store<u32>(this.rxRing, this.rxReqProd, REQ_PROD);
    evtchn_notify(this.port);
  }

  transmit(frame: usize, len: i32, csumStart: i32, csumOffset: i32): bool {
    this.collectTx();
    if (this.txFree.length == 0 || len <= 0 || <usize>len > PAGE) { this.txDropped++; return false; }
    const id = this.txFree.pop();
    memory.copy(this.txBuffers + <usize>id * PAGE, frame, len);
    const slot = this.txRing + RING_HEADER + <usize>(this.txReqProd % RING_SIZE) * TX_SLOT;
    store<u32>(slot, this.txRef(id));
    store<u16>(slot, 0, 4); // offset
    store<u16>(slot, 0, 6); // flags: one whole frame
    store<u16>(slot, <u16>id, 8);
    store<u16>(slot, <u16>len, 10);
    this.txReqProd++;
    ringBarrier();
    store<u32>(this.txRing, this.txReqProd, REQ_PROD);
    evtchn_notify(this.port);
    return true;
  }

  /** Take tx responses: their buffers are free again. */
  collectTx(): bool {
    let work = false;
    while (true) {
      const prod = load<u32>(this.txRing, RSP_PROD);
      if (this.txRspCons == prod) {
        store<u32>(this.txRing, this.txRspCons + 1, RSP_EVENT); // notify me of the next one
        ringBarrier();
        if (load<u32>(this.txRing, RSP_PROD) == prod) return work;
        continue;
      }
      ringBarrier(); // the index before the entry it covers
      const slot = this.txRing + RING_HEADER + <usize>(this.txRspCons % RING_SIZE) * TX_SLOT;
      const id = <u32>load<u16>(slot);
      if (id < BUFFERS) this.txFree.push(id); else this.rxErrors++;
      this.txRspCons++;
      work = true;
    }
  }

  /** Deliver received frames and offer their buffers again. */
  collectRx(): bool {
    let taken: u32 = 0;
    while (true) {
      const prod = load<u32>(this.rxRing, RSP_PROD);
      if (this.rxRspCons == prod) {
        store<u32>(this.rxRing, this.rxRspCons + 1, RSP_EVENT);
        ringBarrier();
        if (load<u32>(this.rxRing, RSP_PROD) == prod) break;
        continue;
      }
      ringBarrier(); // the index before the entry it covers
      const slot = this.rxRing + RING_HEADER + <usize>(this.rxRspCons % RING_SIZE) * RX_SLOT;
      const id = <u32>load<u16>(slot);
      const offset = <usize>load<u16>(slot, 2);
      const status = <i32>load<i16>(slot, 6); // the length, or a negative NETIF_RSP_*
      this.rxRspCons++;
      taken++;
      if (id >= BUFFERS) { this.rxErrors++; continue; }
      const sink = this.sink;
      if (status > 0 && offset + <usize>status <= PAGE && sink !== null) sink.receive(this.rxBuffers + <usize>id * PAGE + offset, status);
      else if (status <= 0) this.rxErrors++;
      this.offerRx(id);
    }
    if (taken > 0) this.pushRx();
    return taken > 0;
  }
}

class NetfrontPoller extends EventSource {
  constructor(public dev: Netfront) { super(); }
  poll(now: i64): bool {
    evtchn_take(); // clears the port, so the next event wakes wait() again
    const rx = this.dev.collectRx();
    return this.dev.collectTx() || rx;
  }
}

function parseMac(text: string, out: StaticArray<u8>): bool {
  const parts = text.split(":");
  if (parts.length != 6) return false;
  for (let i = 0; i < 6; i++) {
    if (parts[i].length != 2) return false;
    out[i] = <u8>I32.parseInt(parts[i], 16);
  }
  return true;
}

/** The first vif of the domain (device/vif/0), if the toolstack gave it one:
 *  connect to its backend and add it to netDevices. Blocks until connected
 *  (or it gives up) so that the app's main finds the device. */
export function startNetfront(): void {
  const dir = "device/vif/0";
  const backendId = xenstore.readNow(dir + "/backend-id");
  if (backendId === null) return; // no vif
  const backend = xenstore.readNow(dir + "/backend");
  const mac = xenstore.readNow(dir + "/mac");
  const dev = new Netfront(<u32>I32.parseInt(backendId));
  if (backend === null || mac === null || !parseMac(mac, dev.mac)) { log.error("xen", "vif 0: incomplete xenstore entries"); return; }
  if (!dev.share()) { log.error("xen", "vif 0: no grant or event channel for the rings"); return; }
  const ok = xenstore.writeNow(dir + "/tx-ring-ref", FIRST_REF.toString()) &&
    xenstore.writeNow(dir + "/rx-ring-ref", (FIRST_REF + 1).toString()) &&
    xenstore.writeNow(dir + "/event-channel", dev.port.toString()) &&
    xenstore.writeNow(dir + "/request-rx-copy", "1") &&
    xenstore.writeNow(dir + "/feature-rx-notify", "1") &&
    xenstore.writeNow(dir + "/feature-no-csum-offload", "1") &&
    xenstore.writeNow(dir + "/state", XENBUS_CONNECTED);
  if (!ok) { log.error("xen", "vif 0: cannot write the frontend's xenstore entries"); return; }
  let state: string | null = null;
  const giveUp = monotonicNs() + CONNECT_TIMEOUT_NS;
  while (true) {
    state = xenstore.readNow(backend! + "/state");
    const now = monotonicNs();
    if (state == XENBUS_CONNECTED || now >= giveUp) break;
    wait(now + CONNECT_POLL_NS);
  }
  if (state != XENBUS_CONNECTED) { log.error("xen", "vif 0: the backend did not connect (state " + (state === null ? "?" : state!) + ")"); return; }
  dev.fillRx();
  netDevices.push(dev);
  addSource(new NetfrontPoller(dev));
  log.info("xen", "vif 0: netfront connected to domain " + backendId + ", MAC " + mac);
}
