// IPv4 and ICMP: ping answered byte for byte, fragments dropped and counted,
// malformed packets counted without harm, and the send path's routing and
// transport checksum (in software, or left to the NIC's offload).
import "crust";
import { NetCounter, formatCounters } from "crust/net/counters";
import { ipv4 } from "crust/net/wire/ipv4";
import { TestNet, hex, expectBytes, be16, be32, put16, transportChecksumOk } from "./fakenet";
import { checksum, pseudoHeaderSum } from "crust/net/wire/checksum";

const GUEST_IP = ipv4(10, 99, 0, 58);
const LINUX_IP = ipv4(10, 99, 0, 1);
// ping -c 1 10.99.0.58 from Linux at 5e:c3:17:87:a0:11.
const PING = "5254001234565ec31787a0110800450000541f5d40004001064c0a6300010a63003a0800a4f45bd8000134ed096b00000000ed060d0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";
// Linux's reply to our ARP request, with this capture's MAC.
const ARP_REPLY = "5254001234565ec31787a011080600010800060400025ec31787a0110a6300015254001234560a63003a";
// ping -s 2000: the first fragment (MF) and the second (offset 1480).
const FRAG1 = "5254001234565e5de2aa2bad0800450005dc7be020004001c4400a6300010a63003a0800d5d15c24000135ed096b000000006fc80b0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
const FRAG2 = "5254001234565e5de2aa2bad0800450002247be000b94001e73f0a6300010a63003ac0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf";

function stack(): TestNet {
  const t = new TestNet();
  t.net.configure(GUEST_IP, 24, LINUX_IP, []);
  t.dev.take();
  return t;
}

function ping(): void {
  const t = stack();
  const req = hex(PING);
  t.dev.inject(req);
  // The neighbour is unknown: ARP first, the reply waits for it.
  let sent = t.dev.take();
  assert(sent.length == 1 && be16(sent[0].bytes, 12) == 0x0806, "ARP request before the echo reply");
  t.dev.inject(hex(ARP_REPLY));
  sent = t.dev.take();
  assert(sent.length == 1, "the echo reply flushed");
  const r = sent[0].bytes;
  // Ethernet: back to the sender.
  expectBytes(r.subarray(0, 14), hex("5ec31787a011525400123456" + "0800"), "Ethernet header");
  // IPv4: our own header (ident, TTL 64, DF), addresses swapped.
  assert(r.length == req.length, "same length");
  assert(r[14] == 0x45 && be16(r, 16) == 84 && r[22] == 64 && r[23] == 1, "version, length, TTL, protocol");
  assert((be16(r, 20) & 0x4000) != 0, "DF");
  assert(be32(r, 26) == GUEST_IP && be32(r, 30) == LINUX_IP, "addresses");
  assert(checksum(r.dataStart + 14, 20) == 0, "header checksum");
  // ICMP: the request with type 0 and its checksum adjusted (RFC 1624).
  const want = req.slice(34);
  want[0] = 0;
  put16(want, 2, 0);
  put16(want, 2, checksum(want.dataStart, want.length));
  expectBytes(r.subarray(34), want, "echo reply");
  assert(t.net.counters.get(NetCounter.IcmpEchoRequests) == 1 && t.net.counters.get(NetCounter.IcmpOut) == 1, "counted");
  // Now the neighbour is known: the next ping is answered at once.
  t.dev.inject(req);
  assert(t.dev.take().length == 1, "answered directly");
  // A ping to the subnet broadcast is not answered (RFC 1122 §3.2.2.6).
  const bcast = hex(PING);
  bcast[0] = 0xff; bcast[1] = 0xff; bcast[2] = 0xff; bcast[3] = 0xff; bcast[4] = 0xff; bcast[5] = 0xff;
  bcast[33] = 0xff; // 10.99.0.255
  put16(bcast, 24, 0);
  put16(bcast, 24, checksum(bcast.dataStart + 14, 20));
  t.dev.inject(bcast);
  assert(t.dev.take().length == 0, "broadcast ping ignored");
  assert(t.net.counters.get(NetCounter.IcmpEchoToBroadcast) == 1, "counted");
}

function fragmentsDropped(): void {
  const t = stack();
  t.dev.inject(hex(FRAG1));
  t.dev.inject(hex(FRAG2));
  assert(t.dev.take().length == 0, "no reply to a fragmented ping");
  assert(t.net.counters.get(NetCounter.IpFragment) == 2, "both fragments counted");
}

