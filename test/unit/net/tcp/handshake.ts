// Three-way handshakes: passive and active opens with option negotiation,
// simultaneous open, a retransmitted SYN, SYN-ACK loss and retry.
import { Harness, Recorder, syn, ack, seg, data, SYN, ACK, RST, LOCAL_PORT, REMOTE_PORT, REMOTE } from "./harness";
import { TcpState } from "crust/net/tcp/tcp";

function passive(): void {
  const h = new Harness();
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  // Peer: SYN with MSS 1000, window scale 7, SACK-permitted, timestamps.
  h.inject(syn(5000).mss(1000).wscale(7).sackPerm().ts(100, 0));
  const sa = h.expect(SYN | ACK, "SYN-ACK");
  assert(sa.ack == 5001, "SYN-ACK acks the SYN");
  assert(sa.seg.mss == 1460, "our MSS: 1480-byte IP payload less 20");
  assert(sa.seg.wscale >= 0, "window scale answered because it was offered");
  assert(sa.seg.sackPermitted, "SACK-permitted answered");
  assert(sa.seg.hasTimestamp && sa.seg.tsEcr == 100, "timestamp echoed");
  assert(h.tcp.halfOpen == 1, "one half-open connection");
  assert(h.acceptor.streams.length == 0, "not accepted before the handshake completes");
  // Peer: ACK completes the handshake.
  h.inject(ack(5001, sa.seq + 1).ts(101, sa.seg.tsVal));
  assert(h.acceptor.streams.length == 1, "accepted");
  const c = h.acceptor.last;
  assert(c.state == TcpState.Established, "ESTABLISHED");
  assert(h.tcp.halfOpen == 0, "no longer half-open");
  assert(c.smss == 1000 - 12, "send MSS: the peer's, less the timestamp option");
  assert(c.sackOk && c.tsOk && c.wscaleOk && c.sndShift == 7, "options negotiated");
  assert(c.remote() == "10.0.0.2:40000", "remote(): " + c.remote());
  h.expectNone("no reply to the final ACK");
  // A SYN without options: none of them is used.
  h.inject(syn(9000).ports(40001, LOCAL_PORT));
  const sa2 = h.expect(SYN | ACK, "SYN-ACK 2");
  assert(sa2.seg.wscale < 0 && !sa2.seg.sackPermitted && !sa2.seg.hasTimestamp && sa2.seg.mss == 1460,
    "no options offered back that the SYN did not carry (MSS always)");
  h.inject(ack(9001, sa2.seq + 1).ports(40001, LOCAL_PORT));
  const c2 = h.acceptor.last;
  assert(c2.smss == 536, "no MSS option: 536 (RFC 9293 §3.7.1)");
  assert(!c2.sackOk && !c2.tsOk && !c2.wscaleOk, "nothing negotiated");
  c.abort();
  c2.abort();
  h.expect(RST | ACK, "abort sends RST");
  h.expect(RST | ACK, "abort sends RST");
  assert(h.acceptor.recorders[0].closed && h.acceptor.recorders[1].closed, "onClose after abort");
  l.close();
  h.checkClean("passive");
}

function active(): void {
  const h = new Harness();
  const r = new Recorder();
  const c = h.tcp.connect(REMOTE, REMOTE_PORT, r)!;
  assert(c.state == TcpState.SynSent, "SYN-SENT");
  assert(c.localPort >= 49152, "ephemeral port from the dynamic range");
  const s = h.expect(SYN, "SYN");
  assert(s.seg.mss == 1460 && s.seg.sackPermitted && s.seg.hasTimestamp && s.seg.wscale >= 0, "SYN offers every option");
  assert(s.ack == 0, "no ACK in the first SYN");
  // Data written before the connection is open waits for it.
  assert(c.writeString("early"), "write in SYN-SENT is queued");
  h.expectNone("no data before ESTABLISHED");
  // Peer: SYN-ACK with a window scale of 2 and a 1000-byte window.
  h.inject(seg(SYN, 7000).ack(s.seq + 1).ports(REMOTE_PORT, c.localPort).mss(1200).wscale(2).win(1000));
  assert(c.state == TcpState.Established, "ESTABLISHED");
  const d = h.expectSeg(ACK, s.seq + 1, 7001, 5, "the queued data goes with the ACK");
  assert(d.payload == "early", "payload");
  assert(c.sndWnd == 1000, "the window of a SYN is not scaled (RFC 7323 §2.2)");
  assert(c.smss == 1200, "MSS from the SYN-ACK");
  // A SYN-ACK that acks something else: RST <SEQ=SEG.ACK>.
  const c3 = h.tcp.connect(REMOTE, REMOTE_PORT, new Recorder())!;
  const s3 = h.expect(SYN, "SYN 3");
  h.inject(seg(SYN, 1).ack(s3.seq + 100).ports(REMOTE_PORT, c3.localPort));
  h.expectSeg(RST, s3.seq + 100, 0, 0, "RST for an ACK of something never sent");
  assert(c3.state == TcpState.SynSent, "still SYN-SENT");
  c3.abort();
  c.abort();
  h.drain();
  h.checkClean("active");
}

