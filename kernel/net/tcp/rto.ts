// The retransmission timeout (RFC 6298): a smoothed RTT and its variance from
// samples, RTO = SRTT + max(G, 4*RTTVAR) clamped to [min, max], doubled on
// every expiry (§5.5) until a new sample arrives. Karn's rule (§3) is the
// caller's part: never feed a sample taken from a retransmitted segment.
// All times are nanoseconds.

/** RFC 6298 §2: clock granularity G; our clock is fine-grained, so 1 ms. */
const GRANULARITY: i64 = 1_000_000;

export class RtoEstimator {
  srtt: i64 = 0;
  rttvar: i64 = 0;
  /** True once a sample has been taken. */
  measured: bool = false;
  private base: i64;
  /** Expiries since the last sample (the exponent of the backoff). */
  backoffs: i32 = 0;

  constructor(public minRto: i64, public maxRto: i64, initialRto: i64) {
    this.base = initialRto;
  }

  /** The current timeout, backoff included. */
  get rto(): i64 {
    let r = this.base;
    for (let i = 0; i < this.backoffs && r < this.maxRto; i++) r <<= 1;
    return min(r, this.maxRto);
  }

  /** A round-trip sample (RFC 6298 §2.2, §2.3 with alpha 1/8, beta 1/4). */
  sample(rtt: i64): void {
    if (rtt < 0) return;
    if (!this.measured) {
      this.srtt = rtt;
      this.rttvar = rtt >> 1;
      this.measured = true;
    } else {
      const err = this.srtt - rtt;
      this.rttvar = (3 * this.rttvar + (err < 0 ? -err : err)) >> 2;
      this.srtt = (7 * this.srtt + rtt) >> 3;
    }
    this.base = max(this.minRto, min(this.maxRto, this.srtt + max(GRANULARITY, 4 * this.rttvar)));
    this.backoffs = 0;
  }

  /** The timer expired: back off (RFC 6298 §5.5). */
  backoff(): void {
    if (this.rto < this.maxRto) this.backoffs++;
  }

  /** Start over from a given timeout (RFC 6298 §5.7). */
  restart(rto: i64): void {
    this.base = max(this.minRto, min(this.maxRto, rto));
    this.backoffs = 0;
  }

  /** Forget the backoff without a sample (an ACK of new data arrived). */
  resetBackoff(): void { this.backoffs = 0; }
}
