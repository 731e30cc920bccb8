// Bytes on the wire: a window [ptr, ptr + len) on linear memory with
// network-byte-order (big-endian) accessors. Every packet view in net/wire
// extends ByteView, so no view touches memory outside its packet:
//  - a read past the end returns 0, so accessors may be called on truncated
//    or hostile bytes without a length check (parse() still checks lengths,
//    so a 0 from a short buffer never becomes a valid field);
//  - a write past the end is a kernel bug, not bad input (every emit()
//    checks its room first), and panics.
import { panic } from "../../core/panic";

export class ByteView {
  ptr: usize = 0;
  len: i32 = 0;

  constructor(ptr: usize = 0, len: i32 = 0) {
    this.wrap(ptr, len);
  }

  /** Point the view at other bytes: a stack reuses one view per layer
   *  instead of allocating one per packet. */
  wrap(ptr: usize, len: i32): void {
    this.ptr = ptr;
    this.len = max(len, 0);
  }

  /** Whether the n bytes at off lie inside the window. */
  has(off: i32, n: i32): bool {
    return off >= 0 && n >= 0 && off <= this.len - n;
  }

  getU8(off: i32): u8 {
    return this.has(off, 1) ? load<u8>(this.ptr + <usize>off) : 0;
  }
  getU16(off: i32): u16 {
    return this.has(off, 2) ? bswap<u16>(load<u16>(this.ptr + <usize>off)) : 0;
  }
  getU32(off: i32): u32 {
    return this.has(off, 4) ? bswap<u32>(load<u32>(this.ptr + <usize>off)) : 0;
  }
  /** Six bytes (a MAC address) in the low 48 bits, the first most significant. */
  getU48(off: i32): u64 {
    return this.has(off, 6) ? (<u64>this.getU16(off) << 32) | <u64>this.getU32(off + 2) : 0;
  }

  setU8(off: i32, v: u8): void {
    this.need(off, 1);
    store<u8>(this.ptr + <usize>off, v);
  }
  setU16(off: i32, v: u16): void {
    this.need(off, 2);
    store<u16>(this.ptr + <usize>off, bswap<u16>(v));
  }
  setU32(off: i32, v: u32): void {
    this.need(off, 4);
    store<u32>(this.ptr + <usize>off, bswap<u32>(v));
  }
  setU48(off: i32, v: u64): void {
    this.setU16(off, <u16>(v >> 32));
    this.setU32(off + 2, <u32>v);
  }

  /** Copy n bytes from src (anywhere in memory, may overlap) to off. */
  copyIn(off: i32, src: usize, n: i32): void {
    this.need(off, n);
    memory.copy(this.ptr + <usize>off, src, <usize>n);
  }

  /** Set n bytes at off to value. */
  fill(off: i32, n: i32, value: u8): void {
    this.need(off, n);
    memory.fill(this.ptr + <usize>off, value, <usize>n);
  }

  /** The address of byte off, clamped to the window (for payload views). */
  ptrAt(off: i32): usize {
    return this.ptr + <usize>min(max(off, 0), this.len);
  }

  /** How many bytes of the window lie at off and after. */
  lenFrom(off: i32): i32 {
    return this.len - min(max(off, 0), this.len);
  }

  private need(off: i32, n: i32): void {
    if (!this.has(off, n)) panic("net/wire: write past the end of a packet buffer");
  }
}
