// A packetdrill-style harness for the TCP stack: a fake IP layer records every
// segment the stack sends and lets a script inject segments from a remote
// peer; time is a ManualNetClock that only moves when the script says so. A
// script reads like a packet trace:
//
//   const h = new Harness();
//   h.tcp.listen(80, h.acceptor);
//   h.inject(syn(1000).mss(1460));                 // peer -> us
//   const sa = h.expect(SYN | ACK, "SYN-ACK");     // us -> peer
//   h.inject(ack(1001, sa.seq + 1));
//   h.advance(200);                                // ms, firing timers
//
// Injected segments carry a correct checksum and are delivered with
// checksumVerified=false, so every script also exercises checksum checking.
// This file is itself a test app: main() checks the harness's own pieces.
import "crust";
import { IpLayer, TransportProtocol } from "crust/net/ip";
import { Stream, StreamHandler, StreamAcceptor, CloseReason } from "crust/net/stream";
import { Tcp, TcpConfig, ManualNetClock, TcpConnection, TcpListener, TcpState } from "crust/net/tcp/tcp";
import { TcpSegment, SEG_FIN, SEG_SYN, SEG_RST, SEG_PSH, SEG_ACK } from "crust/net/tcp/segment";
import { parseSegment, emitHeader, verifyChecksum } from "crust/net/tcp/codec";

export const SYN = SEG_SYN;
export const ACK = SEG_ACK;
export const FIN = SEG_FIN;
export const RST = SEG_RST;
export const PSH = SEG_PSH;

export const LOCAL: u32 = 0x0a000001;  // 10.0.0.1, the stack under test
export const REMOTE: u32 = 0x0a000002; // 10.0.0.2, the scripted peer
export const REMOTE_PORT: u16 = 40000;
export const LOCAL_PORT: u16 = 80;
export const MS: i64 = 1_000_000;

// ---- What the stack sent ------------------------------------------------

export class Sent {
  seg: TcpSegment = new TcpSegment();
  constructor(public dst: u32, public bytes: ArrayBuffer, public checksumOffset: i32) {}
  get payload(): string { return String.UTF8.decodeUnsafe(this.seg.payload, <usize>this.seg.payloadLen); }
  get seq(): u32 { return this.seg.seq; }
  get ack(): u32 { return this.seg.ack; }
  get flags(): u8 { return this.seg.flags; }
  get len(): i32 { return this.seg.payloadLen; }
  get window(): u16 { return this.seg.window; }
}

export class FakeIp extends IpLayer {
  sent: Sent[] = [];
  handler: TransportProtocol | null = null;
  /** IP payload size: 1500-byte MTU less a 20-byte IPv4 header. */
  segmentSize: i32 = 1480;
  failSends: bool = false;

  localAddress(): u32 { return LOCAL; }
  maxSegment(): i32 { return this.segmentSize; }
  register(protocol: u8, handler: TransportProtocol): void {
    assert(protocol == 6, "TCP registers for protocol 6");
    this.handler = handler;
  }
  send(dst: u32, protocol: u8, segment: usize, len: i32, checksumOffset: i32): bool {
    assert(protocol == 6, "sent with protocol 6");
    assert(checksumOffset == 16, "checksum offset 16");
    assert(load<u16>(segment + 16) == 0, "checksum field left 0 for the IP layer");
    assert(len <= this.segmentSize, "segment fits the IP packet: " + len.toString());
    const copy = new ArrayBuffer(len);
    memory.copy(changetype<usize>(copy), segment, <usize>len);
    const s = new Sent(dst, copy, checksumOffset);
    assert(parseSegment(changetype<usize>(copy), len, s.seg) == 0, "the stack sent a well-formed segment");
    this.sent.push(s);
    return !this.failSends;
  }
}

// ---- What the peer sends --------------------------------------------------

export class Seg {
  flags: u8;
  seq: u32;
  ackNum: u32 = 0;
  window: u16 = 65535;
  srcPort: u16 = REMOTE_PORT;
  dstPort: u16 = LOCAL_PORT;
  src: u32 = REMOTE;
  text: string = "";
  optMss: u16 = 0;
  optWscale: i32 = -1;
  optSackPerm: bool = false;
  optTs: bool = false;
  tsVal: u32 = 0;
  tsEcr: u32 = 0;
  sackBlocks: u32[] = [];

  constructor(flags: u8, seq: u32) { this.flags = flags; this.seq = seq; }

