// A stub resolver for A records (RFC 1035 §7, RFC 1123 §6.1.3.1): asks the
// interface's DNS servers over UDP and hands the answer to a handler object.
//  - Each lookup uses its own random source port and random query id (RFC
//    5452 §9.2), and takes only an answer from the server it asked whose id
//    and question match; anything else is counted (DnsMismatch) and ignored.
//  - A query is repeated after DNS_TIMEOUT_NS (1 s), DNS_TRIES (3) times in
//    all, rotating through the configured servers; then the lookup fails
//    with DnsError.Timeout.
//  - CNAME chains inside one answer are followed to the A record.
//  - Answers are cached for their TTL (the smallest TTL of the records used,
//    at most DNS_CACHE_MAX_TTL_S); the cache holds DNS_CACHE_SIZE names and
//    is emptied when the interface's configuration changes. Errors are not cached.
//  - At most DNS_MAX_LOOKUPS lookups are on the wire at once; more fail at
//    once with DnsError.Busy.
// The handler is always called later from the event loop, never from inside
// resolve(), even for a cache hit or an address literal.
import * as log from "../core/log";
import { NS_PER_MS, NS_PER_S } from "../core/clock";
import { Timer } from "../core/timer";
import { randomU32 } from "../core/entropy";
import { WireError } from "./wire/error";
import { formatIpv4 } from "./wire/ipv4";
import {
  DnsPacket, DnsRepr, DNS_MAX_UDP_LEN, DNS_MAX_NAME_LEN, DNS_PORT, DNS_RCODE_NOERROR, DNS_RCODE_NXDOMAIN,
  DNS_TYPE_A, DNS_TYPE_CNAME, DNS_CLASS_IN, dnsNamesEqual,
} from "./wire/dns";
import { ConfigObserver, NetInterface } from "./interface";
import { Udp, UdpHandler, UdpSocket } from "./udp";
import { NetCounter } from "./counters";

export const DNS_TIMEOUT_NS: i64 = 1000 * NS_PER_MS;
export const DNS_TRIES: i32 = 3;
export const DNS_CACHE_SIZE: i32 = 32;
export const DNS_CACHE_MAX_TTL_S: u32 = 3600;
export const DNS_MAX_LOOKUPS: i32 = 16;
/** CNAMEs followed within one answer. */
const MAX_CNAME_HOPS: i32 = 8;

export enum DnsError {
  /** No answer after every try. */
  Timeout = 1,
  /** The name does not exist (NXDOMAIN). */
  NotFound,
  /** The name exists but has no A record. */
  NoAddress,
  /** The server answered with an error (SERVFAIL, REFUSED...). */
  ServerFailure,
  /** No DNS server is configured. */
  NoServer,
  /** Not a valid host name. */
  BadName,
  /** Too many lookups in flight. */
  Busy,
}

const ERROR_NAMES: string[] = ["", "timeout", "not found", "no address", "server failure", "no server",
  "bad name", "busy"];
export function dnsErrorName(e: DnsError): string { return ERROR_NAMES[<i32>e]; }

/** Receives the result of one lookup. */
export abstract class DnsHandler {
  abstract onResolved(name: string, address: u32): void;
  abstract onError(name: string, error: DnsError): void;
}

class CacheEntry {
  constructor(public name: string, public address: u32, public expires: i64) {}
}

/** One lookup: its socket, its retransmission timer, and its result. */
class Lookup extends Timer {
  socket: UdpSocket | null = null;
  id: u16 = 0;
  server: u32 = 0;
  tries: i32 = 0;
  done: bool = false;
  address: u32 = 0;
  error: i32 = 0;

  constructor(readonly resolver: DnsResolver, readonly name: string, readonly handler: DnsHandler) { super(); }

  fire(now: i64): void { this.resolver.onTimer(this); }
}

class LookupReceiver extends UdpHandler {
  constructor(private lookup: Lookup) { super(); }
  onDatagram(srcIp: u32, srcPort: u16, data: usize, len: i32): void {
    this.lookup.resolver.receive(this.lookup, srcIp, srcPort, data, len);
  }
}

