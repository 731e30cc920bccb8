// DNS: dnsmasq's answers (one A, two A, a CNAME chain with pointers into
// record data, REFUSED) parse and re-emit byte for byte; queries are built
// byte for byte; compression loops, overlong names and bad labels are
// typed errors; random messages never trap.
import "crust";
import { WireError } from "crust/net/wire/error";
import {
  DnsPacket, DnsRepr, DnsRecord, DNS_HEADER_LEN, DNS_TYPE_A, DNS_TYPE_CNAME, DNS_CLASS_IN, DNS_RCODE_NOERROR,
  DNS_RCODE_REFUSED, DNS_FLAG_RECURSION_DESIRED, DNS_MAX_RECORDS, dnsNamesEqual,
} from "crust/net/wire/dns";
import { ipv4 } from "crust/net/wire/ipv4";
import {
  at, everyPrefixFails, hex, parseCorrupted, sameBytes, Random,
  DNS_QUERY_WEB, DNS_RESPONSE_WEB, DNS_QUERY_MULTI, DNS_RESPONSE_MULTI, DNS_QUERY_WWW, DNS_RESPONSE_CNAME,
  DNS_QUERY_NOTHERE, DNS_RESPONSE_REFUSED,
} from "./captures";

const DNS_AT = 14 + 20 + 8;

function dnsOf(frame: StaticArray<u8>): DnsPacket {
  return new DnsPacket(at(frame) + DNS_AT, frame.length - DNS_AT);
}

function parseDns(ptr: usize, len: i32): WireError {
  return new DnsRepr().parse(new DnsPacket(ptr, len));
}

/** Parse the message in frame, emit it, compare. */
function reemits(frame: StaticArray<u8>): bool {
  const repr = new DnsRepr();
  if (repr.parse(dnsOf(frame)) != WireError.Ok) return false;
  const out = new StaticArray<u8>(repr.bufferLen());
  if (repr.emit(new DnsPacket(at(out), out.length)) != WireError.Ok) return false;
  return out.length == frame.length - DNS_AT && sameBytes(at(out), at(frame) + DNS_AT, out.length);
}

/** Build the query the capture script sent, and compare. */
function queryIs(frame: StaticArray<u8>, id: u16, name: string): bool {
  const q = new DnsRepr();
  q.setQuery(id, name);
  const out = new StaticArray<u8>(q.bufferLen());
  return q.emit(new DnsPacket(at(out), out.length)) == WireError.Ok && out.length == frame.length - DNS_AT &&
    sameBytes(at(out), at(frame) + DNS_AT, out.length);
}

