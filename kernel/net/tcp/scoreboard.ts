// The sender's SACK scoreboard (RFC 6675 §3): which bytes above SND.UNA the
// peer has reported holding. It answers the questions loss recovery asks:
// is this byte SACKed, which un-SACKed bytes count as lost (IsLost), and how
// much is SACKed in a range (for the pipe estimate, SetPipe). Ranges are
// sorted and disjoint; their number is bounded (the oldest-above-UNA ones are
// kept, since those are the ones recovery needs).
import { seqLt, seqLe, seqGt, seqDiff, seqMax, seqMin, insertAt } from "./seq";

export const MAX_SCOREBOARD_RANGES: i32 = 32;

export class Scoreboard {
  /** SACKed ranges [starts[i], ends[i]), sorted, disjoint, not touching. */
  starts: u32[] = [];
  ends: u32[] = [];

  get isEmpty(): bool { return this.starts.length == 0; }

  /** The highest SACKed sequence number + 1 (HighACK's neighbour), or una. */
  highest(una: u32): u32 {
    const n = this.ends.length;
    return n > 0 ? this.ends[n - 1] : una;
  }

  /** Record one SACK block [start, end), clipped to (una, sndMax]. Blocks
   *  outside that range (D-SACKs, stale or forged blocks) are ignored. */
  add(start: u32, end: u32, una: u32, sndMax: u32): void {
    if (!seqLt(start, end)) return;
    start = seqMax(start, una);
    end = seqMin(end, sndMax);
    if (!seqLt(start, end)) return;
    const s = this.starts, e = this.ends;
    let i = 0;
    while (i < s.length && seqLt(e[i], start)) i++;
    let j = i;
    while (j < s.length && seqLe(s[j], end)) j++;
    if (i == j) {
      if (s.length >= MAX_SCOREBOARD_RANGES) {
        if (i == s.length) return; // keep the lowest ranges
        s.pop(); e.pop();
      }
      insertAt<u32>(s, i, start);
      insertAt<u32>(e, i, end);
    } else {
      s[i] = seqMin(s[i], start);
      e[i] = seqMax(e[j - 1], end);
      if (j - i > 1) { s.splice(i + 1, j - i - 1); e.splice(i + 1, j - i - 1); }
    }
  }

  /** Forget everything below the new cumulative ACK. */
  advance(una: u32): void {
    const s = this.starts, e = this.ends;
    let k = 0;
    while (k < s.length && seqLe(e[k], una)) k++;
    if (k > 0) { s.splice(0, k); e.splice(0, k); }
    if (s.length > 0 && seqLt(s[0], una)) s[0] = una;
  }

  clear(): void {
    this.starts = [];
    this.ends = [];
  }

  /** If seq is SACKed, the end of its range; otherwise seq. */
  skipSacked(seq: u32): u32 {
    const s = this.starts, e = this.ends;
    for (let i = 0; i < s.length; i++) {
      if (seqLe(s[i], seq) && seqLt(seq, e[i])) return e[i];
      if (seqGt(s[i], seq)) break;
    }
    return seq;
  }

  /** The start of the first SACKed range above seq, or limit. */
  nextSackedAfter(seq: u32, limit: u32): u32 {
    const s = this.starts;
    for (let i = 0; i < s.length; i++) if (seqGt(s[i], seq)) return seqMin(s[i], limit);
    return limit;
  }

  /** SACKed bytes within [from, to). */
  sackedIn(from: u32, to: u32): i32 {
    let n = 0;
    const s = this.starts, e = this.ends;
    for (let i = 0; i < s.length; i++) {
      const a = seqMax(s[i], from), b = seqMin(e[i], to);
      if (seqLt(a, b)) n += seqDiff(b, a);
    }
    return n;
  }

  /** RFC 6675 §4 IsLost, for all bytes at once: un-SACKed bytes below the
   *  returned sequence number have more than (DupThresh - 1) * SMSS bytes
   *  SACKed above them, and count as lost. Returns una if none do. */
  lostBoundary(una: u32, dupThresh: i32, smss: i32): u32 {
    const need = (dupThresh - 1) * smss;
    let above = 0;
    const s = this.starts, e = this.ends;
    for (let i = s.length - 1; i >= 0; i--) {
      const len = seqDiff(e[i], s[i]);
      if (above + len > need) return e[i] - <u32>(need - above);
      above += len;
    }
    return una;
  }
}
