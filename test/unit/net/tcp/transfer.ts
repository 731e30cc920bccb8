// Data transfer: delivery and delayed ACKs, sending within the congestion and
// receive windows, slow start, Nagle, window scaling, send-buffer limits.
import { Harness, Recorder, testConfig, syn, ack, data, ACK, PSH, LOCAL_PORT } from "./harness";
import { TcpState } from "crust/net/tcp/tcp";

function repeat(c: string, n: i32): string { return c.repeat(n); }

function receiving(): void {
  const h = new Harness();
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  const iss = h.passiveOpen(1000);
  const r = h.acceptor.lastRecorder;
  // One small segment: delivered at once, ACK delayed.
  h.inject(data(1001, iss + 1, "hello"));
  assert(r.received == "hello", "delivered: " + r.received);
  h.expectNone("ACK is delayed");
  h.advance(39);
  h.expectNone("still delayed at 39 ms");
  h.advance(1);
  const a = h.expectSeg(ACK, iss + 1, 1006, 0, "delayed ACK after 40 ms");
  // Receiver SWS avoidance: 5 bytes taken by the app do not move the right
  // edge (it moves in MSS steps), so the window shows 64 KiB - 5.
  assert(a.window == 65531, "window: " + a.window.toString());
  // Two full-sized segments: the second is ACKed at once (RFC 5681 §4.2).
  const full = repeat("x", 1460);
  h.inject(data(1006, iss + 1, full));
  h.expectNone("first full segment: ACK delayed");
  h.inject(data(2466, iss + 1, full));
  h.expectSeg(ACK, iss + 1, 3926, 0, "second full segment: immediate ACK");
  assert(r.received.length == 5 + 2920, "all delivered");
  // The app answers inside onData: the answer carries the ACK.
  r.echo = true;
  h.inject(data(3926, iss + 1, "ping"));
  const d = h.expectSeg(ACK, iss + 1, 3930, 4, "echo carries the ACK");
  assert(d.payload == "ping" && (d.flags & PSH) != 0, "echo payload with PSH");
  h.expectNone("no separate ACK");
  h.advance(100);
  h.expectNone("no delayed ACK left over");
  // A duplicate of old data: ACK at once, not delivered twice.
  const before = r.received.length;
  h.inject(data(1001, iss + 5, "hello"));
  h.expectSeg(ACK, iss + 5, 3930, 0, "duplicate data is ACKed at once");
  assert(r.received.length == before, "not delivered again");
  assert(h.tcp.counters.dropOutOfWindow == 1, "counted as out of window");
  // A segment straddling RCV.NXT: only the new part is delivered.
  r.echo = false;
  h.inject(data(3928, iss + 5, "ngNEW"));
  assert(r.received.slice(before) == "NEW", "only new bytes: " + r.received.slice(before));
  h.advance(40);
  h.expectSeg(ACK, iss + 5, 3933, 0, "ACK");
  h.acceptor.last.abort();
  h.drain();
  l.close();
  h.checkClean("receiving");
}

function sending(): void {
  const h = new Harness();
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  assert(c.smss == 1460, "MSS 1460");
  // 10000 bytes: the initial window is 3 segments (RFC 5681 §3.1, SMSS > 1095).
  const big = repeat("a", 10000);
  assert(c.writeString(big), "write fits the 64 KiB send buffer");
  let seq = iss + 1;
  for (let i = 0; i < 3; i++) {
    h.expectSeg(ACK, seq, 1001, 1460, "initial window segment " + i.toString());
    seq += 1460;
  }
  h.expectNone("initial window is 3 segments");
  // An ACK of one segment opens the window by one SMSS (slow start): two
  // segments go (one replaces the ACKed one, one is growth).
  h.inject(ack(1001, iss + 1 + 1460));
  h.expectSeg(ACK, seq, 1001, 1460, "slow start 1"); seq += 1460;
  h.expectSeg(ACK, seq, 1001, 1460, "slow start 2"); seq += 1460;
  h.expectNone("cwnd 4 segments");
  assert(c.cc.cwnd == 4 * 1460, "cwnd grew by one SMSS: " + c.cc.cwnd.toString());
  // The peer shrinks its window to 3000 bytes from SND.UNA.
  h.inject(ack(1001, iss + 1 + 2920).win(3000));
  // In flight: seq - (una) = 5 segs sent - 2 acked = 3*1460 = 4380 > 3000.
  h.expectNone("the receive window is full");
  // Everything acked with a big window: full segments go; Nagle holds the
  // short tail while they are unacknowledged.
  h.inject(ack(1001, seq).win(65535));
  h.expectSeg(ACK, seq, 1001, 1460, "full segment"); seq += 1460;
  h.expectNone("the 1240-byte tail waits for the ACK (Nagle)");
  h.inject(ack(1001, seq));
  const tail = h.expectSeg(ACK, seq, 1001, 1240, "tail");
  assert((tail.flags & PSH) != 0, "PSH on the last segment");
  seq += 1240;
  assert(seq == iss + 1 + 10000, "all 10000 bytes sent");
  h.inject(ack(1001, seq));
  assert(c.unacknowledged == 0, "all acknowledged");
  assert(c.rtoAt == i64.MAX_VALUE, "no retransmission timer with nothing in flight");
  c.abort();
  h.drain();
  l.close();
  h.checkClean("sending");
}