class CacheFlusher extends ConfigObserver {
  constructor(private resolver: DnsResolver) { super(); }
  configured(iface: NetInterface): void { this.resolver.flush(); }
}

export class DnsResolver {
  private cache: CacheEntry[] = [];
  private inFlight: i32 = 0;
  private packet: DnsPacket = new DnsPacket();
  private repr: DnsRepr = new DnsRepr();
  private buffer: StaticArray<u8> = new StaticArray<u8>(DNS_MAX_UDP_LEN);

  constructor(readonly iface: NetInterface, readonly udp: Udp) {
    iface.observe(new CacheFlusher(this));
  }

  /** Look up the IPv4 address of name; the handler hears the result. */
  resolve(name: string, handler: DnsHandler): void {
    const q = new Lookup(this, name, handler);
    const clock = this.iface.clock;
    const now = clock.now();
    const literal = parseDottedQuad(name);
    if (literal >= 0) return this.finish(q, <u32>literal, 0, true);
    if (name.length == 0 || name.length > DNS_MAX_NAME_LEN - 2) return this.finish(q, 0, DnsError.BadName, true);
    const hit = this.cached(name, now);
    if (hit !== null) {
      this.iface.counters.inc(NetCounter.DnsCacheHits);
      return this.finish(q, hit.address, 0, true);
    }
    if (this.iface.dnsServers.length == 0) return this.finish(q, 0, DnsError.NoServer, true);
    if (this.inFlight >= DNS_MAX_LOOKUPS) return this.finish(q, 0, DnsError.Busy, true);
    q.socket = this.udp.bind(0, new LookupReceiver(q));
    if (q.socket === null) return this.finish(q, 0, DnsError.Busy, true);
    this.inFlight++;
    q.id = <u16>randomU32();
    this.iface.counters.inc(NetCounter.DnsQueries);
    this.send(q);
  }

  /** Forget every cached answer. */
  flush(): void { this.cache.length = 0; }

  /** Names in the cache (some may have expired), for tests and diagnostics. */
  get cacheSize(): i32 { return this.cache.length; }

  // ---- the lookup's events ----

  onTimer(q: Lookup): void {
    if (q.done) { this.deliver(q); return; }
    if (q.tries >= DNS_TRIES) {
      this.iface.counters.inc(NetCounter.DnsTimeouts);
      log.debug("dns", q.name + ": no answer");
      this.finish(q, 0, DnsError.Timeout, false);
      return;
    }
    this.iface.counters.inc(NetCounter.DnsRetries);
    this.send(q);
  }