function malformedCounted(): void {
  const t = stack();
  const c = t.net.counters;
  const good = hex(PING);
  // Every truncation: too short for Ethernet, for IP, or for its own total length.
  for (let n = 0; n < good.length; n++) t.dev.inject(good.subarray(0, n));
  assert(c.get(NetCounter.EthTooShort) == 14, "short Ethernet frames");
  assert(c.get(NetCounter.IpTooShort) == 20, "short IP headers");
  assert(c.get(NetCounter.IpBadTotalLength) == <u64>(good.length - 34), "truncated packets");
  // Field by field: version, header length, total length, header checksum.
  let f = hex(PING); f[14] = 0x65; t.dev.inject(f);
  assert(c.get(NetCounter.IpBadVersion) == 1, "version 6 in an IPv4 frame");
  f = hex(PING); f[14] = 0x44; t.dev.inject(f);
  assert(c.get(NetCounter.IpBadHeaderLength) == 1, "IHL 4");
  f = hex(PING); f[14] = 0x4f; t.dev.inject(f);
  assert(c.get(NetCounter.IpBadHeaderLength) == 1, "IHL 15 (60 bytes) fits this packet: then the checksum fails");
  assert(c.get(NetCounter.IpBadChecksum) == 1, "checksum over the longer header");
  f = hex(PING); f[25] ^= 1; t.dev.inject(f);
  assert(c.get(NetCounter.IpBadChecksum) == 2, "bad header checksum");
  f = hex(PING); f[37] ^= 1; t.dev.inject(f);
  assert(c.get(NetCounter.IcmpBadChecksum) == 1, "bad ICMP checksum");
  // Not ours, unknown protocol, unknown EtherType, another MAC.
  f = hex(PING); f[33] = 59; fixIpChecksum(f); t.dev.inject(f);
  assert(c.get(NetCounter.IpNotForUs) == 1, "another host's address");
  f = hex(PING); f[23] = 99; fixIpChecksum(f); t.dev.inject(f);
  assert(c.get(NetCounter.IpUnknownProtocol) == 1, "protocol 99");
  f = hex(PING); f[12] = 0x86; f[13] = 0xdd; t.dev.inject(f);
  assert(c.get(NetCounter.EthUnknownType) == 1, "IPv6");
  f = hex(PING); f[5] = 0x57; t.dev.inject(f);
  assert(c.get(NetCounter.EthNotForUs) == 1, "another MAC");
  f = hex(PING); f[26] = 0xe0; fixIpChecksum(f); t.dev.inject(f);
  assert(c.get(NetCounter.IpBadSource) == 1, "multicast source");
  // Random bytes behind a valid Ethernet header never crash the stack.
  let seed: u32 = 12345;
  for (let i = 0; i < 2000; i++) {
    f = hex(PING);
    for (let k = 0; k < 6; k++) {
      seed = seed * 1103515245 + 12345;
      f[14 + <i32>((seed >> 8) % <u32>(f.length - 14))] = <u8>(seed >> 24);
    }
    t.dev.inject(f);
  }
  assert(t.net.iface.pool.used == 0, "no buffer leaked:\n" + formatCounters(c));
}

function fixIpChecksum(f: Uint8Array): void {
  put16(f, 24, 0);
  put16(f, 24, checksum(f.dataStart + 14, 20));
}

class TestSegment {
  data: Uint8Array = hex("30390050000000010000000050022000" + "0000" + "0000" + "68656c6c6f"); // TCP SYN-ish + "hello"
}

function sendPath(): void {
  // Software checksum.
  let t = stack();
  const seg = new TestSegment().data;
  // Learn Linux's MAC first (a request to us does).
  t.dev.inject(hex("ffffffffffff5ec31787a011080600010800060400015ec31787a0110a6300010000000000000a63003a"));
  t.dev.take();
  assert(t.net.ipv4.send(LINUX_IP, 6, seg.dataStart, seg.length, 16), "sent");
  let s = t.dev.take();
  assert(s.length == 1 && s[0].csumStart == -1, "one frame, no offload");
  assert(transportChecksumOk(s[0].bytes), "TCP checksum computed");
  assert(be16(seg, 16) == 0, "the caller's segment untouched");
  // Offload: the pseudo-header sum in the field, start and offset for the NIC.
  t = stack();
  t.dev.txChecksumOffload = true;
  t.dev.inject(hex("ffffffffffff5ec31787a011080600010800060400015ec31787a0110a6300010000000000000a63003a"));
  t.dev.take();
  assert(t.net.ipv4.send(LINUX_IP, 6, seg.dataStart, seg.length, 16), "sent");
  s = t.dev.take();
  assert(s.length == 1 && s[0].csumStart == 34 && s[0].csumOffset == 16, "offload requested");
  assert(be16(s[0].bytes, 34 + 16) == pseudoHeaderSum(GUEST_IP, LINUX_IP, 6, seg.length), "pseudo-header sum");
  // Routing: off-link without a gateway, unconfigured, too big, NIC full.
  const c = t.net.counters;
  t.net.configure(GUEST_IP, 24, 0, []);
  assert(!t.net.ipv4.send(ipv4(192, 0, 2, 1), 6, seg.dataStart, seg.length, 16), "no route");
  assert(c.get(NetCounter.IpNoRoute) == 1, "counted");
  assert(!t.net.ipv4.send(LINUX_IP, 6, seg.dataStart, t.net.ipv4.maxSegment() + 1, 16), "too big");
  assert(c.get(NetCounter.IpTooBig) == 1, "counted");
  t.dev.take();
  t.dev.full = true;
  assert(!t.net.ipv4.send(LINUX_IP, 6, seg.dataStart, seg.length, 16), "NIC full");
  assert(c.get(NetCounter.TxQueueFull) == 1, "counted");
  assert(t.net.iface.pool.used == 0, "buffer returned");
  t.dev.full = false;
  t.net.iface.deconfigure();
  assert(!t.net.ipv4.send(LINUX_IP, 6, seg.dataStart, seg.length, 16), "unconfigured");
  assert(c.get(NetCounter.IpNoRoute) == 2, "counted");
  assert(t.net.ipv4.send(0xffffffff, 17, seg.dataStart, seg.length, 6), "broadcast works unconfigured (DHCP)");
  s = t.dev.take();
  assert(s.length == 1 && s[0].bytes[0] == 0xff && be32(s[0].bytes, 26) == 0, "from 0.0.0.0 to ff:ff:ff:ff:ff:ff");
}

function unconfigured(): void {
  // Before DHCP finishes, only UDP is taken (a unicast offer); a server's ping
  // of the address it is about to offer must go unanswered.
  const t = new TestNet();
  t.dev.inject(hex(PING));
  assert(t.dev.take().length == 0, "no echo reply without an address");
  assert(t.net.counters.get(NetCounter.IpNotForUs) == 1, "counted");
}

export function main(args: string[]): void {
  unconfigured();
  ping();
  fragmentsDropped();
  malformedCounted();
  sendPath();
}
