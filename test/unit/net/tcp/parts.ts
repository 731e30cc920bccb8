// The TCP stack's building blocks on their own: sequence arithmetic, the
// send ring, the receive buffer and the SACK blocks it reports, the sender's
// scoreboard, the RTO estimator, NewReno, and the ISN generator.
import "crust";
import { SendBuffer, ReceiveBuffer, MAX_RECEIVE_RANGES } from "crust/net/tcp/buffer";
import { Scoreboard } from "crust/net/tcp/scoreboard";
import { RtoEstimator } from "crust/net/tcp/rto";
import { NewReno } from "crust/net/tcp/congestion";
import { siphash24, IsnGenerator } from "crust/net/tcp/isn";
import { seqLt, seqLe, seqGt, seqGe, seqDiff, seqMax, seqMin, seqInRange } from "crust/net/tcp/seq";

const MS: i64 = 1_000_000;

function bytes(s: string): usize { return changetype<usize>(String.UTF8.encode(s)); }
function text(p: usize, n: i32): string { return String.UTF8.decodeUnsafe(p, <usize>n); }

function sequenceNumbers(): void {
  assert(seqLt(1, 2), "1 < 2");
  assert(seqLt(0xffffff00, 0x10), "wrap: 0xffffff00 < 0x10");
  assert(!seqLt(0x10, 0xffffff00), "wrap: 0x10 !< 0xffffff00");
  assert(seqLe(5, 5) && seqGe(5, 5) && !seqLt(5, 5) && !seqGt(5, 5), "equality");
  assert(seqGt(0x80000000 - 1, 0), "just under half the space is after");
  assert(seqDiff(0x10, 0xfffffff0) == 0x20, "diff across wrap");
  assert(seqMax(0xfffffff0, 3) == 3 && seqMin(0xfffffff0, 3) == 0xfffffff0, "max/min across wrap");
  assert(seqInRange(0, 0xfffffff0, 0x10), "0 in [0xfffffff0, 0x10)");
  assert(!seqInRange(0x10, 0xfffffff0, 0x10), "end excluded");
  assert(!seqInRange(5, 5, 5), "empty range");
}

function sendBuffer(): void {
  const b = new SendBuffer(10000);
  assert(b.length == 0 && b.room == 10000, "empty");
  // Wrap around the ring: write, consume, write past the end.
  const chunk = "0123456789".repeat(300); // 3000 bytes
  assert(b.write(bytes(chunk), 3000) == 3000, "write 3000");
  b.consume(2500);
  assert(b.write(bytes(chunk), 3000) == 3000, "write across the ring's end");
  assert(b.length == 3500, "length");
  const out = new ArrayBuffer(3500);
  b.read(0, changetype<usize>(out), 3500);
  assert(text(changetype<usize>(out), 3500) == chunk.slice(2500) + chunk, "contents across the wrap");
  // Growth keeps the order; the limit is hard.
  assert(b.write(bytes("x".repeat(8000)), 8000) == 6500, "only up to the limit");
  assert(b.room == 0, "full");
  b.read(3500, changetype<usize>(out), 10);
  assert(text(changetype<usize>(out), 10) == "xxxxxxxxxx", "appended after growth");
  b.consume(10000);
  assert(b.length == 0, "all consumed");
  b.clear();
}

