// ICMP for IPv4 (RFC 792): answers echo requests (ping) and sends destination
// unreachable errors for the transports (UDP's closed ports), under the
// rules of RFC 1122 §3.2.2: never about a broadcast, a fragment, an ICMP
// error or a packet from a non-unicast source, and at most ICMP_ERROR_BURST
// errors per second (token bucket), so the stack cannot be made to flood.
// Echo requests to a broadcast address are not answered (§3.2.2.6 allows it;
// it prevents smurf amplification). Incoming unreachable messages are counted.
import { NS_PER_S } from "../core/clock";
import { TransportProtocol } from "./ip";
import { WireError } from "./wire/error";
import {
  Icmpv4Packet, Icmpv4Repr, ICMPV4_DEST_UNREACHABLE, ICMPV4_ECHO_REPLY, ICMPV4_ECHO_REQUEST,
  ICMPV4_QUOTED_DATA_LEN,
} from "./wire/icmpv4";
import { IP_PROTOCOL_ICMP, IPV4_ANY, IPV4_BROADCAST } from "./wire/ipv4";
import { Ipv4 } from "./ipv4";
import { NetCounter, NetCounters } from "./counters";

/** Errors allowed per second, and the burst. */
export const ICMP_ERROR_BURST: i32 = 10;

export class Icmp extends TransportProtocol {
  private packet: Icmpv4Packet = new Icmpv4Packet();
  private repr: Icmpv4Repr = new Icmpv4Repr();
  private out: Icmpv4Packet = new Icmpv4Packet();
  private scratch: StaticArray<u8>;
  private tokens: i32 = ICMP_ERROR_BURST;
  private refilled: i64 = 0;
  private counters: NetCounters;

  constructor(readonly ip: Ipv4) {
    super();
    this.counters = ip.iface.counters;
    this.scratch = new StaticArray<u8>(ip.maxSegment());
    ip.register(IP_PROTOCOL_ICMP, this);
  }

  input(src: u32, dst: u32, payload: usize, len: i32, checksumVerified: bool): void {
    const c = this.counters;
    c.inc(NetCounter.IcmpIn);
    this.packet.wrap(payload, len);
    const m = this.repr;
    const err = m.parse(this.packet);
    if (err == WireError.BadChecksum) { c.inc(NetCounter.IcmpBadChecksum); return; }
    if (err == WireError.Unsupported) { c.inc(NetCounter.IcmpOtherType); return; }
    if (err != WireError.Ok) { c.inc(NetCounter.IcmpMalformed); return; }
    if (m.msgType == ICMPV4_ECHO_REQUEST) {
      c.inc(NetCounter.IcmpEchoRequests);
      if (this.ip.current.broadcast) { c.inc(NetCounter.IcmpEchoToBroadcast); return; }
      m.msgType = ICMPV4_ECHO_REPLY; // same identifier, sequence number and data
      this.emitAndSend(src);
    } else if (m.msgType == ICMPV4_DEST_UNREACHABLE) {
      c.inc(NetCounter.IcmpUnreachableIn);
    } else {
      c.inc(NetCounter.IcmpOtherType);
    }
  }

  /** Tell the sender of the packet being delivered that it was unreachable
   *  (code: ICMPV4_PORT_UNREACHABLE...). Call only from a transport's input(). */
  destinationUnreachable(code: u8): void {
    const cur = this.ip.current;
    if (cur.header == 0 || cur.broadcast || cur.src == IPV4_ANY || cur.src == IPV4_BROADCAST) return;
    if (!this.takeToken()) { this.counters.inc(NetCounter.IcmpRateLimited); return; }
    const m = this.repr;
    m.msgType = ICMPV4_DEST_UNREACHABLE;
    m.code = code;
    m.nextHopMtu = 0;
    m.data = cur.header;
    m.dataLen = cur.headerLen + min(cur.payloadLen, ICMPV4_QUOTED_DATA_LEN);
    this.emitAndSend(cur.src);
  }

  private emitAndSend(dst: u32): void {
    const m = this.repr;
    const len = m.bufferLen();
    if (len > this.scratch.length) return; // cannot happen: requests came in one packet
    this.out.wrap(changetype<usize>(this.scratch), len);
    m.emit(this.out);
    if (this.ip.send(dst, IP_PROTOCOL_ICMP, changetype<usize>(this.scratch), len, -1)) {
      this.counters.inc(NetCounter.IcmpOut);
    }
  }

  private takeToken(): bool {
    const now = this.ip.iface.clock.now();
    if (now - this.refilled >= NS_PER_S) {
      this.tokens = ICMP_ERROR_BURST;
      this.refilled = now;
    }
    if (this.tokens == 0) return false;
    this.tokens--;
    return true;
  }
}
