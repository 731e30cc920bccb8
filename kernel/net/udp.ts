// UDP (RFC 768): sockets bound to a local port, each with a handler object
// that receives datagrams (AssemblyScript has no closures). The checksum of
// every datagram is verified unless the NIC did (a zero checksum means the
// sender sent none, which IPv4 allows); bad ones are counted and dropped.
// A datagram for a port nobody bound is answered with ICMP port unreachable
// (RFC 1122 §4.1.3.1), within ICMP's rate limit. A bound socket keeps the
// event loop alive until it is closed.
import { ref, unref } from "../core/loop";
import { randomU32 } from "../core/entropy";
import { TransportProtocol } from "./ip";
import { WireError } from "./wire/error";
import { UdpPacket, UdpRepr, UDP_HEADER_LEN } from "./wire/udp";
import { IP_PROTOCOL_UDP } from "./wire/ipv4";
import { ICMPV4_PORT_UNREACHABLE } from "./wire/icmpv4";
import { Ipv4 } from "./ipv4";
import { Icmp } from "./icmp";
import { NetCounter, NetCounters } from "./counters";

/** Checksum field offset in the UDP header (RFC 768), for IpLayer.send. */
const UDP_CHECKSUM_OFFSET: i32 = 6;
/** Ephemeral ports (RFC 6335 §6: the Dynamic and/or Private Ports). */
const EPHEMERAL_FIRST: u32 = 49152;
const EPHEMERAL_COUNT: u32 = 16384;

/** Receives the datagrams of a socket. data/len are valid only during the call. */
export abstract class UdpHandler {
  abstract onDatagram(srcIp: u32, srcPort: u16, data: usize, len: i32): void;
}

export class UdpSocket {
  private open: bool = true;

  constructor(readonly udp: Udp, readonly port: u16, public handler: UdpHandler) {}

  /** Send len bytes at data to dst:dstPort from this socket's port. False if
   *  it was not sent: too large for one packet (maxPayload()), no route,
   *  no buffer, or the socket is closed; the reason is counted. */
  sendTo(dst: u32, dstPort: u16, data: usize, len: i32): bool {
    if (!this.open) return false;
    return this.udp.send(this.port, dst, dstPort, data, len);
  }

  /** Release the port; no more datagrams are delivered. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.udp.unbind(this);
  }

  get isOpen(): bool { return this.open; }
}

export class Udp extends TransportProtocol {
  private sockets: Map<u16, UdpSocket> = new Map();
  private packet: UdpPacket = new UdpPacket();
  private repr: UdpRepr = new UdpRepr();
  private scratch: StaticArray<u8>;
  private counters: NetCounters;

  constructor(readonly ip: Ipv4, readonly icmp: Icmp) {
    super();
    this.counters = ip.iface.counters;
    this.scratch = new StaticArray<u8>(ip.maxSegment());
    ip.register(IP_PROTOCOL_UDP, this);
  }

  /** Bind a local port (0: any free ephemeral port). Null if it is taken. */
  bind(port: u16, handler: UdpHandler): UdpSocket | null {
    if (port == 0) {
      const start = randomU32() % EPHEMERAL_COUNT;
      for (let i: u32 = 0; i < EPHEMERAL_COUNT && port == 0; i++) {
        const p = <u16>(EPHEMERAL_FIRST + (start + i) % EPHEMERAL_COUNT);
        if (!this.sockets.has(p)) port = p;
      }
      if (port == 0) return null;
    } else if (this.sockets.has(port)) {
      return null;
    }
    const s = new UdpSocket(this, port, handler);
    this.sockets.set(port, s);
    ref();
    return s;
  }

  /** The largest payload sendTo() accepts. */
  maxPayload(): i32 { return this.ip.maxSegment() - UDP_HEADER_LEN; }

  input(src: u32, dst: u32, payload: usize, len: i32, checksumVerified: bool): void {
    const c = this.counters;
    c.inc(NetCounter.UdpIn);
    this.packet.wrap(payload, len);
    const d = this.repr;
    const err = d.parse(this.packet, src, dst, !checksumVerified);
    if (err == WireError.BadChecksum) { c.inc(NetCounter.UdpBadChecksum); return; }
    if (err != WireError.Ok) { c.inc(NetCounter.UdpMalformed); return; }
    if (!this.sockets.has(d.dstPort)) {
      c.inc(NetCounter.UdpNoPort);
      this.icmp.destinationUnreachable(ICMPV4_PORT_UNREACHABLE);
      return;
    }
    const s = this.sockets.get(d.dstPort);
    s.handler.onDatagram(src, d.srcPort, d.payload, d.payloadLen);
  }

  send(srcPort: u16, dst: u32, dstPort: u16, data: usize, len: i32): bool {
    if (len < 0 || len > this.maxPayload()) { this.counters.inc(NetCounter.IpTooBig); return false; }
    const d = this.repr;
    d.srcPort = srcPort;
    d.dstPort = dstPort;
    d.payload = data;
    d.payloadLen = len;
    const n = UDP_HEADER_LEN + len;
    this.packet.wrap(changetype<usize>(this.scratch), n);
    d.emit(this.packet);
    if (!this.ip.send(dst, IP_PROTOCOL_UDP, changetype<usize>(this.scratch), n, UDP_CHECKSUM_OFFSET)) return false;
    this.counters.inc(NetCounter.UdpOut);
    return true;
  }

  unbind(s: UdpSocket): void {
    if (this.sockets.has(s.port) && this.sockets.get(s.port) === s) {
      this.sockets.delete(s.port);
      unref();
    }
  }
}
