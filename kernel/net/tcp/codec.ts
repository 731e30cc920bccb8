// Bytes <-> TcpSegment. Parsing validates the header and options and never
// reads outside [ptr, ptr+len); emit writes a header (checksum field 0, for
// the IP layer to complete) into a buffer the caller sized with headerLength.
import { TcpSegment, MAX_SACK_BLOCKS } from "./segment";

/** RFC 9293 §3.1: the fixed header. */
export const HEADER_LEN: i32 = 20;
/** Offset of the checksum field, for IpLayer.send. */
export const CHECKSUM_OFFSET: i32 = 16;

// RFC 9293 §3.2 and the option registry.
const OPT_END: u8 = 0;
const OPT_NOP: u8 = 1;
const OPT_MSS: u8 = 2;
const OPT_WSCALE: u8 = 3;      // RFC 7323 §2.2
const OPT_SACK_PERM: u8 = 4;   // RFC 2018 §2
const OPT_SACK: u8 = 5;        // RFC 2018 §3
const OPT_TIMESTAMP: u8 = 8;   // RFC 7323 §3.2

// @ts-ignore: decorator
@inline function be16(p: usize): u16 { return bswap<u16>(load<u16>(p)); }
// @ts-ignore: decorator
@inline function be32(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
// @ts-ignore: decorator
@inline function put16(p: usize, v: u16): void { store<u16>(p, bswap<u16>(v)); }
// @ts-ignore: decorator
@inline function put32(p: usize, v: u32): void { store<u32>(p, bswap<u32>(v)); }

/** Fill seg from a received segment; false if it is malformed. */
export function parseSegment(ptr: usize, len: i32, seg: TcpSegment): bool {
  seg.reset();
  if (len < HEADER_LEN) return false;
  const hlen = <i32>(load<u8>(ptr + 12) >> 4) << 2;
  if (hlen < HEADER_LEN || hlen > len) return false;
  seg.srcPort = be16(ptr);
  seg.dstPort = be16(ptr + 2);
  seg.seq = be32(ptr + 4);
  seg.ack = be32(ptr + 8);
  seg.flags = load<u8>(ptr + 13) & 0x3f;
  seg.window = be16(ptr + 14);
  seg.data = ptr + <usize>hlen;
  seg.dataLen = len - hlen;
  let i = HEADER_LEN;
  while (i < hlen) {
    const kind = load<u8>(ptr + <usize>i);
    if (kind == OPT_END) break;
    if (kind == OPT_NOP) { i++; continue; }
    if (i + 1 >= hlen) return false;
    const olen = <i32>load<u8>(ptr + <usize>i + 1);
    if (olen < 2 || i + olen > hlen) return false;
    const o = ptr + <usize>i + 2;
    if (kind == OPT_MSS && olen == 4) seg.mss = be16(o);
    else if (kind == OPT_WSCALE && olen == 3) seg.wscale = <i32>load<u8>(o);
    else if (kind == OPT_SACK_PERM && olen == 2) seg.sackPermitted = true;
    else if (kind == OPT_TIMESTAMP && olen == 10) {
      seg.hasTimestamp = true;
      seg.tsVal = be32(o);
      seg.tsEcr = be32(o + 4);
    } else if (kind == OPT_SACK && olen >= 10 && (olen - 2) % 8 == 0) {
      const n = min((olen - 2) >> 3, MAX_SACK_BLOCKS);
      for (let b = 0; b < n; b++) {
        seg.sack[2 * b] = be32(o + <usize>(8 * b));
        seg.sack[2 * b + 1] = be32(o + <usize>(8 * b + 4));
      }
      seg.sackCount = n;
    } else if (kind == OPT_MSS || kind == OPT_WSCALE || kind == OPT_SACK_PERM || kind == OPT_TIMESTAMP || kind == OPT_SACK) {
      return false; // a known option with the wrong length
    }
    i += olen;
  }
  return true;
}

/** Bytes of options emit() will write for seg (a multiple of 4). */
export function optionsLength(seg: TcpSegment): i32 {
  let n = 0;
  if (seg.mss != 0) n += 4;
  if (seg.hasTimestamp) n += 12;
  if (seg.sackPermitted) n += 4;
  if (seg.wscale >= 0) n += 4;
  if (seg.sackCount > 0) n += 4 + 8 * seg.sackCount;
  return n;
}

/** Write seg's header and options at ptr (room for HEADER_LEN +
 *  optionsLength(seg) bytes); returns the header length. The data, if any,
 *  is the caller's to place after it. The checksum is left 0. */
export function emitHeader(seg: TcpSegment, ptr: usize): i32 {
  const hlen = HEADER_LEN + optionsLength(seg);
  put16(ptr, seg.srcPort);
  put16(ptr + 2, seg.dstPort);
  put32(ptr + 4, seg.seq);
  put32(ptr + 8, seg.ack);
  store<u8>(ptr + 12, <u8>((hlen >> 2) << 4));
  store<u8>(ptr + 13, seg.flags);
  put16(ptr + 14, seg.window);
  put16(ptr + 16, 0);
  put16(ptr + 18, 0);
  let o = ptr + <usize>HEADER_LEN;
  if (seg.mss != 0) {
    store<u8>(o, OPT_MSS); store<u8>(o + 1, 4); put16(o + 2, seg.mss); o += 4;
  }
  if (seg.sackPermitted) {
    store<u8>(o, OPT_NOP); store<u8>(o + 1, OPT_NOP); store<u8>(o + 2, OPT_SACK_PERM); store<u8>(o + 3, 2); o += 4;
  }
  if (seg.hasTimestamp) {
    store<u8>(o, OPT_NOP); store<u8>(o + 1, OPT_NOP); store<u8>(o + 2, OPT_TIMESTAMP); store<u8>(o + 3, 10);
    put32(o + 4, seg.tsVal); put32(o + 8, seg.tsEcr); o += 12;
  }
  if (seg.wscale >= 0) {
    store<u8>(o, OPT_NOP); store<u8>(o + 1, OPT_WSCALE); store<u8>(o + 2, 3); store<u8>(o + 3, <u8>seg.wscale); o += 4;
  }
  if (seg.sackCount > 0) {
    store<u8>(o, OPT_NOP); store<u8>(o + 1, OPT_NOP); store<u8>(o + 2, OPT_SACK); store<u8>(o + 3, <u8>(2 + 8 * seg.sackCount));
    o += 4;
    for (let b = 0; b < seg.sackCount; b++) {
      put32(o, seg.sack[2 * b]); put32(o + 4, seg.sack[2 * b + 1]); o += 8;
    }
  }
  return hlen;
}

/** The Internet checksum over the IPv4 pseudo-header and the segment
 *  (RFC 9293 §3.1); a correct segment sums to 0 (returns true). */
export function verifyChecksum(src: u32, dst: u32, ptr: usize, len: i32): bool {
  let sum: u64 = <u64>(src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 + <u64>len;
  let i = 0;
  for (; i + 1 < len; i += 2) sum += be16(ptr + <usize>i);
  if (i < len) sum += <u64>load<u8>(ptr + <usize>i) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum == 0xffff;
}
