// IPv4 headers: every captured packet (with and without options, fragments)
// parses and re-emits byte for byte; lengths, version and checksum are
// checked; no input traps.
import "crust";
import { WireError } from "crust/net/wire/error";
import { ETHERNET_HEADER_LEN, ETHERTYPE_IPV4 } from "crust/net/wire/ethernet";
import {
  Ipv4Packet, Ipv4Repr, IP_PROTOCOL_ICMP, IP_PROTOCOL_UDP, ipv4, formatIpv4,
} from "crust/net/wire/ipv4";
import {
  at, copyOf, everyPrefixFails, parseCorrupted, sameBytes, Random, ALL_CAPTURES, PING_REQUEST, PORT_UNREACHABLE,
  IGMP_REPORT, FRAGMENT_FIRST, FRAGMENT_MIDDLE, FRAGMENT_LAST,
} from "./captures";

const ETH = ETHERNET_HEADER_LEN;

function parseIpv4(ptr: usize, len: i32): WireError {
  return new Ipv4Repr().parse(new Ipv4Packet(ptr, len));
}

/** The IPv4 packet in a captured frame. */
function ipOf(frame: StaticArray<u8>): Ipv4Packet {
  return new Ipv4Packet(at(frame) + ETH, frame.length - ETH);
}

/** Parse the packet in frame, emit its header over a copy whose header is
 *  zeroed, and compare the whole frame with the capture. */
function reemits(frame: StaticArray<u8>): bool {
  const repr = new Ipv4Repr();
  if (repr.parse(ipOf(frame)) != WireError.Ok) return false;
  const copy = copyOf(frame);
  const packet = ipOf(copy);
  memory.fill(packet.ptr, 0, <usize>repr.headerLen());
  // (repr.options points into the capture, so zeroing the copy loses nothing)
  if (repr.emit(packet) != WireError.Ok) return false;
  return sameBytes(at(copy), at(frame), frame.length);
}

