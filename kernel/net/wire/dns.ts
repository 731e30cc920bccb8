// DNS messages (RFC 1035 §4.1) as a stub resolver needs them: the header,
// one question, and the answer section's A and CNAME records. Other record
// types are skipped, and the authority and additional sections are not read.
// Names are decoded with compression (§4.1.4) under limits that make any
// input safe: a pointer must point before the part of the name that holds
// it, so decoding always ends, and a name is at most 255 bytes (§2.3.4).
// Names are strings of printable ASCII labels joined by "." without a
// trailing dot; a name with other bytes in a label parses as Unsupported.
// emit() writes a name that equals one already written as a pointer to it
// (as dnsmasq does), so such replies re-emit byte for byte.
// Accessors never read outside the message; parse() never traps and keeps
// at most DNS_MAX_RECORDS answers; emit() only fails if the buffer is too
// small or a name or record cannot be encoded.
import { ByteView } from "./bytes";
import { WireError } from "./error";

export const DNS_PORT: u16 = 53; // RFC 1035 §4.2.1
export const DNS_HEADER_LEN: i32 = 12; // §4.1.1
/** The largest message over UDP without EDNS (§2.3.4). */
export const DNS_MAX_UDP_LEN: i32 = 512;
/** Labels are at most 63 bytes, names at most 255 on the wire (§2.3.4). */
export const DNS_MAX_LABEL_LEN: i32 = 63;
export const DNS_MAX_NAME_LEN: i32 = 255;
/** Answers kept per message. */
export const DNS_MAX_RECORDS: i32 = 16;

// Header flags (§4.1.1).
export const DNS_FLAG_RESPONSE: u16 = 0x8000; // QR
export const DNS_FLAG_AUTHORITATIVE: u16 = 0x0400; // AA
export const DNS_FLAG_TRUNCATED: u16 = 0x0200; // TC
export const DNS_FLAG_RECURSION_DESIRED: u16 = 0x0100; // RD
export const DNS_FLAG_RECURSION_AVAILABLE: u16 = 0x0080; // RA
const OPCODE_SHIFT: u16 = 11;
const OPCODE_MASK: u16 = 0xf;
const RCODE_MASK: u16 = 0xf;
export const DNS_OPCODE_QUERY: u8 = 0;

// RCODE (§4.1.1).
export const DNS_RCODE_NOERROR: u8 = 0;
export const DNS_RCODE_FORMERR: u8 = 1;
export const DNS_RCODE_SERVFAIL: u8 = 2;
export const DNS_RCODE_NXDOMAIN: u8 = 3;
export const DNS_RCODE_NOTIMP: u8 = 4;
export const DNS_RCODE_REFUSED: u8 = 5;

// TYPE (§3.2.2; AAAA: RFC 3596 §2.1) and CLASS (§3.2.4).
export const DNS_TYPE_A: u16 = 1;
export const DNS_TYPE_CNAME: u16 = 5;
export const DNS_TYPE_AAAA: u16 = 28;
export const DNS_CLASS_IN: u16 = 1;

/** The top two bits of a length byte mark a compression pointer, whose
 *  other 14 bits are an offset from the start of the message (§4.1.4). */
const POINTER_TAG: u8 = 0xc0;
const POINTER_LIMIT: i32 = 0x4000;
/** Record header after the owner name: type, class, TTL, RDLENGTH (§4.1.3). */
const RR_FIXED_LEN: i32 = 10;

/** Names compare without regard to ASCII case (§2.3.3, RFC 4343). */
export function dnsNamesEqual(a: string, b: string): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (lower(a.charCodeAt(i)) != lower(b.charCodeAt(i))) return false;
  }
  return true;
}

/** A view of a DNS message: the whole UDP payload. */
export class DnsPacket extends ByteView {
  id(): u16 { return this.getU16(0); }
  flags(): u16 { return this.getU16(2); }
  questionCount(): u16 { return this.getU16(4); }
  answerCount(): u16 { return this.getU16(6); }
  authorityCount(): u16 { return this.getU16(8); }
  additionalCount(): u16 { return this.getU16(10); }

  setId(v: u16): void { this.setU16(0, v); }
  setFlags(v: u16): void { this.setU16(2, v); }
  /** QDCOUNT, ANCOUNT, NSCOUNT and ARCOUNT. */
  setCounts(questions: u16, answers: u16, authority: u16, additional: u16): void {
    this.setU16(4, questions);
    this.setU16(6, answers);
    this.setU16(8, authority);
    this.setU16(10, additional);
  }
}