export function main(args: string[]): void {
  const web = new DnsRepr();
  assert(web.parse(dnsOf(DNS_RESPONSE_WEB)) == WireError.Ok, "web answer parses");
  assert(web.id == 0x1c2b && web.isResponse() && web.rcode() == DNS_RCODE_NOERROR && web.opcode() == 0, "header");
  assert((web.flags & DNS_FLAG_RECURSION_DESIRED) != 0 && !web.isTruncated(), "flags");
  assert(web.name == "web.crust.test" && web.qtype == DNS_TYPE_A && web.qclass == DNS_CLASS_IN, "question");
  assert(web.answers.length == 1 && web.answers[0].name == "web.crust.test" && web.answers[0].type == DNS_TYPE_A, "one A record");
  assert(web.answers[0].address == ipv4(10, 9, 0, 80) && web.answers[0].ttl == 0, "address and TTL");

  const multi = new DnsRepr();
  assert(multi.parse(dnsOf(DNS_RESPONSE_MULTI)) == WireError.Ok && multi.answers.length == 2, "two A records");
  assert(multi.answers[0].address == ipv4(10, 9, 0, 81) && multi.answers[1].address == ipv4(10, 9, 0, 82), "both addresses");

  // The CNAME chain: the A records' names are pointers into the CNAME's data.
  const cname = new DnsRepr();
  assert(cname.parse(dnsOf(DNS_RESPONSE_CNAME)) == WireError.Ok && cname.answers.length == 3, "CNAME answer parses");
  assert(cname.answers[0].type == DNS_TYPE_CNAME && cname.answers[0].name == "www.crust.test", "CNAME record");
  assert(cname.answers[0].target == "multi.crust.test", "CNAME target");
  assert(cname.answers[1].name == "multi.crust.test" && cname.answers[1].address == ipv4(10, 9, 0, 82), "A via pointer into rdata");
  assert(cname.answers[2].name == "multi.crust.test" && cname.answers[2].address == ipv4(10, 9, 0, 81), "second A");

  const refused = new DnsRepr();
  assert(refused.parse(dnsOf(DNS_RESPONSE_REFUSED)) == WireError.Ok && refused.rcode() == DNS_RCODE_REFUSED, "REFUSED");
  assert(refused.answers.length == 0 && refused.name == "nothere.crust.test", "REFUSED: no answers, the question");

  // Everything re-emits byte for byte; queries are built byte for byte.
  assert(reemits(DNS_RESPONSE_WEB) && reemits(DNS_RESPONSE_MULTI) && reemits(DNS_RESPONSE_CNAME) && reemits(DNS_RESPONSE_REFUSED), "answers");
  assert(reemits(DNS_QUERY_WEB) && reemits(DNS_QUERY_WWW), "queries re-emit");
  assert(queryIs(DNS_QUERY_WEB, 0x1c2b, "web.crust.test") && queryIs(DNS_QUERY_MULTI, 0x5e71, "multi.crust.test"), "queries built");
  assert(queryIs(DNS_QUERY_WWW, 0x0a0b, "www.crust.test.") && queryIs(DNS_QUERY_NOTHERE, 0x7777, "nothere.crust.test"), "trailing dot");

  // Every strict prefix is an error.
  assert(everyPrefixFails(DNS_RESPONSE_CNAME, DNS_AT, parseDns), "prefixes of the CNAME answer");
  assert(everyPrefixFails(DNS_RESPONSE_MULTI, DNS_AT, parseDns), "prefixes of the two-A answer");

  assert(dnsNamesEqual("WWW.Crust.test", "www.crust.TEST") && !dnsNamesEqual("www.crust.test", "www.crust.tess"), "names ignore case");

  checkNames();
  checkErrors();
  checkRandom();
}

/** Message: header for one question and `answers` answers, then hex. */
function message(answers: i32, body: string): StaticArray<u8> {
  const header = "1234 8180 0001 " + (answers < 16 ? "000" : "00") + answers.toString(16) + " 0000 0000 ";
  return hex(header + body);
}

