// Ethernet headers: real frames parse and re-emit byte for byte; short
// frames are Truncated; emit never writes past a small buffer.
import "crust";
import { WireError } from "crust/net/wire/error";
import {
  EthernetFrame, EthernetRepr, ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, MAC_BROADCAST,
  formatMac, isGroupMac,
} from "crust/net/wire/ethernet";
import { at, copyOf, sameBytes, Random, ALL_CAPTURES, ARP_REQUEST, TCP_SYN, IGMP_REPORT } from "./captures";

const CLIENT_MAC: u64 = 0x525400123456;
const SERVER_MAC: u64 = 0x52550a090002;

function parseEthernet(ptr: usize, len: i32): WireError {
  return new EthernetRepr().parse(new EthernetFrame(ptr, len));
}

export function main(args: string[]): void {
  const repr = new EthernetRepr();

  // The ARP request: broadcast, from the client.
  let frame = new EthernetFrame(at(ARP_REQUEST), ARP_REQUEST.length);
  assert(repr.parse(frame) == WireError.Ok, "ARP request frame parses");
  assert(repr.dst == MAC_BROADCAST && repr.src == CLIENT_MAC && repr.etherType == ETHERTYPE_ARP, "ARP request header");
  assert(frame.payload() == at(ARP_REQUEST) + 14 && frame.payloadLen() == 28, "payload after the header");
  assert(formatMac(repr.src) == "52:54:00:12:34:56" && formatMac(MAC_BROADCAST) == "ff:ff:ff:ff:ff:ff", "formatMac");
  assert(isGroupMac(MAC_BROADCAST) && !isGroupMac(CLIENT_MAC), "broadcast is a group address, a NIC's is not");

  // The SYN: unicast IPv4 to the server; IGMP goes to a multicast MAC.
  frame.wrap(at(TCP_SYN), TCP_SYN.length);
  assert(repr.parse(frame) == WireError.Ok && repr.dst == SERVER_MAC && repr.etherType == ETHERTYPE_IPV4, "SYN frame header");
  frame.wrap(at(IGMP_REPORT), IGMP_REPORT.length);
  assert(repr.parse(frame) == WireError.Ok && repr.dst == 0x01005e000016 && isGroupMac(repr.dst), "IGMP to 01:00:5e:00:00:16");

  // Every capture's header re-emits byte for byte.
  for (let i = 0; i < ALL_CAPTURES.length; i++) {
    const bytes = ALL_CAPTURES[i];
    assert(repr.parse(new EthernetFrame(at(bytes), bytes.length)) == WireError.Ok, "capture parses");
    const out = new StaticArray<u8>(ETHERNET_HEADER_LEN);
    assert(repr.emit(new EthernetFrame(at(out), out.length)) == WireError.Ok, "header emits");
    assert(sameBytes(at(out), at(bytes), ETHERNET_HEADER_LEN), "header re-emits byte for byte");
  }

  // Short frames: Truncated below 14 bytes; a bare header is a frame with no payload.
  for (let n = 0; n < ETHERNET_HEADER_LEN; n++) assert(parseEthernet(at(ARP_REQUEST), n) == WireError.Truncated, "short frame");
  frame.wrap(at(ARP_REQUEST), ETHERNET_HEADER_LEN);
  assert(repr.parse(frame) == WireError.Ok && frame.payloadLen() == 0, "header only");

  // emit() into a buffer too small fails and writes nothing.
  const small = copyOf(TCP_SYN);
  assert(repr.emit(new EthernetFrame(at(small), 13)) == WireError.NoRoom, "no room for the header");
  assert(sameBytes(at(small), at(TCP_SYN), TCP_SYN.length), "nothing written");

  // Random bytes of any length never trap.
  const rng = new Random(7);
  const noise = new StaticArray<u8>(64);
  for (let r = 0; r < 1000; r++) {
    const n = rng.below(65);
    rng.fill(at(noise), n);
    const err = parseEthernet(at(noise), n);
    assert(err == (n < ETHERNET_HEADER_LEN ? WireError.Truncated : WireError.Ok), "random frames");
  }
}
