// ICMP for IPv4 (RFC 792): echo request and reply (what ping needs) and
// destination unreachable (what a closed UDP port answers and what path MTU
// discovery listens for, RFC 1191). Other types parse as Unsupported.
// parse() verifies the checksum, which covers the whole message; the quoted
// datagram of an unreachable message is checked to hold its IPv4 header and
// the first 8 bytes of its payload (the transport ports), so the stack may
// read them with Ipv4Packet accessors without further checks.
// Accessors never read outside the message; parse() never traps; emit()
// only fails if the buffer is too small.
import { ByteView } from "./bytes";
import { WireError } from "./error";
import { checksum } from "./checksum";
import { IPV4_HEADER_LEN, IPV4_VERSION } from "./ipv4";

/** Type, code, checksum and the 4-byte rest of the header (RFC 792). */
export const ICMPV4_HEADER_LEN: i32 = 8;

// Message types (RFC 792).
export const ICMPV4_ECHO_REPLY: u8 = 0;
export const ICMPV4_DEST_UNREACHABLE: u8 = 3;
export const ICMPV4_ECHO_REQUEST: u8 = 8;
export const ICMPV4_TIME_EXCEEDED: u8 = 11;

// Destination unreachable codes (RFC 792; RFC 1191 §3 for code 4's MTU).
export const ICMPV4_NET_UNREACHABLE: u8 = 0;
export const ICMPV4_HOST_UNREACHABLE: u8 = 1;
export const ICMPV4_PROTOCOL_UNREACHABLE: u8 = 2;
export const ICMPV4_PORT_UNREACHABLE: u8 = 3;
export const ICMPV4_FRAGMENTATION_NEEDED: u8 = 4;

/** The part of the offending datagram an unreachable message must quote:
 *  "the internet header plus the first 64 bits of the original datagram's
 *  data" (RFC 792 "Destination Unreachable Message"). */
export const ICMPV4_QUOTED_DATA_LEN: i32 = 8;

/** A view of an ICMP message. */
export class Icmpv4Packet extends ByteView {
  msgType(): u8 { return this.getU8(0); }
  code(): u8 { return this.getU8(1); }
  checksum(): u16 { return this.getU16(2); }
  /** Echo: identifier and sequence number. */
  echoIdent(): u16 { return this.getU16(4); }
  echoSeq(): u16 { return this.getU16(6); }
  /** Destination unreachable, code 4: the next-hop MTU (RFC 1191 §4). */
  nextHopMtu(): u16 { return this.getU16(6); }
  /** After the header: echo data, or the quoted datagram. */
  data(): usize { return this.ptrAt(ICMPV4_HEADER_LEN); }
  dataLen(): i32 { return this.lenFrom(ICMPV4_HEADER_LEN); }

  setMsgType(v: u8): void { this.setU8(0, v); }
  setCode(v: u8): void { this.setU8(1, v); }
  setChecksum(v: u16): void { this.setU16(2, v); }
  setEchoIdent(v: u16): void { this.setU16(4, v); }
  setEchoSeq(v: u16): void { this.setU16(6, v); }
  /** Bytes 4-7 of the header as one word (unused, or the next-hop MTU). */
  setRestOfHeader(v: u32): void { this.setU32(4, v); }

  /** The checksum over the whole view (the message is the IP payload). */
  verifyChecksum(): bool { return checksum(this.ptr, this.len) == 0; }
}

/** An echo request, echo reply or destination unreachable message. */
export class Icmpv4Repr {
  msgType: u8 = ICMPV4_ECHO_REQUEST;
  code: u8 = 0;
  /** Echo only. */
  ident: u16 = 0;
  seq: u16 = 0;
  /** Destination unreachable only; 0 unless code is FRAGMENTATION_NEEDED. */
  nextHopMtu: u16 = 0;
  /** Echo data, or the quoted datagram (valid while its buffer is). */
  data: usize = 0;
  dataLen: i32 = 0;

  parse(packet: Icmpv4Packet): WireError {
    if (packet.len < ICMPV4_HEADER_LEN) return WireError.Truncated;
    if (!packet.verifyChecksum()) return WireError.BadChecksum;
    const type = packet.msgType();
    this.msgType = type;
    this.code = packet.code();
    this.ident = 0;
    this.seq = 0;
    this.nextHopMtu = 0;
    this.data = packet.data();
    this.dataLen = packet.dataLen();
    if (type == ICMPV4_ECHO_REQUEST || type == ICMPV4_ECHO_REPLY) {
      if (this.code != 0) return WireError.Malformed;
      this.ident = packet.echoIdent();
      this.seq = packet.echoSeq();
      return WireError.Ok;
    }
    if (type == ICMPV4_DEST_UNREACHABLE) {
      if (this.code == ICMPV4_FRAGMENTATION_NEEDED) this.nextHopMtu = packet.nextHopMtu();
      return quotesDatagram(packet) ? WireError.Ok : WireError.Malformed;
    }
    return WireError.Unsupported;
  }

  bufferLen(): i32 { return ICMPV4_HEADER_LEN + this.dataLen; }

  /** Write the message, its data and its checksum into the first
   *  bufferLen() bytes of the buffer. */
  emit(packet: Icmpv4Packet): WireError {
    if (this.dataLen < 0) return WireError.Malformed;
    const len = this.bufferLen();
    if (packet.len < len) return WireError.NoRoom;
    packet.setMsgType(this.msgType);
    packet.setCode(this.code);
    if (this.msgType == ICMPV4_DEST_UNREACHABLE) {
      packet.setRestOfHeader(this.code == ICMPV4_FRAGMENTATION_NEEDED ? <u32>this.nextHopMtu : 0);
    } else {
      packet.setEchoIdent(this.ident);
      packet.setEchoSeq(this.seq);
    }
    packet.copyIn(ICMPV4_HEADER_LEN, this.data, this.dataLen);
    packet.setChecksum(0);
    packet.setChecksum(checksum(packet.ptr, len));
    return WireError.Ok;
  }
}

/** The data of an unreachable message holds an IPv4 header and 8 bytes after it. */
function quotesDatagram(packet: Icmpv4Packet): bool {
  const first = packet.getU8(ICMPV4_HEADER_LEN);
  const headerLen = <i32>(first & 0x0f) * 4;
  return first >> 4 == IPV4_VERSION && headerLen >= IPV4_HEADER_LEN &&
    packet.dataLen() >= headerLen + ICMPV4_QUOTED_DATA_LEN;
}
