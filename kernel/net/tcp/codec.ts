// Bytes <-> TcpSegment, through the wire layer (kernel/net/wire/tcp.ts): the
// state machine never touches raw offsets. Parsing never reads outside the
// segment; emit leaves the checksum 0 for the IP layer to complete.
import { TcpPacket, TCP_HEADER_LEN, TCP_MAX_HEADER_LEN } from "../wire/tcp";
import { WireError } from "../wire/error";
import { TcpSegment } from "./segment";

/** RFC 9293 §3.1: the fixed header. */
export const HEADER_LEN: i32 = TCP_HEADER_LEN;
/** RFC 9293 §3.1: data offset 15 words. */
export const MAX_HEADER_LEN: i32 = TCP_MAX_HEADER_LEN;
/** Offset of the checksum field, for IpLayer.send. */
export const CHECKSUM_OFFSET: i32 = 16;

const view = new TcpPacket();

/** Fill seg from a received segment between src and dst (checking the
 *  checksum unless verify is false). */
export function parseSegment(ptr: usize, len: i32, seg: TcpSegment, src: u32 = 0, dst: u32 = 0,
                             verify: bool = false): WireError {
  view.wrap(ptr, len);
  return seg.parse(view, src, dst, verify);
}

/** Write seg's header and options (not its data) at ptr, which has room for
 *  `room` bytes; returns the header length. The checksum is left 0. */
export function emitHeader(seg: TcpSegment, ptr: usize, room: i32): i32 {
  const payload = seg.payload, payloadLen = seg.payloadLen;
  seg.payload = 0;
  seg.payloadLen = 0;
  view.wrap(ptr, room);
  const err = seg.emit(view);
  seg.payload = payload;
  seg.payloadLen = payloadLen;
  assert(err == WireError.Ok, "TCP header does not fit its buffer");
  return seg.headerLen();
}

/** The checksum over the IPv4 pseudo-header and the segment holds. */
export function verifyChecksum(src: u32, dst: u32, ptr: usize, len: i32): bool {
  view.wrap(ptr, len);
  return view.verifyChecksum(src, dst);
}