function nagle(): void {
  const h = new Harness();
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  c.writeString("a");
  h.expectSeg(ACK, iss + 1, 1001, 1, "first small write goes (nothing in flight)");
  c.writeString("b");
  c.writeString("c");
  h.expectNone("Nagle holds small writes while data is unacknowledged");
  h.inject(ack(1001, iss + 2));
  const s = h.expectSeg(ACK, iss + 2, 1001, 2, "held bytes go together when the ACK comes");
  assert(s.payload == "bc", "coalesced");
  c.setNoDelay(true);
  c.writeString("d");
  h.expectSeg(ACK, iss + 4, 1001, 1, "no delay: sent at once");
  c.writeString("e");
  h.expectSeg(ACK, iss + 5, 1001, 1, "no delay: sent at once though unacknowledged");
  c.setNoDelay(false);
  c.writeString("f");
  h.expectNone("Nagle back on");
  // A full segment is never held.
  c.writeString(repeat("g", 1459));
  h.expectSeg(ACK, iss + 6, 1001, 1460, "a full segment goes");
  c.abort();
  h.drain();
  l.close();
  h.checkClean("nagle");
}

function windowScaling(): void {
  const cfg = testConfig();
  cfg.receiveWindow = 1 << 20; // 1 MiB: needs a shift of 5
  const h = new Harness(cfg);
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  h.inject(syn(1000).mss(1460).wscale(3).win(100));
  const sa = h.expect(ACK | 0x02, "SYN-ACK");
  assert(sa.seg.wscale == 5, "our shift: 1 MiB >> 5 fits 16 bits: " + sa.seg.wscale.toString());
  assert(sa.window == 65535, "SYN-ACK window is unscaled, at most 65535");
  h.inject(ack(1001, sa.seq + 1).win(100)); // 100 << 3 = 800 bytes
  const c = h.acceptor.last;
  assert(c.sndWnd == 800, "peer's window scaled by its shift: " + c.sndWnd.toString());
  c.setNoDelay(true);
  c.writeString(repeat("z", 1000));
  h.expectSeg(ACK, sa.seq + 1, 1001, 800, "only 800 bytes fit the scaled window");
  h.expectNone("window full");
  // Our window: about 1 MiB >> 5 = 32768 in the field.
  h.inject(data(1001, sa.seq + 801, "x").win(100));
  h.advance(40);
  const a = h.expectSeg(ACK, sa.seq + 1 + 800, 1002, 200, "rest of the data (window 800 from the new UNA) with the ACK");
  // (1 MiB - the 1 byte taken, the edge not yet moved) >> 5.
  assert(a.window == 32767, "our window field is scaled: " + a.window.toString());
  // Data far beyond 64 KiB but inside the scaled window is accepted.
  h.inject(data(1002 + 200000, sa.seq + 1001, "far"));
  h.expect(ACK, "ACK for out-of-order data");
  assert(h.tcp.counters.dropOutOfWindow == 0, "200 KB ahead is inside a 1 MiB window");
  c.abort();
  h.drain();
  l.close();
  h.checkClean("window scaling");
}

function sendBufferLimit(): void {
  const cfg = testConfig();
  cfg.sendBuffer = 3000;
  const h = new Harness(cfg);
  const l = h.tcp.listen(LOCAL_PORT, h.acceptor)!;
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  const b = String.UTF8.encode(repeat("q", 5000));
  const n = c.write(changetype<usize>(b), 5000);
  assert(n == 3000, "write accepts what fits: " + n.toString());
  assert(c.writable() == 0, "buffer full");
  h.drain();
  h.inject(ack(1001, iss + 1 + 1460));
  assert(r.drains == 1, "onDrain once room returns");
  assert(c.writable() == 1460, "room for what was acknowledged");
  c.end();
  assert(c.writable() == 0 && c.write(changetype<usize>(b), 1) == 0, "no writes after end()");
  assert(c.state == TcpState.FinWait1, "FIN-WAIT-1");
  c.abort();
  h.drain();
  l.close();
  h.checkClean("send buffer");
}

export function main(args: string[]): void {
  receiving();
  sending();
  nagle();
  windowScaling();
  sendBufferLimit();
}
