// The Internet checksum: RFC 1071's example, incremental sums, the IPv4
// pseudo-header, RFC 1624 updates, on real packets.
import "crust";
import { sumBytes, add, finish, checksum, pseudoHeaderSum, update } from "crust/net/wire/checksum";
import { IP_PROTOCOL_TCP, IP_PROTOCOL_UDP, ipv4 } from "crust/net/wire/ipv4";
import { at, copyOf, hex, Random, PING_REQUEST, TCP_SYN, UDP_DATAGRAM } from "./captures";

/** The definition, word by word (RFC 1071 §1), to compare against. */
function referenceSum(ptr: usize, len: i32): u32 {
  let sum: u32 = 0;
  for (let i = 0; i < len; i += 2) {
    const hi = <u32>load<u8>(ptr + <usize>i);
    const lo = i + 1 < len ? <u32>load<u8>(ptr + <usize>i + 1) : 0;
    sum += (hi << 8) | lo;
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return sum;
}

const ETH = 14; // Ethernet header in the captures

export function main(args: string[]): void {
  // RFC 1071 §3, "Numerical Examples": 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
  const example = hex("0001 f203 f4f5 f6f7");
  assert(sumBytes(at(example), 8) == 0xddf2, "RFC 1071 example sum");
  assert(checksum(at(example), 8) == 0x220d, "RFC 1071 example checksum");
  // An odd byte is padded with a zero on the right (RFC 1071 §1).
  assert(sumBytes(at(example), 1) == 0x0000 && sumBytes(at(example) + 2, 1) == 0xf200, "odd trailing byte");
  assert(sumBytes(at(example), 0) == 0 && checksum(at(example), 0) == 0xffff, "empty");

  // Against the definition: every length, every alignment, random data.
  const rng = new Random();
  const data = new StaticArray<u8>(200);
  rng.fill(at(data), data.length);
  for (let offset = 0; offset < 8; offset++) {
    for (let len = 0; len <= 150; len++) {
      assert(sumBytes(at(data) + <usize>offset, len) == referenceSum(at(data) + <usize>offset, len), "sum matches the definition");
    }
  }
  // All ones: the sum must not overflow or lose carries.
  const ones = new StaticArray<u8>(4096);
  memory.fill(at(ones), 0xff, 4096);
  assert(sumBytes(at(ones), 4096) == 0xffff && sumBytes(at(ones), 4095) == referenceSum(at(ones), 4095), "all ones");

  // Incremental: parts that start at even offsets add up to the whole.
  for (let split = 0; split <= 150; split += 2) {
    assert(add(sumBytes(at(data), split), sumBytes(at(data) + <usize>split, 150 - split)) == sumBytes(at(data), 150), "parts add up");
  }

  // A real IPv4 header checks to 0; recomputed, its checksum is the one Linux sent.
  const ip = at(PING_REQUEST) + ETH;
  assert(checksum(ip, 20) == 0, "the ping's IP header checks");
  const header = copyOf(PING_REQUEST);
  store<u16>(at(header) + ETH + 10, 0);
  assert(checksum(at(header) + ETH, 20) == 0x2bd2, "recomputed IP header checksum");

  // TCP and UDP checksums include the pseudo-header (RFC 9293 §3.1, RFC 768).
  const src = ipv4(10, 9, 0, 15);
  const dst = ipv4(10, 9, 0, 2);
  const synLen = TCP_SYN.length - ETH - 20;
  assert(finish(add(pseudoHeaderSum(src, dst, IP_PROTOCOL_TCP, synLen), sumBytes(at(TCP_SYN) + ETH + 20, synLen))) == 0, "TCP SYN checks");
  const udpLen = UDP_DATAGRAM.length - ETH - 20;
  assert(finish(add(pseudoHeaderSum(src, dst, IP_PROTOCOL_UDP, udpLen), sumBytes(at(UDP_DATAGRAM) + ETH + 20, udpLen))) == 0, "UDP checks");
  assert(finish(add(pseudoHeaderSum(src, dst + 1, IP_PROTOCOL_TCP, synLen), sumBytes(at(TCP_SYN) + ETH + 20, synLen))) != 0, "another address does not check");

  // RFC 1624 §4: the other octets sum to cd7a, m goes from 5555 to 3285;
  // eqn. 3 gives 0000 (eqn. 2 would give the wrong ffff).
  assert(update(0xdd2f, 0x5555, 0x3285) == 0x0000, "RFC 1624 example");
  // A router's TTL decrement, patched and recomputed agree.
  const ttl = copyOf(PING_REQUEST);
  const old = bswap<u16>(load<u16>(at(ttl) + ETH + 8)); // TTL and protocol
  store<u8>(at(ttl) + ETH + 8, 63);
  const patched = update(0x2bd2, old, bswap<u16>(load<u16>(at(ttl) + ETH + 8)));
  store<u16>(at(ttl) + ETH + 10, 0);
  assert(patched == checksum(at(ttl) + ETH, 20), "TTL update matches recomputation");
}
