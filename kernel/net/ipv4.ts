// The IPv4 layer (RFC 791, host requirements of RFC 1122 §3): it implements
// IpLayer (ip.ts) for the transports above it.
// Receive: the header is validated (version, lengths, header checksum), then
// the packet goes to the transport registered for its protocol if it is
// addressed to us (our address, a broadcast, or any UDP while we have no
// address yet, so that a DHCP offer sent to the offered address arrives).
// Every drop is counted by reason; options are accepted and ignored.
// Fragments are DROPPED and counted (IpFragment): no reassembly. Every peer
// this stack talks to sends TCP within the MSS and small UDP (DHCP, DNS)
// under the MTU, and reassembly buffers are a classic memory-exhaustion
// target; a unikernel that needs big UDP datagrams can add it here.
// A received TTL is not checked: a host must not drop a datagram for its TTL
// (RFC 1122 §3.2.1.7); only routers do.
// Send: header with TTL 64, DF set (we never fragment, so a segment larger
// than maxSegment() is refused), the transport checksum completed over the
// pseudo-header in software or, with NetDevice.txChecksumOffload, by the NIC.
// Routing: the limited and the subnet broadcast go to the Ethernet broadcast,
// on-link destinations straight to ARP, the rest to the default gateway;
// without an address or a route the packet is dropped (IpNoRoute). There is
// no loopback: a packet to our own address is not routed (IpNoRoute).
import { IpLayer, TransportProtocol } from "./ip";
import { ByteView } from "./wire/bytes";
import { WireError } from "./wire/error";
import { ETHERNET_HEADER_LEN, ETHERTYPE_IPV4, MAC_BROADCAST } from "./wire/ethernet";
import {
  Ipv4Packet, Ipv4Repr, IPV4_HEADER_LEN, IPV4_VERSION, IPV4_BROADCAST, IPV4_DEFAULT_TTL, IP_PROTOCOL_UDP,
} from "./wire/ipv4";
import { add, finish, pseudoHeaderSum, sumBytes } from "./wire/checksum";
import { EtherProtocol, NetInterface } from "./interface";
import { Arp } from "./arp";
import { NetCounter } from "./counters";
import { FrameBuffer } from "./pool";

/** The packet being delivered to a transport, for ICMP errors about it. */
export class ReceivedPacket {
  /** The IP header (and what follows), valid only during delivery. */
  header: usize = 0;
  headerLen: i32 = 0;
  payloadLen: i32 = 0;
  src: u32 = 0;
  dst: u32 = 0;
  /** Sent to a broadcast address: never answer it with an ICMP error (RFC 1122 §3.2.2). */
  broadcast: bool = false;
}

class Ipv4Input extends EtherProtocol {
  constructor(private ip: Ipv4) { super(); }
  input(payload: usize, len: i32): void { this.ip.receive(payload, len); }
}

export class Ipv4 extends IpLayer {
  /** Valid while a transport's input() runs. */
  readonly current: ReceivedPacket = new ReceivedPacket();
  private handlers: StaticArray<TransportProtocol | null> = new StaticArray<TransportProtocol | null>(256);
  private rxPacket: Ipv4Packet = new Ipv4Packet();
  private rxRepr: Ipv4Repr = new Ipv4Repr();
  private txPacket: Ipv4Packet = new Ipv4Packet();
  private txRepr: Ipv4Repr = new Ipv4Repr();
  private field: ByteView = new ByteView();
  private ident: u16;

  constructor(readonly iface: NetInterface, readonly arp: Arp) {
    super();
    iface.register(ETHERTYPE_IPV4, new Ipv4Input(this));
    this.ident = <u16>iface.clock.now(); // RFC 6864: only unique per flow matters; DF is set
  }

  localAddress(): u32 { return this.iface.address; }

  maxSegment(): i32 { return this.iface.mtu - IPV4_HEADER_LEN; }

  register(protocol: u8, handler: TransportProtocol): void { this.handlers[protocol] = handler; }

  // ---- receive ----

