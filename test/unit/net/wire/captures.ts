// Real frames for the wire tests, and the helpers the tests share.
//
// Captured with an AF_PACKET socket on a veth pair between two Linux 6.18
// network namespaces: 10.9.0.15 (52:54:00:12:34:56), the side that pings,
// connects and asks for DHCP and DNS, and 10.9.0.2 (52:55:0a:09:00:02),
// running a TCP listener and dnsmasq 2.90. Transmit checksum offload was
// off, so every checksum is as it was on the wire. veth does not pad short
// frames to 60 bytes. Frames "by the capture script" carry a payload the
// script wrote (its DHCP client and DNS queries); Linux built their headers.
//
// As a test app of its own, this checks all captures together: each parses
// through every layer, each strict prefix of each fails with a typed error,
// and corrupted copies never trap.
import "crust";
import { WireError } from "crust/net/wire/error";
import { EthernetFrame, EthernetRepr, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from "crust/net/wire/ethernet";
import { ArpPacket, ArpRepr } from "crust/net/wire/arp";
import { Ipv4Packet, Ipv4Repr, IP_PROTOCOL_ICMP, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP } from "crust/net/wire/ipv4";
import { Icmpv4Packet, Icmpv4Repr } from "crust/net/wire/icmpv4";
import { UdpPacket, UdpRepr } from "crust/net/wire/udp";
import { TcpPacket, TcpRepr } from "crust/net/wire/tcp";
import { DhcpPacket, DhcpRepr, DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from "crust/net/wire/dhcpv4";
import { DnsPacket, DnsRepr, DNS_PORT } from "crust/net/wire/dns";

// ---- helpers ----

/** Bytes from hex digits; spaces are ignored. */
export function hex(s: string): StaticArray<u8> {
  const digits = s.replaceAll(" ", "");
  assert(digits.length % 2 == 0, "hex: odd number of digits");
  const out = new StaticArray<u8>(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = <u8>I32.parseInt(digits.substr(2 * i, 2), 16);
  return out;
}

/** Where a byte array's bytes are. */
export function at(bytes: StaticArray<u8>): usize {
  return changetype<usize>(bytes);
}

export function sameBytes(a: usize, b: usize, len: i32): bool {
  return memory.compare(a, b, <usize>len) == 0;
}

/** A copy of bytes, so a test may write over it. */
export function copyOf(bytes: StaticArray<u8>): StaticArray<u8> {
  const out = new StaticArray<u8>(bytes.length);
  memory.copy(at(out), at(bytes), <usize>bytes.length);
  return out;
}

/** xorshift32 (Marsaglia 2003): reproducible "random" input for robustness checks. */
export class Random {
  constructor(private state: u32 = 0x2545f491) {}
  next(): u32 {
    let x = this.state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    this.state = x;
    return x;
  }
  /** A number in [0, n). */
  below(n: i32): i32 { return <i32>(this.next() % <u32>n); }
  fill(ptr: usize, len: i32): void {
    for (let i = 0; i < len; i++) store<u8>(ptr + <usize>i, <u8>this.next());
  }
}

/** Parse a frame through every layer this stack has: Ethernet, then ARP or
 *  IPv4, then ICMP, TCP or UDP, then DHCP or DNS. The first error, or Ok. */
export function parseFrame(ptr: usize, len: i32): WireError {
  const frame = new EthernetFrame(ptr, len);
  const eth = new EthernetRepr();
  let err = eth.parse(frame);
  if (err != WireError.Ok) return err;
  if (eth.etherType == ETHERTYPE_ARP) return new ArpRepr().parse(new ArpPacket(frame.payload(), frame.payloadLen()));
  if (eth.etherType != ETHERTYPE_IPV4) return WireError.Unsupported;
  const packet = new Ipv4Packet(frame.payload(), frame.payloadLen());
  const ip = new Ipv4Repr();
  err = ip.parse(packet);
  if (err != WireError.Ok) return err;
  const segment = packet.payload();
  if (ip.protocol == IP_PROTOCOL_ICMP) return new Icmpv4Repr().parse(new Icmpv4Packet(segment, ip.payloadLen));
  if (ip.protocol == IP_PROTOCOL_TCP) return new TcpRepr().parse(new TcpPacket(segment, ip.payloadLen), ip.src, ip.dst);
  if (ip.protocol != IP_PROTOCOL_UDP) return WireError.Unsupported;
  const datagram = new UdpPacket(segment, ip.payloadLen);
  const udp = new UdpRepr();
  err = udp.parse(datagram, ip.src, ip.dst);
  if (err != WireError.Ok) return err;
  if (udp.srcPort == DNS_PORT || udp.dstPort == DNS_PORT) return new DnsRepr().parse(new DnsPacket(udp.payload, udp.payloadLen));
  if (udp.dstPort == DHCP_SERVER_PORT || udp.dstPort == DHCP_CLIENT_PORT) {
    return new DhcpRepr().parse(new DhcpPacket(udp.payload, udp.payloadLen));
  }
  return WireError.Ok;
}

/** Parse every strict prefix of bytes, starting at `from`, with parse: each
 *  must give an error, and none may trap. */
export function everyPrefixFails(bytes: StaticArray<u8>, from: i32, parse: (ptr: usize, len: i32) => WireError): bool {
  // Each prefix is copied into a buffer of its own size, so a parser that
  // read past the end could not find the rest of the capture there.
  for (let n = 0; n < bytes.length - from; n++) {
    const prefix = new StaticArray<u8>(n);
    memory.copy(at(prefix), at(bytes) + <usize>from, <usize>n);
    if (parse(at(prefix), n) == WireError.Ok) return false;
  }
  return true;
}

/** Parse many corrupted copies of bytes (1 to 4 random bytes changed);
 *  returns how many still parsed, and never traps. */
export function parseCorrupted(bytes: StaticArray<u8>, rounds: i32, rng: Random, parse: (ptr: usize, len: i32) => WireError): i32 {
  let ok = 0;
  const copy = copyOf(bytes);
  for (let r = 0; r < rounds; r++) {
    memory.copy(at(copy), at(bytes), <usize>bytes.length);
    const changes = 1 + rng.below(4);
    for (let c = 0; c < changes; c++) copy[rng.below(bytes.length)] = <u8>rng.next();
    if (parse(at(copy), copy.length) == WireError.Ok) ok++;
  }
  return ok;
}

// ---- captures ----

// ARP request: who has 10.9.0.2, tell 10.9.0.15 (Linux, before the ping below).
export const ARP_REQUEST = hex(
  "ffff ffff ffff 5254 0012 3456 0806 0001" +
  "0800 0604 0001 5254 0012 3456 0a09 000f" +
  "0000 0000 0000 0a09 0002");

// ARP reply: 10.9.0.2 is at 52:55:0a:09:00:02 (Linux).
export const ARP_REPLY = hex(
  "5254 0012 3456 5255 0a09 0002 0806 0001" +
  "0800 0604 0002 5255 0a09 0002 0a09 0002" +
  "5254 0012 3456 0a09 000f");

// ICMP echo request 10.9.0.15 > 10.9.0.2, id 0x2a5b seq 1, 56 bytes of data laid out as
// iputils ping does (timeval, then 0x10, 0x11, ...), sent through a Linux ping socket.
export const PING_REQUEST = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "0054 fab4 4000 4001 2bd2 0a09 000f 0a09" +
  "0002 0800 bd88 2a5b 0001 7fea 096b 0000" +
  "0000 b9f2 0e00 0000 0000 1011 1213 1415" +
  "1617 1819 1a1b 1c1d 1e1f 2021 2223 2425" +
  "2627 2829 2a2b 2c2d 2e2f 3031 3233 3435" +
  "3637");

// ICMP echo reply from the Linux kernel of 10.9.0.2.
export const PING_REPLY = hex(
  "5254 0012 3456 5255 0a09 0002 0800 4500" +
  "0054 c488 0000 4001 a1fe 0a09 0002 0a09" +
  "000f 0000 c588 2a5b 0001 7fea 096b 0000" +
  "0000 b9f2 0e00 0000 0000 1011 1213 1415" +
  "1617 1819 1a1b 1c1d 1e1f 2021 2223 2425" +
  "2627 2829 2a2b 2c2d 2e2f 3031 3233 3435" +
  "3637");

// UDP 10.9.0.15:57179 > 10.9.0.2:9999, "hello, crust\n" (Linux).
export const UDP_DATAGRAM = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "0029 ff0e 4000 4011 2793 0a09 000f 0a09" +
  "0002 df5b 270f 0015 90eb 6865 6c6c 6f2c" +
  "2063 7275 7374 0a");

// ICMP port unreachable from Linux for the datagram above, which it quotes whole.
export const PORT_UNREACHABLE = hex(
  "5254 0012 3456 5255 0a09 0002 0800 45c0" +
  "0045 c4db 0000 4001 a0fa 0a09 0002 0a09" +
  "000f 0303 1146 0000 0000 4500 0029 ff0e" +
  "4000 4011 2793 0a09 000f 0a09 0002 df5b" +
  "270f 0015 90eb 6865 6c6c 6f2c 2063 7275" +
  "7374 0a");

// TCP SYN 10.9.0.15:35472 > 10.9.0.2:8080 from connect(): MSS 1460, SACK permitted,
// timestamps, window scale 10.
export const TCP_SYN = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "003c 532c 4000 4006 d36d 0a09 000f 0a09" +
  "0002 8a90 1f90 eae6 7fb5 0000 0000 a002" +
  "faf0 d924 0000 0204 05b4 0402 080a f271" +
  "5896 0000 0000 0103 030a");

