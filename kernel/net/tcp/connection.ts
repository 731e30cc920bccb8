// One TCP connection: the RFC 9293 state machine with its send and receive
// sequence spaces, timers and options, exposed to the app as a Stream.
//
// Owns: its send buffer and receive buffer (both bounded by TcpConfig), one
// Timer that multiplexes the RTO, persist, delayed-ACK,
// keep-alive and TIME_WAIT deadlines, and the congestion and RTT state.
// Depends on: the codec (segments <-> bytes), the context (IP layer, clock,
// counters), and the Stream interface. Received data in order is handed to the
// handler straight from the packet; only out-of-order data, and data that
// arrives while the app has paused the stream, is copied. The receive window
// is what is left of the receive buffer: it closes while the app is paused.
//
// Reentrancy: handler callbacks may call write(), end() or abort(). While a
// segment is being processed, output is deferred to the end of input(); after
// every callback the state is re-checked, since abort() may have closed us.
import { Stream, CloseReason } from "../stream";
import { Timer } from "../../core/timer";
import { NS_PER_MS, NS_PER_S } from "../../core/clock";
import { TcpContext, IPPROTO_TCP } from "./context";
import { TcpSegment, SEG_FIN, SEG_SYN, SEG_RST, SEG_PSH, SEG_ACK } from "./segment";
import { emitHeader, CHECKSUM_OFFSET, MAX_HEADER_LEN } from "./codec";
import { TCP_MAX_WINDOW_SHIFT } from "../wire/tcp";
import { SendBuffer, ReceiveBuffer } from "./buffer";
import { RtoEstimator } from "./rto";
import { NewReno, DUP_THRESH } from "./congestion";
import { Scoreboard } from "./scoreboard";
import { seqLt, seqLe, seqGt, seqGe, seqDiff, seqMax, seqMin, seqInRange } from "./seq";

/** RFC 9293 §3.3.2. */
export enum TcpState {
  Closed = 0,
  Listen = 1,
  SynSent = 2,
  SynReceived = 3,
  Established = 4,
  FinWait1 = 5,
  FinWait2 = 6,
  CloseWait = 7,
  Closing = 8,
  LastAck = 9,
  TimeWait = 10,
}

const STATE_NAMES: string[] = [
  "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
  "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
];

export function stateName(s: TcpState): string { return STATE_NAMES[<i32>s]; }

const NEVER: i64 = i64.MAX_VALUE;
/** RFC 9293 §3.7.1: the MSS to assume when the peer sends none. */
const DEFAULT_MSS: i32 = 536;
/** A floor on the peer's MSS, so a tiny announced MSS cannot make us send
 *  one-byte segments (Linux uses 48 + headers similarly). */
const MIN_MSS: i32 = 64;
/** RFC 7323 §2.3: the largest window shift. */
const MAX_WSCALE: i32 = TCP_MAX_WINDOW_SHIFT;
/** RFC 7323 §3.2: the timestamp option with its two NOPs. */
const TS_OPTION_BYTES: i32 = 12;
/** RFC 6298 §5.7: RTO once data flows after a retransmitted SYN. */
const RTO_AFTER_SYN_LOSS: i64 = 3 * NS_PER_S;
/** The most bytes of SACK blocks we send: 3 blocks with timestamps, else 4. */
const SACK_BLOCKS_WITH_TS: i32 = 3;
const SACK_BLOCKS_WITHOUT_TS: i32 = 4;

class ConnectionTimer extends Timer {
  conn: TcpConnection | null = null;
  fire(now: i64): void { this.conn!.onTimer(now); }
}

/** The listening side's view of a half-open connection (set by Tcp). */
export abstract class HalfOpenOwner {
  abstract release(c: TcpConnection): void;
}

export class TcpConnection extends Stream {
  state: TcpState = TcpState.Closed;

  // ---- Send sequence space (RFC 9293 §3.3.1) ----
  iss: u32;
  sndUna: u32;
  sndNxt: u32;
  /** The highest sequence number sent + 1 (SND.NXT before a go-back-N). */
  sndMax: u32;
  /** The peer's window in bytes (scaled). */
  sndWnd: u32 = 0;
  sndWl1: u32 = 0;
  sndWl2: u32 = 0;
  /** The largest window the peer has offered (RFC 5961 §5, SWS §3.8.6.2.1). */
  maxSndWnd: u32 = 0;
  /** Sequence number of the send buffer's first byte. */
  private bufSeq: u32;
  readonly sendBuffer: SendBuffer;
  /** The app called end(): a FIN follows the last queued byte. */
  private finQueued: bool = false;
  /** Segment size for data we send (peer's MSS, path, options). */
  smss: i32 = DEFAULT_MSS;

  // ---- Receive sequence space ----
  irs: u32 = 0;
  rcvNxt: u32 = 0;
  /** The first byte not yet handed to the app (RCV.NXT unless paused). */
  readSeq: u32 = 0;
  /** Out-of-order data, and in-order data held while paused. */
  readonly receiveBuffer: ReceiveBuffer;
  /** The right edge of the window as last announced: it never moves left
   *  (RFC 9293 §3.8.6.2.2), and moves right only in steps worth it. */
  private rcvAdvEdge: u32 = 0;
  /** A FIN that arrived beyond RCV.NXT, waiting for the gap to fill. */
  private finPending: bool = false;
  private finPendingSeq: u32 = 0;
  /** The peer's FIN arrived (at remoteFinSeq); onEnd follows the data. */
  private finReceived: bool = false;
  private remoteFinSeq: u32 = 0;
  private endDelivered: bool = false;
  /** The app paused delivery (pause()/resume()). */
  private paused: bool = false;
  private delivering: bool = false;
  /** onClose(Done) waits until held data and onEnd reached the app. */
  private closePending: bool = false;

  // ---- Options (RFC 7323, RFC 2018) ----
  sndShift: i32 = 0; // applied to the peer's windows
  rcvShift: i32 = 0; // applied to ours
  wscaleOk: bool = false;
  sackOk: bool = false;
  tsOk: bool = false;
  private tsRecent: u32 = 0;
  private lastAckSent: u32 = 0;
  private tsOffset: u32;
  private peerMss: i32 = DEFAULT_MSS;

  // ---- Retransmission, congestion, loss recovery ----
  readonly rto: RtoEstimator;
  readonly cc: NewReno;
  readonly scoreboard: Scoreboard = new Scoreboard();
  /** RFC 6675 HighRxt: the highest sequence number retransmitted in recovery. */
  private highRxt: u32 = 0;
  private retries: i32 = 0;
  private rttTiming: bool = false;
  private rttSeq: u32 = 0;
  private rttStart: i64 = 0;
  private synRetransmitted: bool = false;
  /** A one-byte zero-window probe is outstanding (RFC 9293 §3.8.6.1). */
  private probing: bool = false;
  private persistBackoff: i32 = 0;

  // ---- Acknowledgment policy (RFC 9293 §3.8.6.3) ----
  private ackNow: bool = false;
  private rcvUnackedBytes: i32 = 0;

