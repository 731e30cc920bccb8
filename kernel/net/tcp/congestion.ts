// Congestion control: NewReno (RFC 5681, RFC 6582), in bytes.
//
// The connection tells this module what happened (new data ACKed, a
// duplicate ACK, a retransmission timeout) and asks it how much may be in
// flight (cwnd). Loss recovery has two flavours that share this state:
// - without SACK, NewReno: cwnd is inflated by one SMSS per duplicate ACK
//   and each partial ACK retransmits the next hole (RFC 6582 §3.2);
// - with SACK (RFC 6675): cwnd = ssthresh during recovery and the connection
//   compares it with its `pipe` estimate from the scoreboard instead.
// Recovery ends when the cumulative ACK passes `recover` (the highest
// sequence number sent when it began).
import { seqGt } from "./seq";

/** RFC 5681 §3.2: three duplicate ACKs signal a loss. */
export const DUP_THRESH: i32 = 3;

export class NewReno {
  cwnd: i32;
  ssthresh: i32 = i32.MAX_VALUE; // RFC 5681 §3.1: arbitrarily high at first
  /** In fast recovery until an ACK covers `recover`. */
  inRecovery: bool = false;
  /** RFC 6582: the highest sequence number sent when recovery (or the last
   *  timeout) began; an ACK above it ends recovery. */
  recover: u32;
  dupAcks: i32 = 0;
  /** Bytes ACKed in congestion avoidance toward the next cwnd += SMSS. */
  private acked: i32 = 0;

  constructor(public smss: i32, iss: u32) {
    this.cwnd = NewReno.initialWindow(smss);
    this.recover = iss;
  }

  /** RFC 5681 §3.1 (the RFC 3390 window): IW by segment size. */
  static initialWindow(smss: i32): i32 {
    if (smss > 2190) return 2 * smss;
    if (smss > 1095) return 3 * smss;
    return 4 * smss;
  }

  /** The peer's MSS became known after the handshake. */
  setMss(smss: i32): void {
    if (smss == this.smss) return;
    this.smss = smss;
    this.cwnd = NewReno.initialWindow(smss);
  }

  /** New data was ACKed outside recovery (RFC 5681 §3.1). ABC with L = 1
   *  SMSS in slow start (RFC 3465), byte counting in congestion avoidance. */
  onAck(bytes: i32): void {
    this.dupAcks = 0;
    if (this.cwnd < this.ssthresh) {
      this.cwnd += min(bytes, this.smss);
    } else {
      this.acked += bytes;
      if (this.acked >= this.cwnd) {
        this.acked -= this.cwnd;
        this.cwnd += this.smss;
      }
    }
  }

  /** The third duplicate ACK (or SACK evidence of loss) arrived: may loss
   *  recovery start? RFC 6582 §3.2 step 2: not for ACKs that do not pass
   *  the previous recovery point (they are leftovers of an earlier loss). */
  mayEnterRecovery(ack: u32): bool {
    return !this.inRecovery && seqGt(ack, this.recover);
  }

  /** Start fast retransmit/recovery (RFC 5681 §3.2 steps 2-3, RFC 6582). */
  enterRecovery(flight: i32, sndMax: u32, sack: bool): void {
    this.ssthresh = max(flight / 2, 2 * this.smss);
    this.cwnd = sack ? this.ssthresh : this.ssthresh + DUP_THRESH * this.smss;
    this.recover = sndMax - 1;
    this.inRecovery = true;
    this.acked = 0;
  }

  /** A further duplicate ACK in NewReno recovery (RFC 5681 §3.2 step 4). */
  onDupAckInRecovery(): void {
    this.cwnd += this.smss;
  }

  /** An ACK below `recover` in recovery (RFC 6582 §3.2 step 5). */
  onPartialAck(bytes: i32, sack: bool): void {
    if (sack) return; // pipe-based: cwnd stays at ssthresh
    this.cwnd = max(this.cwnd - bytes, 0);
    if (bytes >= this.smss) this.cwnd += this.smss;
  }

  /** Does this ACK end recovery? */
  coversRecovery(ack: u32): bool { return seqGt(ack, this.recover); }

  /** The ACK covering `recover` ends recovery (RFC 6582 §3.2 step 3,
   *  option 1 with the flight-size guard against bursts). */
  exitRecovery(flight: i32): void {
    this.cwnd = min(this.ssthresh, max(flight, this.smss) + this.smss);
    this.inRecovery = false;
    this.dupAcks = 0;
  }

  /** Retransmission timeout (RFC 5681 §3.1 equation 4, loss window). */
  onTimeout(flight: i32, sndMax: u32): void {
    this.ssthresh = max(flight / 2, 2 * this.smss);
    this.cwnd = this.smss;
    this.inRecovery = false;
    this.recover = sndMax - 1; // RFC 6582 §3.2 step 4
    this.dupAcks = 0;
    this.acked = 0;
  }

  /** Sending after an idle period longer than an RTO (RFC 5681 §4.1). */
  onIdleRestart(): void {
    this.cwnd = min(this.cwnd, NewReno.initialWindow(this.smss));
  }
}