function checkNames(): void {
  const r = new DnsRepr();
  // Compression loops and forward pointers are Malformed (RFC 1035 §4.1.4
  // points to a *prior* occurrence).
  assert(parse(message(0, "c00c 0001 0001")) == WireError.Malformed, "a name pointing to itself");
  assert(parse(message(0, "c00e 0001 0001 0000")) == WireError.Malformed, "a forward pointer");
  assert(parse(message(1, "0161 00 0001 0001 0162 c013 0001 0001 0000 0000 0004 0a00 0001")) == WireError.Malformed,
    "a pointer back to the start of its own name");
  assert(parse(message(2, "0161 00 0001 0001 0162 c025 0001 0001 0000 0000 0004 0a00 0001 0163 c013 0001 0001 0000 0000 0004 0a00 0001")) ==
    WireError.Malformed, "a pointer to a later name");
  // A legitimate chain of pointers, each further back.
  assert(parse(message(1, "0161 00 0001 0001 0162 c00c 0001 0001 0000 0000 0004 0a00 0001"), r) == WireError.Ok, "b.a");
  assert(r.answers[0].name == "b.a", "b.a decoded");
  // The root name.
  assert(r.parse(new DnsPacket(at(message(0, "00 0002 0001")), 17)) == WireError.Ok && r.name == "" && r.qtype == 2, "root");
  // Names are at most 255 bytes on the wire: labels of 63, 63, 63 and 61 fit exactly.
  let long = "";
  for (let i = 0; i < 4; i++) long += i < 3 ? "3f" + "61".repeat(63) : "3d" + "61".repeat(61);
  assert(parse(message(0, long + "00 0001 0001")) == WireError.Ok, "a 255-byte name");
  long = "";
  for (let i = 0; i < 4; i++) long += "3f" + "61".repeat(63);
  assert(parse(message(0, long + "00 0001 0001")) == WireError.Malformed, "a 257-byte name");
  // Through pointers too: 3 more labels of 63 before a pointer to a 63-byte
  // name make 257 bytes; 2 make 193.
  const a63 = "3f" + "61".repeat(63);
  const record = "c00c 0001 0001 0000 0000 0004 0a00 0001";
  assert(parse(message(1, a63 + "00 0001 0001 " + a63 + a63 + a63 + record)) == WireError.Malformed, "a 257-byte name via a pointer");
  assert(parse(message(1, a63 + "00 0001 0001 " + a63 + a63 + record)) == WireError.Ok, "a 193-byte name via a pointer");
  // Labels: printable ASCII without dots; extended label types are not supported.
  assert(parse(message(0, "0361 2e62 00 0001 0001")) == WireError.Unsupported, "a dot inside a label");
  assert(parse(message(0, "0361 ff62 00 0001 0001")) == WireError.Unsupported, "a byte above 0x7e");
  assert(parse(message(0, "4161 00 0001 0001")) == WireError.Unsupported, "label type 01 (RFC 6891 §5)");

  // Encoding names for emit: empty labels, long labels and long names are refused.
  const q = new DnsRepr();
  const out = new StaticArray<u8>(512);
  const view = new DnsPacket(at(out), out.length);
  q.setQuery(1, "a..b");
  assert(q.emit(view) == WireError.Malformed && q.bufferLen() == -1, "an empty label");
  q.setQuery(1, "x" + "a".repeat(63) + ".com");
  assert(q.emit(view) == WireError.Malformed, "a 64-byte label");
  q.setQuery(1, "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61));
  assert(q.emit(view) == WireError.Ok && q.bufferLen() == DNS_HEADER_LEN + 255 + 4, "a 255-byte name");
  q.setQuery(1, "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(62));
  assert(q.emit(view) == WireError.Malformed, "a 256-byte name");
  q.setQuery(1, "caf\u00e9.example");
  assert(q.emit(view) == WireError.Malformed, "a non-ASCII name");
  q.setQuery(1, "");
  assert(q.emit(view) == WireError.Ok && q.bufferLen() == DNS_HEADER_LEN + 1 + 4, "the root");
  q.setQuery(1, "web.crust.test");
  assert(q.emit(new DnsPacket(at(out), q.bufferLen() - 1)) == WireError.NoRoom, "no room");
}

/** Parse a whole message, into a Repr to look at if given. */
function parse(bytes: StaticArray<u8>, into: DnsRepr = new DnsRepr()): WireError {
  return into.parse(new DnsPacket(at(bytes), bytes.length));
}

function checkErrors(): void {
  assert(parse(hex("1234 8180 0000 0000 0000 0000")) == WireError.Unsupported, "no question");
  assert(parse(hex("1234 8180 0002 0000 0000 0000 0161 00 0001 0001 0162 00 0001 0001")) == WireError.Unsupported, "two questions");
  assert(parse(message(1, "0161 00 0001 0001 c00c 0001 0001 0000 0000 0005 0a00 0001 00")) == WireError.Malformed, "A of 5 bytes");
  assert(parse(message(1, "0161 00 0001 0001 c00c 0005 0001 0000 0000 0004 0162 0000")) == WireError.Malformed,
    "CNAME data longer than its name");
  assert(parse(message(1, "0161 00 0001 0001 c00c 0001 0001 0000 0000 0008 0a00 0001")) == WireError.Truncated, "RDLENGTH past the end");
  // Other record types are skipped; the authority and additional sections are not read.
  const r = new DnsRepr();
  assert(parse(message(2, "0161 00 0001 0001 c00c 001c 0001 0000 0000 0010 " + "00".repeat(16) + " c00c 0001 0001 0000 0000 0004 0a00 0001"), r) ==
    WireError.Ok, "AAAA skipped");
  assert(r.answers.length == 1 && r.answers[0].address == 0x0a000001, "A kept");
  // At most DNS_MAX_RECORDS answers are kept; the rest are still checked.
  let many = "0161 00 0001 0001";
  for (let i = 0; i < 20; i++) many += " c00c 0001 0001 0000 0000 0004 0a00 00" + (i < 16 ? "0" : "") + i.toString(16);
  assert(parse(message(20, many), r) == WireError.Ok && r.answers.length == DNS_MAX_RECORDS, "20 answers, 16 kept");
  assert(parse(message(21, many)) == WireError.Truncated, "ANCOUNT 21 with 20 answers");
  // A record emitted by hand: a new owner name is written out, a repeated one compressed.
  const built = new DnsRepr();
  built.setQuery(7, "a.b");
  built.flags |= 0x8000;
  const rec = new DnsRecord();
  rec.name = "c.b";
  rec.address = 0x01020304;
  rec.ttl = 60;
  built.answers.push(rec);
  built.answers.push(rec);
  const out = new StaticArray<u8>(built.bufferLen());
  assert(built.emit(new DnsPacket(at(out), out.length)) == WireError.Ok, "emits");
  const expect = hex("0007 8100 0001 0002 0000 0000 0161 0162 00 0001 0001 0163 0162 00 0001 0001 0000 003c 0004 0102 0304" +
    " c015 0001 0001 0000 003c 0004 0102 0304");
  assert(out.length == expect.length && sameBytes(at(out), at(expect), out.length), "owner written once, then pointed to");
}

function checkRandom(): void {
  const rng = new Random(1035);
  parseCorrupted(DNS_RESPONSE_CNAME, 5000, rng, (ptr: usize, len: i32): WireError => parseDns(ptr + DNS_AT, len - DNS_AT));
  // Random bodies made of labels, pointers and counts: never a trap; what
  // parses re-emits to a message that parses back alike.
  const buf = new StaticArray<u8>(120);
  let parsed = 0;
  for (let round = 0; round < 5000; round++) {
    rng.fill(at(buf), buf.length);
    const view = new DnsPacket(at(buf), buf.length);
    view.setCounts(1, <u16>rng.below(4), 0, 0);
    for (let i = DNS_HEADER_LEN; i < buf.length; i++) {
      const pick = rng.below(8);
      if (pick == 0) buf[i] = <u8>(0xc0 | rng.below(2));
      else if (pick == 1) buf[i] = 0;
      else if (pick == 2) buf[i] = <u8>rng.below(5);
      else if (pick == 3) buf[i] = 0x61;
    }
    const r = new DnsRepr();
    if (r.parse(new DnsPacket(at(buf), rng.below(buf.length + 1))) == WireError.Ok) {
      parsed++;
      const len = r.bufferLen();
      if (len < 0) continue; // e.g. a name with a space, which parse() refuses too: only bytes > 0x20
      const out = new StaticArray<u8>(len);
      assert(r.emit(new DnsPacket(at(out), len)) == WireError.Ok, "what parses emits");
      const back = new DnsRepr();
      assert(back.parse(new DnsPacket(at(out), len)) == WireError.Ok && back.name == r.name && back.answers.length == r.answers.length, "parses back");
    }
  }
  assert(parsed > 50, "random messages parsed sometimes");
}
