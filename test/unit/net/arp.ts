// ARP: answering requests for our address, announcing it, resolving
// neighbours with a bounded queue of waiting packets, retries, expiry and a
// bounded table. Frames are captures from Linux (at 5e:5d:e2:aa:2b:ad,
// 10.99.0.1) and from a raw socket standing in for the guest.
import "crust";
import { NetCounter, formatCounters } from "crust/net/counters";
import { ARP_QUEUE_PER_ENTRY, ARP_QUEUE_TOTAL, ARP_TABLE_SIZE, ARP_TRIES } from "crust/net/arp";
import { ipv4 } from "crust/net/wire/ipv4";
import { NS_PER_S } from "crust";
import { TestNet, hex, expectBytes, be16, be32 } from "./fakenet";

const LINUX_MAC: u64 = 0x5e5de2aa2bad;
const LINUX_IP = ipv4(10, 99, 0, 1);
const GUEST_IP = ipv4(10, 99, 0, 58);
// Linux asks who has 10.99.0.61 (ping 10.99.0.61 from the namespace).
const LINUX_REQUEST_FOR_61 = "ffffffffffff5e5de2aa2bad080600010800060400015e5de2aa2bad0a6300010000000000000a63003d";
// The guest (10.99.0.58) asks who has 10.99.0.1, and Linux's reply.
const GUEST_REQUEST_FOR_1 = "ffffffffffff525400123456080600010800060400015254001234560a63003a0000000000000a630001";
const LINUX_REPLY = "5254001234565e5de2aa2bad080600010800060400025e5de2aa2bad0a6300015254001234560a63003a";

/** An ARP frame as our stack sends it: the 42 bytes, zero-padded to 60. */
function padded(h: string): Uint8Array {
  const f = hex(h);
  const out = new Uint8Array(60);
  out.set(f);
  return out;
}

class Sink extends UdpHandlerStub {}
import { UdpHandler } from "crust/net/udp";
class UdpHandlerStub extends UdpHandler { onDatagram(srcIp: u32, srcPort: u16, data: usize, len: i32): void {} }

function answersRequestsAndAnnounces(): void {
  const t = new TestNet();
  const c = t.net.counters;
  t.net.configure(ipv4(10, 99, 0, 61), 24, 0, []);
  // The announcement: a request from us, for us, to everyone (RFC 5227 §2.3).
  let sent = t.dev.take();
  assert(sent.length == 1, "one gratuitous ARP");
  expectBytes(sent[0].bytes, padded("ffffffffffff525400123456080600010800060400015254001234560a63003d0000000000000a63003d"),
    "gratuitous ARP");
  t.dev.inject(hex(LINUX_REQUEST_FOR_61));
  sent = t.dev.take();
  assert(sent.length == 1, "one reply");
  expectBytes(sent[0].bytes, padded("5e5de2aa2bad525400123456080600010800060400025254001234560a63003d5e5de2aa2bad0a630001"),
    "reply to Linux");
  assert(t.net.arp.lookup(LINUX_IP) == <i64>LINUX_MAC, "the requester was learned (RFC 826)");
  assert(c.get(NetCounter.ArpRepliesOut) == 1, "reply counted");
  // A request for someone else teaches nothing new and is not answered.
  const other = new TestNet();
  other.net.configure(GUEST_IP, 24, 0, []);
  other.dev.take();
  other.dev.inject(hex(LINUX_REQUEST_FOR_61));
  assert(other.dev.take().length == 0, "no reply for another address");
  assert(other.net.arp.lookup(LINUX_IP) == -1, "nothing learned from a request for someone else");
  assert(other.net.counters.get(NetCounter.ArpNotForUs) == 1, "counted");
  // Someone else claiming our address is noticed.
  const conflict = hex(LINUX_REQUEST_FOR_61);
  conflict[31] = 58; // sender IP 10.99.0.58
  other.dev.inject(conflict);
  assert(other.net.counters.get(NetCounter.ArpConflict) == 1, "conflict counted");
}

function resolvesAndFlushesQueue(): void {
  const t = new TestNet();
  const c = t.net.counters;
  t.net.configure(GUEST_IP, 24, LINUX_IP, []);
  t.dev.take();
  const sock = t.net.udp.bind(5000, new Sink())!;
  const data = hex("00010203");
  for (let i = 0; i < ARP_QUEUE_PER_ENTRY + 1; i++) {
    data[0] = <u8>i;
    const ok = sock.sendTo(LINUX_IP, 7, data.dataStart, 4);
    assert(ok == (i < ARP_QUEUE_PER_ENTRY), "queued while resolving, then dropped: " + i.toString());
  }
  let sent = t.dev.take();
  assert(sent.length == 1, "one request while resolving, got " + sent.length.toString());
  expectBytes(sent[0].bytes, padded(GUEST_REQUEST_FOR_1), "request as the capture");
  assert(c.get(NetCounter.ArpQueueFull) == 1, "the fifth packet counted");
  t.dev.inject(hex(LINUX_REPLY));
  sent = t.dev.take();
  assert(sent.length == ARP_QUEUE_PER_ENTRY, "queue flushed");
  for (let i = 0; i < sent.length; i++) {
    const f = sent[i].bytes;
    assert(f[0] == 0x5e && f[5] == 0xad, "to Linux's MAC");
    assert(be16(f, 12) == 0x0800 && be32(f, 30) == LINUX_IP, "IPv4 to 10.99.0.1");
    assert(f[42] == <u8>i, "in order");
  }
  assert(t.net.iface.pool.used == 0, "every buffer back in the pool");
  // Resolved: the next packet goes at once.
  assert(sock.sendTo(LINUX_IP, 7, data.dataStart, 4), "sent");
  assert(t.dev.take().length == 1, "no new request");
  // After the lifetime the entry is resolved again.
  t.clock.advance(61 * NS_PER_S);
  assert(t.net.arp.lookup(LINUX_IP) == -1, "expired");
  sock.sendTo(LINUX_IP, 7, data.dataStart, 4);
  sent = t.dev.take();
  assert(sent.length == 1 && be16(sent[0].bytes, 12) == 0x0806, "a new request after expiry");
  // Off-link destinations go through the gateway's entry.
  t.dev.inject(hex(LINUX_REPLY));
  t.dev.take();
  assert(sock.sendTo(ipv4(192, 0, 2, 1), 7, data.dataStart, 4), "off-link sent");
  sent = t.dev.take();
  assert(sent.length == 1 && sent[0].bytes[0] == 0x5e && be32(sent[0].bytes, 30) == ipv4(192, 0, 2, 1),
    "to the gateway's MAC, the far address in IP");
  sock.close();
}

