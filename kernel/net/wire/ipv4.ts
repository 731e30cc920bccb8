// IPv4 headers (RFC 791 §3.1). An address is a u32 whose most significant
// byte is the first octet on the wire: 10.0.2.15 is 0x0a00020f, so that
// ordinary integer comparison and masking work (addr & mask).
// parse() checks the version, the lengths and the header checksum; options
// are kept as bytes, not interpreted. Fragments parse like any packet: their
// flags and offset are exposed so the stack can drop them.
// Accessors never read outside the packet; parse() never traps; emit() only
// fails if the buffer is too small or the options are not whole words.
import { ByteView } from "./bytes";
import { WireError } from "./error";
import { checksum } from "./checksum";

/** A header without options: IHL 5 (RFC 791 §3.1 "Internet Header Length"). */
export const IPV4_HEADER_LEN: i32 = 20;
/** IHL is 4 bits of 32-bit words. */
export const IPV4_MAX_HEADER_LEN: i32 = 60;
export const IPV4_VERSION: u8 = 4;

// Flags and fragment offset share bytes 6-7 (RFC 791 §3.1 "Flags").
export const IPV4_DONT_FRAGMENT: u16 = 0x4000;
export const IPV4_MORE_FRAGMENTS: u16 = 0x2000;
/** Fragment offset, in units of 8 octets. */
export const IPV4_FRAGMENT_OFFSET_MASK: u16 = 0x1fff;

/** The default TTL for new datagrams (RFC 1700 "IP TTL"; RFC 1122 §3.2.1.7). */
export const IPV4_DEFAULT_TTL: u8 = 64;

// Protocol numbers (IANA "Assigned Internet Protocol Numbers").
export const IP_PROTOCOL_ICMP: u8 = 1; // RFC 792
export const IP_PROTOCOL_TCP: u8 = 6; // RFC 9293
export const IP_PROTOCOL_UDP: u8 = 17; // RFC 768

export const IPV4_ANY: u32 = 0; // 0.0.0.0
export const IPV4_BROADCAST: u32 = 0xffffffff; // 255.255.255.255, RFC 919 §7

/** The address a.b.c.d. */
export function ipv4(a: u8, b: u8, c: u8, d: u8): u32 {
  return (<u32>a << 24) | (<u32>b << 16) | (<u32>c << 8) | <u32>d;
}

/** Dotted decimal. */
export function formatIpv4(addr: u32): string {
  return (addr >> 24).toString() + "." + ((addr >> 16) & 0xff).toString() + "." +
    ((addr >> 8) & 0xff).toString() + "." + (addr & 0xff).toString();
}

/** A view of an IPv4 packet. */
export class Ipv4Packet extends ByteView {
  version(): u8 { return this.getU8(0) >> 4; }
  /** IHL in bytes. */
  headerLen(): i32 { return <i32>(this.getU8(0) & 0x0f) * 4; }
  /** Differentiated services code point (RFC 2474 §3). */
  dscp(): u8 { return this.getU8(1) >> 2; }
  /** Explicit congestion notification (RFC 3168 §5). */
  ecn(): u8 { return this.getU8(1) & 3; }
  totalLen(): i32 { return <i32>this.getU16(2); }
  ident(): u16 { return this.getU16(4); }
  dontFragment(): bool { return (this.getU16(6) & IPV4_DONT_FRAGMENT) != 0; }
  moreFragments(): bool { return (this.getU16(6) & IPV4_MORE_FRAGMENTS) != 0; }
  /** Where this fragment's data starts in the original datagram, in bytes. */
  fragmentOffset(): i32 { return <i32>(this.getU16(6) & IPV4_FRAGMENT_OFFSET_MASK) * 8; }
  ttl(): u8 { return this.getU8(8); }
  protocol(): u8 { return this.getU8(9); }
  checksum(): u16 { return this.getU16(10); }
  srcAddr(): u32 { return this.getU32(12); }
  dstAddr(): u32 { return this.getU32(16); }

  /** Options: the bytes between the fixed header and the payload. */
  options(): usize { return this.ptrAt(IPV4_HEADER_LEN); }
  optionsLen(): i32 { return max(0, min(this.headerLen(), this.len) - IPV4_HEADER_LEN); }
  /** The payload, up to the total length (a frame may carry padding after it). */
  payload(): usize { return this.ptrAt(this.headerLen()); }
  payloadLen(): i32 { return max(0, min(this.totalLen(), this.len) - this.headerLen()); }