// TCP SYN-ACK from the Linux listener.
export const TCP_SYN_ACK = hex(
  "5254 0012 3456 5255 0a09 0002 0800 4500" +
  "003c 0000 4000 4006 269a 0a09 0002 0a09" +
  "000f 1f90 8a90 0c80 8fca eae6 7fb6 a012" +
  "fe88 fc71 0000 0204 05b4 0402 080a 0886" +
  "3439 f271 5896 0103 030a");

// TCP PSH-ACK carrying "hello", with timestamps.
export const TCP_DATA = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "0039 532e 4000 4006 d36e 0a09 000f 0a09" +
  "0002 8a90 1f90 eae6 7fb6 0c80 8fcb 8018" +
  "003f e5ab 0000 0101 080a f271 5896 0886" +
  "3439 6865 6c6c 6f");

// TCP duplicate ACK with a SACK block: Linux's answer to a segment that arrived
// 10 bytes after the next expected one.
export const TCP_SACK = hex(
  "5254 0012 3456 5255 0a09 0002 0800 4500" +
  "0040 00c4 4000 4006 25d2 0a09 0002 0a09" +
  "000f 1f90 8a90 0c80 8fcb eae6 7fbb b010" +
  "0040 1bb9 0000 0101 080a 0886 3692 f271" +
  "5896 0101 050a eae6 7fc5 eae6 7fc8");