  // ---- Timers: one kernel timer at the earliest of these ----
  private readonly timer: ConnectionTimer;
  rtoAt: i64 = NEVER;
  persistAt: i64 = NEVER;
  delackAt: i64 = NEVER;
  keepAliveAt: i64 = NEVER;
  timeWaitAt: i64 = NEVER;
  private lastRecv: i64 = 0;
  private lastSend: i64 = 0;
  private keepAliveProbes: i32 = 0;

  // ---- App-facing ----
  noDelay: bool;
  keepAlive: bool = false;
  /** Set while a passive connection is half-open. */
  halfOpenOwner: HalfOpenOwner | null = null;
  /** True when this side opened with connect(). */
  readonly active: bool;
  private inInput: bool = false;
  private drainWanted: bool = false;
  private closeNotified: bool = false;
  /** Key in the Tcp's connection table. */
  key: u64 = 0;

  constructor(
    public readonly ctx: TcpContext,
    public readonly localAddr: u32,
    public readonly localPort: u16,
    public readonly remoteAddr: u32,
    public readonly remotePort: u16,
    active: bool,
  ) {
    super();
    const cfg = ctx.config;
    const now = ctx.clock.now();
    const iss = ctx.isn.next(localAddr, localPort, remoteAddr, remotePort, now);
    this.sendBuffer = new SendBuffer(cfg.sendBuffer);
    this.receiveBuffer = new ReceiveBuffer(cfg.receiveWindow);
    this.rto = new RtoEstimator(cfg.rtoMin, cfg.rtoMax, cfg.rtoInitial);
    this.cc = new NewReno(DEFAULT_MSS, iss);
    this.timer = new ConnectionTimer();
    this.active = active;
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss;
    this.sndMax = iss;
    this.bufSeq = iss + 1;
    this.noDelay = cfg.noDelay;
    // RFC 7323 §5.4: a per-connection random offset for TSval.
    this.tsOffset = ctx.isn.next(remoteAddr, remotePort, localAddr, localPort, 0);
    this.lastRecv = now;
    let shift = 0;
    while (shift < MAX_WSCALE && (cfg.receiveWindow >> shift) > 0xffff) shift++;
    this.rcvShift = shift;
    this.timer.conn = this;
  }

  // ======================================================================
  // Opening (called by Tcp)
  // ======================================================================

  /** Active open: send a SYN (RFC 9293 §3.10.1). */
  openActive(): void {
    this.state = TcpState.SynSent;
    this.output(this.ctx.clock.now());
    this.updateTimer();
  }

  /** Passive open: a SYN arrived at a listener; answer with SYN-ACK. */
  openPassive(syn: TcpSegment): void {
    const now = this.ctx.clock.now();
    this.state = TcpState.SynReceived;
    this.acceptSyn(syn, now);
    this.output(now);
    this.updateTimer();
  }

  /** Take the peer's SYN: its ISN and the options it offers. */
  private acceptSyn(syn: TcpSegment, now: i64): void {
    const cfg = this.ctx.config;
    this.irs = syn.seq;
    this.rcvNxt = syn.seq + 1;
    this.lastAckSent = this.rcvNxt;
    this.readSeq = this.rcvNxt;
    this.receiveBuffer.reset(this.rcvNxt);
    this.rcvAdvEdge = this.rcvNxt + <u32>cfg.receiveWindow;
    this.peerMss = syn.mss != 0 ? <i32>syn.mss : DEFAULT_MSS;
    this.wscaleOk = cfg.windowScaling && syn.wscale >= 0;
    this.sndShift = this.wscaleOk ? min(syn.wscale, MAX_WSCALE) : 0;
    if (!this.wscaleOk) this.rcvShift = 0;
    this.sackOk = cfg.sack && syn.sackPermitted;
    this.tsOk = cfg.timestamps && syn.hasTimestamp;
    if (this.tsOk) this.tsRecent = syn.tsVal;
    // RFC 7323 §2.2: the window of a SYN is never scaled.
    this.sndWnd = <u32>syn.window;
    this.maxSndWnd = this.sndWnd;
    this.sndWl1 = syn.seq;
    this.sndWl2 = syn.ack;
    this.updateMss();
    this.lastRecv = now;
  }

  /** RFC 9293 §3.7.1 and RFC 6691: data per segment is the smaller of the
   *  peer's MSS and our path's, less the options every segment carries. */
  private updateMss(): void {
    const mss = max(min(this.peerMss, this.ctx.localMss()), MIN_MSS);
    this.smss = mss - (this.tsOk ? TS_OPTION_BYTES : 0);
    this.cc.setMss(this.smss);
  }

  // ======================================================================
  // Stream
  // ======================================================================

  write(data: usize, len: i32): i32 {
    if (!this.canWrite() || len <= 0) return 0;
    const n = this.sendBuffer.write(data, len);
    if (n < len) this.drainWanted = true;
    if (n > 0 && !this.inInput) {
      const now = this.ctx.clock.now();
      this.output(now);
      this.updateTimer();
    }
    return n;
  }

  writable(): i32 { return this.canWrite() ? this.sendBuffer.room : 0; }

  private canWrite(): bool {
    if (this.finQueued) return false;
    const s = this.state;
    return s == TcpState.SynSent || s == TcpState.SynReceived || s == TcpState.Established || s == TcpState.CloseWait;
  }

  /** RFC 9293 §3.10.4 CLOSE: a FIN follows the queued data. */
  end(): void {
    switch (this.state) {
      case TcpState.SynSent:
        this.destroy(CloseReason.Aborted);
        return;
      case TcpState.SynReceived:
        this.finQueued = true; // FIN-WAIT-1 once established
        return;
      case TcpState.Established:
        this.finQueued = true;
        this.state = TcpState.FinWait1;
        break;
      case TcpState.CloseWait:
        this.finQueued = true;
        this.state = TcpState.LastAck;
        break;
      default:
        return; // already closing
    }
    if (!this.inInput) {
      this.output(this.ctx.clock.now());
      this.updateTimer();
    }
  }

  /** RFC 9293 §3.10.5 ABORT: RST in synchronized states, then gone. */
  abort(): void {
    const s = this.state;
    if (s == TcpState.Closed) {
      if (this.closePending) {
        // Closed cleanly, but the paused app gives up on the held data.
        this.closePending = false;
        this.receiveBuffer.clear();
        this.readSeq = this.rcvNxt;
        this.endDelivered = true;
        this.notifyClose(CloseReason.Aborted);
      }
      return;
    }
    if (s == TcpState.SynReceived || s == TcpState.Established || s == TcpState.FinWait1 ||
        s == TcpState.FinWait2 || s == TcpState.CloseWait) {
      this.sendReset(this.sndNxt);
    }
    this.destroy(CloseReason.Aborted);
  }

  remote(): string { return formatAddress(this.remoteAddr) + ":" + this.remotePort.toString(); }

  /** Switch Nagle's algorithm off (true) or on (false). */
  setNoDelay(on: bool): void {
    this.noDelay = on;
    if (on && !this.inInput && this.state != TcpState.Closed) {
      this.output(this.ctx.clock.now());
      this.updateTimer();
    }
  }