  receive(q: Lookup, srcIp: u32, srcPort: u16, data: usize, len: i32): void {
    const c = this.iface.counters;
    if (q.done) return;
    this.packet.wrap(data, len);
    const m = this.repr;
    if (m.parse(this.packet) != WireError.Ok) { c.inc(NetCounter.DnsMalformed); return; }
    if (srcIp != q.server || srcPort != DNS_PORT || !m.isResponse() || m.id != q.id ||
        m.qtype != DNS_TYPE_A || m.qclass != DNS_CLASS_IN || !dnsNamesEqual(m.name, q.name)) {
      c.inc(NetCounter.DnsMismatch);
      return;
    }
    const rcode = m.rcode();
    if (rcode != DNS_RCODE_NOERROR) {
      c.inc(NetCounter.DnsErrors);
      this.finish(q, 0, rcode == DNS_RCODE_NXDOMAIN ? DnsError.NotFound : DnsError.ServerFailure, false);
      return;
    }
    // Follow the chain of CNAMEs from the question to an A record.
    let target = q.name;
    let ttl: u32 = DNS_CACHE_MAX_TTL_S;
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      let next: string | null = null;
      for (let i = 0; i < m.answers.length; i++) {
        const r = m.answers[i];
        if (!dnsNamesEqual(r.name, target)) continue;
        if (r.ttl < ttl) ttl = r.ttl;
        if (r.type == DNS_TYPE_A) {
          this.store(q.name, r.address, ttl);
          this.finish(q, r.address, 0, false);
          return;
        }
        if (r.type == DNS_TYPE_CNAME && next === null) next = r.target;
      }
      if (next === null) break;
      target = next;
    }
    this.finish(q, 0, DnsError.NoAddress, false);
  }

  // ---- internals ----

  private send(q: Lookup): void {
    const servers = this.iface.dnsServers;
    if (servers.length == 0) { this.finish(q, 0, DnsError.NoServer, false); return; }
    q.server = servers[q.tries % servers.length];
    q.tries++;
    const m = this.repr;
    m.setQuery(q.id, q.name, DNS_TYPE_A);
    const len = m.bufferLen();
    const clock = this.iface.clock;
    clock.schedule(q, clock.now() + DNS_TIMEOUT_NS);
    if (len < 0 || len > this.buffer.length) { this.finish(q, 0, DnsError.BadName, false); return; }
    this.packet.wrap(changetype<usize>(this.buffer), len);
    if (m.emit(this.packet) != WireError.Ok) { this.finish(q, 0, DnsError.BadName, false); return; }
    const socket = q.socket;
    if (socket !== null) socket.sendTo(q.server, DNS_PORT, changetype<usize>(this.buffer), len);
  }

  /** Record the result and deliver it, from the event loop if `later`. */
  private finish(q: Lookup, address: u32, error: i32, later: bool): void {
    q.done = true;
    q.address = address;
    q.error = error;
    const socket = q.socket;
    if (socket !== null) {
      socket.close();
      q.socket = null;
      this.inFlight--;
    }
    const clock = this.iface.clock;
    if (later) clock.schedule(q, clock.now());
    else { clock.cancel(q); this.deliver(q); }
  }

  private deliver(q: Lookup): void {
    if (q.error == 0) q.handler.onResolved(q.name, q.address);
    else q.handler.onError(q.name, <DnsError>q.error);
  }

  private cached(name: string, now: i64): CacheEntry | null {
    const cache = this.cache;
    for (let i = 0; i < cache.length; i++) {
      const e = cache[i];
      if (!dnsNamesEqual(e.name, name)) continue;
      if (e.expires > now) return e;
      cache[i] = cache[cache.length - 1];
      cache.pop();
      return null;
    }
    return null;
  }

  private store(name: string, address: u32, ttl: u32): void {
    if (ttl == 0) return; // RFC 1035 §3.2.1: use only for this transaction
    const now = this.iface.clock.now();
    const expires = now + <i64>min(ttl, DNS_CACHE_MAX_TTL_S) * NS_PER_S;
    const cache = this.cache;
    for (let i = 0; i < cache.length; i++) {
      if (dnsNamesEqual(cache[i].name, name)) { cache[i].address = address; cache[i].expires = expires; return; }
    }
    if (cache.length >= DNS_CACHE_SIZE) {
      let soonest = 0; // the entry that expires first makes room
      for (let i = 1; i < cache.length; i++) if (cache[i].expires < cache[soonest].expires) soonest = i;
      cache[soonest] = cache[cache.length - 1];
      cache.pop();
    }
    cache.push(new CacheEntry(name, address, expires));
    log.debug("dns", name + " is " + formatIpv4(address) + " for " + ttl.toString() + " s");
  }
}

/** a.b.c.d as an address, or -1 if name is not one. */
export function parseDottedQuad(s: string): i64 {
  let addr: u32 = 0;
  let part: i32 = -1;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c == 0x2e) {
      if (part < 0 || parts == 4) return -1;
      addr = (addr << 8) | <u32>part;
      parts++;
      part = -1;
    } else if (c >= 0x30 && c <= 0x39) {
      part = (part < 0 ? 0 : part * 10) + (c - 0x30);
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  return parts == 4 ? <i64>addr : -1;
}