/** A resource record of the answer section: A or CNAME. */
export class DnsRecord {
  name: string = "";
  type: u16 = DNS_TYPE_A;
  rclass: u16 = DNS_CLASS_IN;
  /** Seconds. */
  ttl: u32 = 0;
  /** A: the address (as in ipv4.ts). */
  address: u32 = 0;
  /** CNAME: the canonical name. */
  target: string = "";
}

/** A DNS query or response with one question. */
export class DnsRepr {
  id: u16 = 0;
  flags: u16 = 0;
  name: string = "";
  qtype: u16 = DNS_TYPE_A;
  qclass: u16 = DNS_CLASS_IN;
  answers: DnsRecord[] = [];

  isResponse(): bool { return (this.flags & DNS_FLAG_RESPONSE) != 0; }
  opcode(): u8 { return <u8>((this.flags >> OPCODE_SHIFT) & OPCODE_MASK); }
  rcode(): u8 { return <u8>(this.flags & RCODE_MASK); }
  isTruncated(): bool { return (this.flags & DNS_FLAG_TRUNCATED) != 0; }

  /** Make this a standard query for name, recursion desired (§4.1.1). */
  setQuery(id: u16, name: string, qtype: u16 = DNS_TYPE_A): void {
    this.id = id;
    this.flags = DNS_FLAG_RECURSION_DESIRED;
    this.name = name;
    this.qtype = qtype;
    this.qclass = DNS_CLASS_IN;
    this.answers.length = 0;
  }

  parse(packet: DnsPacket): WireError {
    if (packet.len < DNS_HEADER_LEN) return WireError.Truncated;
    if (packet.questionCount() != 1) return WireError.Unsupported;
    this.id = packet.id();
    this.flags = packet.flags();
    this.answers.length = 0;
    const names = nameReader;
    let err = names.read(packet, DNS_HEADER_LEN);
    if (err != WireError.Ok) return err;
    let at = names.end;
    if (!packet.has(at, 4)) return WireError.Truncated;
    this.name = names.name;
    this.qtype = packet.getU16(at);
    this.qclass = packet.getU16(at + 2);
    at += 4;
    const count = <i32>packet.answerCount();
    for (let k = 0; k < count; k++) {
      err = names.read(packet, at);
      if (err != WireError.Ok) return err;
      at = names.end;
      if (!packet.has(at, RR_FIXED_LEN)) return WireError.Truncated;
      const rdata = at + RR_FIXED_LEN;
      const rdlength = <i32>packet.getU16(at + 8);
      if (!packet.has(rdata, rdlength)) return WireError.Truncated;
      const record = new DnsRecord();
      record.name = names.name;
      record.type = packet.getU16(at);
      record.rclass = packet.getU16(at + 2);
      record.ttl = packet.getU32(at + 4);
      if (record.type == DNS_TYPE_A && record.rclass == DNS_CLASS_IN) {
        if (rdlength != 4) return WireError.Malformed;
        record.address = packet.getU32(rdata);
      } else if (record.type == DNS_TYPE_CNAME && record.rclass == DNS_CLASS_IN) {
        err = names.read(packet, rdata);
        if (err != WireError.Ok) return err;
        if (names.end != rdata + rdlength) return WireError.Malformed;
        record.target = names.name;
      } else {
        record.type = 0; // not kept
      }
      if (record.type != 0 && this.answers.length < DNS_MAX_RECORDS) this.answers.push(record);
      at = rdata + rdlength;
    }
    return WireError.Ok;
  }

  /** Bytes emit() writes; -1 if a name cannot be encoded or a record is
   *  neither A nor CNAME. */
  bufferLen(): i32 { return this.layout(null); }

  emit(packet: DnsPacket): WireError {
    const len = this.layout(null);
    if (len < 0 || this.answers.length > 0xffff) return WireError.Malformed;
    if (packet.len < len) return WireError.NoRoom;
    this.layout(packet);
    return WireError.Ok;
  }

  // ---- emitting ----