// TCP FIN-ACK from the listener after close(), still reporting the SACK block.
export const TCP_FIN = hex(
  "5254 0012 3456 5255 0a09 0002 0800 4500" +
  "0040 00c5 4000 4006 25d1 0a09 0002 0a09" +
  "000f 1f90 8a90 0c80 8fcb eae6 7fbb b011" +
  "0040 195f 0000 0101 080a 0886 38eb f271" +
  "5896 0101 050a eae6 7fc5 eae6 7fc8");

// TCP FIN-ACK from the connecting side.
export const TCP_FIN_CLIENT = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "0034 5330 4000 4006 d371 0a09 000f 0a09" +
  "0002 8a90 1f90 eae6 7fbb 0c80 8fcc 8011" +
  "003f 1dc3 0000 0101 080a f271 5fa5 0886" +
  "38eb");

// DHCPDISCOVER broadcast by the capture script (options 53, 55; not padded to 300).
export const DHCP_DISCOVER = hex(
  "ffff ffff ffff 5254 0012 3456 0800 4500" +
  "0116 9396 4000 4011 a641 0000 0000 ffff" +
  "ffff 0044 0043 0102 1b58 0101 0600 3903" +
  "f326 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 5254 0012 3456 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 6382 5363 3501 0137 0401" +
  "0306 33ff");

// DHCPOFFER from dnsmasq 2.90: 10.9.0.107, lease 12h, T1 6h, T2 10h30m, mask /24,
// broadcast 10.9.0.255, DNS and router 10.9.0.2; padded to 300 bytes.
export const DHCP_OFFER = hex(
  "5254 0012 3456 5255 0a09 0002 0800 45c0" +
  "0148 e299 0000 4011 81cd 0a09 0002 0a09" +
  "006b 0043 0044 0134 1577 0201 0600 3903" +
  "f326 0000 0000 0000 0000 0a09 006b 0a09" +
  "0002 0000 0000 5254 0012 3456 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 6382 5363 3501 0236 040a" +
  "0900 0233 0400 00a8 c03a 0400 0054 603b" +
  "0400 0093 a801 04ff ffff 001c 040a 0900" +
  "ff06 040a 0900 0203 040a 0900 02ff 0000" +
  "0000 0000 0000");

