// RST handling and RFC 5961 blind-attack defences: an RST at exactly RCV.NXT
// resets, one elsewhere in the window draws a challenge ACK, one outside the
// window is dropped; a SYN in a synchronized state and an ACK of unsent data
// draw challenge ACKs; challenge ACKs are rate-limited; RSTs in SYN-SENT and
// TIME-WAIT; PAWS.
import { Harness, Recorder, testConfig, syn, ack, data, seg, rst, SYN, ACK, RST, LOCAL_PORT, REMOTE, REMOTE_PORT } from "./harness";
import { TcpState } from "crust/net/tcp/tcp";
import { CloseReason } from "crust/net/stream";

function inWindow(): void {
  const h = new Harness();
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  // In the window but not at RCV.NXT: challenge ACK, connection unharmed.
  h.inject(rst(1500));
  h.expectSeg(ACK, iss + 1, 1001, 0, "challenge ACK (RFC 5961 §3.2)");
  assert(c.state == TcpState.Established && !r.closed, "not reset");
  assert(h.tcp.counters.challengeAcks == 1, "counted");
  // Outside the window: silently dropped.
  h.inject(rst(1001 + 70000));
  h.inject(rst(900));
  h.expectNone("no answer to an out-of-window RST");
  assert(h.tcp.counters.dropOutOfWindow == 2, "counted as out of window");
  assert(c.state == TcpState.Established, "not reset");
  // Exactly RCV.NXT: reset.
  h.inject(rst(1001));
  assert(c.state == TcpState.Closed && r.closed && r.reason == CloseReason.Reset, "reset; onClose(Reset)");
  h.expectNone("no answer to RST");
  assert(h.tcp.counters.resetsReceived == 1, "counted");
  h.finish("RST in window");
}

function synAndAckAttacks(): void {
  const h = new Harness();
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  // A SYN on an established connection, in window or not (RFC 5961 §4).
  h.inject(syn(1001));
  h.expectSeg(ACK, iss + 1, 1001, 0, "challenge ACK for an in-window SYN");
  h.inject(syn(1));
  h.expectSeg(ACK, iss + 1, 1001, 0, "ACK for an out-of-window SYN");
  assert(c.state == TcpState.Established, "SYN did not reset");
  // Data acknowledging bytes never sent (RFC 5961 §5): challenge ACK, drop.
  h.inject(data(1001, iss + 5000, "evil"));
  h.expectSeg(ACK, iss + 1, 1001, 0, "challenge ACK for an ACK of unsent data");
  assert(h.acceptor.lastRecorder.received == "", "its data was not accepted");
  assert(h.tcp.counters.dropBadAck == 1, "counted");
  // An ACK too far in the past (below SND.UNA - MAX.SND.WND) likewise.
  h.inject(data(1001, iss - 100000, "old"));
  h.expect(ACK, "challenge ACK for an ancient ACK");
  assert(h.acceptor.lastRecorder.received == "", "not accepted");
  h.finish("SYN and ACK attacks");
}

function rateLimit(): void {
  const cfg = testConfig();
  cfg.challengeAckLimit = 2;
  const h = new Harness(cfg);
  h.passiveOpen(1000);
  for (let i = 0; i < 5; i++) h.inject(rst(2000 + i));
  assert(h.pending == 2, "two challenge ACKs per second: " + h.pending.toString());
  assert(h.tcp.counters.challengeAcksSuppressed == 3, "three suppressed");
  h.drain();
  h.advance(1000);
  h.inject(rst(3000));
  assert(h.pending == 1, "a new second, a new budget");
  h.finish("rate limit");
}

function synSent(): void {
  const h = new Harness();
  const r = new Recorder();
  const c = h.tcp.connect(REMOTE, REMOTE_PORT, r)!;
  const s = h.expect(SYN, "SYN");
  // An RST without ACK, or acking something else, is ignored in SYN-SENT.
  h.inject(rst(0).ports(REMOTE_PORT, c.localPort));
  h.inject(rst(0).ack(s.seq + 7).ports(REMOTE_PORT, c.localPort));
  assert(c.state == TcpState.SynSent && !r.closed, "unacceptable RSTs ignored");
  h.drain();
  // An RST acking our SYN: connection refused.
  h.inject(rst(0).ack(s.seq + 1).ports(REMOTE_PORT, c.localPort));
  assert(c.state == TcpState.Closed && r.closed && r.reason == CloseReason.Reset, "refused");
  assert(h.tcp.counters.connectFailures == 1, "counted");
  h.expectNone("no answer");
  h.finish("RST in SYN-SENT");
}

function timeWait(): void {
  const h = new Harness();
  const c = h.timeWaitAfterActiveClose();
  h.inject(rst(1002));
  assert(c.state == TcpState.TimeWait, "RFC 1337: RST does not end TIME-WAIT");
  h.advance(1000);
  assert(h.tcp.connectionCount == 0, "expired");
  h.finish("RST in TIME-WAIT");
}

function paws(): void {
  const h = new Harness();
  const iss = h.passiveOpen(1000, syn(0).mss(1460).ts(5000, 0));
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  assert(c.tsOk, "timestamps on");
  h.inject(data(1001, iss + 1, "new").ts(5010, 0));
  assert(r.received == "new", "accepted");
  // A segment with an older timestamp: a stale duplicate (RFC 7323 §5).
  h.inject(data(1004, iss + 1, "old").ts(4000, 0));
  assert(r.received == "new", "PAWS dropped it");
  assert(h.tcp.counters.dropPaws == 1, "counted");
  const a = h.expect(ACK, "PAWS answers with an ACK");
  assert(a.seg.hasTimestamp && a.seg.tsEcr == 5010, "echoes TS.Recent");
  h.finish("PAWS");
}

export function main(args: string[]): void {
  inWindow();
  synAndAckAttacks();
  rateLimit();
  synSent();
  timeWait();
  paws();
}
