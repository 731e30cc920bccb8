// ARP for IPv4 over Ethernet (RFC 826): a bounded neighbour cache, resolution
// with retries, and answers to requests for our address.
//  - An entry is learned from replies and from requests addressed to us; it
//    is trusted for ARP_ENTRY_LIFETIME_NS (60 s), then resolved again.
//  - The table holds at most ARP_TABLE_SIZE entries; when it is full the
//    stalest entry is evicted (counted as ArpTableFull).
//  - While an address resolves, up to ARP_QUEUE_PER_ENTRY packets wait for it
//    (built frames from the interface's pool), and at most ARP_QUEUE_TOTAL in
//    all; more are dropped and counted (ArpQueueFull).
//    A request is repeated every ARP_RETRY_NS, ARP_TRIES times in all; then
//    the waiting packets are dropped (ArpUnresolved) and the entry forgotten.
//  - When the interface gets an address, it is announced with a gratuitous
//    ARP request (RFC 5227 §2.3 announcement) so that neighbours update.
// Nothing here allocates per packet; the timer runs only while an entry resolves.
import * as log from "../core/log";
import { NS_PER_MS, NS_PER_S } from "../core/clock";
import { Timer } from "../core/timer";
import { ArpPacket, ArpRepr, ARP_PACKET_LEN, ARP_REPLY, ARP_REQUEST } from "./wire/arp";
import { ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, MAC_BROADCAST, formatMac, isGroupMac } from "./wire/ethernet";
import { WireError } from "./wire/error";
import { formatIpv4 } from "./wire/ipv4";
import { ConfigObserver, EtherProtocol, NetInterface, TX_POOL_SIZE } from "./interface";
import { NetCounter } from "./counters";
import { FrameBuffer } from "./pool";

export const ARP_TABLE_SIZE: i32 = 64;
export const ARP_ENTRY_LIFETIME_NS: i64 = 60 * NS_PER_S;
export const ARP_RETRY_NS: i64 = 1000 * NS_PER_MS;
export const ARP_TRIES: i32 = 3;
export const ARP_QUEUE_PER_ENTRY: i32 = 4;
/** Waiting packets in all: half the interface's frame pool, so that packets
 *  waiting for unresponsive neighbours never starve the transmit path. */
export const ARP_QUEUE_TOTAL: i32 = TX_POOL_SIZE / 2;

class ArpEntry {
  ip: u32 = 0;
  mac: u64 = 0;
  resolved: bool = false;
  /** Resolved: when the entry stops being trusted. Pending: next retry. */
  deadline: i64 = 0;
  tries: i32 = 0;
  // Packets waiting for the address, oldest first.
  head: FrameBuffer | null = null;
  tail: FrameBuffer | null = null;
  queued: i32 = 0;
}

class ArpTimer extends Timer {
  constructor(private arp: Arp) { super(); }
  fire(now: i64): void { this.arp.onTimer(now); }
}

class ArpAnnouncer extends ConfigObserver {
  constructor(private arp: Arp) { super(); }
  configured(iface: NetInterface): void { if (iface.address != 0) this.arp.announce(); }
}

export class Arp extends EtherProtocol {
  private entries: ArpEntry[] = [];
  private packet: ArpPacket = new ArpPacket();
  private repr: ArpRepr = new ArpRepr();
  private timer!: ArpTimer;
  private queuedTotal: i32 = 0;

  constructor(readonly iface: NetInterface) {
    super();
    this.timer = new ArpTimer(this);
    iface.register(ETHERTYPE_ARP, this);
    iface.observe(new ArpAnnouncer(this));
  }

  /** The cached hardware address for ip, or -1 if none is trusted now. */
  lookup(ip: u32): i64 {
    const e = this.find(ip);
    if (e === null || !e.resolved || e.deadline <= this.iface.clock.now()) return -1;
    return <i64>e.mac;
  }

  /** Send the IPv4 frame b (payload built, Ethernet header not) to the
   *  neighbour ip: at once if its address is known, else when it resolves.
   *  Takes b in every case. False if the packet was dropped (counted). */
  send(ip: u32, b: FrameBuffer): bool {
    const now = this.iface.clock.now();
    let e = this.find(ip);
    if (e !== null && e.resolved && e.deadline > now) {
      return this.iface.transmit(b, e.mac, ETHERTYPE_IPV4);
    }
    if (e === null || e.resolved) {
      if (e === null) e = this.newEntry(ip);
      e.resolved = false;
      e.tries = 0;
      this.request(e, now);
    }
    if (e.queued >= ARP_QUEUE_PER_ENTRY || this.queuedTotal >= ARP_QUEUE_TOTAL) {
      this.iface.counters.inc(NetCounter.ArpQueueFull);
      this.iface.freeFrame(b);
      return false;
    }
    b.next = null;
    const tail = e.tail;
    if (tail !== null) tail.next = b; else e.head = b;
    e.tail = b;
    e.queued++;
    this.queuedTotal++;
    return true;
  }

  /** Announce our address (gratuitous ARP request: sender and target are us). */
  announce(): void {
    const ip = this.iface.address;
    this.emit(ARP_REQUEST, MAC_BROADCAST, ip, 0, ip);
    log.debug("arp", "announced " + formatIpv4(ip));
  }

  /** Entries in the cache (resolved or not), for tests and diagnostics. */
  get size(): i32 { return this.entries.length; }

  // ---- receive ----

