// Closing in every order: active close through FIN-WAIT-1/2 and TIME-WAIT,
// passive close through CLOSE-WAIT and LAST-ACK, simultaneous close through
// CLOSING, FIN with data, FIN out of order, FIN retransmission, TIME-WAIT
// expiry, re-ACK and reuse by a new SYN.
import { Harness, Recorder, syn, ack, data, fin, seg, SYN, ACK, FIN, LOCAL_PORT } from "./harness";
import { TcpState } from "crust/net/tcp/tcp";
import { CloseReason } from "crust/net/stream";

function activeClose(): void {
  const h = new Harness();
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  c.writeString("bye");
  h.expectSeg(ACK, iss + 1, 1001, 3, "data");
  c.end();
  // The FIN waits behind unacknowledged data? No: FIN bypasses Nagle.
  h.expectSeg(ACK | FIN, iss + 4, 1001, 0, "FIN after the data");
  assert(c.state == TcpState.FinWait1, "FIN-WAIT-1");
  h.inject(ack(1001, iss + 5));
  assert(c.state == TcpState.FinWait2, "FIN-WAIT-2 once the FIN is acknowledged");
  // Half-close: data from the peer still arrives.
  h.inject(data(1001, iss + 5, "more"));
  assert(r.received == "more", "data in FIN-WAIT-2");
  h.inject(fin(1005, iss + 5));
  assert(c.state == TcpState.TimeWait, "TIME-WAIT");
  h.expectSeg(ACK, iss + 5, 1006, 0, "ACK of the FIN at once");
  assert(r.ended && r.closed && r.reason == CloseReason.Done, "onEnd and onClose(Done)");
  assert(h.tcp.connectionCount == 1, "TIME-WAIT keeps the 4-tuple");
  // The peer's FIN again (our ACK was lost): ACK again, restart 2*MSL.
  h.advance(600);
  h.inject(fin(1005, iss + 5));
  h.expectSeg(ACK, iss + 5, 1006, 0, "re-ACK in TIME-WAIT");
  h.advance(999);
  assert(h.tcp.connectionCount == 1, "2*MSL restarted by the retransmitted FIN");
  h.advance(1);
  assert(h.tcp.connectionCount == 0, "TIME-WAIT over after 2*MSL (1 s in tests)");
  h.expectNone("nothing sent when TIME-WAIT ends");
  l.close();
  h.checkClean("active close");
}

function passiveClose(): void {
  const h = new Harness();
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  // Data and FIN in one segment.
  h.inject(data(1001, iss + 1, "last words").with(FIN));
  assert(r.received == "last words" && r.ended, "data, then onEnd");
  assert(c.state == TcpState.CloseWait, "CLOSE-WAIT");
  assert(!r.closed, "not closed: we may still send");
  h.expectSeg(ACK, iss + 1, 1012, 0, "FIN is ACKed at once");
  c.writeString("reply");
  h.expectSeg(ACK, iss + 1, 1012, 5, "sending in CLOSE-WAIT");
  c.end();
  h.expectSeg(ACK | FIN, iss + 6, 1012, 0, "our FIN");
  assert(c.state == TcpState.LastAck, "LAST-ACK");
  h.inject(ack(1012, iss + 6));
  assert(c.state == TcpState.LastAck, "an ACK of the data only: still LAST-ACK");
  h.inject(ack(1012, iss + 7));
  assert(c.state == TcpState.Closed && r.closed && r.reason == CloseReason.Done, "CLOSED, onClose(Done)");
  assert(h.tcp.connectionCount == 0, "gone without TIME-WAIT");
  l.close();
  h.checkClean("passive close");
}

function simultaneousClose(): void {
  const h = new Harness();
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  c.end();
  h.expectSeg(ACK | FIN, iss + 1, 1001, 0, "our FIN");
  // The peer's FIN crosses ours: it does not acknowledge our FIN.
  h.inject(fin(1001, iss + 1));
  assert(c.state == TcpState.Closing, "CLOSING");
  h.expectSeg(ACK, iss + 2, 1002, 0, "ACK of the peer's FIN");
  assert(r.ended && !r.closed, "onEnd; onClose waits for our FIN's ACK");
  h.inject(ack(1002, iss + 2));
  assert(c.state == TcpState.TimeWait && r.closed, "TIME-WAIT, closed for the app");
  h.advance(1000);
  assert(h.tcp.connectionCount == 0, "TIME-WAIT expired");
  // FIN-WAIT-1 receiving FIN+ACK of our FIN at once: straight to TIME-WAIT.
  const iss2 = h.passiveOpen(5000, syn(0).mss(1460).ports(40001, LOCAL_PORT));
  const c2 = h.acceptor.last;
  c2.end();
  h.expectSeg(ACK | FIN, iss2 + 1, 5001, 0, "FIN 2");
  h.inject(fin(5001, iss2 + 2).ports(40001, LOCAL_PORT));
  assert(c2.state == TcpState.TimeWait, "FIN-WAIT-1 -> TIME-WAIT");
  h.expectSeg(ACK, iss2 + 2, 5002, 0, "ACK");
  h.advance(1000);
  l.close();
  h.checkClean("simultaneous close");
}