export function main(args: string[]): void {
  assert(ipv4(10, 9, 0, 15) == 0x0a09000f && formatIpv4(0x0a09000f) == "10.9.0.15", "addresses");
  assert(formatIpv4(0xffffffff) == "255.255.255.255" && formatIpv4(0) == "0.0.0.0", "formatIpv4 edges");

  // The ping: no options, don't fragment, TTL 64, ICMP.
  const ip = new Ipv4Repr();
  assert(ip.parse(ipOf(PING_REQUEST)) == WireError.Ok, "ping parses");
  assert(ip.src == ipv4(10, 9, 0, 15) && ip.dst == ipv4(10, 9, 0, 2) && ip.protocol == IP_PROTOCOL_ICMP, "ping addresses");
  assert(ip.ttl == 64 && ip.ident == 0xfab4 && ip.dontFragment && !ip.moreFragments && !ip.isFragment(), "ping header");
  assert(ip.dscp == 0 && ip.ecn == 0 && ip.optionsLen == 0 && ip.payloadLen == 64, "ping lengths");
  assert(ipOf(PING_REQUEST).payload() == at(PING_REQUEST) + ETH + 20, "payload after the header");

  // Linux's ICMP error: TOS 0xc0 (DSCP 48, CS6), may fragment.
  assert(ip.parse(ipOf(PORT_UNREACHABLE)) == WireError.Ok && ip.dscp == 48 && ip.ecn == 0 && !ip.dontFragment, "ICMP error header");

  // IGMP: an options field (Router Alert, RFC 2113: 94 04 00 00), kept as bytes.
  assert(ip.parse(ipOf(IGMP_REPORT)) == WireError.Ok, "IGMP parses");
  assert(ip.headerLen() == 24 && ip.optionsLen == 4 && load<u32>(ip.options) == 0x00000494, "Router Alert option");
  assert(ip.ttl == 1 && ip.dst == ipv4(224, 0, 0, 22) && ip.payloadLen == 16, "IGMP header");

  // Fragments parse, and show what they are, so the stack can drop them.
  assert(ip.parse(ipOf(FRAGMENT_FIRST)) == WireError.Ok && ip.isFragment() && ip.moreFragments && ip.fragmentOffset == 0, "first fragment");
  assert(ip.protocol == IP_PROTOCOL_UDP && ip.payloadLen == 48 && ip.ident == 0x644f, "first fragment's data");
  assert(ip.parse(ipOf(FRAGMENT_MIDDLE)) == WireError.Ok && ip.moreFragments && ip.fragmentOffset == 48, "middle fragment");
  assert(ip.parse(ipOf(FRAGMENT_LAST)) == WireError.Ok && !ip.moreFragments && ip.fragmentOffset == 96 && ip.isFragment(), "last fragment");
  assert(ip.payloadLen == 12, "last fragment's data");

  // Every IPv4 capture re-emits byte for byte.
  for (let i = 0; i < ALL_CAPTURES.length; i++) {
    const frame = ALL_CAPTURES[i];
    if (load<u16>(at(frame) + 12) != bswap<u16>(ETHERTYPE_IPV4)) continue;
    assert(reemits(frame), "capture " + i.toString() + " re-emits");
  }
  assert(reemits(IGMP_REPORT), "with options");
  assert(reemits(FRAGMENT_FIRST) && reemits(FRAGMENT_MIDDLE) && reemits(FRAGMENT_LAST), "fragments");

  // Every strict prefix is an error.
  assert(everyPrefixFails(PING_REQUEST, ETH, parseIpv4), "prefixes of the ping");
  assert(everyPrefixFails(IGMP_REPORT, ETH, parseIpv4), "prefixes of the IGMP report");

  // Ethernet padding after the total length is not payload.
  const padded = new StaticArray<u8>(FRAGMENT_LAST.length + 20);
  memory.copy(at(padded), at(FRAGMENT_LAST), <usize>FRAGMENT_LAST.length);
  assert(ip.parse(ipOf(padded)) == WireError.Ok && ip.payloadLen == 12 && ipOf(padded).payloadLen() == 12, "padding ignored");

  // Each check, one field broken at a time (the checksum fixed up after, so
  // the field itself is what fails).
  assert(broken(PING_REQUEST, 0, 0x65) == WireError.Malformed, "version 6");
  assert(broken(PING_REQUEST, 0, 0x44) == WireError.Malformed, "IHL 4");
  assert(broken(FRAGMENT_LAST, 0, 0x4f) == WireError.Truncated, "IHL 15, past a 32-byte packet");
  assert(broken(PING_REQUEST, 0, 0x4f) == WireError.Ok, "IHL 15 in an 84-byte packet is 40 bytes of options");
  assert(broken(PING_REQUEST, 3, 19) == WireError.Malformed, "total length below the header");
  assert(broken(PING_REQUEST, 3, 85) == WireError.Truncated, "total length past the buffer");
  const bad = copyOf(PING_REQUEST);
  store<u8>(at(bad) + ETH + 8, 63); // TTL changed, checksum not
  assert(parseIpv4(at(bad) + ETH, bad.length - ETH) == WireError.BadChecksum, "bad checksum");

  // emit(): checks room and what the header can carry, and writes nothing when it fails.
  const out = new StaticArray<u8>(100);
  const view = new Ipv4Packet(at(out), out.length);
  const repr = new Ipv4Repr();
  repr.src = ipv4(10, 0, 2, 15);
  repr.dst = ipv4(10, 0, 2, 2);
  repr.protocol = IP_PROTOCOL_UDP;
  repr.payloadLen = 80;
  assert(repr.emit(view) == WireError.Ok && view.totalLen() == 100 && view.verifyChecksum(), "emits");
  repr.payloadLen = 81;
  memory.fill(at(out), 0, 100);
  assert(repr.emit(view) == WireError.NoRoom && view.totalLen() == 0, "no room for the payload");
  repr.payloadLen = 10;
  repr.optionsLen = 3;
  repr.options = at(IGMP_REPORT) + ETH + 20;
  assert(repr.emit(view) == WireError.Malformed, "options must be whole words");
  repr.optionsLen = 44;
  assert(repr.emit(view) == WireError.Malformed, "at most 40 bytes of options");
  repr.optionsLen = 4;
  repr.fragmentOffset = 12;
  assert(repr.emit(view) == WireError.Malformed, "fragment offsets are multiples of 8");
  repr.fragmentOffset = 16;
  repr.moreFragments = true;
  assert(repr.emit(view) == WireError.Ok && parseIpv4(at(out), out.length) == WireError.Ok, "options and fragment fields");
  assert(view.headerLen() == 24 && view.fragmentOffset() == 16 && view.moreFragments() && view.totalLen() == 34, "emitted fields");

  // Corrupted captures and random headers never trap; whatever parses is consistent.
  const rng = new Random(791);
  parseCorrupted(IGMP_REPORT, 3000, rng, (ptr: usize, len: i32): WireError => parseIpv4(ptr + ETHERNET_HEADER_LEN, len - ETHERNET_HEADER_LEN));
  const noise = new StaticArray<u8>(80);
  const any = new Ipv4Repr();
  let parsed = 0;
  for (let r = 0; r < 5000; r++) {
    const n = rng.below(noise.length + 1);
    rng.fill(at(noise), n);
    const p = new Ipv4Packet(at(noise), n);
    if (n > 0 && (r & 1) == 0) { // a plausible version, IHL and length with a good checksum
      store<u8>(at(noise), 0x45 + <u8>rng.below(3));
      if (n >= 4) p.setTotalLen(n - rng.below(4));
      if (n >= 20) p.fillChecksum();
    }
    if (any.parse(p) == WireError.Ok) {
      parsed++;
      assert(any.headerLen() >= 20 && any.headerLen() + any.payloadLen <= n, "parsed lengths fit the buffer");
    }
  }
  assert(parsed > 100, "the random headers reached the checks after the checksum");
}

/** The packet in frame with byte `offset` of its header set to value, and
 *  the checksum fixed up. */
function broken(frame: StaticArray<u8>, offset: i32, value: u8): WireError {
  const copy = copyOf(frame);
  const packet = ipOf(copy);
  packet.setU8(offset, value);
  packet.fillChecksum();
  return parseIpv4(packet.ptr, packet.len);
}
