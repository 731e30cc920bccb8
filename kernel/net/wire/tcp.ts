// TCP segments (RFC 9293 §3.1) and the options a modern stack negotiates:
// MSS (RFC 9293 §3.2), window scale and timestamps (RFC 7323), SACK-permitted
// and SACK blocks (RFC 2018).
// parse() checks the header length and (unless the NIC did) the checksum
// over the IPv4 pseudo-header. Options are read tolerantly, as Linux does:
// an option of the wrong length is ignored, and an option running past the
// header ends option parsing, never the segment.
// emit() lays options out as Linux does (tcp_options_write), every option on
// a 4-byte boundary, so a Linux segment re-emits byte for byte; it leaves the
// checksum 0 for the IP layer (kernel/net/ip.ts) or fillChecksum().
// Accessors never read outside the segment; parse() never traps; emit()
// only fails if the buffer is too small or the Repr out of range.
import { ByteView } from "./bytes";
import { WireError } from "./error";
import { add, finish, pseudoHeaderSum, sumBytes } from "./checksum";
import { IP_PROTOCOL_TCP } from "./ipv4";

/** A header without options (data offset 5, RFC 9293 §3.1). */
export const TCP_HEADER_LEN: i32 = 20;
/** Data offset is 4 bits of 32-bit words: at most 40 bytes of options. */
export const TCP_MAX_HEADER_LEN: i32 = 60;

// Control bits (RFC 9293 §3.1; CWR and ECE: RFC 3168 §23.2).
export const TCP_FIN: u8 = 0x01;
export const TCP_SYN: u8 = 0x02;
export const TCP_RST: u8 = 0x04;
export const TCP_PSH: u8 = 0x08;
export const TCP_ACK: u8 = 0x10;
export const TCP_URG: u8 = 0x20;
export const TCP_ECE: u8 = 0x40;
export const TCP_CWR: u8 = 0x80;

// Option kinds and their lengths.
export const TCP_OPT_END: u8 = 0; // RFC 9293 §3.2
export const TCP_OPT_NOP: u8 = 1; // RFC 9293 §3.2
export const TCP_OPT_MSS: u8 = 2; // RFC 9293 §3.2, length 4
export const TCP_OPT_WINDOW_SCALE: u8 = 3; // RFC 7323 §2.2, length 3
export const TCP_OPT_SACK_PERMITTED: u8 = 4; // RFC 2018 §2, length 2
export const TCP_OPT_SACK: u8 = 5; // RFC 2018 §3, length 2 + 8 per block
export const TCP_OPT_TIMESTAMPS: u8 = 8; // RFC 7323 §3.2, length 10

/** The largest window shift; a larger one received is used as 14 (RFC 7323 §2.3). */
export const TCP_MAX_WINDOW_SHIFT: i32 = 14;
/** At most 4 SACK blocks fit the 40-byte option space (RFC 2018 §3). */
export const TCP_MAX_SACK_BLOCKS: i32 = 4;

/** A view of a TCP segment: the whole IP payload. */
export class TcpPacket extends ByteView {
  srcPort(): u16 { return this.getU16(0); }
  dstPort(): u16 { return this.getU16(2); }
  seqNumber(): u32 { return this.getU32(4); }
  ackNumber(): u32 { return this.getU32(8); }
  /** Data offset, in bytes. */
  headerLen(): i32 { return <i32>(this.getU8(12) >> 4) * 4; }
  /** The eight control bits (TCP_FIN ... TCP_CWR). */
  flags(): u8 { return this.getU8(13); }
  window(): u16 { return this.getU16(14); }
  checksum(): u16 { return this.getU16(16); }
  urgentPointer(): u16 { return this.getU16(18); }
  options(): usize { return this.ptrAt(TCP_HEADER_LEN); }
  optionsLen(): i32 { return max(0, min(this.headerLen(), this.len) - TCP_HEADER_LEN); }
  payload(): usize { return this.ptrAt(this.headerLen()); }
  payloadLen(): i32 { return this.lenFrom(this.headerLen()); }

  setSrcPort(v: u16): void { this.setU16(0, v); }
  setDstPort(v: u16): void { this.setU16(2, v); }
  setSeqNumber(v: u32): void { this.setU32(4, v); }
  setAckNumber(v: u32): void { this.setU32(8, v); }
  /** Data offset in bytes (a multiple of 4); the reserved bits become 0. */
  setHeaderLen(v: i32): void { this.setU8(12, <u8>(v / 4) << 4); }
  setFlags(v: u8): void { this.setU8(13, v); }
  setWindow(v: u16): void { this.setU16(14, v); }
  setChecksum(v: u16): void { this.setU16(16, v); }
  setUrgentPointer(v: u16): void { this.setU16(18, v); }

