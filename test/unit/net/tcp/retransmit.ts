// Loss recovery: RTO with exponential backoff and Karn's rule, giving up
// after dataRetries, fast retransmit after three duplicate ACKs (NewReno,
// RFC 5681 and RFC 6582) with partial ACKs, and recovery exit.
import { Harness, Acceptor, testConfig, syn, ack, data, SYN, ACK, RST, PSH, LOCAL_PORT } from "./harness";
import { TcpConnection, TcpState } from "crust/net/tcp/tcp";
import { CloseReason } from "crust/net/stream";

const SMSS: i32 = 1460;

/** Listen, and complete a handshake whose RTT is rttMs. */
function open(h: Harness, rttMs: i64, peerIss: u32 = 1000): u32 {
  h.listen();
  h.inject(syn(peerIss).mss(1460));
  const sa = h.expect(SYN | ACK, "SYN-ACK");
  h.advance(rttMs);
  h.inject(ack(peerIss + 1, sa.seq + 1));
  return sa.seq;
}

function payload(n: i32): string { return "r".repeat(n); }

function rtoBackoff(): void {
  const h = new Harness();
  const iss = open(h, 50);
  const c = h.acceptor.last;
  // RFC 6298 §2.2: SRTT 50 ms, RTTVAR 25 ms, RTO = 150 ms, floored at 200 ms.
  assert(c.rto.srtt == 50 * 1_000_000, "SRTT from the handshake");
  assert(c.rto.rto == 200 * 1_000_000, "RTO floor 200 ms");
  c.writeString("hello");
  h.expectSeg(ACK, iss + 1, 1001, 5, "data");
  h.advance(199);
  h.expectNone("no retransmission before the RTO");
  h.advance(1);
  h.expectSeg(ACK, iss + 1, 1001, 5, "retransmission after 200 ms");
  h.advance(399);
  h.expectNone("backoff: 400 ms now");
  h.advance(1);
  h.expectSeg(ACK, iss + 1, 1001, 5, "second retransmission after 400 ms");
  h.advance(800);
  h.expectSeg(ACK, iss + 1, 1001, 5, "third after 800 ms");
  assert(h.tcp.counters.timeouts == 3 && h.tcp.counters.retransmits == 3, "counted");
  assert(c.cc.cwnd == SMSS, "loss window: one segment (RFC 5681 §3.1)");
  // The ACK of a retransmitted segment gives no RTT sample (Karn's rule).
  h.advance(30);
  h.inject(ack(1001, iss + 6));
  assert(c.rto.srtt == 50 * 1_000_000, "Karn: SRTT unchanged");
  assert(c.rto.rto == 200 * 1_000_000, "backoff forgotten after new data is ACKed");
  // A fresh segment is timed again.
  c.writeString("again");
  h.expect(ACK, "new data");
  h.advance(100);
  h.inject(ack(1001, iss + 11));
  assert(c.rto.srtt == (7 * 50 + 100) * 1_000_000 / 8, "SRTT = 7/8 SRTT + 1/8 R");
  h.finish("");
}

function giveUp(): void {
  const cfg = testConfig();
  cfg.dataRetries = 3;
  const h = new Harness(cfg);
  const iss = open(h, 0);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  c.writeString("lost");
  h.drain();
  h.advance(200 + 400 + 800); // three retransmissions
  assert(h.pending == 3, "three retransmissions: " + h.pending.toString());
  h.drain();
  assert(c.state == TcpState.Established, "not yet");
  h.advance(1600);
  h.expectSeg(RST | ACK, iss + 5, 1001, 0, "RST when giving up");
  assert(c.state == TcpState.Closed && r.closed && r.reason == CloseReason.Timeout, "onClose(Timeout)");
  h.finish("give up");
}

function fastRetransmit(): void {
  const h = new Harness();
  const iss = open(h, 10);
  const c = h.acceptor.last;
  const base = iss + 1;
  c.writeString(payload(20 * SMSS));
  // Initial window: 3 segments (0, 1, 2). ACK of 0: cwnd 4, segments 3, 4.
  for (let i = 0; i < 3; i++) h.expectSeg(ACK, base + i * SMSS, 1001, SMSS, "IW " + i.toString());
  h.inject(ack(1001, base + SMSS));
  h.expectSeg(ACK, base + 3 * SMSS, 1001, SMSS, "seg 3");
  h.expectSeg(ACK, base + 4 * SMSS, 1001, SMSS, "seg 4");
  h.expectNone("cwnd full");
  // Segment 1 is lost; 2, 3 and 4 arrive and each draws a duplicate ACK.
  const dup = ack(1001, base + SMSS);
  h.inject(dup);
  h.inject(ack(1001, base + SMSS));
  h.expectNone("two duplicate ACKs: nothing yet");
  h.inject(ack(1001, base + SMSS));
  h.expectSeg(ACK, base + SMSS, 1001, SMSS, "fast retransmit of segment 1 on the third duplicate");
  assert(h.tcp.counters.fastRetransmits == 1, "counted");
  // RFC 5681 §3.2: ssthresh = FlightSize/2 = 2 segments, cwnd = ssthresh + 3.
  assert(c.cc.inRecovery && c.cc.ssthresh == 2 * SMSS && c.cc.cwnd == 5 * SMSS, "recovery window: " + c.cc.cwnd.toString());
  // Flight is 4 segments, cwnd 5: one new segment goes.
  h.expectSeg(ACK, base + 5 * SMSS, 1001, SMSS, "new data with the inflated window");
  h.inject(ack(1001, base + SMSS));
  h.expectSeg(ACK, base + 6 * SMSS, 1001, SMSS, "each further duplicate inflates cwnd by one SMSS");
  // The retransmission arrives: everything up to segment 5 is ACKed (full
  // ACK: recovery covered segments up to 4).
  h.inject(ack(1001, base + 6 * SMSS));
  assert(!c.cc.inRecovery, "full ACK ends recovery");
  assert(c.cc.cwnd <= c.cc.ssthresh, "cwnd deflated to at most ssthresh");
  assert(h.tcp.counters.timeouts == 0, "no timeout needed");
  h.finish("");
}

function partialAck(): void {
  const h = new Harness();
  const iss = open(h, 10);
  const c = h.acceptor.last;
  const base = iss + 1;
  c.writeString(payload(20 * SMSS));
  h.drain();
  h.inject(ack(1001, base + SMSS)); // segments 3, 4 go
  h.drain();
  // Segments 1 and 3 are lost.
  for (let i = 0; i < 3; i++) h.inject(ack(1001, base + SMSS));
  h.expectSeg(ACK, base + SMSS, 1001, SMSS, "fast retransmit of 1");
  h.drain();
  // The retransmitted 1 arrives; 2 was there: the ACK stops at 3's start.
  h.inject(ack(1001, base + 3 * SMSS));
  assert(c.cc.inRecovery, "partial ACK: still in recovery (RFC 6582)");
  h.expectSeg(ACK, base + 3 * SMSS, 1001, SMSS, "partial ACK retransmits the next hole at once");
  h.drain();
  h.inject(ack(1001, base + 5 * SMSS));
  assert(!c.cc.inRecovery, "full ACK");
  assert(h.tcp.counters.timeouts == 0 && h.tcp.counters.fastRetransmits == 1, "one recovery, no timeout");
  h.finish("");
}

export function main(args: string[]): void {
  rtoBackoff();
  giveUp();
  fastRetransmit();
  partialAck();
}
