// Out-of-order data and SACK (RFC 2018, RFC 6675): as receiver, reassembly
// and the SACK blocks we send; as sender, no retransmission of SACKed data,
// SACK-driven recovery, and a timeout that skips what the peer holds.
import { Harness, testConfig, syn, ack, data, SYN, ACK, LOCAL_PORT } from "./harness";
import { TcpState } from "crust/net/tcp/tcp";

const SMSS: i32 = 1460;

function receiver(): void {
  const h = new Harness();
  const iss = h.passiveOpen(1000, syn(0).mss(1460).sackPerm());
  const r = h.acceptor.lastRecorder;
  const c = h.acceptor.last;
  assert(c.sackOk, "SACK negotiated");
  // Bytes 1001.. : "AAAA" "BBBB" "CCCC" "DDDD" "EEEE" at 1001, 1005, ...
  h.inject(data(1005, iss + 1, "BBBB"));
  let a = h.expectSeg(ACK, iss + 1, 1001, 0, "immediate duplicate ACK for out-of-order data");
  assert(a.seg.sackCount == 1 && a.seg.sack[0] == 1005 && a.seg.sack[1] == 1009, "one SACK block [1005,1009)");
  assert(r.received == "", "nothing delivered past a hole");
  h.inject(data(1013, iss + 1, "DDDD"));
  a = h.expect(ACK, "ACK 2");
  assert(a.seg.sackCount == 2, "two blocks");
  assert(a.seg.sack[0] == 1013 && a.seg.sack[1] == 1017, "the most recent block first (RFC 2018 §4)");
  assert(a.seg.sack[2] == 1005 && a.seg.sack[3] == 1009, "then the older one");
  // CCCC joins them into one range.
  h.inject(data(1009, iss + 1, "CCCC"));
  a = h.expect(ACK, "ACK 3");
  assert(a.seg.sackCount == 1 && a.seg.sack[0] == 1005 && a.seg.sack[1] == 1017, "merged [1005,1017)");
  // A duplicate inside the held range changes nothing.
  h.inject(data(1009, iss + 1, "CCCC"));
  a = h.expect(ACK, "ACK 4");
  assert(a.seg.sackCount == 1 && a.seg.sack[1] == 1017, "still one block");
  // The hole fills: everything goes to the app in order, ACKed at once.
  h.inject(data(1001, iss + 1, "AAAA"));
  a = h.expectSeg(ACK, iss + 1, 1017, 0, "cumulative ACK jumps over the held data");
  assert(a.seg.sackCount == 0, "no blocks left");
  assert(r.received == "AAAABBBBCCCCDDDD", "in order: " + r.received);
  // Data overlapping the front of held data, delivered straight, then the rest.
  h.inject(data(1021, iss + 1, "FFFF"));
  h.drain();
  h.inject(data(1017, iss + 1, "EEEEFF"));
  assert(r.received == "AAAABBBBCCCCDDDDEEEEFFFF", "overlap handled: " + r.received);
  h.expectSeg(ACK, iss + 1, 1025, 0, "ACK");
  h.finish("sack receiver");
}

function receiverBounds(): void {
  const cfg = testConfig();
  cfg.receiveWindow = 4096;
  const h = new Harness(cfg);
  const iss = h.passiveOpen(1000, syn(0).mss(1460).sackPerm());
  const r = h.acceptor.lastRecorder;
  // Twenty one-byte islands with holes between them: only 16 ranges are
  // kept; the rest are dropped (and will be retransmitted by the peer).
  for (let i = 0; i < 20; i++) h.inject(data(1003 + 2 * i, iss + 1, "x"));
  assert(h.tcp.counters.dropReassemblyFull == 4, "ranges bounded: " + h.tcp.counters.dropReassemblyFull.toString());
  h.drain();
  // Data beyond the 4 KiB window is not accepted.
  h.inject(data(1001 + 4096, iss + 1, "beyond"));
  assert(h.tcp.counters.dropOutOfWindow == 1, "beyond the window");
  // In-order data covers the islands: delivered from the packet, the held
  // copies are dropped.
  const text = "-".repeat(4094);
  h.inject(data(1001, iss + 1, text));
  assert(r.received == text, "in order, once");
  // A segment reaching past the window's edge is trimmed to it (in-order
  // data is consumed at once, so the window starts at RCV.NXT = 5095).
  h.inject(data(5095 + 4094, iss + 1, "edge"));
  h.inject(data(5095, iss + 1, text));
  assert(r.received.length == 2 * 4094 + 2 && r.received.slice(2 * 4094) == "ed", "trimmed at the window's edge");
  h.finish("receiver bounds");
}