  /** Switch keep-alive probes on or off (RFC 9293 §3.8.4). */
  setKeepAlive(on: bool): void {
    this.keepAlive = on;
    this.keepAliveProbes = 0;
    this.keepAliveAt = on ? this.lastRecv + this.ctx.config.keepAliveIdle : NEVER;
    if (this.state != TcpState.Closed) this.updateTimer();
  }

  /** Bytes written but not yet acknowledged by the peer. */
  get unacknowledged(): i32 { return this.sendBuffer.length; }

  get stateName(): string { return stateName(this.state); }

  // ======================================================================
  // Segment arrival (RFC 9293 §3.10.7)
  // ======================================================================

  input(seg: TcpSegment): void {
    const now = this.ctx.clock.now();
    this.inInput = true;
    if (this.state == TcpState.SynSent) this.inputSynSent(seg, now);
    else this.inputSynchronized(seg, now);
    this.inInput = false;
    if (!this.paused && this.hasHeldData()) {
      // The app resumed during a callback.
      this.deliverBuffered();
      if (this.windowUpdateWorthIt()) this.ackNow = true;
    }
    if (this.state == TcpState.Closed) return;
    this.output(now);
    if (this.state == TcpState.Closed) return;
    this.notifyDrain();
    if (this.state == TcpState.Closed) return;
    this.updateTimer();
  }

  /** RFC 9293 §3.10.7.3. */
  private inputSynSent(seg: TcpSegment, now: i64): void {
    const c = this.ctx.counters;
    const hasAck = seg.has(SEG_ACK);
    if (hasAck && (seqLe(seg.ack, this.iss) || seqGt(seg.ack, this.sndMax))) {
      c.dropBadAck++;
      if (!seg.has(SEG_RST)) this.sendResetTo(seg.ack);
      return;
    }
    if (seg.has(SEG_RST)) {
      // RFC 5961 §3.2: only an RST that acknowledges our SYN is believed.
      if (hasAck) {
        c.resetsReceived++;
        c.connectFailures++;
        this.destroy(CloseReason.Reset);
      } else {
        c.dropBadSegment++;
      }
      return;
    }
    if (!seg.has(SEG_SYN)) { c.dropBadSegment++; return; }
    this.acceptSyn(seg, now);
    if (hasAck) {
      this.sndUna = seg.ack;
      if (seqLt(this.sndNxt, this.sndUna)) this.sndNxt = this.sndUna;
      this.takeRttSample(seg, now);
      this.establish(now);
      this.ackNow = true;
    } else {
      // Simultaneous open (RFC 9293 §3.5 figure 8): answer with SYN-ACK
      // carrying the same ISS.
      this.state = TcpState.SynReceived;
      this.sndNxt = this.iss;
      this.rtoAt = NEVER;
    }
    // Data or FIN carried by the SYN.
    if (seg.payloadLen > 0 || seg.has(SEG_FIN)) {
      seg.seq += 1;
      seg.flags &= ~SEG_SYN;
      if (this.state == TcpState.Established) this.processText(seg, now);
    }
  }

  /** Every state but SYN-SENT (and the listener's, handled by Tcp). */
  private inputSynchronized(seg: TcpSegment, now: i64): void {
    const c = this.ctx.counters;
    const st = this.state;

    // A SYN in SYN-RECEIVED with the peer's ISN: a retransmitted SYN (answer
    // again with SYN-ACK) or, in a simultaneous open, the peer's SYN-ACK
    // (RFC 9293 §3.5 figure 8 line 7): its SYN is old news, its ACK is not.
    if (st == TcpState.SynReceived && seg.has(SEG_SYN) && !seg.has(SEG_RST) && seg.seq == this.irs) {
      if (seg.has(SEG_ACK) && seqGt(seg.ack, this.sndUna) && seqLe(seg.ack, this.sndMax)) {
        seg.seq += 1;
        seg.flags &= ~SEG_SYN;
      } else {
        this.sndNxt = this.iss; // resend SYN-ACK
        return;
      }
    }

    // RFC 7323 §5.3 PAWS: a timestamp older than TS.Recent is a stale
    // duplicate from an earlier wrap of the sequence space.
    if (this.tsOk && seg.hasTimestamp && !seg.has(SEG_RST) && seqLt(seg.tsVal, this.tsRecent)) {
      c.dropPaws++;
      this.ackNow = true;
      return;
    }

    // First: is the sequence number acceptable?
    if (!this.acceptable(seg)) {
      c.dropOutOfWindow++;
      if (!seg.has(SEG_RST)) {
        this.ackNow = true;
        // RFC 9293 §3.10.7.4: in TIME-WAIT this is the peer's FIN again.
        if (st == TcpState.TimeWait && seg.has(SEG_FIN)) this.startTimeWait(now);
      }
      return;
    }
    this.lastRecv = now;
    this.keepAliveProbes = 0;

    // Second: RST (RFC 5961 §3.2).
    if (seg.has(SEG_RST)) {
      if (seg.seq != this.rcvNxt) {
        if (this.ctx.allowChallengeAck(now)) this.ackNow = true;
        return;
      }
      this.onReset();
      return;
    }

    // Fourth: SYN in a synchronized state (RFC 5961 §4, RFC 9293).
    if (seg.has(SEG_SYN)) {
      if (this.ctx.allowChallengeAck(now)) this.ackNow = true;
      return;
    }

    // Fifth: the ACK field.
    if (!seg.has(SEG_ACK)) { c.dropNoAck++; return; }
    if (!this.processAck(seg, now)) return;
    if (this.state == TcpState.Closed) return;

    // RFC 7323 §4.3: TS.Recent follows the segment that covers Last.ACK.sent.
    if (this.tsOk && seg.hasTimestamp && seqLe(seg.seq, this.lastAckSent) && seqGe(seg.tsVal, this.tsRecent)) {
      this.tsRecent = seg.tsVal;
    }

    // Seventh and eighth: text and FIN.
    this.processText(seg, now);
  }

  /** RFC 9293 §3.10.7.4 first check, against the window we advertise. */
  private acceptable(seg: TcpSegment): bool {
    const wnd = this.receiveWindow();
    const len = seg.segLen;
    if (len == 0) {
      return wnd == 0 ? seg.seq == this.rcvNxt : seqInRange(seg.seq, this.rcvNxt, this.rcvNxt + wnd);
    }
    if (wnd == 0) return false;
    return seqInRange(seg.seq, this.rcvNxt, this.rcvNxt + wnd) ||
      seqInRange(seg.seq + len - 1, this.rcvNxt, this.rcvNxt + wnd);
  }

  /** An RST at exactly RCV.NXT. */
  private onReset(): void {
    const c = this.ctx.counters;
    switch (this.state) {
      case TcpState.SynReceived:
        // Passive: back to LISTEN, which for us means forgetting the
        // half-open connection. Active (simultaneous open): refused.
        c.resetsReceived++;
        if (this.active) c.connectFailures++;
        this.destroy(CloseReason.Reset);
        return;
      case TcpState.TimeWait:
        // RFC 1337: an RST must not cut TIME-WAIT short (TIME-WAIT
        // assassination); the timer runs out on its own.
        return;
      default:
        c.resetsReceived++;
        this.destroy(CloseReason.Reset);
    }
  }