// DHCPREQUEST by the capture script for the offered address (options 53, 50, 54, 55).
export const DHCP_REQUEST = hex(
  "ffff ffff ffff 5254 0012 3456 0800 4500" +
  "0122 93f5 4000 4011 a5d6 0000 0000 ffff" +
  "ffff 0044 0043 010e 91c3 0101 0600 3903" +
  "f326 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 5254 0012 3456 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 6382 5363 3501 0332 040a" +
  "0900 6b36 040a 0900 0237 0401 0306 33ff");

// DHCPACK from dnsmasq 2.90.
export const DHCP_ACK = hex(
  "5254 0012 3456 5255 0a09 0002 0800 45c0" +
  "0148 e360 0000 4011 8106 0a09 0002 0a09" +
  "006b 0043 0044 0134 1277 0201 0600 3903" +
  "f326 0000 0000 0000 0000 0a09 006b 0a09" +
  "0002 0000 0000 5254 0012 3456 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 0000 0000 0000 0000 0000" +
  "0000 0000 0000 6382 5363 3501 0536 040a" +
  "0900 0233 0400 00a8 c03a 0400 0054 603b" +
  "0400 0093 a801 04ff ffff 001c 040a 0900" +
  "ff06 040a 0900 0203 040a 0900 02ff 0000" +
  "0000 0000 0000");

// DNS query by the capture script: web.crust.test A, recursion desired, no EDNS.
export const DNS_QUERY_WEB = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "003c 0162 4000 4011 252d 0a09 000f 0a09" +
  "0002 9911 0035 0028 02f9 1c2b 0100 0001" +
  "0000 0000 0000 0377 6562 0563 7275 7374" +
  "0474 6573 7400 0001 0001");

// dnsmasq's answer: one A record, its name a pointer to the question (c00c).
export const DNS_RESPONSE_WEB = hex(
  "5254 0012 3456 5255 0a09 0002 0800 4500" +
  "004c 3ccf 4000 4011 e9af 0a09 0002 0a09" +
  "000f 0035 9911 0038 b3eb 1c2b 8580 0001" +
  "0001 0000 0000 0377 6562 0563 7275 7374" +
  "0474 6573 7400 0001 0001 c00c 0001 0001" +
  "0000 0000 0004 0a09 0050");

// DNS query by the capture script: multi.crust.test A.
export const DNS_QUERY_MULTI = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "003e 01f2 4000 4011 249b 0a09 000f 0a09" +
  "0002 d459 0035 002a fefc 5e71 0100 0001" +
  "0000 0000 0000 056d 756c 7469 0563 7275" +
  "7374 0474 6573 7400 0001 0001");

// dnsmasq's answer: two A records.
export const DNS_RESPONSE_MULTI = hex(
  "5254 0012 3456 5255 0a09 0002 0800 4500" +
  "005e 3d98 4000 4011 e8d4 0a09 0002 0a09" +
  "000f 0035 d459 004a e55f 5e71 8580 0001" +
  "0002 0000 0000 056d 756c 7469 0563 7275" +
  "7374 0474 6573 7400 0001 0001 c00c 0001" +
  "0001 0000 0000 0004 0a09 0051 c00c 0001" +
  "0001 0000 0000 0004 0a09 0052");

// DNS query by the capture script: www.crust.test A.
export const DNS_QUERY_WWW = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "003c 0227 4000 4011 2468 0a09 000f 0a09" +
  "0002 e886 0035 0028 b38e 0a0b 0100 0001" +
  "0000 0000 0000 0377 7777 0563 7275 7374" +
  "0474 6573 7400 0001 0001");

// dnsmasq's answer: www.crust.test CNAME multi.crust.test (written out), then two A
// records whose names point into the CNAME's data (c02c).
export const DNS_RESPONSE_CNAME = hex(
  "5254 0012 3456 5255 0a09 0002 0800 4500" +
  "007a 3e01 4000 4011 e84f 0a09 0002 0a09" +
  "000f 0035 e886 0066 20d8 0a0b 8580 0001" +
  "0003 0000 0000 0377 7777 0563 7275 7374" +
  "0474 6573 7400 0001 0001 c00c 0005 0001" +
  "0000 0000 0012 056d 756c 7469 0563 7275" +
  "7374 0474 6573 7400 c02c 0001 0001 0000" +
  "0000 0004 0a09 0052 c02c 0001 0001 0000" +
  "0000 0004 0a09 0051");

