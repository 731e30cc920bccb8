// Entropy: a ChaCha20-based random generator (RFC 8439 §2.3 block function)
// with fast key erasure: every refill draws a new key from the keystream, so
// a later compromise of the state reveals nothing already handed out.
// Seeded at boot from the CPU (RDSEED/RDRAND via the platform) and clock
// jitter; devices such as virtio-rng add more with addEntropy().
import { entropy } from "../boundary";
import { monotonicNs } from "./clock";

const KEY_WORDS = 8;
const OUT_BYTES = 32; // the half of each block that is not the next key

const key = new StaticArray<u32>(KEY_WORDS);
const input = new StaticArray<u32>(16);
const block = new StaticArray<u32>(16);
const out = new StaticArray<u8>(OUT_BYTES);
let outPos: i32 = OUT_BYTES;
let counter: u32 = 0;
let hardwareBacked = false;

// RFC 8439 §2.3: "expand 32-byte k".
const SIGMA0: u32 = 0x61707865;
const SIGMA1: u32 = 0x3320646e;
const SIGMA2: u32 = 0x79622d32;
const SIGMA3: u32 = 0x6b206574;

// @ts-ignore: decorator
@inline function qr(x: StaticArray<u32>, a: i32, b: i32, c: i32, d: i32): void {
  x[a] += x[b]; x[d] = rotl<u32>(x[d] ^ x[a], 16);
  x[c] += x[d]; x[b] = rotl<u32>(x[b] ^ x[c], 12);
  x[a] += x[b]; x[d] = rotl<u32>(x[d] ^ x[a], 8);
  x[c] += x[d]; x[b] = rotl<u32>(x[b] ^ x[c], 7);
}

/** One ChaCha20 block of the current key into `block`. */
function chachaBlock(): void {
  const init = input;
  init[0] = SIGMA0; init[1] = SIGMA1; init[2] = SIGMA2; init[3] = SIGMA3;
  for (let i = 0; i < KEY_WORDS; i++) init[4 + i] = key[i];
  init[12] = counter++;
  init[13] = 0; init[14] = 0; init[15] = 0;
  for (let i = 0; i < 16; i++) block[i] = init[i];
  for (let r = 0; r < 10; r++) {
    qr(block, 0, 4, 8, 12); qr(block, 1, 5, 9, 13); qr(block, 2, 6, 10, 14); qr(block, 3, 7, 11, 15);
    qr(block, 0, 5, 10, 15); qr(block, 1, 6, 11, 12); qr(block, 2, 7, 8, 13); qr(block, 3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) block[i] += init[i];
}

/** Refill the output buffer: half the block becomes the next key. */
function refill(): void {
  chachaBlock();
  for (let i = 0; i < KEY_WORDS; i++) key[i] = block[i];
  for (let i = KEY_WORDS; i < 16; i++) store<u32>(changetype<usize>(out) + <usize>((i - KEY_WORDS) << 2), block[i]);
  outPos = 0;
}

/** Mix bytes into the key (they need not be uniformly random). */
export function addEntropy(ptr: usize, len: usize): void {
  for (let i: usize = 0; i < len; i++) {
    const w = <i32>(i % KEY_WORDS);
    key[w] = rotl<u32>(key[w], 8) ^ <u32>load<u8>(ptr + i);
  }
  refill(); // erase the mixed-in bytes from the key
}

/** Seed from the platform; called once at boot. */
export function seedEntropy(): void {
  const hw = new StaticArray<u8>(32);
  const n = entropy(changetype<usize>(hw), 32);
  hardwareBacked = n == 32;
  addEntropy(changetype<usize>(hw), n);
  // Clock jitter: weak alone, harmless added.
  const t = new StaticArray<i64>(4);
  for (let i = 0; i < 4; i++) t[i] = monotonicNs();
  addEntropy(changetype<usize>(t), 32);
}

/** True when the seed came from the CPU's random number generator. */
export function isHardwareSeeded(): bool { return hardwareBacked; }

export function randomU8(): u8 {
  if (outPos >= OUT_BYTES) refill();
  return out[outPos++];
}

export function randomU32(): u32 {
  let v: u32 = 0;
  for (let i = 0; i < 4; i++) v = (v << 8) | randomU8();
  return v;
}

export function randomU64(): u64 {
  return (<u64>randomU32() << 32) | randomU32();
}

export function randomBytes(ptr: usize, len: usize): void {
  for (let i: usize = 0; i < len; i++) store<u8>(ptr + i, randomU8());
}

/** Math.random's seed, wired in by the build with `--use seed=...`. */
export function mathSeed(): f64 {
  return <f64>randomU64();
}