function simultaneousOpen(): void {
  // RFC 9293 §3.5 figure 8.
  const h = new Harness();
  const r = new Recorder();
  const c = h.tcp.connect(REMOTE, REMOTE_PORT, r)!;
  const s = h.expect(SYN, "our SYN");
  // The peer's SYN crosses ours.
  h.inject(syn(300).ports(REMOTE_PORT, c.localPort).mss(1460));
  assert(c.state == TcpState.SynReceived, "SYN-RECEIVED");
  h.expectSeg(SYN | ACK, s.seq, 301, 0, "SYN-ACK with the same ISS, acking the peer's SYN");
  // The peer's SYN-ACK (its ISN again) arrives.
  h.inject(seg(SYN, 300).ack(s.seq + 1).ports(REMOTE_PORT, c.localPort).mss(1460));
  assert(c.state == TcpState.Established, "ESTABLISHED after the peer's SYN-ACK");
  h.expectNone("no RST, nothing to send");
  assert(c.writeString("hi"), "write");
  h.expectSeg(ACK, s.seq + 1, 301, 2, "data flows");
  c.abort();
  h.drain();
  h.checkClean("simultaneous open");
}

function synRetransmission(): void {
  const h = new Harness();
  // Active side: the SYN is lost, retransmitted after the initial RTO (1 s)
  // and again after 2 s (exponential backoff).
  const r = new Recorder();
  const c = h.tcp.connect(REMOTE, REMOTE_PORT, r)!;
  const s = h.expect(SYN, "SYN");
  h.advance(999);
  h.expectNone("nothing before the initial RTO");
  h.advance(1);
  h.expectSeg(SYN, s.seq, 0, 0, "SYN retransmitted after 1 s");
  h.advance(1999);
  h.expectNone("backoff: nothing before 2 s more");
  h.advance(1);
  h.expectSeg(SYN, s.seq, 0, 0, "SYN retransmitted after 2 s more");
  // Peer finally answers; RFC 6298 §5.7: the RTO becomes 3 s.
  h.inject(seg(SYN, 50).ack(s.seq + 1).ports(REMOTE_PORT, c.localPort));
  h.expect(ACK, "ACK");
  assert(c.rto.rto == 3_000_000_000, "RTO 3 s after a lost SYN");
  c.abort();
  h.drain();

  // Passive side: the peer retransmits its SYN (our SYN-ACK was lost).
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  h.inject(syn(800).mss(1460));
  const sa = h.expect(SYN | ACK, "SYN-ACK");
  h.inject(syn(800).mss(1460));
  h.expectSeg(SYN | ACK, sa.seq, 801, 0, "the same SYN-ACK again");
  assert(h.tcp.halfOpen == 1, "still one half-open connection");
  // Our SYN-ACK is retransmitted on its own timer too.
  h.advance(1000);
  h.expectSeg(SYN | ACK, sa.seq, 801, 0, "SYN-ACK retransmitted after 1 s");
  // An RST at the right sequence number kills the half-open connection.
  h.inject(seg(RST, 801));
  assert(h.tcp.halfOpen == 0 && h.tcp.connectionCount == 0, "RST in SYN-RECEIVED: back to LISTEN");
  h.expectNone("no answer to RST");

  // The connection attempt gives up after synRetries.
  h.tcp.config.synRetries = 2;
  const r2 = new Recorder();
  h.tcp.connect(REMOTE, REMOTE_PORT, r2);
  h.advance(1000 + 2000 + 4000);
  assert(r2.closed && r2.reason == 2 /* Timeout */, "connect times out");
  assert(h.tcp.counters.connectFailures == 1, "counted");
  h.drain();
  l.close();
  h.checkClean("SYN retransmission");
}

export function main(args: string[]): void {
  passive();
  active();
  simultaneousOpen();
  synRetransmission();
}
