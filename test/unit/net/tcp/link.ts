// Two TCP stacks talking over a simulated link: packets take `delay` to
// cross, a deterministic pattern drops or delays some of them (reordering),
// and the IP layer fills in the checksum as a real one would. With a
// ManualNetClock the link runs as fast as the CPU allows and every run is the
// same. This file is itself a test: a 1 MB transfer with loss and
// reordering, with SACK and without, must arrive intact and close cleanly.
import { log as klog, Timer } from "crust";
import { IpLayer, TransportProtocol } from "crust/net/ip";
import { Stream, StreamHandler, StreamAcceptor, CloseReason } from "crust/net/stream";
import { Tcp, TcpConfig, ManualNetClock, TcpConnection } from "crust/net/tcp/tcp";
import { TcpPacket } from "crust/net/wire/tcp";

const MS: i64 = 1_000_000;

class Packet {
  constructor(public to: LinkEnd, public src: u32, public bytes: ArrayBuffer, public at: i64) {}
}

export class LinkEnd extends IpLayer {
  handler: TransportProtocol | null = null;
  peer: LinkEnd | null = null;
  link: Link | null = null;
  sent: i32 = 0;
  constructor(public addr: u32) { super(); }
  localAddress(): u32 { return this.addr; }
  maxSegment(): i32 { return 1480; }
  register(protocol: u8, handler: TransportProtocol): void { this.handler = handler; }
  send(dst: u32, protocol: u8, segment: usize, len: i32, checksumOffset: i32): bool {
    assert(len <= this.maxSegment(), "segment fits the IP packet");
    const copy = new ArrayBuffer(len);
    memory.copy(changetype<usize>(copy), segment, <usize>len);
    const view = new TcpPacket(changetype<usize>(copy), len);
    view.fillChecksum(this.addr, dst); // what the IPv4 layer does
    this.sent++;
    this.link!.carry(this.peer!, this.addr, copy);
    return true;
  }
}

export class Link {
  a: LinkEnd;
  b: LinkEnd;
  queue: Packet[] = [];
  /** Drop packet n when (n * 7919) % 1000 < lossPerMille. */
  lossPerMille: i32 = 0;
  /** Delay packet n by an extra 3 ms when (n * 104729) % 1000 < reorderPerMille. */
  reorderPerMille: i32 = 0;
  delay: i64 = 5 * MS;
  count: i32 = 0;
  dropped: i32 = 0;

  constructor(public clock: ManualNetClock, addrA: u32, addrB: u32) {
    const a = new LinkEnd(addrA);
    const b = new LinkEnd(addrB);
    this.a = a;
    this.b = b;
    a.link = this;
    b.link = this;
    a.peer = b;
    b.peer = a;
  }

  carry(to: LinkEnd, src: u32, bytes: ArrayBuffer): void {
    const n = this.count++;
    if ((n * 7919) % 1000 < this.lossPerMille) { this.dropped++; return; }
    let at = this.clock.now() + this.delay;
    if ((n * 104729) % 1000 < this.reorderPerMille) at += 3 * MS;
    const p = new Packet(to, src, bytes, at);
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].at > at) i--;
    this.queue.push(p);
    for (let j = this.queue.length - 1; j > i; j--) this.queue[j] = this.queue[j - 1];
    this.queue[i] = p;
  }

  /** Deliver packets and fire timers in time order until nothing is left
   *  or limitMs of simulated time passed. Returns the simulated ms used. */
  run(limitMs: i64): i64 {
    const start = this.clock.now();
    const end = start + limitMs * MS;
    while (true) {
      const nextPacket = this.queue.length > 0 ? this.queue[0].at : i64.MAX_VALUE;
      const next = min(nextPacket, this.clock.nextDeadline());
      if (next == i64.MAX_VALUE || next > end) break;
      if (next > this.clock.now()) this.clock.advance(next - this.clock.now());
      while (this.queue.length > 0 && this.queue[0].at <= this.clock.now()) {
        const p = this.queue.shift();
        const b = p.bytes;
        p.to.handler!.input(p.src, p.to.addr, changetype<usize>(b), b.byteLength, false);
      }
    }
    return (this.clock.now() - start) / MS;
  }
}

// ---- The transfer tests ------------------------------------------------------

function patternByte(i: i32): u8 { return <u8>((i * 31 + 7) ^ (i >> 8)); }

/** Sends `total` pattern bytes, then FIN; checks the pattern it receives. */
class Peer extends StreamHandler {
  sent: i32 = 0;
  received: i32 = 0;
  bad: i32 = 0;
  ended: bool = false;
  closed: bool = false;
  reason: CloseReason = CloseReason.Done;
  private chunk: ArrayBuffer = new ArrayBuffer(4096);
  slow: Resume | null = null;
  sincePause: i32 = 0;
  pauses: i32 = 0;
  constructor(public total: i32) { super(); }

