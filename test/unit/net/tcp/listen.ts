// Listeners and the segments nobody wants: RST for closed ports (RFC 9293
// §3.10.7.1), the backlog of half-open connections per listener and across
// listeners, the connection limit, a SYN flood that must not grow memory,
// bad checksums and malformed headers, closing a listener.
import { Harness, Acceptor, Recorder, testConfig, syn, ack, data, seg, rst, fin, SYN, ACK, RST, FIN, LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT } from "./harness";
import { TcpState } from "crust/net/tcp/tcp";
import { memoryStats } from "crust";
import { runSteps } from "../../core/turns";

function closedPort(): void {
  const h = new Harness();
  // A SYN: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
  h.inject(syn(5000).ports(40000, 81));
  const r = h.expectSeg(RST | ACK, 0, 5001, 0, "RST for a SYN to a closed port");
  assert(r.seg.srcPort == 81 && r.seg.dstPort == 40000, "ports swapped");
  // Data with ACK: <SEQ=SEG.ACK><CTL=RST>.
  h.inject(data(5000, 777, "hello").ports(40000, 81));
  h.expectSeg(RST, 777, 0, 0, "RST with SEQ = SEG.ACK");
  // A FIN without ACK counts its sequence number.
  h.inject(seg(FIN, 10).data("ab").ports(40000, 81));
  h.expectSeg(RST | ACK, 0, 13, 0, "ACK = SEQ + data + FIN");
  // Never an RST for an RST.
  h.inject(rst(5000).ports(40000, 81));
  h.expectNone("no RST for an RST");
  assert(h.tcp.counters.dropNoListener == 4 && h.tcp.counters.resetsSent == 3, "counted");
  h.finish("closed port");
}

function badInput(): void {
  const h = new Harness();
  h.listen();
  // Bad checksum: dropped silently, counted.
  const b = syn(1).bytes();
  store<u8>(changetype<usize>(b) + 4, load<u8>(changetype<usize>(b) + 4) ^ 0x80);
  h.injectRaw(b, false);
  h.expectNone("bad checksum: dropped");
  assert(h.tcp.counters.dropBadChecksum == 1, "counted as bad checksum");
  // The same bytes pass if the NIC says it verified the checksum.
  h.injectRaw(b, true);
  h.expect(SYN | ACK, "NIC-verified segment is taken as is");
  // Truncated: shorter than a header, or a data offset beyond the end.
  h.injectRaw(new ArrayBuffer(10), true);
  const t = syn(2).ports(40001, LOCAL_PORT).bytes();
  store<u8>(changetype<usize>(t) + 12, 0xf0); // 60-byte header in 24 bytes
  h.injectRaw(t, true);
  assert(h.tcp.counters.dropMalformed == 2, "malformed counted: " + h.tcp.counters.dropMalformed.toString());
  // Port 0 is not a port.
  h.inject(syn(3).ports(0, LOCAL_PORT));
  assert(h.tcp.counters.dropMalformed == 3, "source port 0");
  // To a listener: an ACK draws an RST, a bare RST or FIN nothing.
  h.inject(ack(1, 99).ports(40002, LOCAL_PORT));
  h.expectSeg(RST, 99, 0, 0, "ACK to a listener: RST");
  h.inject(rst(1).ports(40002, LOCAL_PORT));
  h.inject(seg(FIN, 1).ports(40002, LOCAL_PORT));
  h.inject(seg(SYN | FIN, 1).ports(40002, LOCAL_PORT));
  h.inject(syn(1).ports(40003, LOCAL_PORT).from(0xe0000001));
  h.expectNone("nothing for RST, FIN, SYN+FIN, multicast source");
  assert(h.tcp.connectionCount == 1, "no connection from junk");
  h.finish("bad input");
}

function backlog(): void {
  const h = new Harness();
  const l = h.listen(2);
  h.inject(syn(100).ports(50001, LOCAL_PORT));
  h.inject(syn(200).ports(50002, LOCAL_PORT));
  h.inject(syn(300).ports(50003, LOCAL_PORT));
  assert(h.pending == 2, "two SYN-ACKs for a backlog of 2");
  assert(l.halfOpen == 2 && h.tcp.halfOpen == 2, "two half-open");
  assert(h.tcp.counters.dropBacklogFull == 1 && l.dropped == 1, "third SYN dropped and counted");
  const sa1 = h.expect(SYN | ACK, "SYN-ACK 1");
  h.drain();
  // One completes: a slot frees up.
  h.inject(ack(101, sa1.seq + 1).ports(50001, LOCAL_PORT));
  assert(h.acceptor.streams.length == 1 && l.halfOpen == 1, "accepted; one slot free");
  h.inject(syn(300).ports(50003, LOCAL_PORT));
  h.expect(SYN | ACK, "the retried SYN gets in now");
  // Half-open connections that never complete expire after synRetries:
  // 1 + 2 + 4 + 8 + 16 + 32 + 64 s of SYN-ACK retransmissions.
  h.advance(127_000);
  assert(l.halfOpen == 0 && h.tcp.halfOpen == 0, "half-open connections expired");
  assert(h.tcp.connectionCount == 1, "the established one stays");
  h.drain();
  h.finish("backlog");
}

