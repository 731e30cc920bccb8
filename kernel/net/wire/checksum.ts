// The Internet checksum (RFC 1071): the one's complement of the one's
// complement sum of the data as 16-bit big-endian words. A checksum is built
// incrementally: sum each part (a header, the IPv4 pseudo-header, the
// payload) with sumBytes()/pseudoHeaderSum(), combine them with add(), and
// finish(). update() patches a checksum after one 16-bit field changed
// (RFC 1624) without summing the packet again. Partial sums are u32 values
// below 0x10000 that read as a big-endian word; every part must start at an
// even offset of the whole (true of every header layout here).
// Reads stay inside [ptr, ptr + len); nothing here can trap.

/** The one's complement sum of len bytes at ptr (a trailing odd byte is
 *  padded with a zero, RFC 1071 §1), folded to 16 bits. */
export function sumBytes(ptr: usize, len: i32): u32 {
  // Sum in memory order, 8 bytes at a time with end-around carry. WebAssembly
  // is little-endian, so this sums byte-swapped words; one's complement
  // addition commutes with byte swapping (RFC 1071 §2(B)), so a single swap
  // of the folded sum gives the big-endian result. A trailing odd byte lands
  // in the low half of the swapped word, as the pad rule wants.
  let acc: u64 = 0;
  let i = 0;
  for (; i + 8 <= len; i += 8) acc = addCarry(acc, load<u64>(ptr + <usize>i));
  if (i + 4 <= len) { acc = addCarry(acc, <u64>load<u32>(ptr + <usize>i)); i += 4; }
  if (i + 2 <= len) { acc = addCarry(acc, <u64>load<u16>(ptr + <usize>i)); i += 2; }
  if (i < len) acc = addCarry(acc, <u64>load<u8>(ptr + <usize>i));
  return <u32>bswap<u16>(<u16>fold(acc));
}

/** The sum of two partial sums. */
export function add(a: u32, b: u32): u32 {
  return fold(<u64>a + <u64>b);
}

/** The checksum field's value for a finished sum. */
export function finish(sum: u32): u16 {
  return ~<u16>fold(<u64>sum);
}

/** The checksum of len bytes at ptr. Over bytes that include a correct
 *  checksum field, it is 0. */
export function checksum(ptr: usize, len: i32): u16 {
  return finish(sumBytes(ptr, len));
}

/** The sum of the IPv4 pseudo-header that TCP (RFC 9293 §3.1) and UDP
 *  (RFC 768) checksums cover: source, destination, zero, protocol, and the
 *  transport length (header and data). Addresses as in ipv4.ts. */
export function pseudoHeaderSum(src: u32, dst: u32, protocol: u8, length: i32): u32 {
  return fold(<u64>(src >> 16) + <u64>(src & 0xffff) + <u64>(dst >> 16) + <u64>(dst & 0xffff) +
    <u64>protocol + <u64>(<u32>length & 0xffff));
}

/** A checksum after a 16-bit word it covers changed from oldWord to newWord
 *  (RFC 1624 §3, eqn. 3: HC' = ~(~HC + ~m + m')), e.g. a decremented TTL. */
export function update(check: u16, oldWord: u16, newWord: u16): u16 {
  return ~<u16>fold(<u64>(~check) + <u64>(~oldWord) + <u64>newWord);
}

// ---- helpers ----

// @ts-ignore: decorator
@inline function addCarry(acc: u64, w: u64): u64 {
  const s = acc + w;
  return s + <u64>(s < w); // one's complement: the carry out wraps around
}

/** Fold a wide one's complement sum to 16 bits. */
function fold(acc: u64): u32 {
  acc = (acc & 0xffffffff) + (acc >> 32);
  acc = (acc & 0xffffffff) + (acc >> 32);
  acc = (acc & 0xffff) + (acc >> 16);
  acc = (acc & 0xffff) + (acc >> 16);
  return <u32>acc;
}
