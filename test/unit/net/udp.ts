// UDP: a datagram to a bound port reaches its handler (echo answers it), a
// bad checksum is dropped, a zero checksum accepted, a closed port answered
// with ICMP port unreachable, and sockets bind and release ports.
import "crust";
import { NetCounter } from "crust/net/counters";
import { ipv4 } from "crust/net/wire/ipv4";
import { UdpHandler, UdpSocket } from "crust/net/udp";
import { checksum } from "crust/net/wire/checksum";
import { TestNet, hex, expectBytes, be16, be32, put16, transportChecksumOk } from "./fakenet";

const GUEST_IP = ipv4(10, 99, 0, 58);
const LINUX_IP = ipv4(10, 99, 0, 1);
// echo hello | nc -u 10.99.0.58 7, from Linux at 5e:5d:e2:aa:2b:ad.
const HELLO = "5254001234565e5de2aa2bad0800450000224c9e40004011d92c0a6300010a63003aaafb0007000efbf268656c6c6f0a";
// Linux asks for 10.99.0.58 (its request for .61, retargeted): teaches us its MAC.
const ARP_FOR_US = "ffffffffffff5e5de2aa2bad080600010800060400015e5de2aa2bad0a6300010000000000000a63003a";

class Echo extends UdpHandler {
  socket: UdpSocket | null = null;
  received: i32 = 0;
  lastFrom: u32 = 0;
  lastPort: u16 = 0;
  lastData: string = "";
  onDatagram(srcIp: u32, srcPort: u16, data: usize, len: i32): void {
    this.received++;
    this.lastFrom = srcIp;
    this.lastPort = srcPort;
    this.lastData = String.UTF8.decodeUnsafe(data, len);
    this.socket!.sendTo(srcIp, srcPort, data, len);
  }
}

function stack(): TestNet {
  const t = new TestNet();
  t.net.configure(GUEST_IP, 24, 0, []);
  t.dev.inject(hex(ARP_FOR_US));
  t.dev.take();
  return t;
}

function delivered(): void {
  const t = stack();
  const echo = new Echo();
  echo.socket = t.net.udp.bind(7, echo);
  assert(echo.socket !== null, "bound");
  assert(t.net.udp.bind(7, new Echo()) === null, "port taken");
  t.dev.inject(hex(HELLO));
  assert(echo.received == 1 && echo.lastData == "hello\n", "delivered: '" + echo.lastData + "'");
  assert(echo.lastFrom == LINUX_IP && echo.lastPort == 0xaafb, "source");
  const s = t.dev.take();
  assert(s.length == 1, "echoed");
  const r = s[0].bytes;
  expectBytes(r.subarray(0, 12), hex("5e5de2aa2bad525400123456"), "MACs");
  assert(be32(r, 26) == GUEST_IP && be32(r, 30) == LINUX_IP && r[23] == 17, "IP");
  expectBytes(r.subarray(34, 40), hex("0007aafb000e"), "ports and length");
  assert(transportChecksumOk(r), "UDP checksum");
  expectBytes(r.subarray(42, 48), hex("68656c6c6f0a"), "data");
  assert(r.length == 60, "padded to the Ethernet minimum");
  // A bad checksum is dropped; a zero checksum means none and is accepted.
  const bad = hex(HELLO);
  bad[41] ^= 0x10;
  t.dev.inject(bad);
  assert(echo.received == 1 && t.net.counters.get(NetCounter.UdpBadChecksum) == 1, "bad checksum dropped");
  const none = hex(HELLO);
  put16(none, 40, 0);
  t.dev.inject(none);
  assert(echo.received == 2, "no checksum accepted");
  // ...unless the NIC validated checksums already.
  t.dev.rxChecksumValidated = true;
  t.dev.inject(bad);
  assert(echo.received == 3, "NIC-validated: not checked again");
  t.dev.rxChecksumValidated = false;
  // Malformed: length field beyond the packet, or below the header.
  const long = hex(HELLO);
  put16(long, 38, 15);
  t.dev.inject(long);
  const short = hex(HELLO);
  put16(short, 38, 7);
  t.dev.inject(short);
  assert(t.net.counters.get(NetCounter.UdpMalformed) == 2, "malformed counted");
  t.dev.take();
  echo.socket!.close();
  assert(!echo.socket!.sendTo(LINUX_IP, 9, 0, 0), "closed socket sends nothing");
}

function closedPort(): void {
  const t = stack();
  const f = hex(HELLO);
  t.dev.inject(f);
  const s = t.dev.take();
  assert(s.length == 1, "ICMP sent");
  const r = s[0].bytes;
  assert(r[23] == 1 && be32(r, 30) == LINUX_IP, "ICMP to the sender");
  assert(r[34] == 3 && r[35] == 3, "port unreachable");
  assert(checksum(r.dataStart + 34, r.length - 34) == 0, "ICMP checksum");
  expectBytes(r.subarray(42), f.subarray(14, 14 + 28), "quotes the IP header and 8 bytes");
  assert(t.net.counters.get(NetCounter.UdpNoPort) == 1, "counted");
  // Rate limited: a flood to closed ports gets a bounded number of answers.
  for (let i = 0; i < 100; i++) t.dev.inject(f);
  assert(t.dev.take().length < 20, "rate limited");
  assert(t.net.counters.get(NetCounter.IcmpRateLimited) > 80, "counted");
}

class Nothing extends UdpHandler { onDatagram(srcIp: u32, srcPort: u16, data: usize, len: i32): void {} }

function ephemeral(): void {
  const t = stack();
  const a = t.net.udp.bind(0, new Nothing())!;
  const b = t.net.udp.bind(0, new Nothing())!;
  assert(a.port >= 49152 && b.port >= 49152 && a.port != b.port, "two ephemeral ports");
  const big = new Uint8Array(t.net.udp.maxPayload() + 1);
  assert(!a.sendTo(LINUX_IP, 9, big.dataStart, big.length), "too big for one packet");
  assert(a.sendTo(LINUX_IP, 9, big.dataStart, big.length - 1), "the largest fits");
  const s = t.dev.take();
  assert(s.length == 1 && s[0].bytes.length == 1514, "a full frame");
  a.close();
  b.close();
}

export function main(args: string[]): void {
  delivered();
  closedPort();
  ephemeral();
}
