// TCP, the transport protocol (RFC 9293): demultiplexes segments to
// connections by their 4-tuple, answers SYNs on listening ports, resets
// segments for which no connection exists, and opens connections actively.
//
// Memory is bounded against floods: each listener holds at most `backlog`
// half-open (SYN-RECEIVED) connections, all listeners together at most
// TcpConfig.maxHalfOpen, and the stack at most maxConnections. A SYN beyond a
// limit is dropped silently (the client retries) and counted.
//
// Usage:
//   const tcp = new Tcp(ip);                       // registers for protocol 6
//   tcp.listen(80, new MyAcceptor(), 128);         // accept(stream) per client
//   tcp.connect(0x0a000202, 8080, new MyHandler()); // data flows when open
//
// While a listener or a connection exists, the event loop stays alive.
import { TransportProtocol, IpLayer } from "../ip";
import { StreamAcceptor, StreamHandler, CloseReason } from "../stream";
import { ref, unref } from "../../core/loop";
import { randomU32 } from "../../core/entropy";
import { TcpConfig } from "./config";
import { TcpCounters } from "./counters";
import { NetClock, KernelNetClock } from "../clock";
import { TcpContext, IPPROTO_TCP } from "./context";
import { TcpConnection, HalfOpenOwner } from "./connection";
import { TcpSegment, SEG_FIN, SEG_SYN, SEG_RST, SEG_ACK } from "./segment";
import { parseSegment, emitHeader, CHECKSUM_OFFSET, MAX_HEADER_LEN } from "./codec";
import { WireError } from "../wire/error";

export { TcpConfig } from "./config";
export { TcpCounters } from "./counters";
export { TcpConnection, TcpState, stateName } from "./connection";
export { NetClock, KernelNetClock, ManualNetClock } from "../clock";

/** A listening port. close() stops new connections; established ones stay. */
export class TcpListener extends HalfOpenOwner {
  /** Connections in SYN-RECEIVED for this port. */
  halfOpen: i32 = 0;
  /** SYNs dropped because the backlog was full. */
  dropped: u64 = 0;
  open: bool = true;

  constructor(public readonly tcp: Tcp, public readonly port: u16, public acceptor: StreamAcceptor,
              public readonly backlog: i32) { super(); }

  release(c: TcpConnection): void {
    this.halfOpen--;
    this.tcp.halfOpen--;
  }

  close(): void { this.tcp.unlisten(this); }
}

class Stack extends TcpContext {
  tcp: Tcp | null = null;
  connectionEstablished(c: TcpConnection): void { this.tcp!.accepted(c); }
  connectionClosed(c: TcpConnection): void { this.tcp!.forget(c); }
}

/** The connection table's key. One local address per stack (the IP layer
 *  has one), so remote address, remote port and local port identify it. */
// @ts-ignore: decorator
@inline function tupleKey(remoteAddr: u32, remotePort: u16, localPort: u16): u64 {
  return (<u64>remoteAddr << 32) | (<u64>remotePort << 16) | <u64>localPort;
}

export class Tcp extends TransportProtocol {
  private readonly stack: Stack;
  private readonly connections: Map<u64, TcpConnection> = new Map();
  private readonly listeners: Map<u16, TcpListener> = new Map();
  /** SYN-RECEIVED connections across all listeners. */
  halfOpen: i32 = 0;
  private readonly seg: TcpSegment = new TcpSegment();

  constructor(ip: IpLayer, config: TcpConfig = new TcpConfig(), clock: NetClock = new KernelNetClock()) {
    super();
    const stack = new Stack(ip, config, clock);
    this.stack = stack;
    stack.tcp = this;
    ip.register(IPPROTO_TCP, this);
  }

  get counters(): TcpCounters { return this.stack.counters; }
  get config(): TcpConfig { return this.stack.config; }
  get connectionCount(): i32 { return this.connections.size; }
  get listenerCount(): i32 { return this.listeners.size; }

  /** Listen on a port; null if something listens there already. backlog
   *  bounds the connections still in their handshake. */
  listen(port: u16, acceptor: StreamAcceptor, backlog: i32 = 128): TcpListener | null {
    if (port == 0 || this.listeners.has(port)) return null;
    const l = new TcpListener(this, port, acceptor, max(backlog, 1));
    this.listeners.set(port, l);
    ref();
    return l;
  }

  unlisten(l: TcpListener): void {
    if (!l.open) return;
    l.open = false;
    if (this.listeners.has(l.port) && this.listeners.get(l.port) === l) this.listeners.delete(l.port);
    unref();
  }

  /** Active open to addr:port from an ephemeral port. The handler hears
   *  onClose(Reset | Timeout) if the peer refuses or never answers; data
   *  written before the handshake completes is sent after it. Returns null
   *  when no port or connection slot is free. */
  connect(addr: u32, port: u16, handler: StreamHandler): TcpConnection | null {
    const cfg = this.stack.config;
    if (port == 0) return null;
    if (this.connections.size >= cfg.maxConnections) {
      this.stack.counters.dropConnectionLimit++;
      return null;
    }
    const local = this.ephemeralPort(addr, port);
    if (local == 0) return null;
    const c = new TcpConnection(this.stack, this.stack.ip.localAddress(), local, addr, port, true);
    c.handler = handler;
    this.add(c);
    this.stack.counters.activeOpens++;
    c.openActive();
    return c;
  }

