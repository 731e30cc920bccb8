// UDP datagrams (RFC 768). The checksum covers the IPv4 pseudo-header, so
// parse() takes the addresses; a zero checksum means the sender computed
// none (RFC 768 "Fields"). emit() leaves the checksum zero, as the IP layer
// completes it (kernel/net/ip.ts) or lets the NIC do it; fillChecksum()
// computes it in place.
// Accessors never read outside the datagram; parse() never traps; emit()
// only fails if the buffer is too small.
import { ByteView } from "./bytes";
import { WireError } from "./error";
import { add, finish, pseudoHeaderSum, sumBytes } from "./checksum";
import { IP_PROTOCOL_UDP } from "./ipv4";

export const UDP_HEADER_LEN: i32 = 8;

/** A view of a UDP datagram: the whole IP payload. */
export class UdpPacket extends ByteView {
  srcPort(): u16 { return this.getU16(0); }
  dstPort(): u16 { return this.getU16(2); }
  /** Header and data, in bytes. */
  length(): i32 { return <i32>this.getU16(4); }
  checksum(): u16 { return this.getU16(6); }
  payload(): usize { return this.ptrAt(UDP_HEADER_LEN); }
  payloadLen(): i32 { return max(0, min(this.length(), this.len) - UDP_HEADER_LEN); }

  setSrcPort(v: u16): void { this.setU16(0, v); }
  setDstPort(v: u16): void { this.setU16(2, v); }
  setLength(v: i32): void { this.setU16(4, <u16>v); }
  setChecksum(v: u16): void { this.setU16(6, v); }

  /** The length field fits the buffer and covers the header. */
  check(): WireError {
    if (this.len < UDP_HEADER_LEN) return WireError.Truncated;
    const length = this.length();
    if (length < UDP_HEADER_LEN) return WireError.Malformed;
    if (length > this.len) return WireError.Truncated;
    return WireError.Ok;
  }

  /** The checksum holds, or is absent. Call after check(). */
  verifyChecksum(src: u32, dst: u32): bool {
    return this.checksum() == 0 || finish(this.sum(src, dst)) == 0;
  }

  /** Compute the checksum over pseudo-header, header and data. */
  fillChecksum(src: u32, dst: u32): void {
    this.setChecksum(0);
    const c = finish(this.sum(src, dst));
    this.setChecksum(c == 0 ? 0xffff : c); // 0 means "none": send its one's complement twin
  }

  private sum(src: u32, dst: u32): u32 {
    const length = min(this.length(), this.len);
    return add(pseudoHeaderSum(src, dst, IP_PROTOCOL_UDP, length), sumBytes(this.ptr, length));
  }
}

/** A UDP datagram's meaning. */
export class UdpRepr {
  srcPort: u16 = 0;
  dstPort: u16 = 0;
  /** The data (valid while its buffer is). */
  payload: usize = 0;
  payloadLen: i32 = 0;

  /** src and dst are the IP addresses; verifyChecksum false when the NIC
   *  already did (NetDevice.rxChecksumValidated). Bytes after the length
   *  field's end are ignored. */
  parse(packet: UdpPacket, src: u32, dst: u32, verifyChecksum: bool = true): WireError {
    const err = packet.check();
    if (err != WireError.Ok) return err;
    if (verifyChecksum && !packet.verifyChecksum(src, dst)) return WireError.BadChecksum;
    this.srcPort = packet.srcPort();
    this.dstPort = packet.dstPort();
    this.payload = packet.payload();
    this.payloadLen = packet.payloadLen();
    return WireError.Ok;
  }

  bufferLen(): i32 { return UDP_HEADER_LEN + this.payloadLen; }

  /** Write header and data into the first bufferLen() bytes, checksum 0. */
  emit(packet: UdpPacket): WireError {
    if (this.payloadLen < 0 || this.bufferLen() > 0xffff) return WireError.Malformed;
    if (packet.len < this.bufferLen()) return WireError.NoRoom;
    packet.setSrcPort(this.srcPort);
    packet.setDstPort(this.dstPort);
    packet.setLength(this.bufferLen());
    packet.setChecksum(0);
    packet.copyIn(UDP_HEADER_LEN, this.payload, this.payloadLen);
    return WireError.Ok;
  }
}