function receiveBuffer(): void {
  const r = new ReceiveBuffer(1000);
  const nxt: u32 = 0xfffffff0; // across the 2^32 wrap
  r.reset(nxt);
  assert(r.insert(nxt + 20, bytes("cccc"), 4), "insert");
  assert(r.insert(nxt + 10, bytes("bbbb"), 4), "insert");
  const blocks = new StaticArray<u32>(8);
  assert(r.sackBlocks(blocks, 4, nxt) == 2 && r.rangesAbove(nxt) == 2, "two ranges");
  assert(blocks[0] == nxt + 10 && blocks[1] == nxt + 14, "the most recent first");
  assert(blocks[2] == nxt + 20 && blocks[3] == nxt + 24, "then the other");
  assert(r.contiguousEnd(nxt) == nxt && r.hasDataAbove(nxt), "a hole at RCV.NXT");
  // Touching ranges merge.
  assert(r.insert(nxt + 14, bytes("xxxxxx"), 6), "fill between");
  assert(r.ranges.length == 1 && r.ranges[0].start == nxt + 10 && r.ranges[0].end == nxt + 24, "merged");
  // Data before the first undelivered byte is clipped.
  assert(r.insert(nxt - 5, bytes("0123456789"), 10), "insert straddling RCV.NXT");
  assert(r.contiguousEnd(nxt) == nxt + 5, "held from RCV.NXT on");
  assert(r.sackBlocks(blocks, 4, nxt + 5) == 1 && blocks[0] == nxt + 10, "in-order data is not SACKed");
  assert(text(r.addressOf(nxt), r.chunkAt(nxt, 5)) == "56789", "the part after RCV.NXT");
  r.consume(nxt + 5);
  assert(r.held == 14, "held bytes: " + r.held.toString());
  // The window ends capacity bytes after the first undelivered byte.
  assert(r.insert(nxt + 5 + 995, bytes("abcdefghij"), 10), "at the window's edge");
  assert(r.ranges[r.ranges.length - 1].end == nxt + 5 + 1000, "clipped to the window");
  // Held data wraps around the ring and reads back in two pieces.
  r.consume(nxt + 24);
  assert(r.insert(nxt + 24, bytes("y".repeat(990)), 990), "fill the window");
  const first = r.chunkAt(nxt + 24, 990);
  assert(first < 990 && text(r.addressOf(nxt + 24 + <u32>first), 990 - first) == "y".repeat(990 - first), "wraps");
  // The number of ranges is bounded.
  const q = new ReceiveBuffer(10000);
  q.reset(0);
  for (let i = 0; i < MAX_RECEIVE_RANGES; i++) assert(q.insert(<u32>(10 + 3 * i), bytes("z"), 1), "range");
  assert(!q.insert(5000, bytes("z"), 1), "one range too many is refused");
  assert(q.insert(11, bytes("z"), 1), "extending a range is fine");
}

function scoreboard(): void {
  const s = new Scoreboard();
  const una: u32 = 1000, top: u32 = 10000;
  s.add(3000, 4000, una, top);
  s.add(5000, 6000, una, top);
  s.add(100, 200, una, top);        // below UNA (a D-SACK): ignored
  s.add(9000, 20000, una, top);     // beyond SND.MAX: clipped
  assert(s.starts.length == 3 && s.ends[2] == 10000, "clipped and sorted");
  s.add(4000, 5000, una, top);
  assert(s.starts.length == 2 && s.starts[0] == 3000 && s.ends[0] == 6000, "merged");
  assert(s.sackedIn(1000, 10000) == 4000, "sacked bytes");
  assert(s.skipSacked(3500) == 6000 && s.skipSacked(2000) == 2000, "skipSacked");
  assert(s.nextSackedAfter(1000, 10000) == 3000 && s.nextSackedAfter(7000, 9500) == 9000, "nextSackedAfter");
  // IsLost: more than 2 * 1000 bytes SACKed above. [9000,10000) has 1000,
  // [3000,6000) adds 3000: the boundary is inside it at 6000 - 1000 = 5000.
  assert(s.lostBoundary(una, 3, 1000) == 5000, "lost boundary: " + s.lostBoundary(una, 3, 1000).toString());
  s.advance(5500);
  assert(s.starts[0] == 5500 && s.sackedIn(5500, 10000) == 1500, "advance trims");
  s.clear();
  assert(s.isEmpty, "cleared");
}