// DNS query by the capture script: nothere.crust.test A.
export const DNS_QUERY_NOTHERE = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "0040 030f 4000 4011 237c 0a09 000f 0a09" +
  "0002 d655 0035 002c 818c 7777 0100 0001" +
  "0000 0000 0000 076e 6f74 6865 7265 0563" +
  "7275 7374 0474 6573 7400 0001 0001");

// dnsmasq's answer: REFUSED (a name it is not authoritative for, and no upstream), no records.
export const DNS_RESPONSE_REFUSED = hex(
  "5254 0012 3456 5255 0a09 0002 0800 4500" +
  "0040 3e72 4000 4011 e818 0a09 0002 0a09" +
  "000f 0035 d655 002c 0107 7777 8185 0001" +
  "0000 0000 0000 076e 6f74 6865 7265 0563" +
  "7275 7374 0474 6573 7400 0001 0001");

// IGMPv3 membership report for 239.1.2.3 that Linux sent on IP_ADD_MEMBERSHIP: an IPv4 header
// with an option (Router Alert, RFC 2113), TOS 0xc0, TTL 1.
export const IGMP_REPORT = hex(
  "0100 5e00 0016 5254 0012 3456 0800 46c0" +
  "0028 0000 4000 0102 f9e1 0a09 000f e000" +
  "0016 9404 0000 2200 e8f9 0000 0001 0400" +
  "0000 ef01 0203");

// The three fragments Linux made of a 100-byte UDP datagram on a link with MTU 68 (the
// IPv4 minimum, RFC 791 §3.2): offset 0 with more-fragments.
export const FRAGMENT_FIRST = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "0044 644f 2000 4011 e237 0a09 000f 0a09" +
  "0002 8c41 270f 006c 9bd5 0001 0203 0405" +
  "0607 0809 0a0b 0c0d 0e0f 1011 1213 1415" +
  "1617 1819 1a1b 1c1d 1e1f 2021 2223 2425" +
  "2627");

// offset 48 with more-fragments.
export const FRAGMENT_MIDDLE = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "0044 644f 2006 4011 e231 0a09 000f 0a09" +
  "0002 2829 2a2b 2c2d 2e2f 3031 3233 3435" +
  "3637 3839 3a3b 3c3d 3e3f 4041 4243 4445" +
  "4647 4849 4a4b 4c4d 4e4f 5051 5253 5455" +
  "5657");

// offset 96, the last.
export const FRAGMENT_LAST = hex(
  "5255 0a09 0002 5254 0012 3456 0800 4500" +
  "0020 644f 000c 4011 0250 0a09 000f 0a09" +
  "0002 5859 5a5b 5c5d 5e5f 6061 6263");

/** The captures every layer parses (not the IGMP report and fragments). */
export const ALL_CAPTURES: StaticArray<u8>[] = [
  ARP_REQUEST, ARP_REPLY, PING_REQUEST, PING_REPLY, UDP_DATAGRAM, PORT_UNREACHABLE,
  TCP_SYN, TCP_SYN_ACK, TCP_DATA, TCP_SACK, TCP_FIN, TCP_FIN_CLIENT,
  DHCP_DISCOVER, DHCP_OFFER, DHCP_REQUEST, DHCP_ACK,
  DNS_QUERY_WEB, DNS_RESPONSE_WEB, DNS_QUERY_MULTI, DNS_RESPONSE_MULTI,
  DNS_QUERY_WWW, DNS_RESPONSE_CNAME, DNS_QUERY_NOTHERE, DNS_RESPONSE_REFUSED,
];

export function main(args: string[]): void {
  const rng = new Random();
  for (let i = 0; i < ALL_CAPTURES.length; i++) {
    const frame = ALL_CAPTURES[i];
    const name = "capture " + i.toString();
    assert(parseFrame(at(frame), frame.length) == WireError.Ok, name + " parses through every layer");
    assert(everyPrefixFails(frame, 0, parseFrame), name + ": every strict prefix fails");
    parseCorrupted(frame, 300, rng, parseFrame);
  }
  // Ethernet pads short frames to 60 bytes: the pad is not part of the packet.
  const padded = new StaticArray<u8>(60);
  memory.copy(at(padded), at(ARP_REQUEST), <usize>ARP_REQUEST.length);
  assert(parseFrame(at(padded), padded.length) == WireError.Ok, "padded ARP request");
  const paddedUdp = new StaticArray<u8>(60);
  memory.copy(at(paddedUdp), at(UDP_DATAGRAM), <usize>UDP_DATAGRAM.length);
  assert(parseFrame(at(paddedUdp), paddedUdp.length) == WireError.Ok, "padded UDP datagram");
}