  /** Version and IHL together. */
  setVersionAndHeaderLen(version: u8, headerLen: i32): void {
    this.setU8(0, (version << 4) | <u8>((headerLen / 4) & 0x0f));
  }
  setDscpEcn(dscp: u8, ecn: u8): void { this.setU8(1, (dscp << 2) | (ecn & 3)); }
  setTotalLen(v: i32): void { this.setU16(2, <u16>v); }
  setIdent(v: u16): void { this.setU16(4, v); }
  /** Flags and offset together; offset in bytes (a multiple of 8). */
  setFragment(dontFragment: bool, moreFragments: bool, offset: i32): void {
    this.setU16(6, (dontFragment ? IPV4_DONT_FRAGMENT : 0) | (moreFragments ? IPV4_MORE_FRAGMENTS : 0) |
      (<u16>(offset / 8) & IPV4_FRAGMENT_OFFSET_MASK));
  }
  setTtl(v: u8): void { this.setU8(8, v); }
  setProtocol(v: u8): void { this.setU8(9, v); }
  setChecksum(v: u16): void { this.setU16(10, v); }
  setSrcAddr(v: u32): void { this.setU32(12, v); }
  setDstAddr(v: u32): void { this.setU32(16, v); }

  /** The lengths are consistent and inside the buffer (RFC 1122 §3.2.1.1,
   *  §3.2.1.2 without the checksum). */
  check(): WireError {
    if (this.len < IPV4_HEADER_LEN) return WireError.Truncated;
    if (this.version() != IPV4_VERSION) return WireError.Malformed;
    const headerLen = this.headerLen();
    if (headerLen < IPV4_HEADER_LEN) return WireError.Malformed;
    if (headerLen > this.len) return WireError.Truncated;
    const total = this.totalLen();
    if (total < headerLen) return WireError.Malformed;
    if (total > this.len) return WireError.Truncated;
    return WireError.Ok;
  }

  /** The header checksum holds (RFC 791 §3.1 "Header Checksum"). Call after check(). */
  verifyChecksum(): bool {
    return checksum(this.ptr, min(this.headerLen(), this.len)) == 0;
  }

  /** Compute the header checksum over the header as it stands. */
  fillChecksum(): void {
    this.setChecksum(0);
    this.setChecksum(checksum(this.ptr, min(this.headerLen(), this.len)));
  }
}

/** An IPv4 header's meaning. */
export class Ipv4Repr {
  src: u32 = 0;
  dst: u32 = 0;
  protocol: u8 = 0;
  ttl: u8 = IPV4_DEFAULT_TTL;
  dscp: u8 = 0;
  ecn: u8 = 0;
  ident: u16 = 0;
  dontFragment: bool = true;
  moreFragments: bool = false;
  /** In bytes. */
  fragmentOffset: i32 = 0;
  /** Options as bytes (valid while the buffer they point into is); emit()
   *  copies them and needs a multiple of 4 bytes, at most 40. */
  options: usize = 0;
  optionsLen: i32 = 0;
  /** Bytes after the header, up to the total length. */
  payloadLen: i32 = 0;

  /** Part of a fragmented datagram (RFC 791 §2.3 "Fragmentation"). */
  isFragment(): bool { return this.moreFragments || this.fragmentOffset != 0; }

  parse(packet: Ipv4Packet): WireError {
    const err = packet.check();
    if (err != WireError.Ok) return err;
    if (!packet.verifyChecksum()) return WireError.BadChecksum;
    this.src = packet.srcAddr();
    this.dst = packet.dstAddr();
    this.protocol = packet.protocol();
    this.ttl = packet.ttl();
    this.dscp = packet.dscp();
    this.ecn = packet.ecn();
    this.ident = packet.ident();
    this.dontFragment = packet.dontFragment();
    this.moreFragments = packet.moreFragments();
    this.fragmentOffset = packet.fragmentOffset();
    this.options = packet.options();
    this.optionsLen = packet.optionsLen();
    this.payloadLen = packet.payloadLen();
    return WireError.Ok;
  }

  headerLen(): i32 { return IPV4_HEADER_LEN + this.optionsLen; }
  bufferLen(): i32 { return this.headerLen() + this.payloadLen; }

  /** Write the header (and its checksum); the payload is the caller's, at
   *  packet.payload(). The buffer must hold header and payload. */
  emit(packet: Ipv4Packet): WireError {
    if (this.optionsLen < 0 || this.optionsLen > IPV4_MAX_HEADER_LEN - IPV4_HEADER_LEN ||
        (this.optionsLen & 3) != 0 || this.payloadLen < 0 || this.bufferLen() > 0xffff ||
        (this.fragmentOffset & 7) != 0 || this.fragmentOffset > <i32>IPV4_FRAGMENT_OFFSET_MASK * 8) {
      return WireError.Malformed;
    }
    if (packet.len < this.bufferLen()) return WireError.NoRoom;
    const headerLen = this.headerLen();
    packet.setVersionAndHeaderLen(IPV4_VERSION, headerLen);
    packet.setDscpEcn(this.dscp, this.ecn);
    packet.setTotalLen(this.bufferLen());
    packet.setIdent(this.ident);
    packet.setFragment(this.dontFragment, this.moreFragments, this.fragmentOffset);
    packet.setTtl(this.ttl);
    packet.setProtocol(this.protocol);
    packet.setSrcAddr(this.src);
    packet.setDstAddr(this.dst);
    if (this.optionsLen > 0) packet.copyIn(IPV4_HEADER_LEN, this.options, this.optionsLen);
    packet.fillChecksum();
    return WireError.Ok;
  }
}
