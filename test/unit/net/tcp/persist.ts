// Zero-window probing (RFC 9293 §3.8.6.1): with data waiting and the peer's
// window closed, a one-byte probe goes out after an RTO, then at doubling
// intervals, for as long as the peer answers; the window reopening resumes
// transmission. Also keep-alive (RFC 9293 §3.8.4) probes and their timeout.
import { Harness, testConfig, syn, ack, data, SYN, ACK, RST, LOCAL_PORT } from "./harness";
import { TcpState } from "crust/net/tcp/tcp";
import { CloseReason } from "crust/net/stream";

function zeroWindow(): void {
  const h = new Harness();
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  // RTO is 200 ms (handshake RTT 0). Fill the peer's window exactly.
  c.writeString("a".repeat(1000));
  h.expectSeg(ACK, iss + 1, 1001, 1000, "data");
  h.inject(ack(1001, iss + 1001).win(0));
  c.writeString("bcdef");
  h.expectNone("window closed: nothing sent");
  assert(c.persistAt != i64.MAX_VALUE && c.rtoAt == i64.MAX_VALUE, "persist timer, not RTO");
  h.advance(200);
  const p = h.expectSeg(ACK, iss + 1001, 1001, 1, "one-byte probe after one RTO");
  assert(p.payload == "b", "the probe is the next byte of data");
  // The peer still has no room: it answers with the old ACK, window 0.
  h.inject(ack(1001, iss + 1001).win(0));
  h.advance(399);
  h.expectNone("backoff: the next probe 400 ms later");
  h.advance(1);
  h.expectSeg(ACK, iss + 1001, 1001, 1, "second probe");
  h.inject(ack(1001, iss + 1001).win(0));
  h.advance(800);
  h.expectSeg(ACK, iss + 1001, 1001, 1, "third probe after 800 ms");
  assert(c.state == TcpState.Established, "probing never times out while the peer answers");
  // This time the peer took the byte, and its window is open again.
  h.inject(ack(1001, iss + 1002).win(1000));
  h.expectSeg(ACK, iss + 1002, 1001, 4, "the rest goes once the window opens");
  assert(c.persistAt == i64.MAX_VALUE, "persist timer off");
  h.inject(ack(1001, iss + 1006).win(1000));
  assert(c.unacknowledged == 0, "everything acknowledged");

  // A window update (no ACK of the probe) also restarts transmission.
  h.inject(ack(1001, iss + 1006).win(0));
  c.writeString("xyz");
  h.expectNone("closed");
  h.advance(200);
  h.expectSeg(ACK, iss + 1006, 1001, 1, "probe");
  h.inject(ack(1001, iss + 1006).win(500));
  h.expectSeg(ACK, iss + 1006, 1001, 3, "all three bytes once the window opens");
  h.inject(ack(1001, iss + 1009).win(500));
  assert(c.unacknowledged == 0 && c.rtoAt == i64.MAX_VALUE, "done");
  h.finish("zero window");
}

function keepAlive(): void {
  const cfg = testConfig();
  cfg.keepAliveIdle = 10_000 * 1_000_000;     // 10 s
  cfg.keepAliveInterval = 1_000 * 1_000_000;  // 1 s
  cfg.keepAliveProbes = 3;
  const h = new Harness(cfg);
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  h.advance(60_000);
  h.expectNone("keep-alive is off by default");
  c.setKeepAlive(true);
  h.advance(1);
  const k = h.expectSeg(ACK, iss, 1001, 0, "probe at once: idle for a minute already; SEQ = SND.UNA - 1");
  // The peer answers: the connection is alive; the next probe after 10 s idle.
  h.advance(5);
  h.inject(ack(1001, iss + 1));
  h.advance(9_999);
  h.expectNone("idle timer restarted by the answer");
  h.advance(10);
  h.expectSeg(ACK, iss, 1001, 0, "probe after 10 s of silence");
  h.advance(1000);
  h.expectSeg(ACK, iss, 1001, 0, "unanswered: again after the interval");
  h.advance(1000);
  h.expectSeg(ACK, iss, 1001, 0, "third probe");
  h.advance(1000);
  h.expectSeg(RST | ACK, iss + 1, 1001, 0, "three probes unanswered: reset");
  assert(c.state == TcpState.Closed && r.closed && r.reason == CloseReason.Timeout, "closed with Timeout");
  assert(k.seq == iss, "(probe seq)");
  h.finish("keep-alive");
}

export function main(args: string[]): void {
  zeroWindow();
  keepAlive();
}
