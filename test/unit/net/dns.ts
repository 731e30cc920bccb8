// The stub resolver against dnsmasq's answers (captured with --local-ttl=300
// and --address=/example.test/10.99.0.7 --cname=www.example.test,example.test):
// query, answer, cache for the TTL, NXDOMAIN, a CNAME without its A record,
// retries after 1 s, timeout after 3 tries, answers that do not match.
// The test copies the query's id and source port into each captured answer.
import "crust";
import { NS_PER_S, NS_PER_MS } from "crust";
import { NetCounter, formatCounters } from "crust/net/counters";
import { DnsHandler, DnsError, parseDottedQuad } from "crust/net/dns";
import { ipv4 } from "crust/net/wire/ipv4";
import { DnsPacket, DnsRepr, DNS_TYPE_A } from "crust/net/wire/dns";
import { WireError } from "crust/net/wire/error";
import { toHex, TestNet, SentFrame, hex, be16, be32, put16, fixUdpChecksum, transportChecksumOk } from "./fakenet";

const SERVER = ipv4(10, 99, 0, 1);
const GUEST_IP = ipv4(10, 99, 0, 58);
const ARP_FOR_US = "ffffffffffff5e5de2aa2bad080600010800060400015e5de2aa2bad0a6300010000000000000a63003a";
// example.test A 10.99.0.7, TTL 300.
const ANSWER = "5254001234565e5de2aa2bad08004500004abac9400040116ad90a6300010a63003a00359c400036066bbeef85800001000100000000076578616d706c6504746573740000010001c00c000100010000012c00040a630007";
// www.example.test CNAME example.test, and no A record.
const CNAME = "5254001234565e5de2aa2bad080045000058baca400040116aca0a6300010a63003a00359c4000445e36bef18580000100010000000003777777076578616d706c6504746573740000010001c00c000500010000012c000e076578616d706c65047465737400";
// nothere.test: NXDOMAIN (dnsmasq --local=/test/), and REFUSED (no upstream).
const NXDOMAIN = "5254001234567ac63303244b08004500003a04624000401121510a6300010a63003a00359c400026de1fbef081830001000000000000076e6f746865726504746573740000010001";
const REFUSED = "5254001234565e5de2aa2bad08004500003a65a640004011c00c0a6300010a63003a00359c400026de1dbef081850001000000000000076e6f746865726504746573740000010001";

class Result extends DnsHandler {
  calls: i32 = 0;
  address: u32 = 0;
  error: DnsError = 0;
  onResolved(name: string, address: u32): void { this.calls++; this.address = address; }
  onError(name: string, error: DnsError): void { this.calls++; this.error = error; }
}

class Query {
  constructor(public id: u16, public port: u16, public name: string) {}
}

function stack(): TestNet {
  const t = new TestNet();
  t.net.configure(GUEST_IP, 24, SERVER, [SERVER]);
  t.dev.inject(hex(ARP_FOR_US));
  t.dev.take();
  return t;
}

function queryOf(f: SentFrame): Query {
  const b = f.bytes;
  assert(b[23] == 17 && be32(b, 30) == SERVER && be16(b, 36) == 53, "UDP to the server port 53: " + toHex(b));
  assert(transportChecksumOk(b), "checksum");
  const m = new DnsRepr();
  assert(m.parse(new DnsPacket(b.dataStart + 42, <i32>be16(b, 38) - 8)) == WireError.Ok, "parses");
  assert(!m.isResponse() && m.qtype == DNS_TYPE_A, "an A query");
  return new Query(m.id, <u16>be16(b, 34), m.name);
}

function answer(h: string, q: Query): Uint8Array {
  const f = hex(h);
  put16(f, 36, q.port);
  put16(f, 42, q.id);
  fixUdpChecksum(f);
  return f;
}

function only(t: TestNet): SentFrame {
  const s = t.dev.take();
  assert(s.length == 1, "expected one frame, got " + s.length.toString());
  return s[0];
}

function resolvesAndCaches(): void {
  const t = stack();
  const c = t.net.counters;
  const r = new Result();
  t.net.dns.resolve("example.test", r);
  const q = queryOf(only(t));
  assert(q.name == "example.test" && q.port >= 49152, "query from an ephemeral port");
  // An answer with another id, or from another port, is not believed.
  const wrongId = answer(ANSWER, q);
  put16(wrongId, 42, q.id ^ 1);
  fixUdpChecksum(wrongId);
  t.dev.inject(wrongId);
  assert(r.calls == 0 && c.get(NetCounter.DnsMismatch) == 1, "wrong id ignored");
  t.dev.inject(answer(ANSWER, q));
  assert(r.calls == 1 && r.address == ipv4(10, 99, 0, 7), "resolved");
  // Cached: no query, and the answer comes from the event loop, not from resolve().
  const r2 = new Result();
  t.net.dns.resolve("EXAMPLE.test", r2);
  assert(r2.calls == 0, "not called inside resolve()");
  assert(t.dev.take().length == 0, "no query for a cached name");
  t.clock.advance(0);
  assert(r2.calls == 1 && r2.address == ipv4(10, 99, 0, 7), "from the cache");
  assert(c.get(NetCounter.DnsCacheHits) == 1, "hit counted");
  // After the TTL, asked again.
  t.clock.advance(301 * NS_PER_S);
  t.dev.inject(hex(ARP_FOR_US)); // the ARP entry expired too
  t.dev.take();
  const r3 = new Result();
  t.net.dns.resolve("example.test", r3);
  const q3 = queryOf(only(t));
  assert(q3.id != q.id || q3.port != q.port, "a fresh id and port");
  t.dev.inject(answer(ANSWER, q3));
  assert(r3.address == ipv4(10, 99, 0, 7), "resolved again");
  // A literal needs no server.
  const lit = new Result();
  t.net.dns.resolve("192.0.2.9", lit);
  t.clock.advance(0);
  assert(lit.address == ipv4(192, 0, 2, 9) && t.dev.take().length == 0, "address literal");
  // Reconfiguring empties the cache.
  t.net.configure(GUEST_IP, 24, SERVER, [SERVER]);
  assert(t.net.dns.cacheSize == 0, "cache flushed");
}

