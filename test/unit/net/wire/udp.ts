// UDP: every captured datagram parses and re-emits byte for byte (the
// checksum filled in as the IP layer would); the length field and the
// checksum are checked; a zero checksum means none.
import "crust";
import { WireError } from "crust/net/wire/error";
import { ETHERNET_HEADER_LEN } from "crust/net/wire/ethernet";
import { Ipv4Packet, Ipv4Repr, IP_PROTOCOL_UDP, ipv4 } from "crust/net/wire/ipv4";
import { UdpPacket, UdpRepr, UDP_HEADER_LEN } from "crust/net/wire/udp";
import { at, copyOf, everyPrefixFails, parseCorrupted, sameBytes, Random, ALL_CAPTURES, UDP_DATAGRAM } from "./captures";

const CLIENT = ipv4(10, 9, 0, 15);
const SERVER = ipv4(10, 9, 0, 2);
const UDP_AT = ETHERNET_HEADER_LEN + 20;

function parseUdp(ptr: usize, len: i32): WireError {
  return new UdpRepr().parse(new UdpPacket(ptr, len), CLIENT, SERVER);
}

/** The IP header of a captured frame. */
function ipOf(frame: StaticArray<u8>): Ipv4Repr {
  const ip = new Ipv4Repr();
  assert(ip.parse(new Ipv4Packet(at(frame) + ETHERNET_HEADER_LEN, frame.length - ETHERNET_HEADER_LEN)) == WireError.Ok, "IP header");
  return ip;
}

export function main(args: string[]): void {
  const udp = new UdpRepr();
  assert(udp.parse(new UdpPacket(at(UDP_DATAGRAM) + UDP_AT, UDP_DATAGRAM.length - UDP_AT), CLIENT, SERVER) == WireError.Ok, "parses");
  assert(udp.srcPort == 57179 && udp.dstPort == 9999 && udp.payloadLen == 13, "ports and length");
  assert(String.UTF8.decodeUnsafe(udp.payload, 13) == "hello, crust\n", "payload");

  // Every UDP capture (the datagram, DHCP, DNS) re-emits byte for byte.
  let count = 0;
  for (let i = 0; i < ALL_CAPTURES.length; i++) {
    const frame = ALL_CAPTURES[i];
    if (frame.length < UDP_AT || frame[23] != IP_PROTOCOL_UDP) continue;
    const ip = ipOf(frame);
    const repr = new UdpRepr();
    assert(repr.parse(new UdpPacket(at(frame) + UDP_AT, ip.payloadLen), ip.src, ip.dst) == WireError.Ok, "capture parses");
    const out = new StaticArray<u8>(repr.bufferLen());
    const view = new UdpPacket(at(out), out.length);
    assert(repr.emit(view) == WireError.Ok && view.checksum() == 0, "emits with the checksum left to the IP layer");
    view.fillChecksum(ip.src, ip.dst);
    assert(out.length == ip.payloadLen && sameBytes(at(out), at(frame) + UDP_AT, out.length), "capture " + i.toString() + " re-emits");
    count++;
  }
  assert(count == 13, "all UDP captures were checked");

  // The checksum: wrong addresses or data fail, unless the NIC checked it.
  const bad = copyOf(UDP_DATAGRAM);
  bad[bad.length - 1] ^= 1;
  const badView = new UdpPacket(at(bad) + UDP_AT, bad.length - UDP_AT);
  assert(udp.parse(badView, CLIENT, SERVER) == WireError.BadChecksum, "bad checksum");
  assert(udp.parse(badView, CLIENT, SERVER, false) == WireError.Ok, "not verified when the NIC did");
  assert(parseUdp(at(UDP_DATAGRAM) + UDP_AT, UDP_DATAGRAM.length - UDP_AT) == WireError.Ok &&
    new UdpRepr().parse(new UdpPacket(at(UDP_DATAGRAM) + UDP_AT, UDP_DATAGRAM.length - UDP_AT), SERVER + 1, CLIENT) == WireError.BadChecksum,
    "the pseudo-header counts");
  // Checksum 0: the sender computed none (RFC 768).
  badView.setChecksum(0);
  assert(udp.parse(badView, CLIENT, SERVER) == WireError.Ok, "no checksum");
  // A computed 0 is sent as ffff, its one's complement twin (RFC 768).
  const zero = copyOf(UDP_DATAGRAM);
  const zeroView = new UdpPacket(at(zero) + UDP_AT, zero.length - UDP_AT);
  store<u16>(zeroView.payload(), 0); // two bytes that make the sum come out ffff:
  zeroView.fillChecksum(CLIENT, SERVER);
  store<u16>(zeroView.payload(), bswap<u16>(zeroView.checksum()));
  zeroView.fillChecksum(CLIENT, SERVER);
  assert(zeroView.checksum() == 0xffff && zeroView.verifyChecksum(CLIENT, SERVER), "computed 0 is sent as ffff");

  // The length field: below 8 is Malformed, past the buffer Truncated; bytes
  // after it (Ethernet padding) are not payload.
  const lengths = copyOf(UDP_DATAGRAM);
  const view = new UdpPacket(at(lengths) + UDP_AT, lengths.length - UDP_AT);
  view.setLength(7);
  assert(udp.parse(view, CLIENT, SERVER, false) == WireError.Malformed, "length 7");
  view.setLength(22);
  assert(udp.parse(view, CLIENT, SERVER, false) == WireError.Truncated, "length past the buffer");
  view.setLength(10);
  assert(udp.parse(view, CLIENT, SERVER, false) == WireError.Ok && udp.payloadLen == 2, "bytes after the length are ignored");
  for (let n = 0; n < UDP_HEADER_LEN; n++) assert(parseUdp(view.ptr, n) == WireError.Truncated, "short header");
  assert(everyPrefixFails(UDP_DATAGRAM, UDP_AT, parseUdp), "every strict prefix fails");

  // emit(): no room, or a datagram longer than the length field can say.
  const repr = new UdpRepr();
  repr.srcPort = 68;
  repr.dstPort = 67;
  repr.payload = at(UDP_DATAGRAM);
  repr.payloadLen = 10;
  const out = new StaticArray<u8>(17);
  assert(repr.emit(new UdpPacket(at(out), out.length)) == WireError.NoRoom, "no room");
  for (let i = 0; i < out.length; i++) assert(out[i] == 0, "nothing written");
  repr.payloadLen = 0xffff;
  assert(repr.emit(new UdpPacket(at(out), out.length)) == WireError.Malformed, "too long for the length field");

  // Corrupted and random datagrams never trap.
  const rng = new Random(768);
  parseCorrupted(UDP_DATAGRAM, 3000, rng, (ptr: usize, len: i32): WireError => parseUdp(ptr + UDP_AT, len - UDP_AT));
  const noise = new StaticArray<u8>(40);
  for (let r = 0; r < 3000; r++) {
    const n = rng.below(noise.length + 1);
    rng.fill(at(noise), n);
    const p = new UdpPacket(at(noise), n);
    if (n >= 8 && (r & 1) == 0) p.setLength(n - rng.below(3));
    const any = new UdpRepr();
    if (any.parse(p, CLIENT, SERVER, false) == WireError.Ok) assert(any.payloadLen + UDP_HEADER_LEN <= n, "payload inside the buffer");
  }
}