  ack(a: u32): Seg { this.flags |= SEG_ACK; this.ackNum = a; return this; }
  win(w: u16): Seg { this.window = w; return this; }
  data(s: string): Seg { this.text = s; return this; }
  ports(src: u16, dst: u16): Seg { this.srcPort = src; this.dstPort = dst; return this; }
  from(addr: u32): Seg { this.src = addr; return this; }
  mss(m: u16): Seg { this.optMss = m; return this; }
  wscale(s: i32): Seg { this.optWscale = s; return this; }
  sackPerm(): Seg { this.optSackPerm = true; return this; }
  ts(val: u32, ecr: u32): Seg { this.optTs = true; this.tsVal = val; this.tsEcr = ecr; return this; }
  sack(start: u32, end: u32): Seg { this.sackBlocks.push(start); this.sackBlocks.push(end); return this; }
  with(f: u8): Seg { this.flags |= f; return this; }

  /** The segment's bytes with a correct checksum for src -> LOCAL. */
  bytes(): ArrayBuffer {
    const t = new TcpSegment();
    t.srcPort = this.srcPort;
    t.dstPort = this.dstPort;
    t.seq = this.seq;
    t.ack = this.ackNum;
    t.flags = this.flags;
    t.window = this.window;
    t.mss = this.optMss;
    t.wscale = this.optWscale;
    t.sackPermitted = this.optSackPerm;
    t.hasTimestamp = this.optTs;
    t.tsVal = this.tsVal;
    t.tsEcr = this.tsEcr;
    t.sackCount = this.sackBlocks.length / 2;
    for (let i = 0; i < this.sackBlocks.length; i++) t.sack[i] = this.sackBlocks[i];
    const body = String.UTF8.encode(this.text);
    const buf = new ArrayBuffer(60 + body.byteLength);
    const p = changetype<usize>(buf);
    const hlen = emitHeader(t, p, 60);
    memory.copy(p + <usize>hlen, changetype<usize>(body), <usize>body.byteLength);
    const len = hlen + body.byteLength;
    store<u16>(p + 16, bswap<u16>(internetChecksum(this.src, LOCAL, p, len)));
    return buf.slice(0, len);
  }
}

export function seg(flags: u8, seq: u32): Seg { return new Seg(flags, seq); }
export function syn(seq: u32): Seg { return new Seg(SEG_SYN, seq); }
export function ack(seq: u32, a: u32): Seg { return new Seg(SEG_ACK, seq).ack(a); }
export function data(seq: u32, a: u32, text: string): Seg { return new Seg(SEG_ACK | SEG_PSH, seq).ack(a).data(text); }
export function fin(seq: u32, a: u32): Seg { return new Seg(SEG_FIN | SEG_ACK, seq).ack(a); }
export function rst(seq: u32): Seg { return new Seg(SEG_RST, seq); }

/** RFC 1071 over the pseudo-header and segment, written independently of
 *  the stack's own verifier so the two check each other. */