  receive(payload: usize, len: i32): void {
    const c = this.iface.counters;
    c.inc(NetCounter.IpIn);
    const p = this.rxPacket;
    p.wrap(payload, len);
    const r = this.rxRepr;
    const err = r.parse(p);
    if (err != WireError.Ok) { c.inc(malformedReason(p, err)); return; }
    if (r.isFragment()) { c.inc(NetCounter.IpFragment); return; }
    if (r.src == IPV4_BROADCAST || isMulticast(r.src)) { c.inc(NetCounter.IpBadSource); return; }
    const iface = this.iface;
    const broadcast = iface.isBroadcast(r.dst);
    // Without an address, only UDP (a DHCP offer to the offered address) is
    // taken: answering a server's ping of that address would make it think
    // the address is in use (RFC 2131 §2.2).
    const forUs = iface.address != 0 ? r.dst == iface.address : r.protocol == IP_PROTOCOL_UDP;
    if (!forUs && !broadcast) { c.inc(NetCounter.IpNotForUs); return; }
    const handler = this.handlers[r.protocol];
    if (handler === null) { c.inc(NetCounter.IpUnknownProtocol); return; }
    const cur = this.current;
    cur.header = payload;
    cur.headerLen = r.headerLen();
    cur.payloadLen = r.payloadLen;
    cur.src = r.src;
    cur.dst = r.dst;
    cur.broadcast = broadcast;
    handler.input(r.src, r.dst, p.payload(), r.payloadLen, iface.device.rxChecksumValidated);
    cur.header = 0;
  }

  // ---- send ----

  send(dst: u32, protocol: u8, segment: usize, len: i32, checksumOffset: i32): bool {
    const iface = this.iface;
    const c = iface.counters;
    if (len > this.maxSegment() || len < 0) { c.inc(NetCounter.IpTooBig); return false; }
    // Route: a broadcast needs no neighbour; anything else needs our address.
    const broadcast = iface.isBroadcast(dst);
    let nextHop: u32 = dst;
    if (!broadcast) {
      if (iface.address == 0 || dst == iface.address || dst == 0) { c.inc(NetCounter.IpNoRoute); return false; }
      if (!iface.isOnLink(dst)) {
        if (iface.gateway == 0) { c.inc(NetCounter.IpNoRoute); return false; }
        nextHop = iface.gateway;
      }
    }
    const b = iface.allocFrame();
    if (b === null) return false;
    const ipLen = IPV4_HEADER_LEN + len;
    const p = this.txPacket;
    p.wrap(b.ptr + <usize>ETHERNET_HEADER_LEN, ipLen);
    const r = this.txRepr;
    r.src = iface.address;
    r.dst = dst;
    r.protocol = protocol;
    r.ttl = IPV4_DEFAULT_TTL;
    r.ident = this.ident++;
    r.dontFragment = true;
    r.payloadLen = len;
    r.emit(p);
    p.copyIn(IPV4_HEADER_LEN, segment, len);
    b.len = ETHERNET_HEADER_LEN + ipLen;
    if (checksumOffset >= 0) this.completeChecksum(b, protocol, r.src, dst, len, checksumOffset);
    c.inc(NetCounter.IpOut);
    if (broadcast) return iface.transmit(b, MAC_BROADCAST, ETHERTYPE_IPV4);
    return this.arp.send(nextHop, b);
  }

  /** Fill the transport checksum at checksumOffset of the segment in b
   *  (after the Ethernet and IP headers), or
   *  leave the pseudo-header sum there for the NIC. */
  private completeChecksum(b: FrameBuffer, protocol: u8, src: u32, dst: u32, len: i32, checksumOffset: i32): void {
    const start = ETHERNET_HEADER_LEN + IPV4_HEADER_LEN;
    const seg = b.ptr + <usize>start;
    const f = this.field;
    f.wrap(seg, len);
    const pseudo = pseudoHeaderSum(src, dst, protocol, len);
    if (this.iface.device.txChecksumOffload) {
      // Partial checksum (virtio 1.2 §5.1.6.2, VIRTIO_NET_HDR_F_NEEDS_CSUM):
      // the pseudo-header sum, not complemented; the NIC adds the segment.
      f.setU16(checksumOffset, <u16>pseudo);
      b.csumStart = start;
      b.csumOffset = checksumOffset;
      return;
    }
    const sum = finish(add(pseudo, sumBytes(seg, len)));
    // RFC 768: a computed 0 is sent as all ones (0 means "no checksum").
    f.setU16(checksumOffset, sum == 0 && protocol == IP_PROTOCOL_UDP ? 0xffff : sum);
  }
}

function isMulticast(a: u32): bool { return (a >> 28) == 0xe; } // 224.0.0.0/4, RFC 5771

/** Which malformation a failed parse was, for the counters. */
function malformedReason(p: Ipv4Packet, err: WireError): NetCounter {
  if (err == WireError.BadChecksum) return NetCounter.IpBadChecksum;
  if (p.len < IPV4_HEADER_LEN) return NetCounter.IpTooShort;
  if (p.version() != IPV4_VERSION) return NetCounter.IpBadVersion;
  const h = p.headerLen();
  if (h < IPV4_HEADER_LEN || h > p.len) return NetCounter.IpBadHeaderLength;
  return NetCounter.IpBadTotalLength;
}