function retriesThenGivesUp(): void {
  const t = new TestNet();
  const c = t.net.counters;
  t.net.configure(GUEST_IP, 24, 0, []);
  t.dev.take();
  const sock = t.net.udp.bind(5000, new Sink())!;
  const data = hex("00");
  sock.sendTo(ipv4(10, 99, 0, 9), 7, data.dataStart, 1);
  sock.sendTo(ipv4(10, 99, 0, 9), 7, data.dataStart, 1);
  assert(t.dev.take().length == 1, "first request");
  for (let i = 1; i < ARP_TRIES; i++) {
    t.clock.advance(NS_PER_S);
    const s = t.dev.take();
    assert(s.length == 1 && be32(s[0].bytes, 38) == ipv4(10, 99, 0, 9), "retry " + i.toString());
  }
  t.clock.advance(NS_PER_S);
  assert(t.dev.take().length == 0, "no more tries");
  assert(c.get(NetCounter.ArpUnresolved) == 2, "both waiting packets dropped");
  assert(c.get(NetCounter.ArpRequestsOut) == <u64>ARP_TRIES, "requests counted");
  assert(t.net.arp.size == 0, "entry forgotten");
  assert(t.net.iface.pool.used == 0, "buffers back");
  assert(t.clock.heap.size == 0, "timer idle");
  sock.close();
}

function tableIsBounded(): void {
  const t = new TestNet();
  const c = t.net.counters;
  t.net.configure(ipv4(10, 99, 0, 61), 16, 0, []);
  // Requests from many senders each add an entry (RFC 826): the table stops at its bound.
  const req = hex(LINUX_REQUEST_FOR_61);
  for (let i = 0; i < ARP_TABLE_SIZE + 10; i++) {
    req[31] = <u8>(100 + i); // sender IP 10.99.0.(100+i)
    req[11] = <u8>i; // and MAC
    t.dev.inject(req);
  }
  assert(t.net.arp.size == ARP_TABLE_SIZE, "table at its bound");
  assert(c.get(NetCounter.ArpTableFull) == 10, "evictions counted");
  // Packets for many unresolved neighbours: the waiting ones stay bounded,
  // and the pool keeps room for ARP's own requests.
  t.dev.take();
  const sock = t.net.udp.bind(5000, new Sink())!;
  const data = hex("00");
  for (let i = 0; i < 40; i++) sock.sendTo(ipv4(10, 99, 1, <u8>(i + 1)), 7, data.dataStart, 1);
  assert(c.get(NetCounter.ArpQueueFull) == <u64>(40 - ARP_QUEUE_TOTAL), "beyond the total bound, dropped:\n" + formatCounters(c));
  assert(c.get(NetCounter.TxPoolEmpty) == 0, "the pool never ran dry");
  assert(c.get(NetCounter.ArpRequestsOut) == 40, "every neighbour asked for");
  assert(t.net.iface.pool.used == ARP_QUEUE_TOTAL, "waiting packets hold buffers");
  t.clock.advance(10 * NS_PER_S);
  assert(t.net.iface.pool.used == 0, "all given up, buffers back");
  sock.close();
}

function badArpIsCounted(): void {
  const t = new TestNet();
  t.net.configure(ipv4(10, 99, 0, 61), 24, 0, []);
  t.dev.take();
  const full = hex(LINUX_REQUEST_FOR_61);
  for (let n = 14; n < full.length; n++) t.dev.inject(full.subarray(0, n)); // truncated at every length
  const rarp = hex(LINUX_REQUEST_FOR_61);
  rarp[21] = 3; // RARP request (RFC 903)
  t.dev.inject(rarp);
  const hw = hex(LINUX_REQUEST_FOR_61);
  hw[15] = 6; // IEEE 802 hardware type
  t.dev.inject(hw);
  assert(t.net.counters.get(NetCounter.ArpMalformed) == <u64>(full.length - 14 + 2), "every bad packet counted");
  assert(t.dev.take().length == 0, "nothing answered");
}

export function main(args: string[]): void {
  answersRequestsAndAnnounces();
  resolvesAndFlushesQueue();
  retriesThenGivesUp();
  tableIsBounded();
  badArpIsCounted();
}