export function internetChecksum(src: u32, dst: u32, p: usize, len: i32): u16 {
  let sum: u32 = 0;
  const words: u32[] = [src >> 16, src & 0xffff, dst >> 16, dst & 0xffff, 6, <u32>len];
  for (let i = 0; i < words.length; i++) sum += words[i];
  for (let i = 0; i < len; i++) {
    const b = <u32>load<u8>(p + <usize>i);
    sum += (i & 1) == 0 ? b << 8 : b;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return <u16>~sum;
}

// ---- The app side -----------------------------------------------------------

export class Recorder extends StreamHandler {
  received: string = "";
  dataCalls: i32 = 0;
  ended: bool = false;
  closed: bool = false;
  reason: CloseReason = CloseReason.Done;
  drains: i32 = 0;
  /** If set, written back on every onData (an echo server). */
  echo: bool = false;

  onData(stream: Stream, d: usize, len: i32): void {
    this.received += String.UTF8.decodeUnsafe(d, <usize>len);
    this.dataCalls++;
    if (this.echo) stream.write(d, len);
  }
  onEnd(stream: Stream): void { this.ended = true; }
  onDrain(stream: Stream): void { this.drains++; }
  onClose(stream: Stream, reason: CloseReason): void {
    assert(!this.closed, "onClose only once");
    this.closed = true;
    this.reason = reason;
  }
}

export class Acceptor extends StreamAcceptor {
  streams: Stream[] = [];
  recorders: Recorder[] = [];
  accept(stream: Stream): void {
    const r = new Recorder();
    stream.handler = r;
    this.streams.push(stream);
    this.recorders.push(r);
  }
  get last(): TcpConnection { return changetype<TcpConnection>(this.streams[this.streams.length - 1]); }
  get lastRecorder(): Recorder { return this.recorders[this.recorders.length - 1]; }
}

// ---- The harness --------------------------------------------------------

/** Defaults for scripts: TIME_WAIT of 2 * 500 ms. */
export function testConfig(): TcpConfig {
  const c = new TcpConfig();
  c.msl = 500 * MS;
  return c;
}

export function describe(s: TcpSegment): string {
  let f = "";
  if (s.flags & SEG_SYN) f += "S";
  if (s.flags & SEG_FIN) f += "F";
  if (s.flags & SEG_RST) f += "R";
  if (s.flags & SEG_PSH) f += "P";
  if (s.flags & SEG_ACK) f += ".";
  return f + " seq=" + s.seq.toString() + " ack=" + s.ack.toString() + " win=" + s.window.toString() +
    " len=" + s.payloadLen.toString() + (s.sackCount > 0 ? " sack=" + s.sackCount.toString() : "");
}

export class Harness {
  clock: ManualNetClock;
  ip: FakeIp;
  tcp: Tcp;
  acceptor: Acceptor = new Acceptor();
  listener: TcpListener | null = null;

  constructor(config: TcpConfig = testConfig()) {
    const clock = new ManualNetClock();
    const ip = new FakeIp();
    this.clock = clock;
    this.ip = ip;
    this.tcp = new Tcp(ip, config, clock);
    assert(this.ip.handler === this.tcp, "Tcp registered itself with the IP layer");
  }

  /** Deliver a segment from the peer (checksum to be verified by the stack). */
  inject(s: Seg): void {
    const b = s.bytes();
    this.tcp.input(s.src, LOCAL, changetype<usize>(b), b.byteLength, false);
  }

  /** Deliver raw bytes. */
  injectRaw(b: ArrayBuffer, verified: bool): void {
    this.tcp.input(REMOTE, LOCAL, changetype<usize>(b), b.byteLength, verified);
  }

  /** Segments sent and not yet examined. */
  get pending(): i32 { return this.ip.sent.length; }

  /** The next segment the stack sent; it must have exactly these flags
   *  (PSH aside). */
  expect(flags: u8, what: string): Sent {
    assert(this.ip.sent.length > 0, what + ": expected a segment, none was sent");
    const s = this.ip.sent.shift();
    assert(s.dst == REMOTE, what + ": sent to the peer");
    assert((s.flags & ~SEG_PSH) == flags, what + ": flags of " + describe(s.seg));
    return s;
  }

  /** Like expect, and checks seq, ack and data length too. */
  expectSeg(flags: u8, seq: u32, a: u32, len: i32, what: string): Sent {
    const s = this.expect(flags, what);
    assert(s.seq == seq, what + ": seq " + describe(s.seg) + ", expected seq " + seq.toString());
    if (flags & SEG_ACK) assert(s.ack == a, what + ": ack " + describe(s.seg) + ", expected ack " + a.toString());
    assert(s.len == len, what + ": len " + describe(s.seg) + ", expected len " + len.toString());
    return s;
  }

  expectNone(what: string): void {
    if (this.ip.sent.length > 0) assert(false, what + ": unexpected " + describe(this.ip.sent[0].seg));
  }

  /** Throw away what was sent so far. */
  drain(): void { this.ip.sent = []; }

  /** Let ms milliseconds pass, firing due timers. */
  advance(ms: i64): void { this.clock.advance(ms * MS); }

  /** Listen on LOCAL_PORT with h.acceptor. */
  listen(backlog: i32 = 128): TcpListener {
    const l = this.tcp.listen(LOCAL_PORT, this.acceptor, backlog);
    assert(l !== null, "listen");
    this.listener = l;
    return l!;
  }

  /** Abort what is left, stop listening, and check that nothing leaked. */
  finish(what: string): void {
    const all = this.tcp.allConnections();
    for (let i = 0; i < all.length; i++) all[i].abort();
    this.drain();
    const l = this.listener;
    if (l !== null) l.close();
    this.checkClean(what);
  }

  /** Everything closed, nothing left to keep the loop alive. */
  checkClean(what: string): void {
    assert(this.tcp.connectionCount == 0, what + ": connections left: " + this.tcp.connectionCount.toString());
    assert(this.tcp.listenerCount == 0, what + ": listeners left");
    assert(this.tcp.halfOpen == 0, what + ": half-open count back to 0");
    assert(this.clock.nextDeadline() == i64.MAX_VALUE, what + ": timers left armed");
  }

  // ---- Common openings ----

  /** Listen on LOCAL_PORT and complete a handshake from the peer (ISN
   *  peerIss, the given SYN options). Returns the stack's ISN. */
  passiveOpen(peerIss: u32, synSeg: Seg = syn(0).mss(1460)): u32 {
    if (this.tcp.listenerCount == 0) this.listen();
    synSeg.seq = peerIss;
    this.inject(synSeg);
    const sa = this.expect(SEG_SYN | SEG_ACK, "SYN-ACK");
    assert(sa.ack == peerIss + 1, "SYN-ACK acknowledges the SYN");
    const n = this.acceptor.streams.length;
    const a = ack(peerIss + 1, sa.seq + 1).ports(synSeg.srcPort, synSeg.dstPort);
    if (synSeg.optTs) a.ts(synSeg.tsVal + 1, sa.seg.tsVal);
    this.inject(a);
    assert(this.acceptor.streams.length == n + 1, "accepted after the handshake");
    this.expectNone("nothing after the handshake's ACK");
    return sa.seq;
  }

  /** A passive open from peer ISN 1000, then the app closes first and the
   *  peer's FIN follows: the connection is in TIME-WAIT. Returns it. */
  timeWaitAfterActiveClose(): TcpConnection {
    const iss = this.passiveOpen(1000);
    const c = this.acceptor.last;
    c.end();
    this.expect(SEG_ACK | SEG_FIN, "FIN");
    this.inject(fin(1001, iss + 2));
    this.expect(SEG_ACK, "ACK");
    assert(c.state == TcpState.TimeWait, "TIME-WAIT");
    return c;
  }

  /** connect() to the peer and complete the handshake with its ISN peerIss. */
  activeOpen(peerIss: u32, handler: Recorder, synAck: Seg = seg(SEG_SYN, 0).mss(1460)): TcpConnection {
    const c = this.tcp.connect(REMOTE, REMOTE_PORT, handler);
    assert(c !== null, "connect");
    const s = this.expect(SEG_SYN, "SYN");
    synAck.seq = peerIss;
    synAck.ack(s.seq + 1);
    synAck.srcPort = REMOTE_PORT;
    synAck.dstPort = c!.localPort;
    this.inject(synAck);
    this.expectSeg(SEG_ACK, s.seq + 1, peerIss + 1, 0, "ACK of SYN-ACK");
    return c!;
  }
}

// ---- The harness checks itself --------------------------------------------

export function main(args: string[]): void {
  // Injected bytes carry a checksum the stack's verifier accepts.
  const b = data(1, 2, "hello").bytes();
  assert(verifyChecksum(REMOTE, LOCAL, changetype<usize>(b), b.byteLength), "harness checksum verifies");
  const odd = data(1, 2, "odd").bytes();
  assert(verifyChecksum(REMOTE, LOCAL, changetype<usize>(odd), odd.byteLength), "odd-length checksum verifies");
  store<u8>(changetype<usize>(odd) + 22, load<u8>(changetype<usize>(odd) + 22) ^ 1);
  assert(!verifyChecksum(REMOTE, LOCAL, changetype<usize>(odd), odd.byteLength), "a flipped bit fails");
  // A segment survives emit -> parse with its options.
  const t = new TcpSegment();
  const s = syn(7).mss(1400).wscale(7).sackPerm().ts(11, 0).bytes();
  assert(parseSegment(changetype<usize>(s), s.byteLength, t) == 0, "parse our own SYN");
  assert(t.seq == 7 && t.mss == 1400 && t.wscale == 7 && t.sackPermitted && t.hasTimestamp && t.tsVal == 11, "options round-trip");
  const k = ack(1, 2).sack(100, 200).sack(300, 400).ts(5, 6).bytes();
  assert(parseSegment(changetype<usize>(k), k.byteLength, t) == 0, "parse SACK");
  assert(t.sackCount == 2 && t.sack[0] == 100 && t.sack[3] == 400 && t.tsEcr == 6, "SACK blocks round-trip");
  // A listener keeps its port; closing it leaves the harness clean.
  const h = new Harness();
  assert(h.clock.nextDeadline() == i64.MAX_VALUE, "no timers at start");
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor);
  assert(l !== null, "listen");
  assert(h.tcp.listen(LOCAL_PORT, h.acceptor) === null, "a port listens once");
  l!.close();
  h.checkClean("harness");
}