function rto(): void {
  const e = new RtoEstimator(200 * MS, 60_000 * MS, 1000 * MS);
  assert(e.rto == 1000 * MS, "initial 1 s");
  e.backoff(); e.backoff();
  assert(e.rto == 4000 * MS, "doubling");
  e.sample(100 * MS);
  // SRTT 100, RTTVAR 50: RTO = 100 + 200 = 300 ms; backoff cleared.
  assert(e.srtt == 100 * MS && e.rttvar == 50 * MS && e.rto == 300 * MS, "first sample");
  e.sample(300 * MS);
  // RTTVAR = 3/4 * 50 + 1/4 * 200 = 87.5; SRTT = 7/8 * 100 + 1/8 * 300 = 125.
  assert(e.rttvar == 87_500_000 && e.srtt == 125 * MS, "second sample");
  assert(e.rto == 475 * MS, "RTO = SRTT + 4 RTTVAR");
  e.sample(1 * MS);
  e.sample(1 * MS);
  e.sample(1 * MS);
  e.sample(1 * MS);
  e.sample(1 * MS);
  e.sample(1 * MS);
  e.sample(1 * MS);
  e.sample(1 * MS);
  assert(e.rto >= 200 * MS, "floor");
  for (let i = 0; i < 20; i++) e.backoff();
  assert(e.rto == 60_000 * MS, "ceiling");
}

function newReno(): void {
  const cc = new NewReno(1000, 0);
  assert(cc.cwnd == 4000, "IW for SMSS <= 1095 is 4 segments");
  cc.onAck(1000);
  assert(cc.cwnd == 5000, "slow start: +SMSS per ACK");
  cc.onAck(5000);
  assert(cc.cwnd == 6000, "ABC: at most SMSS per ACK");
  cc.ssthresh = 6000;
  for (let i = 0; i < 6; i++) cc.onAck(1000);
  assert(cc.cwnd == 7000, "congestion avoidance: +SMSS per cwnd of ACKed bytes: " + cc.cwnd.toString());
  assert(cc.mayEnterRecovery(100), "recovery allowed past the last recovery point");
  cc.enterRecovery(8000, 9000, false);
  assert(cc.ssthresh == 4000 && cc.cwnd == 7000 && cc.inRecovery, "FlightSize/2, + 3 SMSS");
  assert(!cc.mayEnterRecovery(9000), "not while recovering");
  cc.onDupAckInRecovery();
  assert(cc.cwnd == 8000, "inflate");
  cc.onPartialAck(3000, false);
  assert(cc.cwnd == 6000, "deflate by the ACKed amount, add back one SMSS");
  assert(!cc.coversRecovery(8999) && cc.coversRecovery(9000), "recover = 8999");
  cc.exitRecovery(2000);
  assert(!cc.inRecovery && cc.cwnd == 3000, "min(ssthresh, flight + SMSS)");
  cc.onTimeout(6000, 12000);
  assert(cc.cwnd == 1000 && cc.ssthresh == 3000, "loss window");
  assert(!cc.mayEnterRecovery(11000), "RFC 6582: no fast retransmit for ACKs below the timeout's recovery point");
}

function isn(): void {
  // SipHash-2-4 reference vector: key 00..0f, message 00..0f.
  const k0: u64 = 0x0706050403020100, k1: u64 = 0x0f0e0d0c0b0a0908;
  assert(siphash24(k0, k1, k0, k1) == 0x3f2acc7f57c29bdb, "SipHash-2-4 test vector");
  const g = new IsnGenerator();
  const a = g.next(1, 80, 2, 40000, 0);
  const b = g.next(1, 80, 2, 40000, 4000 * 1000);
  assert(b - a == 1000, "the clock part ticks every 4 us");
  const c = g.next(1, 80, 2, 40001, 0);
  assert(c != a, "another 4-tuple, another offset");
}

export function main(args: string[]): void {
  sequenceNumbers();
  sendBuffer();
  receiveBuffer();
  scoreboard();
  rto();
  newReno();
  isn();
}
