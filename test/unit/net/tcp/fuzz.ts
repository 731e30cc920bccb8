// Robustness: a peer that sends nonsense. Random segments near the real
// sequence numbers (so that they reach deep into the state machine, not just
// the window check), random flags, SACK blocks, timestamps and lengths,
// random time steps, the app writing, pausing, resuming and closing at
// random. The stack must
// never trap or panic, must keep its invariants, and must clean up. A seed
// can be given: `npx crust run test/unit/net/tcp/fuzz.ts --target node -- 42`.
import { log } from "crust";
import { Harness, Seg, testConfig, syn, LOCAL_PORT, REMOTE_PORT } from "./harness";
import { TcpConnection, TcpState } from "crust/net/tcp/tcp";
import { MAX_RECEIVE_RANGES } from "crust/net/tcp/buffer";
import { MAX_SCOREBOARD_RANGES } from "crust/net/tcp/scoreboard";
import { seqDiff, seqLe } from "crust/net/tcp/seq";

let state: u64 = 0x9e3779b97f4a7c15;
function rand(): u32 {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return <u32>(state >> 32);
}
function below(n: u32): u32 { return rand() % n; }

function around(x: u32, spread: u32): u32 { return x + below(2 * spread) - spread; }

function randomSegment(c: TcpConnection, port: u16): Seg {
  const flagsPick = below(16);
  let flags: u8 = 0x10; // mostly ACK
  if (flagsPick == 0) flags = 0x02;             // SYN
  else if (flagsPick == 1) flags = 0x04;        // RST
  else if (flagsPick == 2) flags = 0x14;        // RST+ACK
  else if (flagsPick == 3) flags = 0x11;        // FIN+ACK
  else if (flagsPick == 4) flags = 0x12;        // SYN+ACK
  else if (flagsPick == 5) flags = <u8>below(256);
  const pick = below(8);
  const seq = pick < 3 ? c.rcvNxt : around(c.rcvNxt, pick == 3 ? 100000 : 3000);
  if ((flags & 0x04) != 0 && below(40) != 0) flags = 0x10; // keep most connections alive a while
  const s = new Seg(flags, seq);
  s.ackNum = below(4) == 0 ? rand() : around(c.sndUna, 4000);
  s.window = below(8) == 0 ? 0 : <u16>below(65536);
  s.dstPort = port;
  s.srcPort = REMOTE_PORT;
  if (below(3) == 0) s.ts(around(1000, 500), rand());
  const blocks = below(5);
  for (let i: u32 = 0; i < blocks; i++) {
    const a = around(c.sndUna, 30000);
    s.sack(a, a + below(5000));
  }
  const n = below(6) == 0 ? below(1400) : below(4) == 0 ? below(40) : 0;
  if (n > 0) s.data("f".repeat(<i32>n));
  return s;
}

function checkInvariants(h: Harness, c: TcpConnection): void {
  if (c.state == TcpState.Closed) return;
  assert(c.sendBuffer.length <= h.tcp.config.sendBuffer, "send buffer bounded");
  assert(c.receiveBuffer.ranges.length <= MAX_RECEIVE_RANGES, "receive buffer ranges bounded");
  assert(c.scoreboard.starts.length <= MAX_SCOREBOARD_RANGES, "scoreboard bounded");
  assert(seqLe(c.sndUna, c.sndNxt) && seqLe(c.sndNxt, c.sndMax) || c.state == TcpState.SynSent, "SND.UNA <= SND.NXT <= SND.MAX");
  assert(seqDiff(c.sndMax, c.sndUna) <= h.tcp.config.sendBuffer + 2, "flight within the send buffer (+SYN, FIN)");
}

let oow: u64 = 0, badAck: u64 = 0, resets: u64 = 0, established: u64 = 0, retrans: u64 = 0, challenges: u64 = 0;

export function main(args: string[]): void {
  if (args.length > 0) state = <u64>I64.parseInt(args[0]) * 0x2545f4914f6cdd1d + 1;
  const rounds = 60;
  for (let round = 0; round < rounds; round++) {
    const cfg = testConfig();
    cfg.sendBuffer = 8192 + <i32>below(65536);
    cfg.receiveWindow = 1024 + <i32>below(300000);
    const h = new Harness(cfg);
    const synSeg = syn(0).mss(<u16>(64 + below(1500)));
    if (below(2) == 0) synSeg.sackPerm();
    if (below(2) == 0) synSeg.ts(1000, 0);
    if (below(2) == 0) synSeg.wscale(<i32>below(15));
    h.passiveOpen(rand(), synSeg);
    const c = h.acceptor.last;
    for (let step = 0; step < 400; step++) {
      const what = below(10);
      if (what < 6) h.inject(randomSegment(c, LOCAL_PORT));
      else if (what == 6) c.writeString("w".repeat(<i32>below(5000)));
      else if (what == 7) h.advance(<i64>below(3000));
      else if (what == 8 && below(20) == 0) c.end();
      else if (what == 9) {
        const k = below(8);
        if (k == 0) c.setNoDelay(below(2) == 0);
        else if (k < 5) c.pause();
        else c.resume();
      }
      h.drain();
      checkInvariants(h, c);
    }
    const k = h.tcp.counters;
    oow += k.dropOutOfWindow; badAck += k.dropBadAck; resets += k.resetsReceived; established += <u64>(c.state != TcpState.Closed ? 1 : 0);
    retrans += k.retransmits; challenges += k.challengeAcks;
    c.resume();
    h.advance(300_000); // let every timer run out (TIME-WAIT, retries)
    h.drain();
    h.finish("fuzz round " + round.toString());
  }
  log.info("tcp-fuzz", "out of window " + oow.toString() + ", bad ACK " + badAck.toString() + ", resets " +
    resets.toString() + ", alive at the end " + established.toString() + ", retransmits " + retrans.toString() +
    ", challenge ACKs " + challenges.toString());
}