  /** Lay the message out, writing it when out is not null (the same walk
   *  measures and writes, so they cannot disagree); returns its length, or
   *  -1 as bufferLen(). */
  private layout(out: DnsPacket | null): i32 {
    const names = nameWriter;
    names.reset();
    if (out) {
      out.setId(this.id);
      out.setFlags(this.flags);
      out.setCounts(1, <u16>this.answers.length, 0, 0);
    }
    let at = names.put(out, DNS_HEADER_LEN, this.name);
    if (at < 0) return -1;
    if (out) {
      out.setU16(at, this.qtype);
      out.setU16(at + 2, this.qclass);
    }
    at += 4;
    for (let k = 0; k < this.answers.length; k++) {
      const r = this.answers[k];
      at = names.put(out, at, r.name);
      if (at < 0) return -1;
      const rdata = at + RR_FIXED_LEN;
      let end = rdata;
      if (r.type == DNS_TYPE_CNAME) {
        end = names.put(out, rdata, r.target);
        if (end < 0) return -1;
      } else if (r.type == DNS_TYPE_A) {
        if (out) out.setU32(rdata, r.address);
        end = rdata + 4;
      } else {
        return -1; // DnsRecord only carries A and CNAME data
      }
      if (out) {
        out.setU16(at, r.type);
        out.setU16(at + 2, r.rclass);
        out.setU32(at + 4, r.ttl);
        out.setU16(at + 8, <u16>(end - rdata));
      }
      at = end;
    }
    return at;
  }
}

// ---- names ----

/** Decodes a name at an offset, following compression pointers. */
class NameReader {
  /** The name read, and the offset just after it where it started. */
  name: string = "";
  end: i32 = 0;
  private text: StaticArray<u8> = new StaticArray<u8>(DNS_MAX_NAME_LEN);

  read(packet: ByteView, start: i32): WireError {
    let at = start;
    let limit = start; // a pointer must point before the part being read
    let textLen = 0;
    let wireLen = 1; // the root label
    this.end = -1;
    while (true) {
      if (!packet.has(at, 1)) return WireError.Truncated;
      const len = packet.getU8(at);
      if ((len & POINTER_TAG) == POINTER_TAG) {
        if (!packet.has(at, 2)) return WireError.Truncated;
        const target = <i32>(packet.getU16(at) & ~(<u16>POINTER_TAG << 8));
        if (this.end < 0) this.end = at + 2;
        if (target >= limit) return WireError.Malformed; // a loop, or a forward pointer
        at = limit = target;
        continue;
      }
      if ((len & POINTER_TAG) != 0) return WireError.Unsupported; // extended label types (RFC 6891 §5)
      if (len == 0) break;
      wireLen += 1 + <i32>len;
      if (wireLen > DNS_MAX_NAME_LEN) return WireError.Malformed;
      if (!packet.has(at + 1, <i32>len)) return WireError.Truncated;
      if (textLen > 0) this.text[textLen++] = 0x2e; // "."
      for (let i = 1; i <= <i32>len; i++) {
        const c = packet.getU8(at + i);
        if (!isNameChar(c)) return WireError.Unsupported;
        this.text[textLen++] = c;
      }
      at += 1 + <i32>len;
    }
    if (this.end < 0) this.end = at + 1;
    this.name = String.UTF8.decodeUnsafe(changetype<usize>(this.text), <usize>textLen);
    return WireError.Ok;
  }
}

/** Encodes names, compressing a repeat of a whole earlier name. */
class NameWriter {
  private names: string[] = [];
  private offsets: i32[] = [];

  reset(): void {
    this.names.length = 0;
    this.offsets.length = 0;
  }

  /** Write name at `at` (when out is not null); returns the offset after
   *  it, or -1 if it is not a valid name. */
  put(out: DnsPacket | null, at: i32, name: string): i32 {
    if (name.endsWith(".")) name = name.substring(0, name.length - 1);
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] == name) {
        if (out) out.setU16(at, (<u16>POINTER_TAG << 8) | <u16>this.offsets[i]);
        return at + 2;
      }
    }
    const wireLen = name.length == 0 ? 1 : name.length + 2;
    if (wireLen > DNS_MAX_NAME_LEN) return -1;
    let labelStart = at;
    let labelLen = 0;
    for (let i = 0; i <= name.length; i++) {
      const c = i < name.length ? name.charCodeAt(i) : 0x2e;
      if (c == 0x2e) {
        if (name.length == 0) break;
        if (labelLen == 0 || labelLen > DNS_MAX_LABEL_LEN) return -1;
        if (out) out.setU8(labelStart, <u8>labelLen);
        labelStart += 1 + labelLen;
        labelLen = 0;
      } else {
        if (c > 0xff || !isNameChar(<u8>c)) return -1;
        if (out) out.setU8(labelStart + 1 + labelLen, <u8>c);
        labelLen++;
      }
    }
    if (out) out.setU8(labelStart, 0);
    if (at < POINTER_LIMIT) {
      this.names.push(name);
      this.offsets.push(at);
    }
    return labelStart + 1;
  }
}

const nameReader = new NameReader();
const nameWriter = new NameWriter();

/** Printable ASCII other than "." and space. */
function isNameChar(c: u8): bool {
  return c > 0x20 && c < 0x7f && c != 0x2e;
}

function lower(c: i32): i32 {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}
