// Receive flow control: an app that pauses the stream makes TCP hold what
// arrives; the advertised window shrinks to zero, the peer's probes are
// answered with a zero window, and resume() delivers everything in order and
// reopens the window with an immediate update. The end of the stream (onEnd,
// onClose) waits for the held data. Receiver SWS avoidance moves the window's
// right edge only in MSS-sized steps.
import { Harness, testConfig, syn, ack, data, rst, ACK, FIN } from "./harness";
import { TcpState } from "crust/net/tcp/tcp";
import { CloseReason } from "crust/net/stream";

function harness(window: i32): Harness {
  const cfg = testConfig();
  cfg.receiveWindow = window;
  return new Harness(cfg);
}

function zeroWindow(): void {
  const h = harness(4096);
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  c.pause();
  h.inject(data(1001, iss + 1, "a".repeat(1000)));
  assert(r.received == "", "paused: nothing delivered");
  h.advance(40);
  let a = h.expectSeg(ACK, iss + 1, 2001, 0, "held data is acknowledged");
  assert(a.window == 3096, "the window shrinks by what is held: " + a.window.toString());
  h.inject(data(2001, iss + 1, "b".repeat(3096)));
  a = h.expectSeg(ACK, iss + 1, 5097, 0, "ACK (two full segments' worth)");
  assert(a.window == 0, "zero window");
  // The peer probes the closed window: answered, not accepted.
  h.inject(data(5097, iss + 1, "c"));
  a = h.expectSeg(ACK, iss + 1, 5097, 0, "probe answered");
  assert(a.window == 0, "still zero");
  assert(h.tcp.counters.dropOutOfWindow == 1, "the probe byte did not fit");
  // resume(): everything in order, and a window update at once.
  c.resume();
  assert(r.received == "a".repeat(1000) + "b".repeat(3096), "delivered in order after resume");
  a = h.expectSeg(ACK, iss + 1, 5097, 0, "window update");
  assert(a.window == 4096, "window open again: " + a.window.toString());
  // Flowing again: in-order data goes straight to the app.
  h.inject(data(5097, iss + 1, "c"));
  assert(r.received.length == 4097, "direct delivery");
  h.finish("zero window");
}

function pauseInCallback(): void {
  const h = harness(8192);
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  h.inject(data(1001, iss + 1, "first"));
  c.pause(); // e.g. the app's own output is backed up
  h.inject(data(1006, iss + 1, "second"));
  // Out-of-order data while paused is SACKed as usual... (SACK is off here)
  h.inject(data(1020, iss + 1, "fourth"));
  h.expectSeg(ACK, iss + 1, 1012, 0, "duplicate ACK for the gap");
  h.inject(data(1012, iss + 1, "third..."));
  h.expect(ACK, "gap filled: ACK at once");
  assert(r.received == "first", "only what came before pause()");
  c.resume();
  assert(r.received == "firstsecondthird...fourth", "the rest in order: " + r.received);
  h.finish("pause in callback");
}

function endWaitsForData(): void {
  const h = harness(8192);
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  c.pause();
  h.inject(data(1001, iss + 1, "tail").with(FIN));
  h.expectSeg(ACK, iss + 1, 1006, 0, "FIN acknowledged at once");
  assert(c.state == TcpState.CloseWait, "CLOSE-WAIT");
  assert(!r.ended && r.received == "", "onEnd waits behind the held data");
  c.resume();
  assert(r.received == "tail" && r.ended, "data, then onEnd");
  c.end();
  h.expect(ACK | FIN, "FIN");
  h.inject(ack(1006, iss + 2));
  assert(r.closed && r.reason == CloseReason.Done, "closed");

  // Active close while paused: TIME-WAIT and even CLOSED come and go, the
  // app still gets its data, onEnd and onClose(Done) when it resumes.
  const iss2 = h.passiveOpen(3000, syn(0).mss(1460).ports(40001, 80));
  const c2 = h.acceptor.last;
  const r2 = h.acceptor.lastRecorder;
  c2.pause();
  c2.end();
  h.expect(ACK | FIN, "our FIN");
  h.inject(data(3001, iss2 + 2, "late").with(FIN).ports(40001, 80));
  assert(c2.state == TcpState.TimeWait, "TIME-WAIT");
  assert(!r2.closed && !r2.ended, "nothing for the paused app yet");
  h.advance(1000);
  assert(c2.state == TcpState.Closed && h.tcp.connectionCount == 0, "TIME-WAIT over");
  assert(!r2.closed, "onClose still waits");
  c2.resume();
  assert(r2.received == "late" && r2.ended && r2.closed && r2.reason == CloseReason.Done, "all delivered, then closed");
  h.drain();
  h.finish("end waits for data");
}

function abortDropsHeld(): void {
  const h = harness(8192);
  const iss = h.passiveOpen(1000);
  const c = h.acceptor.last;
  const r = h.acceptor.lastRecorder;
  c.pause();
  h.inject(data(1001, iss + 1, "lost"));
  h.inject(rst(1005));
  assert(r.closed && r.reason == CloseReason.Reset && r.received == "", "a reset discards held data");
  c.resume();
  assert(r.received == "", "nothing after the reset");
  h.finish("abort");
}

function senderSws(): void {
  // Small reads: the right edge stays put until a full MSS was taken.
  const h = harness(65535);
  const iss = h.passiveOpen(1000);
  for (let i = 0; i < 10; i++) h.inject(data(1001 + 100 * i, iss + 1, "x".repeat(100)));
  h.advance(40);
  let a = h.expect(ACK, "delayed ACK");
  assert(a.window == 65535 - 1000, "edge unmoved after 1000 bytes: " + a.window.toString());
  for (let i = 10; i < 15; i++) h.inject(data(1001 + 100 * i, iss + 1, "x".repeat(100)));
  h.advance(40);
  a = h.expect(ACK, "delayed ACK");
  assert(a.window == 65535, "edge moved once an MSS (1460) was taken: " + a.window.toString());
  h.finish("receiver SWS");
}

export function main(args: string[]): void {
  zeroWindow();
  pauseInCallback();
  endWaitsForData();
  abortDropsHeld();
  senderSws();
}