  pump(s: Stream): void {
    while (this.sent < this.total) {
      const n = min(4096, this.total - this.sent);
      const p = changetype<usize>(this.chunk);
      for (let i = 0; i < n; i++) store<u8>(p + <usize>i, patternByte(this.sent + i));
      const took = s.write(p, n);
      this.sent += took;
      if (took < n) return; // onDrain will call again
    }
    s.end();
  }
  onData(s: Stream, d: usize, len: i32): void {
    for (let i = 0; i < len; i++) {
      if (load<u8>(d + <usize>i) != patternByte(this.received + i)) this.bad++;
    }
    this.received += len;
    const slow = this.slow;
    if (slow !== null) {
      this.sincePause += len;
      if (this.sincePause >= 100_000) {
        // A slow reader: stop for 50 ms after every 100 KB.
        this.sincePause = 0;
        const c = changetype<TcpConnection>(s);
        c.pause();
        this.pauses++;
        slow.conn = c;
        slow.clock.schedule(slow, slow.clock.now() + 50 * MS);
      }
    }
  }
  onEnd(s: Stream): void { this.ended = true; }
  onDrain(s: Stream): void { this.pump(s); }
  onClose(s: Stream, reason: CloseReason): void { this.closed = true; this.reason = reason; }
}

class Resume extends Timer {
  conn: TcpConnection | null = null;
  constructor(public clock: ManualNetClock) { super(); }
  fire(now: i64): void { this.conn!.resume(); }
}

class PeerAcceptor extends StreamAcceptor {
  peer: Peer;
  constructor(total: i32) { super(); this.peer = new Peer(total); }
  accept(s: Stream): void {
    s.handler = this.peer;
    this.peer.pump(s);
  }
}

function transfer(clientBytes: i32, serverBytes: i32, sack: bool, lossPerMille: i32, reorderPerMille: i32,
                  slowReader: bool = false): void {
  const what = clientBytes.toString() + "/" + serverBytes.toString() + " bytes, " + (sack ? "SACK" : "NewReno") +
    ", loss " + lossPerMille.toString() + "/1000" + (slowReader ? ", slow reader" : "") + ": ";
  const clock = new ManualNetClock();
  const link = new Link(clock, 0x0a000001, 0x0a000002);
  link.lossPerMille = lossPerMille;
  link.reorderPerMille = reorderPerMille;
  const cfg = new TcpConfig();
  cfg.sack = sack;
  cfg.msl = 100 * MS;
  const server = new Tcp(link.a, cfg, clock);
  const client = new Tcp(link.b, cfg, clock);
  const acceptor = new PeerAcceptor(serverBytes);
  if (slowReader) acceptor.peer.slow = new Resume(clock);
  const l = server.listen(80, acceptor)!;
  const cp = new Peer(clientBytes);
  const c = client.connect(0x0a000001, 80, cp)!;
  cp.pump(c);
  const ms = link.run(600_000);
  const sp = acceptor.peer;
  assert(sp.received == clientBytes && cp.received == serverBytes,
    what + "received " + sp.received.toString() + " and " + cp.received.toString());
  assert(sp.bad == 0 && cp.bad == 0, what + "corrupted bytes");
  assert(sp.ended && cp.ended, what + "both FINs arrived");
  assert(cp.closed && cp.reason == CloseReason.Done && sp.closed && sp.reason == CloseReason.Done, what + "closed cleanly");
  assert(client.connectionCount == 0 && server.connectionCount == 0, what + "TIME-WAIT over, nothing left");
  if (lossPerMille > 0) assert(client.counters.retransmits + server.counters.retransmits > 0, what + "losses were repaired");
  if (slowReader) assert(sp.pauses >= 10, what + "the reader paused");
  const k = client.counters, q = server.counters;
  log(what + ms.toString() + " ms simulated, " + link.count.toString() + " packets, " + link.dropped.toString() +
    " dropped, " + (k.retransmits + q.retransmits).toString() + " retransmits (" +
    (k.fastRetransmits + q.fastRetransmits).toString() + " fast recoveries, " +
    (k.timeouts + q.timeouts).toString() + " timeouts)");
  l.close();
}

function log(s: string): void { klog.info("tcp-link", s); }

export function main(args: string[]): void {
  const MB = 1 << 20;
  transfer(MB, 0, true, 0, 0);          // the server half-closes at once
  transfer(MB, 0, true, 20, 50);
  transfer(MB, 0, true, 20, 0);
  transfer(MB, 0, false, 20, 50);
  transfer(MB, 0, true, 50, 100);
  transfer(256 << 10, 256 << 10, true, 30, 50);  // both ways: data carries SACK blocks
  transfer(256 << 10, 256 << 10, false, 30, 50);
  transfer(MB, 0, true, 0, 0, true);   // flow control: zero windows, probes
  transfer(MB, 0, true, 20, 50, true);
}