/** Open with SACK and send 20 segments' worth; returns SND.UNA at start. */
function openSender(h: Harness): u32 {
  const iss = h.passiveOpen(1000, syn(0).mss(1460).sackPerm());
  const c = h.acceptor.last;
  c.writeString("s".repeat(20 * SMSS));
  h.drain();
  // Grow to a flight of 5 segments: 0..4 (0 is ACKed).
  h.inject(ack(1001, iss + 1 + SMSS));
  h.drain();
  return iss + 1;
}

function senderRecovery(): void {
  const h = new Harness();
  const base = openSender(h);
  const c = h.acceptor.last;
  // Segment 1 lost; the peer SACKs 2, 3, 4 as they arrive. A SACKed
  // segment has left the network, so each duplicate ACK lets one new
  // segment out (like limited transmit, RFC 3042).
  h.inject(ack(1001, base + SMSS).sack(base + 2 * SMSS, base + 3 * SMSS));
  h.expectSeg(ACK, base + 5 * SMSS, 1001, SMSS, "first duplicate: segment 5");
  h.inject(ack(1001, base + SMSS).sack(base + 2 * SMSS, base + 4 * SMSS));
  h.expectSeg(ACK, base + 6 * SMSS, 1001, SMSS, "second duplicate: segment 6");
  h.expectNone("no retransmission: 2 segments SACKed above the hole is not yet a loss");
  h.inject(ack(1001, base + SMSS).sack(base + 2 * SMSS, base + 5 * SMSS));
  // Third duplicate: segment 1 is lost (3 segments SACKed above it).
  h.expectSeg(ACK, base + SMSS, 1001, SMSS, "retransmit only segment 1");
  h.expectNone("pipe (segments 1, 5, 6) fills cwnd");
  assert(c.cc.inRecovery && c.cc.cwnd == c.cc.ssthresh && c.cc.cwnd == 3 * SMSS,
    "RFC 6675: cwnd = ssthresh = FlightSize/2, no inflation: " + c.cc.cwnd.toString());
  // Segment 5 is SACKed: room for one segment, and it is new data, never
  // SACKed data again.
  h.inject(ack(1001, base + SMSS).sack(base + 2 * SMSS, base + 6 * SMSS));
  h.expectSeg(ACK, base + 7 * SMSS, 1001, SMSS, "new data, not SACKed data");
  h.expectNone("pipe full");
  assert(h.tcp.counters.retransmits == 1, "exactly one retransmission");
  // Cumulative ACK past the recovery point ends recovery.
  h.inject(ack(1001, base + 7 * SMSS));
  assert(!c.cc.inRecovery, "recovery over");
  assert(h.tcp.counters.timeouts == 0, "no timeout");
  h.finish("sender recovery");
}

function senderTimeoutSkipsSacked(): void {
  const h = new Harness();
  const base = openSender(h);
  const c = h.acceptor.last;
  // Segments 1 and 3 lost, 2 and 4 SACKed, and only one duplicate ACK.
  h.inject(ack(1001, base + SMSS).sack(base + 2 * SMSS, base + 3 * SMSS).sack(base + 4 * SMSS, base + 5 * SMSS));
  h.expectSeg(ACK, base + 5 * SMSS, 1001, SMSS, "two segments left the network: 5");
  h.expectSeg(ACK, base + 6 * SMSS, 1001, SMSS, "and 6");
  h.expectNone("no recovery yet");
  h.advance(200);
  // RTO: cwnd 1 segment; go back to SND.UNA.
  h.expectSeg(ACK, base + SMSS, 1001, SMSS, "RTO resends segment 1");
  h.expectNone("cwnd is one segment");
  h.inject(ack(1001, base + 2 * SMSS).sack(base + 2 * SMSS, base + 3 * SMSS).sack(base + 4 * SMSS, base + 5 * SMSS));
  // Hmm: the ACK covers 1 only; 2 is SACKed: the next to send is 3, then 5.
  h.expectSeg(ACK, base + 3 * SMSS, 1001, SMSS, "segment 2 is SACKed: skip to 3");
  h.expectSeg(ACK, base + 5 * SMSS, 1001, SMSS, "segment 4 is SACKed: skip to 5 (sent before, so resent)");
  h.expectNone("cwnd 2");
  assert(c.state == TcpState.Established, "still established");
  h.finish("timeout skips SACKed");
}

export function main(args: string[]): void {
  receiver();
  receiverBounds();
  senderRecovery();
  senderTimeoutSkipsSacked();
}