  /** Fifth check. Returns false when the segment is to be dropped. */
  private processAck(seg: TcpSegment, now: i64): bool {
    const c = this.ctx.counters;
    const ack = seg.ack;

    if (this.state == TcpState.SynReceived) {
      if (!(seqGt(ack, this.sndUna) && seqLe(ack, this.sndMax))) {
        c.dropBadAck++;
        this.sendResetTo(ack);
        return false;
      }
      this.establish(now);
      if (this.state == TcpState.Closed) return false;
      // The window of this ACK is the first scaled one; take it as is.
      this.sndWnd = <u32>seg.window << this.sndShift;
      this.maxSndWnd = max(this.maxSndWnd, this.sndWnd);
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
    }

    // RFC 5961 §5.2: the ACK must lie in [SND.UNA - MAX.SND.WND, SND.NXT].
    const probeAck = this.probing && ack == this.sndMax;
    if (seqGt(ack, this.sndMax) && !probeAck) {
      c.dropBadAck++;
      if (this.ctx.allowChallengeAck(now)) this.ackNow = true;
      return false;
    }
    if (seqLt(ack, this.sndUna - this.maxSndWnd)) {
      c.dropBadAck++;
      if (this.ctx.allowChallengeAck(now)) this.ackNow = true;
      return false;
    }

    // SACK blocks first, so that loss recovery sees them with this ACK.
    const sackBefore = this.scoreboard.sackedIn(this.sndUna, this.sndMax);
    if (this.sackOk && seg.sackCount > 0) {
      for (let i = 0; i < seg.sackCount; i++) {
        this.scoreboard.add(seg.sack[2 * i], seg.sack[2 * i + 1], this.sndUna, this.sndMax);
      }
    }
    const newSack = this.scoreboard.sackedIn(this.sndUna, this.sndMax) > sackBefore;

    const windowBefore = this.sndWnd;
    const segWnd = <u32>seg.window << this.sndShift;

    if (seqGt(ack, this.sndUna)) {
      this.onNewAck(seg, now);
      if (this.state == TcpState.Closed) return false;
    } else if (ack == this.sndUna && this.sndMax != this.sndUna && seg.payloadLen == 0 &&
               !seg.has(SEG_SYN | SEG_FIN) && (segWnd == windowBefore || newSack) && !this.probing) {
      // RFC 5681 §2 duplicate ACK (with SACK, one that reports new data
      // counts too, RFC 6675 §2).
      this.onDupAck(now);
    }

    // RFC 9293 §3.10.7.4: window update from a newer segment.
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 == seg.seq && seqLe(this.sndWl2, ack))) {
      this.sndWnd = segWnd;
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
      if (segWnd > this.maxSndWnd) this.maxSndWnd = segWnd;
      if (segWnd > 0 && this.probing) {
        // The window opened: the probe byte becomes ordinary data in flight.
        this.probing = false;
      }
      if (segWnd > 0) { this.persistAt = NEVER; this.persistBackoff = 0; }
    }

    // State transitions driven by our FIN being acknowledged.
    const finAcked = this.finQueued && seqGt(this.sndUna, this.finSeq());
    switch (this.state) {
      case TcpState.FinWait1:
        if (finAcked) this.state = TcpState.FinWait2;
        break;
      case TcpState.Closing:
        if (finAcked) this.enterTimeWait(now);
        return false;
      case TcpState.LastAck:
        if (finAcked) { this.destroy(CloseReason.Done); return false; }
        return false;
      case TcpState.TimeWait:
        return false;
    }
    return true;
  }

  /** SND.UNA < SEG.ACK <= SND.MAX: new data (or our SYN/FIN) acknowledged. */
  private onNewAck(seg: TcpSegment, now: i64): void {
    const ack = seg.ack;
    // Free acknowledged bytes of the send buffer (SYN and FIN take
    // sequence space but are not data: congestion control counts data).
    const dataAcked = min(max(seqDiff(ack, this.bufSeq), 0), this.sendBuffer.length);
    if (dataAcked > 0) {
      this.sendBuffer.consume(dataAcked);
      this.bufSeq += <u32>dataAcked;
    }
    this.takeRttSample(seg, now);
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    if (seqGt(ack, this.sndMax)) this.sndMax = ack; // the probe byte
    if (this.probing && ack == this.sndMax) this.probing = false;
    if (seqLt(this.highRxt, ack)) this.highRxt = ack;
    this.scoreboard.advance(ack);
    this.retries = 0;
    this.rto.resetBackoff();

    const cc = this.cc;
    const flight = seqDiff(this.sndMax, this.sndUna);
    if (cc.inRecovery) {
      if (cc.coversRecovery(ack)) {
        cc.exitRecovery(flight);
      } else {
        cc.onPartialAck(dataAcked, this.sackOk);
        // RFC 6582 §3.2 step 5: retransmit the next hole at once. (With SACK
        // the pipe-driven output loop finds it.)
        if (!this.sackOk) this.retransmitAt(this.sndUna, now);
      }
    } else {
      cc.dupAcks = 0;
      if (dataAcked > 0) cc.onAck(dataAcked);
    }

    // RFC 6298 §5.2-5.3: restart the timer for what is still outstanding.
    this.rtoAt = this.sndMax != this.sndUna && !this.probing ? now + this.rto.rto : NEVER;
  }

  private onDupAck(now: i64): void {
    const cc = this.cc;
    cc.dupAcks++;
    if (cc.inRecovery) {
      if (!this.sackOk) cc.onDupAckInRecovery();
      return; // output() sends what the (inflated) window or pipe allows
    }
    const lost = this.sackOk && seqGt(this.scoreboard.lostBoundary(this.sndUna, DUP_THRESH, this.smss), this.sndUna);
    if ((cc.dupAcks >= DUP_THRESH || lost) && cc.mayEnterRecovery(this.sndUna)) {
      // RFC 5681 §3.2 / RFC 6675 §5: fast retransmit, then recovery.
      cc.enterRecovery(seqDiff(this.sndMax, this.sndUna), this.sndMax, this.sackOk);
      this.ctx.counters.fastRetransmits++;
      this.highRxt = this.sndUna + <u32>this.retransmitAt(this.sndUna, now);
    }
  }

  /** Karn's rule (RFC 6298 §3) for plain timing; RFC 7323 §4 with TS. */
  private takeRttSample(seg: TcpSegment, now: i64): void {
    if (this.tsOk && seg.hasTimestamp && seg.tsEcr != 0) {
      const ms = <i32>(this.tsNow(now) - seg.tsEcr);
      if (ms >= 0) this.rto.sample(<i64>ms * NS_PER_MS);
      this.rttTiming = false;
      return;
    }
    if (this.rttTiming && seqGt(seg.ack, this.rttSeq)) {
      this.rto.sample(now - this.rttStart);
      this.rttTiming = false;
    }
  }

  /** SYN-RECEIVED or SYN-SENT to ESTABLISHED. */
  private establish(now: i64): void {
    const passive = this.state == TcpState.SynReceived && !this.active;
    this.state = this.finQueued ? TcpState.FinWait1 : TcpState.Established;
    this.retries = 0;
    this.rto.resetBackoff();
    if (this.synRetransmitted && !this.rto.measured) this.rto.restart(RTO_AFTER_SYN_LOSS);
    this.rtoAt = NEVER;
    if (this.keepAlive) this.keepAliveAt = now + this.ctx.config.keepAliveIdle;
    this.ctx.counters.established++;
    const owner = this.halfOpenOwner;
    if (owner !== null) {
      this.halfOpenOwner = null;
      owner.release(this);
    }
    if (passive) this.ctx.connectionEstablished(this);
  }

  /** Seventh and eighth checks: segment text, then FIN. */
  private processText(seg: TcpSegment, now: i64): void {
    const st = this.state;
    const receiving = st == TcpState.Established || st == TcpState.FinWait1 || st == TcpState.FinWait2;
    let seq = seg.seq;
    let data = seg.payload;
    let len = seg.payloadLen;
    let fin = seg.has(SEG_FIN);
    if (len == 0 && !fin) return;
    if (!receiving) {
      // The peer's FIN came already: nothing more can be delivered.
      if (len > 0) this.ctx.counters.dropAfterClose++;
      return;
    }
    // Trim to the window: the part before RCV.NXT was delivered already,
    // the part beyond the right edge does not fit (and loses its FIN).
    const skip = seqDiff(this.rcvNxt, seq);
    if (skip > 0) {
      if (skip >= len) { len = 0; } else { data += <usize>skip; len -= skip; }
      seq = this.rcvNxt;
    }
    const room = seqDiff(this.rcvNxt + this.receiveWindow(), seq);
    if (len > room) { len = max(room, 0); fin = false; }

    const buf = this.receiveBuffer;
    if (seq == this.rcvNxt) {
      const fillsGap = buf.hasDataAbove(this.rcvNxt);
      if (len > 0) {
        this.rcvUnackedBytes += len;
        if (!this.paused && this.readSeq == this.rcvNxt && !this.delivering) {
          // The common case: straight from the packet to the app.
          this.rcvNxt += <u32>len;
          this.readSeq = this.rcvNxt;
          buf.consume(this.readSeq);
          this.deliver(data, len);
          if (this.state == TcpState.Closed) return;
        } else if (!buf.insert(seq, data, len)) {
          this.ctx.counters.dropReassemblyFull++;
          this.ackNow = true;
          return;
        }
      }
      this.rcvNxt = buf.contiguousEnd(this.rcvNxt);
      if (fin || (this.finPending && this.finPendingSeq == this.rcvNxt)) {
        this.onFin(now);
        return;
      }
      this.deliverBuffered();
      if (this.state == TcpState.Closed) return;
      if (fillsGap) this.ackNow = true; // RFC 5681 §4.2: ACK at once when a gap fills
      else if (len > 0) this.scheduleAck(now);
    } else {
      // Out of order: keep it and tell the sender (duplicate ACK with SACK).
      if (len > 0 && !buf.insert(seq, data, len)) {
        this.ctx.counters.dropReassemblyFull++;
      }
      if (fin) {
        this.finPending = true;
        this.finPendingSeq = seq + <u32>len;
      }
      this.ackNow = true;
    }
  }

  /** Hand the app what the receive buffer holds in order, unless paused;
   *  then onEnd once the peer's FIN is reached, and a deferred onClose. */
  private deliverBuffered(): void {
    if (this.delivering) return; // the loop below is already running
    const buf = this.receiveBuffer;
    const end = this.finReceived ? this.remoteFinSeq : this.rcvNxt;
    this.delivering = true;
    while (!this.paused && seqLt(this.readSeq, end)) {
      const seq = this.readSeq;
      const n = buf.chunkAt(seq, seqDiff(end, seq));
      const at = buf.addressOf(seq);
      this.readSeq += <u32>n;
      this.deliver(at, n); // the bytes stay put until consume() below
      buf.consume(this.readSeq);
      if (this.closedForApp()) { this.delivering = false; return; }
    }
    this.delivering = false;
    if (this.paused || !this.finReceived || this.endDelivered || this.readSeq != this.remoteFinSeq) return;
    this.endDelivered = true;
    const h = this.handler;
    if (h !== null) h.onEnd(this);
    if (this.closePending && !this.closedForApp()) {
      this.closePending = false;
      this.notifyClose(CloseReason.Done);
    }
  }

  /** The app can hear nothing more: closed and notified, or aborted. */
  private closedForApp(): bool {
    return this.closeNotified || (this.state == TcpState.Closed && !this.closePending);
  }

  private deliver(data: usize, len: i32): void {
    const h = this.handler;
    if (h !== null) h.onData(this, data, len);
  }

  /** Stop handing data to the app: what arrives is held in the receive
   *  buffer, and the window closes as it fills, so the peer slows down. */
  pause(): void { this.paused = true; }

  /** Hand over what was held, and reopen the window. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.inInput || this.delivering) return; // delivered on the way out
    this.deliverBuffered();
    if (this.state == TcpState.Closed) return;
    const now = this.ctx.clock.now();
    if (this.windowUpdateWorthIt()) this.ackNow = true;
    this.output(now);
    this.updateTimer();
  }

  get isPaused(): bool { return this.paused; }

  /** Data (or the end) received and not yet handed to the app. */
  private hasHeldData(): bool {
    if (this.finReceived) return seqLt(this.readSeq, this.remoteFinSeq) || !this.endDelivered;
    return seqLt(this.readSeq, this.rcvNxt);
  }

  /** RFC 9293 §3.10.7.4 eighth: the peer's FIN, in order. */
  private onFin(now: i64): void {
    this.finReceived = true;
    this.remoteFinSeq = this.rcvNxt;
    this.rcvNxt += 1;
    this.finPending = false;
    this.ackNow = true;
    switch (this.state) {
      case TcpState.SynReceived:
      case TcpState.Established:
        this.state = TcpState.CloseWait;
        break;
      case TcpState.FinWait1:
        if (seqGt(this.sndUna, this.finSeq())) this.enterTimeWait(now);
        else this.state = TcpState.Closing;
        break;
      case TcpState.FinWait2:
        this.enterTimeWait(now);
        break;
      default:
        return;
    }
    this.deliverBuffered();
  }

  /** Delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2): at least every second
   *  full-sized segment, and within delayedAckTimeout. */
  private scheduleAck(now: i64): void {
    if (this.rcvUnackedBytes >= 2 * this.ctx.localMss()) {
      this.ackNow = true;
    } else if (this.delackAt == NEVER) {
      this.delackAt = now + this.ctx.config.delayedAckTimeout;
    }
  }

  // ======================================================================
  // Output
  // ======================================================================

  /** Send whatever the state, windows and Nagle allow, and a pure ACK if one
   *  is owed and nothing else carried it. */
  output(now: i64): void {
    const st = this.state;
    if (st == TcpState.Closed || st == TcpState.Listen) return;
    if (st == TcpState.SynSent || st == TcpState.SynReceived) {
      if (this.sndNxt == this.iss) {
        this.sendSyn(now);
      } else if (this.ackNow && st == TcpState.SynReceived) {
        this.sendAck(now);
      }
      this.armRto(now);
      return;
    }
    if (st != TcpState.TimeWait) {
      if (this.sndMax == this.sndUna && this.lastSend != 0 && now - this.lastSend > this.rto.rto) {
        this.cc.onIdleRestart(); // RFC 5681 §4.1
      }
      if (this.cc.inRecovery && this.sackOk) this.outputSackRecovery(now);
      else {
        for (let i = 0; i < 1024; i++) {
          if (!this.sendNext(now, -1)) break;
        }
      }
    }
    if (this.ackNow) this.sendAck(now);
    if (st != TcpState.TimeWait) {
      this.armRto(now);
      this.armPersist(now);
    }
  }

  private sendSyn(now: i64): void {
    if (seqGt(this.sndMax, this.iss)) {
      this.synRetransmitted = true;
      this.ctx.counters.retransmits++;
    }
    const flags = this.state == TcpState.SynSent ? SEG_SYN : SEG_SYN | SEG_ACK;
    this.transmit(flags, this.iss, 0, 0, now);
    // Time the SYN too; Karn's rule: not once it was retransmitted.
    this.rttTiming = !this.synRetransmitted;
    this.rttSeq = this.iss;
    this.rttStart = now;
    this.sndNxt = this.iss + 1;
    if (seqGt(this.sndNxt, this.sndMax)) this.sndMax = this.sndNxt;
  }

  /** Send one segment starting at SND.NXT if the rules allow. cwndRoom is
   *  what congestion control leaves (in SACK recovery, cwnd - pipe), or -1:
   *  cwnd less what is in flight below SND.NXT. Returns true if a segment
   *  went out. */
  private sendNext(now: i64, cwndRoom: i32): bool {
    let nxt = this.sndNxt;
    if (this.sackOk && seqLt(nxt, this.sndMax)) {
      // Going back after a timeout: do not resend what the peer holds.
      nxt = this.scoreboard.skipSacked(nxt);
      if (seqGt(nxt, this.sndMax)) nxt = this.sndMax;
      this.sndNxt = nxt;
    }
    if (cwndRoom < 0) {
      // SACKed bytes below SND.NXT have left the network.
      const flight = seqDiff(nxt, this.sndUna) - (this.sackOk ? this.scoreboard.sackedIn(this.sndUna, nxt) : 0);
      cwndRoom = this.cc.cwnd - flight;
    }
    const dataEnd = this.bufSeq + <u32>this.sendBuffer.length;
    const avail = max(seqDiff(dataEnd, nxt), 0);
    const rwndRoom = seqDiff(this.sndUna + this.sndWnd, nxt);
    const maxPayload = this.maxPayload();
    const retransmit = seqLt(nxt, this.sndMax);
    let len = min(min(avail, maxPayload), min(cwndRoom, rwndRoom));
    if (retransmit && this.sackOk) len = min(len, seqDiff(this.scoreboard.nextSackedAfter(nxt, this.sndMax), nxt));
    if (len < 0) len = 0;
    const finSeq = this.finSeq();
    const fin = this.finQueued && nxt + <u32>len == finSeq && seqLe(nxt, finSeq);
    if (len == 0 && !fin) return false;
    // A FIN needs no window; a bare FIN only once all data went.
    let send = false;
    if (len == maxPayload) send = true;
    else if (retransmit) send = true;
    else if (fin) send = true;
    else if (len == avail && (this.noDelay || nxt == this.sndUna)) send = true; // Nagle
    else if (this.maxSndWnd > 0 && <u32>len >= this.maxSndWnd >> 1 && (this.noDelay || nxt == this.sndUna)) send = true; // SWS
    if (!send) return false;
    let flags: u8 = SEG_ACK;
    if (fin) flags |= SEG_FIN;
    if (len > 0 && nxt + <u32>len == dataEnd) flags |= SEG_PSH;
    this.transmit(flags, nxt, seqDiff(nxt, this.bufSeq), len, now);
    if (retransmit) {
      this.ctx.counters.retransmits++;
      this.rttTiming = false;
    } else if (!this.rttTiming && len > 0) {
      this.rttTiming = true;
      this.rttSeq = nxt;
      this.rttStart = now;
    }
    this.sndNxt = nxt + <u32>len + (fin ? 1 : 0);
    if (seqGt(this.sndNxt, this.sndMax)) this.sndMax = this.sndNxt;
    return true;
  }

  /** RFC 6675 §5 (C): while cwnd - pipe >= SMSS, send NextSeg(). */
  private outputSackRecovery(now: i64): void {
    const sb = this.scoreboard;
    for (let i = 0; i < 1024; i++) {
      const una = this.sndUna;
      const lost = sb.lostBoundary(una, DUP_THRESH, this.smss);
      const room = this.cc.cwnd - this.pipe(lost);
      if (room < this.smss) return;
      // Rule 1: the first un-SACKed byte above HighRxt that counts as lost.
      let s = sb.skipSacked(seqMax(this.highRxt, una));
      if (seqLt(s, lost)) {
        const n = this.retransmitAt(s, now);
        if (n <= 0) return;
        this.highRxt = s + <u32>n;
        continue;
      }
      // Rule 2: new data.
      if (this.sendNext(now, room)) continue;
      // Rule 3: un-SACKed data below the highest SACKed byte.
      s = sb.skipSacked(seqMax(this.highRxt, una));
      if (seqLt(s, sb.highest(una))) {
        const n = this.retransmitAt(s, now);
        if (n <= 0) return;
        this.highRxt = s + <u32>n;
        continue;
      }
      return;
    }
  }

  /** RFC 6675 §4 SetPipe: un-SACKed bytes not deemed lost, plus every
   *  retransmitted byte. */
  private pipe(lost: u32): i32 {
    const sb = this.scoreboard;
    const una = this.sndUna, top = this.sndMax;
    let p = seqDiff(top, una) - sb.sackedIn(una, top);
    if (seqGt(lost, una)) p -= seqDiff(lost, una) - sb.sackedIn(una, lost);
    const rx = seqMin(this.highRxt, top);
    if (seqGt(rx, una)) p += seqDiff(rx, una) - sb.sackedIn(una, rx);
    return p;
  }

  /** Resend one segment starting at seq (not past the next SACKed range);
   *  returns the data bytes sent. SND.NXT does not move. */
  private retransmitAt(seq: u32, now: i64): i32 {
    const dataEnd = this.bufSeq + <u32>this.sendBuffer.length;
    let len = min(max(seqDiff(dataEnd, seq), 0), this.maxPayload());
    if (this.sackOk) len = min(len, seqDiff(this.scoreboard.nextSackedAfter(seq, this.sndMax), seq));
    len = max(len, 0);
    const fin = this.finQueued && seq + <u32>len == this.finSeq() && seqLt(this.finSeq(), this.sndMax);
    if (len == 0 && !fin) return 0;
    const flags = SEG_ACK | (fin ? SEG_FIN : 0) | (len > 0 && seq + <u32>len == dataEnd ? SEG_PSH : 0);
    this.transmit(flags, seq, seqDiff(seq, this.bufSeq), len, now);
    this.ctx.counters.retransmits++;
    this.rttTiming = false;
    return len + (fin ? 1 : 0);
  }

  private sendAck(now: i64): void {
    this.transmit(SEG_ACK, this.sndNxt, 0, 0, now);
  }

  /** RST to the peer from a synchronized state. */
  private sendReset(seq: u32): void {
    this.transmit(SEG_RST | SEG_ACK, seq, 0, 0, this.ctx.clock.now());
    this.ctx.counters.resetsSent++;
  }

  /** RST in answer to an unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>. */
  private sendResetTo(seq: u32): void {
    this.transmit(SEG_RST, seq, 0, 0, this.ctx.clock.now());
    this.ctx.counters.resetsSent++;
  }

  /** Data bytes one segment may carry now (SACK blocks take room). */
  private maxPayload(): i32 {
    const blocks = this.sackBlocksToSend();
    return this.smss - (blocks > 0 ? 4 + 8 * blocks : 0);
  }

  private sackBlocksToSend(): i32 {
    if (!this.sackOk) return 0;
    const n = this.receiveBuffer.rangesAbove(this.rcvNxt);
    return min(n, this.tsOk ? SACK_BLOCKS_WITH_TS : SACK_BLOCKS_WITHOUT_TS);
  }

  /** Build and send one segment; data comes from the send buffer at
   *  dataOffset. Every segment but a SYN's and an RST's carries the current
   *  ACK, so it clears a pending (delayed) ACK. */
  private transmit(flags: u8, seq: u32, dataOffset: i32, len: i32, now: i64): void {
    const ctx = this.ctx;
    const seg = ctx.out;
    seg.reset();
    seg.srcPort = this.localPort;
    seg.dstPort = this.remotePort;
    seg.seq = seq;
    seg.flags = flags;
    const syn = (flags & SEG_SYN) != 0;
    if ((flags & SEG_ACK) != 0) seg.ack = this.rcvNxt;
    if (!syn) this.advanceWindowEdge();
    seg.window = syn ? <u16>min(this.ctx.config.receiveWindow, 0xffff) : this.windowField();
    if (syn) {
      const cfg = ctx.config;
      const offerAll = this.state == TcpState.SynSent;
      seg.mss = <u16>min(ctx.localMss(), 0xffff);
      if (offerAll ? cfg.windowScaling : this.wscaleOk) seg.wscale = this.rcvShift;
      seg.sackPermitted = offerAll ? cfg.sack : this.sackOk;
      seg.hasTimestamp = offerAll ? cfg.timestamps : this.tsOk;
    } else {
      seg.hasTimestamp = this.tsOk;
      if ((flags & SEG_RST) == 0) seg.sackCount = this.receiveBuffer.sackBlocks(seg.sack, this.sackBlocksToSend(), this.rcvNxt);
    }
    if (seg.hasTimestamp) {
      seg.tsVal = this.tsNow(now);
      seg.tsEcr = (flags & SEG_ACK) != 0 ? this.tsRecent : 0;
    }
    const buf = ctx.txBuffer(len);
    const hlen = emitHeader(seg, buf, MAX_HEADER_LEN);
    if (len > 0) this.sendBuffer.read(dataOffset, buf + <usize>hlen, len);
    ctx.counters.segmentsOut++;
    if (!ctx.ip.send(this.remoteAddr, IPPROTO_TCP, buf, hlen + len, CHECKSUM_OFFSET)) ctx.counters.sendFailures++;
    this.lastSend = now;
    if ((flags & SEG_ACK) != 0) {
      this.lastAckSent = this.rcvNxt;
      this.ackNow = false;
      this.delackAt = NEVER;
      this.rcvUnackedBytes = 0;
    }
  }

  /** Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): the right edge follows
   *  what the app took only in steps of min(buffer / 2, MSS). */
  private advanceWindowEdge(): void {
    if (this.windowUpdateWorthIt()) this.rcvAdvEdge = this.readSeq + <u32>this.ctx.config.receiveWindow;
  }

  private windowUpdateWorthIt(): bool {
    const edge = this.readSeq + <u32>this.ctx.config.receiveWindow;
    const step = min(this.ctx.config.receiveWindow >> 1, this.ctx.localMss());
    return seqDiff(edge, this.rcvAdvEdge) >= step;
  }

  /** The window field we send: from RCV.NXT to the announced right edge,
   *  scaled (RFC 7323 §2.3). */
  private windowField(): u16 {
    const wnd = max(seqDiff(this.rcvAdvEdge, this.rcvNxt), 0);
    return <u16>min(wnd >> this.rcvShift, 0xffff);
  }

  /** The window in bytes that windowField() announces. */
  private receiveWindow(): u32 {
    return <u32>this.windowField() << this.rcvShift;
  }

  private tsNow(now: i64): u32 {
    return <u32>(now / NS_PER_MS) + this.tsOffset;
  }

  private finSeq(): u32 { return this.bufSeq + <u32>this.sendBuffer.length; }

  // ======================================================================
  // Timers
  // ======================================================================

  /** RFC 6298 §5.1: running whenever something unacknowledged is out. */
  private armRto(now: i64): void {
    if (this.sndMax != this.sndUna && !this.probing) {
      if (this.rtoAt == NEVER) this.rtoAt = now + this.rto.rto;
    } else {
      this.rtoAt = NEVER;
    }
  }

  /** Data waits, nothing is in flight: only the peer's window can be
   *  holding us back, so probe it (RFC 9293 §3.8.6.1). */
  private armPersist(now: i64): void {
    const waiting = this.sendBuffer.length > 0 && seqLt(this.sndNxt, this.bufSeq + <u32>this.sendBuffer.length);
    if ((this.sndMax == this.sndUna || this.probing) && waiting) {
      if (this.persistAt == NEVER) this.persistAt = now + this.persistInterval();
    } else {
      this.persistAt = NEVER;
      if (!this.probing) this.persistBackoff = 0;
    }
  }

  private persistInterval(): i64 {
    let t = this.rto.rto;
    for (let i = 0; i < this.persistBackoff && t < this.ctx.config.rtoMax; i++) t <<= 1;
    return min(t, this.ctx.config.rtoMax);
  }

  updateTimer(): void {
    let d = min(min(this.rtoAt, this.persistAt), min(this.delackAt, this.timeWaitAt));
    if (this.keepAlive) d = min(d, this.keepAliveAt);
    this.ctx.clock.schedule(this.timer, d);
  }

  onTimer(now: i64): void {
    if (this.state == TcpState.Closed) return;
    if (this.timeWaitAt <= now) {
      this.timeWaitAt = NEVER;
      this.destroy(CloseReason.Done);
      return;
    }
    if (this.rtoAt <= now) {
      this.rtoAt = NEVER;
      this.onRetransmissionTimeout(now);
      if (this.state == TcpState.Closed) return;
    }
    if (this.persistAt <= now) {
      this.persistAt = NEVER;
      this.onPersist(now);
    }
    if (this.keepAlive && this.keepAliveAt <= now) {
      this.keepAliveAt = NEVER;
      this.onKeepAlive(now);
      if (this.state == TcpState.Closed) return;
    }
    if (this.delackAt <= now) {
      this.delackAt = NEVER;
      this.ackNow = true;
      this.output(now);
    }
    this.updateTimer();
  }

  /** RFC 6298 §5.4-5.7 and RFC 5681 §3.1. */
  private onRetransmissionTimeout(now: i64): void {
    if (this.sndMax == this.sndUna || this.state == TcpState.TimeWait) return;
    const c = this.ctx.counters;
    c.timeouts++;
    this.retries++;
    const synPhase = this.state == TcpState.SynSent || this.state == TcpState.SynReceived;
    const limit = synPhase ? this.ctx.config.synRetries : this.ctx.config.dataRetries;
    if (this.retries > limit) {
      if (this.state == TcpState.SynSent || (this.state == TcpState.SynReceived && this.active)) c.connectFailures++;
      if (!synPhase) this.sendReset(this.sndNxt);
      this.destroy(CloseReason.Timeout);
      return;
    }
    this.rto.backoff();
    this.rttTiming = false;
    if (synPhase) {
      this.sndNxt = this.iss;
    } else {
      this.cc.onTimeout(seqDiff(this.sndMax, this.sndUna), this.sndMax);
      // A peer may renege on SACKed data (RFC 2018 §8): after a second
      // timeout for the same data, stop trusting the scoreboard.
      if (this.retries >= 2) this.scoreboard.clear();
      this.highRxt = this.sndUna;
      this.sndNxt = this.sndUna;
    }
    this.output(now);
  }

  /** Probe a zero window with one byte, or push out what a small window
   *  allows (the SWS override timeout, RFC 9293 §3.8.6.2.1). */
  private onPersist(now: i64): void {
    const st = this.state;
    if (st == TcpState.Closed || st == TcpState.TimeWait || st == TcpState.SynSent || st == TcpState.SynReceived) return;
    const dataEnd = this.bufSeq + <u32>this.sendBuffer.length;
    const avail = seqDiff(dataEnd, this.sndNxt);
    if (avail <= 0) return;
    const room = seqDiff(this.sndUna + this.sndWnd, this.sndNxt);
    if (room > 0 && !this.probing) {
      const len = min(min(avail, room), this.maxPayload());
      const nxt = this.sndNxt;
      this.transmit(SEG_ACK | (nxt + <u32>len == dataEnd ? SEG_PSH : 0), nxt, seqDiff(nxt, this.bufSeq), len, now);
      this.sndNxt = nxt + <u32>len;
      if (seqGt(this.sndNxt, this.sndMax)) this.sndMax = this.sndNxt;
      this.armRto(now);
      return;
    }
    // Zero window: one byte of new data, outside the window.
    const nxt = this.sndNxt;
    this.transmit(SEG_ACK, nxt, seqDiff(nxt, this.bufSeq), 1, now);
    this.probing = true;
    if (seqGt(nxt + 1, this.sndMax)) this.sndMax = nxt + 1;
    this.persistBackoff++;
    this.persistAt = now + this.persistInterval();
  }

  /** RFC 9293 §3.8.4 / RFC 1122 §4.2.3.6. */
  private onKeepAlive(now: i64): void {
    const cfg = this.ctx.config;
    const st = this.state;
    if (st != TcpState.Established && st != TcpState.CloseWait) return;
    if (this.sndMax != this.sndUna) {
      // Data in flight: the retransmission timer watches the peer.
      this.keepAliveAt = now + cfg.keepAliveIdle;
      return;
    }
    if (this.keepAliveProbes == 0 && now - this.lastRecv < cfg.keepAliveIdle) {
      this.keepAliveAt = this.lastRecv + cfg.keepAliveIdle;
      return;
    }
    if (this.keepAliveProbes >= cfg.keepAliveProbes) {
      this.sendReset(this.sndNxt);
      this.destroy(CloseReason.Timeout);
      return;
    }
    // An old sequence number: the peer must answer with an ACK.
    this.transmit(SEG_ACK, this.sndUna - 1, 0, 0, now);
    this.keepAliveProbes++;
    this.keepAliveAt = now + cfg.keepAliveInterval;
  }

  // ======================================================================
  // Closing
  // ======================================================================

  private enterTimeWait(now: i64): void {
    this.state = TcpState.TimeWait;
    this.rtoAt = NEVER;
    this.persistAt = NEVER;
    this.keepAliveAt = NEVER;
    this.sendBuffer.clear();
    this.startTimeWait(now);
    this.closeDone();
  }

  private startTimeWait(now: i64): void {
    this.timeWaitAt = now + 2 * this.ctx.config.msl;
  }

  /** A new SYN for this 4-tuple in TIME-WAIT may reopen it (RFC 9293
   *  §3.6.1, RFC 6191) when its sequence number (and timestamp) is newer. */
  mayReopen(syn: TcpSegment): bool {
    if (this.state != TcpState.TimeWait) return false;
    if (this.tsOk && syn.hasTimestamp) return seqGt(syn.tsVal, this.tsRecent);
    return seqGt(syn.seq, this.rcvNxt);
  }

  /** To CLOSED: release everything and tell the app (once). */
  destroy(reason: CloseReason): void {
    if (this.state == TcpState.Closed) return;
    this.state = TcpState.Closed;
    this.rtoAt = NEVER;
    this.persistAt = NEVER;
    this.delackAt = NEVER;
    this.keepAliveAt = NEVER;
    this.timeWaitAt = NEVER;
    this.ctx.clock.schedule(this.timer, NEVER);
    const owner = this.halfOpenOwner;
    if (owner !== null) {
      this.halfOpenOwner = null;
      owner.release(this);
    }
    this.ctx.connectionClosed(this);
    this.sendBuffer.clear();
    if (reason == CloseReason.Done) {
      this.closeDone();
    } else {
      // Reset, timeout, abort: what was held is lost with the connection.
      this.receiveBuffer.clear();
      this.readSeq = this.rcvNxt;
      this.remoteFinSeq = this.rcvNxt;
      this.endDelivered = true;
      this.closePending = false;
      this.notifyClose(reason);
    }
  }

  /** A clean end: tell the app once it has everything (it may be paused). */
  private closeDone(): void {
    if (this.finReceived && this.hasHeldData()) {
      this.closePending = true; // deliverBuffered() finishes the job
      return;
    }
    this.receiveBuffer.clear();
    this.readSeq = this.rcvNxt;
    this.notifyClose(CloseReason.Done);
  }

  private notifyClose(reason: CloseReason): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.ctx.counters.closed++;
    const h = this.handler;
    if (h !== null) h.onClose(this, reason);
  }

  private notifyDrain(): void {
    if (!this.drainWanted || !this.canWrite() || this.sendBuffer.room <= 0) return;
    this.drainWanted = false;
    const h = this.handler;
    if (h !== null) h.onDrain(this);
  }
}

/** "10.0.2.15" from 0x0a00020f. */
export function formatAddress(a: u32): string {
  return (a >> 24).toString() + "." + ((a >> 16) & 0xff).toString() + "." +
    ((a >> 8) & 0xff).toString() + "." + (a & 0xff).toString();
}