  input(payload: usize, len: i32): void {
    const c = this.iface.counters;
    c.inc(NetCounter.ArpIn);
    this.packet.wrap(payload, len);
    const a = this.repr;
    if (a.parse(this.packet) != WireError.Ok) { c.inc(NetCounter.ArpMalformed); return; }
    const us = this.iface.address;
    if (a.senderIp == us && us != 0) {
      if (a.senderMac != this.iface.mac) {
        c.inc(NetCounter.ArpConflict);
        log.warn("arp", formatMac(a.senderMac) + " claims our address " + formatIpv4(us));
      }
      return;
    }
    // RFC 826 "Packet Reception": update an entry we have for the sender;
    // add one if the packet is for us. A probe (sender 0.0.0.0) teaches nothing.
    const forUs = us != 0 && a.targetIp == us;
    if (a.senderIp != 0 && !isGroupMac(a.senderMac)) {
      let e = this.find(a.senderIp);
      if (e === null && forUs) e = this.newEntry(a.senderIp);
      if (e !== null) this.learn(e, a.senderMac);
    }
    if (!forUs) {
      if (a.operation == ARP_REQUEST && a.senderIp != a.targetIp) c.inc(NetCounter.ArpNotForUs);
      return;
    }
    if (a.operation == ARP_REQUEST) {
      this.emit(ARP_REPLY, a.senderMac, us, a.senderMac, a.senderIp);
      c.inc(NetCounter.ArpRepliesOut);
    }
  }

  // ---- timer ----

  onTimer(now: i64): void {
    const c = this.iface.counters;
    let next = i64.MAX_VALUE;
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e.resolved) continue;
      if (e.deadline <= now) {
        if (e.tries >= ARP_TRIES) {
          c.add(NetCounter.ArpUnresolved, <u64>e.queued);
          log.debug("arp", "no answer from " + formatIpv4(e.ip));
          this.dropQueue(e);
          this.remove(i--);
          continue;
        }
        this.request(e, now);
      }
      if (e.deadline < next) next = e.deadline;
    }
    if (next != i64.MAX_VALUE) this.iface.clock.schedule(this.timer, next);
  }

  // ---- internals ----

  private learn(e: ArpEntry, mac: u64): void {
    e.mac = mac;
    e.resolved = true;
    e.deadline = this.iface.clock.now() + ARP_ENTRY_LIFETIME_NS;
    // Flush the waiting packets, oldest first.
    let b = e.head;
    this.queuedTotal -= e.queued;
    e.head = null;
    e.tail = null;
    e.queued = 0;
    while (b !== null) {
      const next = b.next;
      b.next = null;
      this.iface.transmit(b, mac, ETHERTYPE_IPV4);
      b = next;
    }
  }

  private request(e: ArpEntry, now: i64): void {
    e.tries++;
    e.deadline = now + ARP_RETRY_NS;
    this.emit(ARP_REQUEST, MAC_BROADCAST, this.iface.address, 0, e.ip);
    this.iface.counters.inc(NetCounter.ArpRequestsOut);
    const t = this.timer;
    if (!t.armed || t.deadline > e.deadline) this.iface.clock.schedule(t, e.deadline);
  }

  private emit(op: u16, dstMac: u64, senderIp: u32, targetMac: u64, targetIp: u32): void {
    const b = this.iface.allocFrame();
    if (b === null) return;
    const a = this.repr;
    a.operation = op;
    a.senderMac = this.iface.mac;
    a.senderIp = senderIp;
    a.targetMac = targetMac;
    a.targetIp = targetIp;
    this.packet.wrap(b.ptr + <usize>ETHERNET_HEADER_LEN, ARP_PACKET_LEN);
    a.emit(this.packet);
    b.len = ETHERNET_HEADER_LEN + ARP_PACKET_LEN;
    this.iface.transmit(b, dstMac, ETHERTYPE_ARP);
  }

  private find(ip: u32): ArpEntry | null {
    const es = this.entries;
    for (let i = 0; i < es.length; i++) if (es[i].ip == ip) return es[i];
    return null;
  }

  /** A fresh (unresolved, empty) entry for ip, evicting one if the table is full. */
  private newEntry(ip: u32): ArpEntry {
    if (this.entries.length >= ARP_TABLE_SIZE) this.evict();
    const e = new ArpEntry();
    e.ip = ip;
    this.entries.push(e);
    return e;
  }

  /** Drop the resolved entry that expires first, or else the oldest pending one. */
  private evict(): void {
    const es = this.entries;
    let victim = -1;
    for (let i = 0; i < es.length; i++) {
      if (es[i].resolved && (victim < 0 || es[i].deadline < es[victim].deadline)) victim = i;
    }
    if (victim < 0) victim = 0; // all pending: the first was added first
    this.iface.counters.inc(NetCounter.ArpTableFull);
    const e = es[victim];
    this.iface.counters.add(NetCounter.ArpUnresolved, <u64>e.queued);
    this.dropQueue(e);
    this.remove(victim);
  }

  private dropQueue(e: ArpEntry): void {
    this.queuedTotal -= e.queued;
    let b = e.head;
    while (b !== null) {
      const next = b.next;
      this.iface.freeFrame(b);
      b = next;
    }
    e.head = null;
    e.tail = null;
    e.queued = 0;
  }

  private remove(i: i32): void {
    const es = this.entries;
    es[i] = es[es.length - 1];
    es.pop();
  }
}
