// ARP: Linux's request and reply parse and re-emit byte for byte, and the
// reply a stack builds from the request is the one Linux sent; anything that
// is not Ethernet/IPv4 ARP is Unsupported, anything short is Truncated.
import "crust";
import { WireError } from "crust/net/wire/error";
import { EthernetFrame, EthernetRepr, ETHERNET_HEADER_LEN, ETHERTYPE_ARP } from "crust/net/wire/ethernet";
import { ArpPacket, ArpRepr, ARP_PACKET_LEN, ARP_REPLY as OP_REPLY, ARP_REQUEST as OP_REQUEST } from "crust/net/wire/arp";
import { ipv4 } from "crust/net/wire/ipv4";
import { at, copyOf, everyPrefixFails, parseCorrupted, sameBytes, Random, ARP_REQUEST, ARP_REPLY } from "./captures";

const CLIENT_MAC: u64 = 0x525400123456;
const SERVER_MAC: u64 = 0x52550a090002;
const CLIENT_IP = ipv4(10, 9, 0, 15);
const SERVER_IP = ipv4(10, 9, 0, 2);

function parseArp(ptr: usize, len: i32): WireError {
  return new ArpRepr().parse(new ArpPacket(ptr, len));
}

/** The ARP packet in a captured frame. */
function arpOf(frame: StaticArray<u8>): ArpPacket {
  return new ArpPacket(at(frame) + ETHERNET_HEADER_LEN, frame.length - ETHERNET_HEADER_LEN);
}

export function main(args: string[]): void {
  const request = new ArpRepr();
  assert(request.parse(arpOf(ARP_REQUEST)) == WireError.Ok, "request parses");
  assert(request.operation == OP_REQUEST && request.senderMac == CLIENT_MAC && request.senderIp == CLIENT_IP, "request sender");
  assert(request.targetMac == 0 && request.targetIp == SERVER_IP, "request target");

  const reply = new ArpRepr();
  assert(reply.parse(arpOf(ARP_REPLY)) == WireError.Ok, "reply parses");
  assert(reply.operation == OP_REPLY && reply.senderMac == SERVER_MAC && reply.senderIp == SERVER_IP, "reply sender");
  assert(reply.targetMac == CLIENT_MAC && reply.targetIp == CLIENT_IP, "reply target");

  // Both re-emit byte for byte.
  const out = new StaticArray<u8>(ARP_PACKET_LEN);
  assert(request.emit(new ArpPacket(at(out), out.length)) == WireError.Ok, "request emits");
  assert(sameBytes(at(out), at(ARP_REQUEST) + ETHERNET_HEADER_LEN, ARP_PACKET_LEN), "request re-emits byte for byte");
  assert(reply.emit(new ArpPacket(at(out), out.length)) == WireError.Ok, "reply emits");
  assert(sameBytes(at(out), at(ARP_REPLY) + ETHERNET_HEADER_LEN, ARP_PACKET_LEN), "reply re-emits byte for byte");

  // Answering the request as the server would (RFC 826 "Packet Reception")
  // gives exactly the frame Linux answered with.
  const eth = new EthernetRepr();
  assert(eth.parse(new EthernetFrame(at(ARP_REQUEST), ARP_REQUEST.length)) == WireError.Ok, "request frame");
  const answer = new ArpRepr();
  answer.operation = OP_REPLY;
  answer.senderMac = SERVER_MAC;
  answer.senderIp = request.targetIp;
  answer.targetMac = request.senderMac;
  answer.targetIp = request.senderIp;
  const answerEth = new EthernetRepr();
  answerEth.dst = eth.src;
  answerEth.src = SERVER_MAC;
  answerEth.etherType = ETHERTYPE_ARP;
  const frame = new StaticArray<u8>(ETHERNET_HEADER_LEN + answer.bufferLen());
  const view = new EthernetFrame(at(frame), frame.length);
  assert(answerEth.emit(view) == WireError.Ok, "answer header");
  assert(answer.emit(new ArpPacket(view.payload(), view.payloadLen())) == WireError.Ok, "answer packet");
  assert(frame.length == ARP_REPLY.length && sameBytes(at(frame), at(ARP_REPLY), frame.length), "built reply is Linux's reply");

  // Ethernet pads the 28 bytes to 46: the pad is ignored.
  const padded = new StaticArray<u8>(46);
  memory.copy(at(padded), at(ARP_REQUEST) + ETHERNET_HEADER_LEN, ARP_PACKET_LEN);
  const again = new ArpRepr();
  assert(again.parse(new ArpPacket(at(padded), padded.length)) == WireError.Ok && again.targetIp == SERVER_IP, "padded request");

  // Every strict prefix is an error (Truncated), never a trap.
  assert(everyPrefixFails(ARP_REQUEST, ETHERNET_HEADER_LEN, parseArp), "prefixes of the request");
  for (let n = 8; n < ARP_PACKET_LEN; n++) assert(parseArp(at(ARP_REPLY) + ETHERNET_HEADER_LEN, n) == WireError.Truncated, "short reply");

  // Other hardware, protocols, address sizes and operations are Unsupported.
  const odd = copyOf(ARP_REQUEST);
  const p = arpOf(odd);
  p.setHardwareType(6); // IEEE 802
  assert(parseArp(p.ptr, p.len) == WireError.Unsupported, "hardware type 6");
  p.setHardwareType(1);
  p.setProtocolType(0x86dd);
  assert(parseArp(p.ptr, p.len) == WireError.Unsupported, "IPv6 protocol type");
  p.setProtocolType(0x0800);
  p.setHardwareLen(8);
  assert(parseArp(p.ptr, p.len) == WireError.Unsupported, "8-byte hardware addresses");
  p.setHardwareLen(6);
  p.setOperation(3); // RARP request (RFC 903)
  assert(parseArp(p.ptr, p.len) == WireError.Unsupported, "RARP");
  p.setOperation(1);
  assert(parseArp(p.ptr, p.len) == WireError.Ok, "restored");

  // emit() into a short buffer fails and writes nothing.
  const small = new StaticArray<u8>(ARP_PACKET_LEN);
  assert(reply.emit(new ArpPacket(at(small), ARP_PACKET_LEN - 1)) == WireError.NoRoom, "no room");
  for (let i = 0; i < small.length; i++) assert(small[i] == 0, "nothing written");

  // Corrupted and random packets never trap; what parses re-emits as it was.
  const rng = new Random(826);
  parseCorrupted(ARP_REPLY, 2000, rng, (ptr: usize, len: i32): WireError => parseArp(ptr + ETHERNET_HEADER_LEN, len - ETHERNET_HEADER_LEN));
  const noise = new StaticArray<u8>(ARP_PACKET_LEN);
  const check = new StaticArray<u8>(ARP_PACKET_LEN);
  for (let r = 0; r < 2000; r++) {
    rng.fill(at(noise), noise.length);
    // Half the time with a valid fixed part and operation, so the rest is exercised.
    if ((r & 1) == 0) memory.copy(at(noise), at(ARP_REQUEST) + ETHERNET_HEADER_LEN, 8);
    const n = (r & 2) != 0 ? ARP_PACKET_LEN : rng.below(ARP_PACKET_LEN + 1);
    const any = new ArpRepr();
    if (any.parse(new ArpPacket(at(noise), n)) == WireError.Ok) {
      assert(any.emit(new ArpPacket(at(check), check.length)) == WireError.Ok, "emits");
      assert(sameBytes(at(check), at(noise), ARP_PACKET_LEN), "random valid packet re-emits");
    }
  }
}