function globalLimits(): void {
  const cfg = testConfig();
  cfg.maxHalfOpen = 3;
  cfg.maxConnections = 4;
  const h = new Harness(cfg);
  const l1 = h.listen(100);
  const a2 = new Acceptor();
  const l2 = h.tcp.listen(8080, a2, 100)!;
  h.inject(syn(1).ports(50001, LOCAL_PORT));
  h.inject(syn(1).ports(50002, 8080));
  h.inject(syn(1).ports(50003, LOCAL_PORT));
  h.inject(syn(1).ports(50004, 8080));
  assert(h.tcp.halfOpen == 3 && h.tcp.counters.dropHalfOpenLimit == 1, "global half-open limit across listeners");
  // Complete all three: now 3 connections; one more half-open fits, then
  // the connection limit (4) stops the next.
  for (let i = 0; i < 3; i++) {
    const sa = h.expect(SYN | ACK, "SYN-ACK");
    h.inject(ack(2, sa.seq + 1).ports(sa.seg.dstPort, sa.seg.srcPort));
  }
  assert(h.tcp.halfOpen == 0 && h.tcp.connectionCount == 3, "three established");
  h.inject(syn(1).ports(50005, LOCAL_PORT));
  h.inject(syn(1).ports(50006, LOCAL_PORT));
  assert(h.tcp.connectionCount == 4 && h.tcp.counters.dropConnectionLimit == 1, "connection limit");
  assert(h.tcp.connect(REMOTE, 9999, new Recorder()) === null, "connect refused at the limit too");
  h.drain();
  l2.close();
  h.finish("global limits");
}

// A SYN flood, in steps on separate turns so that a collection runs between
// them (../../core/turns.ts): warm up, then measure: 20000 SYNs from distinct
// ports must not grow the heap beyond the backlog's worth of connections.
let flood = new Harness();
let heapBeforeFlood: usize = 0;

function floodWarmUp(): void {
  flood.listen(128);
  for (let i = 0; i < 200; i++) flood.inject(syn(i).ports(<u16>(10000 + i), LOCAL_PORT));
  flood.drain();
}

function floodSyns(): void {
  heapBeforeFlood = memoryStats().heapUsed;
  for (let i = 0; i < 20000; i++) flood.inject(syn(i).ports(<u16>(20000 + (i % 40000)), LOCAL_PORT));
  flood.drain();
}

function floodCheck(): void {
  const h = flood;
  const before = heapBeforeFlood;
  const after = memoryStats().heapUsed;
  assert(h.tcp.connectionCount == 128, "only the backlog's worth: " + h.tcp.connectionCount.toString());
  assert(h.tcp.counters.dropBacklogFull == 20000 + 200 - 128, "the rest counted");
  assert(after < before + 64 * 1024, "heap did not grow: " + before.toString() + " -> " + after.toString());
  h.finish("SYN flood");
}

function closeListener(): void {
  const h = new Harness();
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  // A half-open connection when the listener closes.
  h.inject(syn(5000).ports(40001, LOCAL_PORT));
  const sa = h.expect(SYN | ACK, "SYN-ACK");
  h.listener!.close();
  h.listener = null;
  assert(h.tcp.listenerCount == 0, "closed");
  // New SYNs meet a closed port.
  h.inject(syn(1).ports(40002, LOCAL_PORT));
  h.expect(RST | ACK, "RST after the listener closed");
  // The half-open one completes but has nobody to accept it: reset.
  h.inject(ack(5001, sa.seq + 1).ports(40001, LOCAL_PORT));
  h.expect(RST | ACK, "reset: no listener to accept it");
  // The established connection is unaffected.
  assert(c.state == TcpState.Established, "established connection stays");
  c.writeString("still here");
  h.expectSeg(ACK, iss + 1, 1001, 10, "data");
  h.finish("close listener");
}

export function main(args: string[]): void {
  closedPort();
  badInput();
  backlog();
  globalLimits();
  closeListener();
  runSteps([floodWarmUp, floodSyns, floodCheck]);
}
