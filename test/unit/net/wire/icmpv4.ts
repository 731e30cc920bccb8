// ICMP: Linux's echo request and reply and its port unreachable parse and
// re-emit byte for byte; the reply a stack builds from the request is the
// one Linux sent; bad checksums, short quotes and other types are errors.
import "crust";
import { WireError } from "crust/net/wire/error";
import { ETHERNET_HEADER_LEN } from "crust/net/wire/ethernet";
import { Ipv4Packet, Ipv4Repr, IPV4_HEADER_LEN, IP_PROTOCOL_UDP, ipv4 } from "crust/net/wire/ipv4";
import {
  Icmpv4Packet, Icmpv4Repr, ICMPV4_HEADER_LEN, ICMPV4_ECHO_REPLY, ICMPV4_ECHO_REQUEST, ICMPV4_DEST_UNREACHABLE,
  ICMPV4_PORT_UNREACHABLE, ICMPV4_FRAGMENTATION_NEEDED,
} from "crust/net/wire/icmpv4";
import { UdpPacket } from "crust/net/wire/udp";
import { checksum } from "crust/net/wire/checksum";
import { at, copyOf, everyPrefixFails, parseCorrupted, sameBytes, Random, PING_REQUEST, PING_REPLY, PORT_UNREACHABLE } from "./captures";

const ICMP_AT = ETHERNET_HEADER_LEN + IPV4_HEADER_LEN; // no IP options in these captures

function parseIcmp(ptr: usize, len: i32): WireError {
  return new Icmpv4Repr().parse(new Icmpv4Packet(ptr, len));
}

/** The ICMP message in a captured frame. */
function icmpOf(frame: StaticArray<u8>): Icmpv4Packet {
  return new Icmpv4Packet(at(frame) + ICMP_AT, frame.length - ICMP_AT);
}

/** Emit repr into a fresh buffer of its size and compare with frame's message. */
function reemits(repr: Icmpv4Repr, frame: StaticArray<u8>): bool {
  const out = new StaticArray<u8>(repr.bufferLen());
  if (repr.emit(new Icmpv4Packet(at(out), out.length)) != WireError.Ok) return false;
  return out.length == frame.length - ICMP_AT && sameBytes(at(out), at(frame) + ICMP_AT, out.length);
}

