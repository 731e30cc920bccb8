// Entropy: the ChaCha20 generator's output looks random through every
// exported door (randomU8/U32/U64, randomBytes, Math.random), across many
// refills of its 32-byte output block, and after addEntropy().
//
// The block function and the key are private to the module, so the RFC 8439
// §2.3.2 test vector cannot be checked from here; these are statistical sanity
// checks with failure probabilities far below 1e-9 for a working generator,
// which a broken round function, a stuck counter or a key that stops changing
// would fail.
import "crust";
import { randomU8, randomU32, randomU64, randomBytes, addEntropy, mathSeed } from "crust/core/entropy";

const BLOCK = 32; // bytes of output per ChaCha20 block (the rest is the next key)

function distinctU32(): void {
  const n = 256;
  const seen = new Set<u32>();
  for (let i = 0; i < n; i++) seen.add(randomU32());
  // 256 draws of 32 bits: a repeat has probability ~1.5e-5; two, ~1e-10.
  assert(seen.size >= n - 1, "randomU32 repeats: " + seen.size.toString() + " distinct of " + n.toString());
}

function distinctU64(): void {
  let previous = randomU64();
  let highOnes = 0;
  for (let i = 0; i < 200; i++) {
    const v = randomU64();
    assert(v != previous, "consecutive randomU64 values equal");
    // Both halves are used: the high word is not always zero.
    if ((v >> 32) != 0) highOnes++;
    previous = v;
  }
  assert(highOnes > 190, "randomU64's high half is set: " + highOnes.toString() + " of 200");
}

/** No two 32-byte blocks of a long stream are equal, and none is all zeros:
 *  the counter and the key move on at every refill (fast key erasure). */
function blocksDiffer(): void {
  const blocks = 512;
  const buf = new StaticArray<u8>(blocks * BLOCK);
  const p = changetype<usize>(buf);
  randomBytes(p, <usize>(blocks * BLOCK));
  for (let i = 0; i < blocks; i++) {
    let zero = true;
    for (let k = 0; k < BLOCK && zero; k++) zero = buf[i * BLOCK + k] == 0;
    assert(!zero, "an all-zero block at " + i.toString());
  }
  // Compare every pair by their first 8 bytes (as u64): 2^-64 per pair.
  const seen = new Set<u64>();
  for (let i = 0; i < blocks; i++) seen.add(load<u64>(p + <usize>(i * BLOCK)));
  assert(seen.size == blocks, "repeated blocks: " + seen.size.toString() + " distinct of " + blocks.toString());
}

/** Bit balance and a chi-square over byte values of 64 KiB of output. */
function byteDistribution(): void {
  const n = 65536;
  const buf = new StaticArray<u8>(n);
  randomBytes(changetype<usize>(buf), <usize>n);
  const counts = new StaticArray<i32>(256);
  let ones: i64 = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i];
    counts[b]++;
    ones += <i64>popcnt<u32>(b);
  }
  // 524288 bits: mean 262144, sd 362; allow 10 sd.
  const bits: i64 = <i64>n * 8;
  assert(abs<i64>(ones * 2 - bits) < 2 * 3620, "bit balance: " + ones.toString() + " ones of " + bits.toString());
  // Chi-square with 255 degrees of freedom: mean 255, sd 22.6; 450 is > 8 sd.
  const expected: f64 = <f64>n / 256;
  let chi: f64 = 0;
  for (let v = 0; v < 256; v++) {
    const d = <f64>counts[v] - expected;
    chi += d * d / expected;
  }
  assert(chi < 450, "byte values are uneven: chi-square " + chi.toString());
  assert(chi > 120, "byte values are too even to be random: chi-square " + chi.toString());
}

/** randomBytes writes exactly the bytes asked for. */
function bytesInBounds(): void {
  const buf = new StaticArray<u8>(48);
  for (let i = 0; i < 48; i++) buf[i] = 0xa5;
  const p = changetype<usize>(buf);
  randomBytes(p + 8, 0);
  randomBytes(p + 8, 32);
  for (let i = 0; i < 8; i++) assert(buf[i] == 0xa5, "byte before the range was written");
  for (let i = 40; i < 48; i++) assert(buf[i] == 0xa5, "byte after the range was written");
  let changed = 0;
  for (let i = 8; i < 40; i++) if (buf[i] != 0xa5) changed++;
  assert(changed >= 24, "the range was filled: " + changed.toString() + " of 32 bytes changed");
}

/** Mixing in entropy, even constant bytes, keeps the stream going. */
function mixing(): void {
  const before = randomU64();
  const zeros = new StaticArray<u8>(64);
  addEntropy(changetype<usize>(zeros), 64);
  addEntropy(changetype<usize>(zeros), 0);
  const after = randomU64();
  assert(after != before, "output after addEntropy equals the output before");
  let orAll: u32 = 0;
  let andAll: u32 = 0xffffffff;
  for (let i = 0; i < 64; i++) { const v = randomU32(); orAll |= v; andAll &= v; }
  assert(orAll == 0xffffffff && andAll == 0, "every bit varies after addEntropy");
  // randomU8 and randomU32 share one stream: bytes keep varying across them.
  let distinct = new Set<u8>();
  for (let i = 0; i < 64; i++) { distinct.add(randomU8()); randomU32(); }
  assert(distinct.size > 30, "randomU8 values vary: " + distinct.size.toString());
}

/** Math.random is seeded from the generator (--use seed=...mathSeed). */
function mathRandom(): void {
  assert(mathSeed() != mathSeed(), "mathSeed draws fresh values");
  const seen = new Set<f64>();
  for (let i = 0; i < 100; i++) {
    const r = Math.random();
    assert(r >= 0 && r < 1, "Math.random in [0, 1): " + r.toString());
    seen.add(r);
  }
  assert(seen.size == 100, "Math.random values differ");
}

export function main(args: string[]): void {
  distinctU32();
  distinctU64();
  blocksDiffer();
  byteDistribution();
  bytesInBounds();
  mixing();
  mathRandom();
}