function finDetails(): void {
  const h = new Harness();
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  // The FIN arrives before the data in front of it.
  h.inject(fin(1004, iss + 1).data("def"));
  h.expectSeg(ACK, iss + 1, 1001, 0, "duplicate ACK for the gap");
  assert(!r.ended && r.received == "", "nothing delivered yet");
  h.inject(data(1001, iss + 1, "abc"));
  assert(r.received == "abcdef" && r.ended, "gap filled: data in order, then the FIN");
  h.expectSeg(ACK, iss + 1, 1008, 0, "ACK covers the FIN");
  assert(c.state == TcpState.CloseWait, "CLOSE-WAIT");
  // Our FIN is lost: retransmitted on RTO (1 s) with LAST-ACK unchanged.
  c.writeString("xyz");
  c.end();
  h.expectSeg(ACK, iss + 1, 1008, 3, "data");
  h.expectSeg(ACK | FIN, iss + 4, 1008, 0, "FIN (bypasses Nagle)");
  assert(c.rto.rto == 200_000_000, "RTO at its 200 ms floor after a 0 ms RTT sample");
  h.advance(200);
  h.expectSeg(ACK | FIN, iss + 1, 1008, 3, "RTO: back to SND.UNA, the FIN rides on the resent data");
  h.inject(ack(1008, iss + 5));
  assert(c.state == TcpState.Closed && r.closed, "closed");
  l.close();
  h.checkClean("FIN details");
}

function timeWaitReuse(): void {
  const h = new Harness();
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  h.timeWaitAfterActiveClose();
  // A SYN with an older sequence number: just ACKed (it is out of window).
  h.inject(syn(900));
  h.expect(ACK, "old SYN in TIME-WAIT gets an ACK");
  // A SYN with a newer sequence number reopens the 4-tuple (RFC 9293 §3.6.1).
  h.inject(syn(100000).mss(1460));
  const sa = h.expect(SYN | ACK, "SYN-ACK for the new incarnation");
  assert(sa.ack == 100001, "acks the new SYN");
  h.inject(ack(100001, sa.seq + 1));
  assert(h.acceptor.streams.length == 2 && h.acceptor.last.state == TcpState.Established, "new connection");
  h.acceptor.last.abort();
  h.drain();
  l.close();
  h.checkClean("TIME-WAIT reuse");
}

function activeOpenClose(): void {
  // Closing an active connection before it is open.
  const h = new Harness();
  const r = new Recorder();
  const c = h.tcp.connect(0x0a000002, 40000, r)!;
  h.expect(SYN, "SYN");
  c.end();
  assert(c.state == TcpState.Closed && r.closed && r.reason == CloseReason.Aborted, "end() in SYN-SENT closes");
  h.expectNone("nothing sent");
  h.checkClean("close in SYN-SENT");
  // A FIN in the SYN-ACK.
  const r2 = new Recorder();
  const c2 = h.tcp.connect(0x0a000002, 40000, r2)!;
  const s2 = h.expect(SYN, "SYN 2");
  h.inject(seg(SYN | FIN, 777).ack(s2.seq + 1).ports(40000, c2.localPort).mss(1460));
  h.expectSeg(ACK, s2.seq + 1, 779, 0, "the ACK covers SYN and FIN");
  assert(c2.state == TcpState.CloseWait && r2.ended, "FIN in SYN-ACK: CLOSE-WAIT");
  c2.end();
  const f = h.expect(ACK | FIN, "our FIN");
  h.inject(ack(779, f.seq + 1).ports(40000, c2.localPort));
  assert(r2.closed, "closed");
  h.checkClean("FIN in SYN-ACK");
}

export function main(args: string[]): void {
  activeClose();
  passiveClose();
  simultaneousClose();
  finDetails();
  timeWaitReuse();
  activeOpenClose();
}