export function main(args: string[]): void {
  // The echo request: ping's identifier and sequence, 56 bytes of data.
  const request = new Icmpv4Repr();
  assert(request.parse(icmpOf(PING_REQUEST)) == WireError.Ok, "echo request parses");
  assert(request.msgType == ICMPV4_ECHO_REQUEST && request.code == 0, "echo request type");
  assert(request.ident == 0x2a5b && request.seq == 1 && request.dataLen == 56, "echo request fields");
  assert(load<u8>(request.data + 16) == 0x10 && load<u8>(request.data + 55) == 0x37, "ping's data pattern");
  assert(reemits(request, PING_REQUEST), "echo request re-emits byte for byte");

  const reply = new Icmpv4Repr();
  assert(reply.parse(icmpOf(PING_REPLY)) == WireError.Ok && reply.msgType == ICMPV4_ECHO_REPLY, "echo reply parses");
  assert(reply.ident == request.ident && reply.seq == request.seq && reply.dataLen == 56, "reply echoes the request");
  assert(reemits(reply, PING_REPLY), "echo reply re-emits byte for byte");

  // Answering the ping as a host does (RFC 1122 §3.2.2.6): same identifier,
  // sequence and data, type 0. The IP header takes the reply's identification
  // and flags, which Linux chose; the result is Linux's reply frame.
  const ip = new Ipv4Repr();
  assert(ip.parse(new Ipv4Packet(at(PING_REQUEST) + ETHERNET_HEADER_LEN, PING_REQUEST.length - ETHERNET_HEADER_LEN)) == WireError.Ok, "request IP");
  const answer = new Icmpv4Repr();
  answer.msgType = ICMPV4_ECHO_REPLY;
  answer.ident = request.ident;
  answer.seq = request.seq;
  answer.data = request.data;
  answer.dataLen = request.dataLen;
  const answerIp = new Ipv4Repr();
  answerIp.src = ip.dst;
  answerIp.dst = ip.src;
  answerIp.protocol = ip.protocol;
  answerIp.ident = 0xc488;
  answerIp.dontFragment = false;
  answerIp.payloadLen = answer.bufferLen();
  const frame = copyOf(PING_REPLY);
  memory.fill(at(frame) + ETHERNET_HEADER_LEN, 0, <usize>(frame.length - ETHERNET_HEADER_LEN));
  const packet = new Ipv4Packet(at(frame) + ETHERNET_HEADER_LEN, frame.length - ETHERNET_HEADER_LEN);
  assert(answerIp.emit(packet) == WireError.Ok, "reply IP header");
  assert(answer.emit(new Icmpv4Packet(packet.payload(), packet.payloadLen())) == WireError.Ok, "reply message");
  assert(sameBytes(at(frame), at(PING_REPLY), frame.length), "built reply is Linux's reply");

  // Port unreachable quotes the datagram; its header and ports can be read.
  const unreachable = new Icmpv4Repr();
  assert(unreachable.parse(icmpOf(PORT_UNREACHABLE)) == WireError.Ok, "port unreachable parses");
  assert(unreachable.msgType == ICMPV4_DEST_UNREACHABLE && unreachable.code == ICMPV4_PORT_UNREACHABLE, "its type and code");
  assert(unreachable.nextHopMtu == 0 && unreachable.dataLen == 41, "Linux quotes the whole 41-byte datagram");
  const quoted = new Ipv4Packet(unreachable.data, unreachable.dataLen);
  assert(quoted.protocol() == IP_PROTOCOL_UDP && quoted.srcAddr() == ipv4(10, 9, 0, 15) && quoted.dstAddr() == ipv4(10, 9, 0, 2), "quoted header");
  const ports = new UdpPacket(quoted.payload(), quoted.lenFrom(quoted.headerLen()));
  assert(ports.srcPort() == 57179 && ports.dstPort() == 9999, "quoted ports");
  assert(reemits(unreachable, PORT_UNREACHABLE), "port unreachable re-emits byte for byte");

  // Fragmentation needed carries the next-hop MTU (RFC 1191 §4).
  const needFrag = new Icmpv4Repr();
  needFrag.msgType = ICMPV4_DEST_UNREACHABLE;
  needFrag.code = ICMPV4_FRAGMENTATION_NEEDED;
  needFrag.nextHopMtu = 1400;
  needFrag.data = at(PORT_UNREACHABLE) + ICMP_AT + ICMPV4_HEADER_LEN;
  needFrag.dataLen = 28; // header and 8 bytes, the minimum quote
  const out = new StaticArray<u8>(needFrag.bufferLen());
  assert(needFrag.emit(new Icmpv4Packet(at(out), out.length)) == WireError.Ok, "emits");
  const back = new Icmpv4Repr();
  assert(back.parse(new Icmpv4Packet(at(out), out.length)) == WireError.Ok && back.nextHopMtu == 1400 && back.dataLen == 28, "MTU round trip");
  assert(parseIcmp(at(out), out.length - 1) != WireError.Ok, "a quote one byte short");
  assert(needFrag.emit(new Icmpv4Packet(at(out), out.length - 1)) == WireError.NoRoom, "no room");

  // Errors: bad checksum, an echo with a code, a quote too short, other types.
  const bad = copyOf(PING_REQUEST);
  store<u8>(at(bad) + bad.length - 1, 0);
  assert(parseIcmp(at(bad) + ICMP_AT, bad.length - ICMP_AT) == WireError.BadChecksum, "bad checksum");
  assert(withHeader(PING_REQUEST, 8, 1) == WireError.Malformed, "echo request with code 1");
  assert(withHeader(PING_REQUEST, 13, 0) == WireError.Unsupported, "timestamp request (type 13)");
  assert(withHeader(PING_REQUEST, 3, 3) == WireError.Malformed, "unreachable quoting no IP header");
  for (let n = 0; n < ICMPV4_HEADER_LEN; n++) assert(parseIcmp(at(PING_REQUEST) + ICMP_AT, n) == WireError.Truncated, "short");

  // Every strict prefix is an error (the checksum covers the whole message).
  assert(everyPrefixFails(PING_REQUEST, ICMP_AT, parseIcmp), "prefixes of the request");
  assert(everyPrefixFails(PORT_UNREACHABLE, ICMP_AT, parseIcmp), "prefixes of the unreachable");

  // Corrupted messages never trap; random ones with a good checksum neither,
  // and those that parse re-emit.
  const rng = new Random(792);
  parseCorrupted(PORT_UNREACHABLE, 3000, rng, (ptr: usize, len: i32): WireError => parseIcmp(ptr + ICMP_AT, len - ICMP_AT));
  const noise = new StaticArray<u8>(64);
  let parsed = 0;
  for (let r = 0; r < 3000; r++) {
    const n = ICMPV4_HEADER_LEN + rng.below(noise.length - ICMPV4_HEADER_LEN + 1);
    rng.fill(at(noise), n);
    store<u8>(at(noise), <u8>[0, 3, 8][rng.below(3)]);
    if ((r & 1) == 0) store<u8>(at(noise) + 1, 0);
    if ((r & 2) == 0) store<u8>(at(noise) + 8, 0x45);
    fixChecksum(at(noise), n);
    const any = new Icmpv4Repr();
    if (any.parse(new Icmpv4Packet(at(noise), n)) == WireError.Ok) {
      parsed++;
      assert(reemitsSelf(any, at(noise), n), "valid random message re-emits");
    }
  }
  assert(parsed > 500, "random messages reached the type checks");
}

/** The ping request with a different type and code, checksum fixed up. */
function withHeader(frame: StaticArray<u8>, type: u8, code: u8): WireError {
  const copy = copyOf(frame);
  store<u8>(at(copy) + ICMP_AT, type);
  store<u8>(at(copy) + ICMP_AT + 1, code);
  fixChecksum(at(copy) + ICMP_AT, copy.length - ICMP_AT);
  return parseIcmp(at(copy) + ICMP_AT, copy.length - ICMP_AT);
}

function fixChecksum(ptr: usize, len: i32): void {
  const view = new Icmpv4Packet(ptr, len);
  view.setChecksum(0);
  view.setChecksum(checksum(ptr, len));
}

/** repr emits a message that parses back to the same meaning; an echo
 *  re-emits byte for byte (an unreachable's unused bytes become 0). */
function reemitsSelf(repr: Icmpv4Repr, ptr: usize, len: i32): bool {
  const out = new StaticArray<u8>(repr.bufferLen());
  if (out.length != len || repr.emit(new Icmpv4Packet(at(out), out.length)) != WireError.Ok) return false;
  if (repr.msgType != ICMPV4_DEST_UNREACHABLE) return sameBytes(at(out), ptr, len);
  const back = new Icmpv4Repr();
  return back.parse(new Icmpv4Packet(at(out), out.length)) == WireError.Ok && back.code == repr.code &&
    back.nextHopMtu == repr.nextHopMtu && back.dataLen == repr.dataLen && sameBytes(back.data, repr.data, repr.dataLen);
}