function errors(): void {
  const t = stack();
  const nx = new Result();
  t.net.dns.resolve("nothere.test", nx);
  t.dev.inject(answer(NXDOMAIN, queryOf(only(t))));
  assert(nx.calls == 1 && nx.error == DnsError.NotFound, "NXDOMAIN");
  const refused = new Result();
  t.net.dns.resolve("nothere.test", refused);
  t.dev.inject(answer(REFUSED, queryOf(only(t))));
  assert(refused.calls == 1 && refused.error == DnsError.ServerFailure, "REFUSED");
  assert(t.net.counters.get(NetCounter.DnsErrors) == 2, "errors counted");
  const cn = new Result();
  t.net.dns.resolve("www.example.test", cn);
  t.dev.inject(answer(CNAME, queryOf(only(t))));
  assert(cn.calls == 1 && cn.error == DnsError.NoAddress, "CNAME without A");
  // A CNAME followed by its A record: the chain is followed (same capture,
  // the A record appended by hand, as a recursive server would send it).
  const chain = new Result();
  t.net.dns.resolve("www.example.test", chain);
  const q = queryOf(only(t));
  const base = hex(CNAME);
  const extra = hex("c02e000100010000003c00040a630007"); // example.test (at offset 46) A 10.99.0.7, TTL 60
  const f = new Uint8Array(base.length + extra.length);
  f.set(base);
  f.set(extra, base.length);
  put16(f, 16, <u32>(f.length - 14)); // IP total length
  put16(f, 24, 0);
  put16(f, 24, checksumOf(f));
  put16(f, 38, <u32>(f.length - 34)); // UDP length
  put16(f, 42 + 6, 2); // ANCOUNT
  put16(f, 36, q.port);
  put16(f, 42, q.id);
  fixUdpChecksum(f);
  t.dev.inject(f);
  assert(chain.calls == 1 && chain.address == ipv4(10, 99, 0, 7), "CNAME chain followed");
  const bad = new Result();
  t.net.dns.resolve("", bad);
  t.clock.advance(0);
  assert(bad.error == DnsError.BadName, "empty name");
  const none = new TestNet();
  none.net.configure(GUEST_IP, 24, 0, []);
  const ns = new Result();
  none.net.dns.resolve("example.test", ns);
  none.clock.advance(0);
  assert(ns.error == DnsError.NoServer, "no server");
}

import { checksum } from "crust/net/wire/checksum";
function checksumOf(f: Uint8Array): u32 { return checksum(f.dataStart + 14, 20); }

function retriesAndTimesOut(): void {
  const t = stack();
  const c = t.net.counters;
  const r = new Result();
  t.net.dns.resolve("example.test", r);
  const q1 = queryOf(only(t));
  t.clock.advance(999 * NS_PER_MS);
  assert(t.dev.take().length == 0, "no retry before 1 s");
  t.clock.advance(NS_PER_MS);
  const q2 = queryOf(only(t));
  assert(q2.id == q1.id && q2.port == q1.port, "the same query again");
  // Answered on the second try.
  t.dev.inject(answer(ANSWER, q2));
  assert(r.calls == 1 && r.address == ipv4(10, 99, 0, 7), "answered after a retry");
  assert(c.get(NetCounter.DnsRetries) == 1, "retry counted");
  // Never answered: 3 tries, then Timeout.
  const lost = new Result();
  t.net.dns.resolve("nothere.test", lost);
  only(t);
  t.clock.advance(NS_PER_S);
  only(t);
  t.clock.advance(NS_PER_S);
  only(t);
  t.clock.advance(NS_PER_S);
  assert(t.dev.take().length == 0, "no fourth try");
  assert(lost.calls == 1 && lost.error == DnsError.Timeout, "timed out");
  assert(c.get(NetCounter.DnsTimeouts) == 1, "counted");
  assert(t.clock.heap.size == 0, "no timer left");
  // A late answer finds no socket: ICMP port unreachable, no second call.
  t.dev.inject(answer(ANSWER, q1));
  assert(lost.calls == 1, "late answer ignored");
}

export function main(args: string[]): void {
  assert(parseDottedQuad("10.0.2.15") == 0x0a00020f && parseDottedQuad("10.0.2") == -1 &&
    parseDottedQuad("10.0.2.256") == -1 && parseDottedQuad("a.b.c.d") == -1 && parseDottedQuad("1..2.3") == -1,
    "dotted quads");
  resolvesAndCaches();
  errors();
  retriesAndTimesOut();
}