  /** The header length is valid and inside the buffer. */
  check(): WireError {
    if (this.len < TCP_HEADER_LEN) return WireError.Truncated;
    const headerLen = this.headerLen();
    if (headerLen < TCP_HEADER_LEN) return WireError.Malformed;
    if (headerLen > this.len) return WireError.Truncated;
    return WireError.Ok;
  }

  /** The checksum over pseudo-header and segment holds. */
  verifyChecksum(src: u32, dst: u32): bool {
    return finish(this.sum(src, dst)) == 0;
  }

  /** Compute the checksum over pseudo-header and segment. */
  fillChecksum(src: u32, dst: u32): void {
    this.setChecksum(0);
    this.setChecksum(finish(this.sum(src, dst)));
  }

  private sum(src: u32, dst: u32): u32 {
    return add(pseudoHeaderSum(src, dst, IP_PROTOCOL_TCP, this.len), sumBytes(this.ptr, this.len));
  }
}

/** A TCP segment's meaning: header fields, options, and where the data is. */
export class TcpRepr {
  srcPort: u16 = 0;
  dstPort: u16 = 0;
  seq: u32 = 0;
  ack: u32 = 0;
  flags: u8 = 0;
  window: u16 = 0;
  urgent: u16 = 0;
  /** Options; mss 0 = absent, wscale -1 = absent. */
  mss: u16 = 0;
  wscale: i32 = -1;
  sackPermitted: bool = false;
  hasTimestamp: bool = false;
  tsVal: u32 = 0;
  tsEcr: u32 = 0;
  /** SACK blocks as [left edge, right edge) pairs: sack[2i], sack[2i+1]. */
  sackCount: i32 = 0;
  sack: StaticArray<u32> = new StaticArray<u32>(2 * TCP_MAX_SACK_BLOCKS);
  /** The data (valid while its buffer is). */
  payload: usize = 0;
  payloadLen: i32 = 0;

  has(flag: u8): bool { return (this.flags & flag) != 0; }

  /** src and dst are the IP addresses; verifyChecksum false when the NIC
   *  already did (NetDevice.rxChecksumValidated). */
  parse(packet: TcpPacket, src: u32, dst: u32, verifyChecksum: bool = true): WireError {
    const err = packet.check();
    if (err != WireError.Ok) return err;
    if (verifyChecksum && !packet.verifyChecksum(src, dst)) return WireError.BadChecksum;
    this.srcPort = packet.srcPort();
    this.dstPort = packet.dstPort();
    this.seq = packet.seqNumber();
    this.ack = packet.ackNumber();
    this.flags = packet.flags();
    this.window = packet.window();
    this.urgent = packet.urgentPointer();
    this.parseOptions(packet);
    this.payload = packet.payload();
    this.payloadLen = packet.payloadLen();
    return WireError.Ok;
  }

  /** No options: what a header without any means. */
  clearOptions(): void {
    this.mss = 0;
    this.wscale = -1;
    this.sackPermitted = false;
    this.hasTimestamp = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    this.sackCount = 0;
  }

  private parseOptions(packet: TcpPacket): void {
    this.clearOptions();
    const end = packet.headerLen();
    let i = TCP_HEADER_LEN;
    while (i < end) {
      const kind = packet.getU8(i);
      if (kind == TCP_OPT_END) break;
      if (kind == TCP_OPT_NOP) { i++; continue; }
      if (i + 2 > end) break;
      const len = <i32>packet.getU8(i + 1);
      if (len < 2 || i + len > end) break;
      if (kind == TCP_OPT_MSS && len == 4) {
        this.mss = packet.getU16(i + 2);
      } else if (kind == TCP_OPT_WINDOW_SCALE && len == 3) {
        this.wscale = min(<i32>packet.getU8(i + 2), TCP_MAX_WINDOW_SHIFT);
      } else if (kind == TCP_OPT_SACK_PERMITTED && len == 2) {
        this.sackPermitted = true;
      } else if (kind == TCP_OPT_TIMESTAMPS && len == 10) {
        this.hasTimestamp = true;
        this.tsVal = packet.getU32(i + 2);
        this.tsEcr = packet.getU32(i + 6);
      } else if (kind == TCP_OPT_SACK && len >= 10 && (len - 2) % 8 == 0) {
        const n = min((len - 2) / 8, TCP_MAX_SACK_BLOCKS);
        for (let b = 0; b < n; b++) {
          this.sack[2 * b] = packet.getU32(i + 2 + 8 * b);
          this.sack[2 * b + 1] = packet.getU32(i + 6 + 8 * b);
        }
        this.sackCount = n;
      }
      i += len;
    }
  }

