// Initial sequence numbers (RFC 9293 §3.4.1, RFC 6528): ISN = M + F(4-tuple,
// secret), where M is a clock ticking every 4 µs and F a keyed hash
// (SipHash-2-4) of the connection's addresses and ports under a secret drawn
// from the kernel's entropy. Each 4-tuple gets its own unpredictable offset,
// yet successive incarnations of one 4-tuple get increasing ISNs, which is
// what lets a new SYN safely reuse a TIME_WAIT pair.
import { randomU64 } from "../../core/entropy";

// @ts-ignore: decorator
@inline function rotl64(x: u64, b: u64): u64 { return rotl<u64>(x, b); }

/** SipHash-2-4 of two 64-bit words under key (k0, k1). */
export function siphash24(k0: u64, k1: u64, m0: u64, m1: u64): u64 {
  let v0: u64 = 0x736f6d6570736575 ^ k0;
  let v1: u64 = 0x646f72616e646f6d ^ k1;
  let v2: u64 = 0x6c7967656e657261 ^ k0;
  let v3: u64 = 0x7465646279746573 ^ k1;
  const b: u64 = <u64>16 << 56; // message length in the last block
  const words: StaticArray<u64> = [m0, m1, b];
  for (let i = 0; i < 3; i++) {
    const m = words[i];
    v3 ^= m;
    for (let r = 0; r < 2; r++) {
      v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32);
      v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;
      v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;
      v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32);
    }
    v0 ^= m;
  }
  v2 ^= 0xff;
  for (let r = 0; r < 4; r++) {
    v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32);
    v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32);
  }
  return v0 ^ v1 ^ v2 ^ v3;
}

export class IsnGenerator {
  private k0: u64 = randomU64();
  private k1: u64 = randomU64();

  /** The ISN for a connection at monotonic time nowNs. */
  next(localAddr: u32, localPort: u16, remoteAddr: u32, remotePort: u16, nowNs: i64): u32 {
    const m0 = (<u64>localAddr << 32) | remoteAddr;
    const m1 = (<u64>localPort << 16) | remotePort;
    const f = <u32>siphash24(this.k0, this.k1, m0, m1);
    return f + <u32>(nowNs / 4000); // RFC 9293 §3.4.1: M ticks every 4 µs
  }
}