  /** The connection for a 4-tuple, if any (for tests and diagnostics). */
  find(remoteAddr: u32, remotePort: u16, localPort: u16): TcpConnection | null {
    const k = tupleKey(remoteAddr, remotePort, localPort);
    return this.connections.has(k) ? this.connections.get(k) : null;
  }

  /** Every connection (a copy), for diagnostics. */
  allConnections(): TcpConnection[] { return this.connections.values(); }

  // ---- IP layer ----------------------------------------------------------

  input(src: u32, dst: u32, payload: usize, len: i32, checksumVerified: bool): void {
    const c = this.stack.counters;
    const seg = this.seg;
    c.segmentsIn++;
    const err = parseSegment(payload, len, seg, src, dst, !checksumVerified);
    if (err == WireError.BadChecksum) { c.dropBadChecksum++; return; }
    if (err != WireError.Ok || seg.srcPort == 0 || seg.dstPort == 0) { c.dropMalformed++; return; }
    const k = tupleKey(src, seg.srcPort, seg.dstPort);
    if (this.connections.has(k)) {
      const conn = this.connections.get(k);
      const isSyn = (seg.flags & (SEG_SYN | SEG_ACK | SEG_RST)) == SEG_SYN;
      if (!(isSyn && conn.mayReopen(seg) && this.listeners.has(seg.dstPort))) {
        conn.input(seg);
        return;
      }
      conn.destroy(CloseReason.Done); // TIME-WAIT gives way to a new incarnation
    }
    if (!this.listeners.has(seg.dstPort)) {
      c.dropNoListener++;
      this.resetFor(src, seg);
      return;
    }
    this.listenInput(this.listeners.get(seg.dstPort), src, dst, seg);
  }

  /** RFC 9293 §3.10.7.2: a segment for a listening port. */
  private listenInput(l: TcpListener, src: u32, dst: u32, seg: TcpSegment): void {
    const c = this.stack.counters;
    const cfg = this.stack.config;
    if ((seg.flags & SEG_RST) != 0) { c.dropBadSegment++; return; }
    if ((seg.flags & SEG_ACK) != 0) {
      c.dropBadSegment++;
      this.resetFor(src, seg);
      return;
    }
    if ((seg.flags & SEG_SYN) == 0 || (seg.flags & SEG_FIN) != 0 || isBroadcastOrMulticast(src)) {
      c.dropBadSegment++;
      return;
    }
    if (l.halfOpen >= l.backlog) { c.dropBacklogFull++; l.dropped++; return; }
    if (this.halfOpen >= cfg.maxHalfOpen) { c.dropHalfOpenLimit++; return; }
    if (this.connections.size >= cfg.maxConnections) { c.dropConnectionLimit++; return; }
    const conn = new TcpConnection(this.stack, dst, seg.dstPort, src, seg.srcPort, false);
    conn.halfOpenOwner = l;
    l.halfOpen++;
    this.halfOpen++;
    this.add(conn);
    c.passiveOpens++;
    conn.openPassive(seg);
  }

  /** RFC 9293 §3.10.7.1: the answer to a segment without a connection. */
  private resetFor(src: u32, seg: TcpSegment): void {
    if ((seg.flags & SEG_RST) != 0) return;
    const out = this.stack.out;
    out.reset();
    out.srcPort = seg.dstPort;
    out.dstPort = seg.srcPort;
    if ((seg.flags & SEG_ACK) != 0) {
      out.seq = seg.ack;
      out.ack = 0;
      out.flags = SEG_RST;
    } else {
      out.seq = 0;
      out.ack = seg.seq + seg.segLen;
      out.flags = SEG_RST | SEG_ACK;
    }
    out.window = 0;
    const buf = this.stack.txBuffer(0);
    const hlen = emitHeader(out, buf, MAX_HEADER_LEN);
    const c = this.stack.counters;
    c.segmentsOut++;
    c.resetsSent++;
    if (!this.stack.ip.send(src, IPPROTO_TCP, buf, hlen, CHECKSUM_OFFSET)) c.sendFailures++;
  }

  // ---- Connection table ----------------------------------------------------

  private add(c: TcpConnection): void {
    c.key = tupleKey(c.remoteAddr, c.remotePort, c.localPort);
    this.connections.set(c.key, c);
    ref();
  }

  /** Called when a connection reaches CLOSED. */
  forget(c: TcpConnection): void {
    if (this.connections.has(c.key) && this.connections.get(c.key) === c) {
      this.connections.delete(c.key);
      unref();
    }
  }

  /** A passive connection is established: give it to its listener's app. */
  accepted(c: TcpConnection): void {
    if (!this.listeners.has(c.localPort)) {
      c.abort(); // the listener closed during the handshake
      return;
    }
    this.listeners.get(c.localPort).acceptor.accept(c);
  }

  /** RFC 6335 §6 range, RFC 6056 §3.3.1-style random start. */
  private ephemeralPort(addr: u32, port: u16): u16 {
    const cfg = this.stack.config;
    const low = <u32>cfg.ephemeralLow;
    const range = <u32>cfg.ephemeralHigh - low + 1;
    const start = randomU32() % range;
    for (let i: u32 = 0; i < range; i++) {
      const p = <u16>(low + (start + i) % range);
      if (!this.listeners.has(p) && !this.connections.has(tupleKey(addr, port, p))) return p;
    }
    return 0;
  }
}

function isBroadcastOrMulticast(a: u32): bool {
  return a == 0xffffffff || (a >> 28) == 0xe || a == 0;
}

// The stream types, for users importing only this module.
export { Stream, StreamHandler, StreamAcceptor, CloseReason } from "../stream";