  /** Option bytes before any SACK blocks, in Linux's layout. */
  private fixedOptionsLen(): i32 {
    let n = 0;
    if (this.mss != 0) n += 4; // MSS
    if (this.hasTimestamp) n += 12; // SACK-permitted or NOP NOP, then timestamps
    else if (this.sackPermitted) n += 4; // NOP NOP SACK-permitted
    if (this.wscale >= 0) n += 4; // NOP, window scale
    return n;
  }

  /** The SACK blocks emit() writes: the first ones, as many as fit (the
   *  first block reports the most recent data, RFC 2018 §4). */
  sackBlocksSent(): i32 {
    if (this.sackCount <= 0) return 0;
    const room = (TCP_MAX_HEADER_LEN - TCP_HEADER_LEN - this.fixedOptionsLen() - 4) / 8;
    return max(0, min(min(this.sackCount, TCP_MAX_SACK_BLOCKS), room));
  }

  headerLen(): i32 {
    const blocks = this.sackBlocksSent();
    return TCP_HEADER_LEN + this.fixedOptionsLen() + (blocks > 0 ? 4 + 8 * blocks : 0);
  }

  bufferLen(): i32 { return this.headerLen() + this.payloadLen; }

  /** Write header, options and data into the first bufferLen() bytes, checksum 0. */
  emit(packet: TcpPacket): WireError {
    if (this.payloadLen < 0 || this.wscale < -1 || this.wscale > TCP_MAX_WINDOW_SHIFT ||
        this.sackCount < 0 || this.sackCount > TCP_MAX_SACK_BLOCKS) {
      return WireError.Malformed;
    }
    const headerLen = this.headerLen();
    if (packet.len < headerLen + this.payloadLen) return WireError.NoRoom;
    packet.setSrcPort(this.srcPort);
    packet.setDstPort(this.dstPort);
    packet.setSeqNumber(this.seq);
    packet.setAckNumber(this.ack);
    packet.setHeaderLen(headerLen);
    packet.setFlags(this.flags);
    packet.setWindow(this.window);
    packet.setChecksum(0);
    packet.setUrgentPointer(this.urgent);
    this.emitOptions(packet);
    packet.copyIn(headerLen, this.payload, this.payloadLen);
    return WireError.Ok;
  }

  /** Options in Linux's layout (see fixedOptionsLen). */
  private emitOptions(packet: TcpPacket): void {
    const NOP = TCP_OPT_NOP;
    let i = TCP_HEADER_LEN;
    if (this.mss != 0) {
      packet.setU32(i, word(TCP_OPT_MSS, 4, <u8>(this.mss >> 8), <u8>this.mss));
      i += 4;
    }
    if (this.hasTimestamp) { // SACK-permitted, or two NOPs, align the 10-byte option
      packet.setU32(i, this.sackPermitted
        ? word(TCP_OPT_SACK_PERMITTED, 2, TCP_OPT_TIMESTAMPS, 10)
        : word(NOP, NOP, TCP_OPT_TIMESTAMPS, 10));
      packet.setU32(i + 4, this.tsVal);
      packet.setU32(i + 8, this.tsEcr);
      i += 12;
    } else if (this.sackPermitted) {
      packet.setU32(i, word(NOP, NOP, TCP_OPT_SACK_PERMITTED, 2));
      i += 4;
    }
    if (this.wscale >= 0) {
      packet.setU32(i, word(NOP, TCP_OPT_WINDOW_SCALE, 3, <u8>this.wscale));
      i += 4;
    }
    const blocks = this.sackBlocksSent();
    if (blocks > 0) {
      packet.setU32(i, word(NOP, NOP, TCP_OPT_SACK, <u8>(2 + 8 * blocks)));
      i += 4;
      for (let b = 0; b < blocks; b++) {
        packet.setU32(i, this.sack[2 * b]);
        packet.setU32(i + 4, this.sack[2 * b + 1]);
        i += 8;
      }
    }
  }
}

/** Four option bytes as the big-endian word they make. */
function word(a: u8, b: u8, c: u8, d: u8): u32 {
  return (<u32>a << 24) | (<u32>b << 16) | (<u32>c << 8) | <u32>d;
}
