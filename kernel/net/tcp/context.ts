// What every connection of one Tcp instance shares: configuration, counters,
// clock, the IP layer, the ISN generator, a transmit buffer, and the RFC 5961
// challenge-ACK budget. The Tcp protocol implements the two callbacks that
// move a connection in and out of its tables.
import { IpLayer } from "../ip";
import { IP_PROTOCOL_TCP } from "../wire/ipv4";
import { TcpConfig } from "./config";
import { TcpCounters } from "./counters";
import { NetClock } from "../clock";
import { IsnGenerator } from "./isn";
import { TcpSegment } from "./segment";
import { HEADER_LEN, MAX_HEADER_LEN } from "./codec";
import { TcpConnection } from "./connection";
import { NS_PER_S } from "../../core/clock";

/** IP protocol number of TCP (RFC 9293 §3.1, the IANA registry). */
export const IPPROTO_TCP: u8 = IP_PROTOCOL_TCP;

export abstract class TcpContext {
  readonly counters: TcpCounters = new TcpCounters();
  readonly isn: IsnGenerator = new IsnGenerator();
  /** Scratch for building one outgoing segment at a time. */
  readonly out: TcpSegment = new TcpSegment();
  private tx: ArrayBuffer = new ArrayBuffer(0);
  private challengeWindowStart: i64 = 0;
  private challengesInWindow: i32 = 0;

  constructor(public ip: IpLayer, public config: TcpConfig, public clock: NetClock) {}

  /** A passive connection finished its handshake: hand it to the app. */
  abstract connectionEstablished(c: TcpConnection): void;
  /** A connection reached CLOSED: forget it. */
  abstract connectionClosed(c: TcpConnection): void;

  /** The MSS we announce: what fits one IP packet (RFC 9293 §3.7.1). */
  localMss(): i32 { return max(this.ip.maxSegment() - HEADER_LEN, 64); }

  /** A buffer for a segment of up to `payload` data bytes. */
  txBuffer(payload: i32): usize {
    const need = MAX_HEADER_LEN + payload;
    if (this.tx.byteLength < need) this.tx = new ArrayBuffer(max(need, MAX_HEADER_LEN + 1500));
    return changetype<usize>(this.tx);
  }

  /** RFC 5961 §7: may one more challenge ACK go out now? */
  allowChallengeAck(now: i64): bool {
    if (now - this.challengeWindowStart >= NS_PER_S) {
      this.challengeWindowStart = now;
      this.challengesInWindow = 0;
    }
    if (this.challengesInWindow >= this.config.challengeAckLimit) {
      this.counters.challengeAcksSuppressed++;
      return false;
    }
    this.challengesInWindow++;
    this.counters.challengeAcks++;
    return true;
  }
}
