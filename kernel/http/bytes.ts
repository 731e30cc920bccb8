// Bytes for the HTTP server: a growable buffer with a hard limit, and the few
// byte-level helpers the parser needs. Every buffer a connection owns is a
// ByteBuffer, so per-connection memory is bounded by construction: append()
// refuses to grow past the limit instead of allocating.

/** Bytes kept after clear(): enough for a typical header line, so a
 *  connection that once saw a large body does not keep that memory idle. */
const RETAINED_CAPACITY: i32 = 1024;

export class ByteBuffer {
  private buf: ArrayBuffer;
  private used: i32 = 0;

  /** limit: the most bytes this buffer will ever hold. */
  constructor(public limit: i32, initialCapacity: i32 = 0) {
    this.buf = new ArrayBuffer(min(initialCapacity, limit));
  }

  get length(): i32 { return this.used; }
  get ptr(): usize { return changetype<usize>(this.buf); }
  /** Bytes that still fit under the limit. */
  get room(): i32 { return this.limit - this.used; }

  /** Append up to len bytes; returns how many fit (fewer than len only when
   *  the limit is reached). */
  append(data: usize, len: i32): i32 {
    const n = min(len, this.room);
    if (n <= 0) return 0;
    this.reserve(this.used + n);
    memory.copy(this.ptr + <usize>this.used, data, <usize>n);
    this.used += n;
    return n;
  }

  appendByte(b: u8): bool {
    if (this.room <= 0) return false;
    this.reserve(this.used + 1);
    store<u8>(this.ptr + <usize>this.used, b);
    this.used++;
    return true;
  }

  at(i: i32): u8 { return load<u8>(this.ptr + <usize>i); }

  /** Drop the last n bytes (e.g. a CR before the LF that ended a line). */
  truncate(n: i32): void { this.used = max(0, this.used - n); }

  clear(): void {
    this.used = 0;
    if (this.buf.byteLength > RETAINED_CAPACITY) this.buf = new ArrayBuffer(0);
  }

  /** The contents without copying; the buffer is left empty. */
  takeBytes(): Uint8Array {
    const out = Uint8Array.wrap(this.buf, 0, this.used);
    this.buf = new ArrayBuffer(0);
    this.used = 0;
    return out;
  }

  /** A copy of the contents. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.used);
    memory.copy(out.dataStart, this.ptr, <usize>this.used);
    return out;
  }

  private reserve(capacity: i32): void {
    const cap = this.buf.byteLength;
    if (capacity <= cap) return;
    // Doubling keeps appends amortized O(1); the limit caps the doubling.
    const grown = min(this.limit, max(capacity, max(64, cap * 2)));
    const next = new ArrayBuffer(grown);
    memory.copy(changetype<usize>(next), this.ptr, <usize>this.used);
    this.buf = next;
  }
}

/** A string with one UTF-16 unit per byte (ISO-8859-1). HTTP field values
 *  are octets (RFC 9110 §5.5, obs-text), not UTF-8: this keeps every byte. */
export function latin1(data: usize, len: i32): string {
  if (len <= 0) return "";
  const s = __new(<usize>len << 1, idof<string>());
  for (let i = 0; i < len; i++) store<u16>(s + (<usize>i << 1), load<u8>(data + <usize>i));
  return changetype<string>(s);
}

/** RFC 9110 §5.6.2: tchar, the characters of a token (method, field name). */
export function isTokenChar(c: i32): bool {
  if (c >= 0x30 && c <= 0x39) return true; // DIGIT
  if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return true; // ALPHA
  // "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
  return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2a || c == 0x2b || c == 0x2d ||
    c == 0x2e || c == 0x5e || c == 0x5f || c == 0x60 || c == 0x7c || c == 0x7e;
}

/** RFC 9110 §5.5: field-vchar / SP / HTAB, the characters a field value may
 *  hold (VCHAR and obs-text). CR, LF, NUL and other controls are not. */
export function isFieldValueChar(c: i32): bool {
  return c == 0x09 || (c >= 0x20 && c != 0x7f);
}

/** ASCII case-insensitive equality (field names, tokens, schemes). */
export function equalsIgnoreCase(a: string, b: string): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x == y) continue;
    if (x >= 0x41 && x <= 0x5a) x |= 0x20;
    if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    if (x != y) return false;
  }
  return true;
}

/** Strip optional whitespace (RFC 9110 §5.6.3 OWS: SP / HTAB) at both ends. */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isOws(s.charCodeAt(a))) a++;
  while (b > a && isOws(s.charCodeAt(b - 1))) b--;
  return a == 0 && b == s.length ? s : s.substring(a, b);
}

export function isOws(c: i32): bool { return c == 0x20 || c == 0x09; }
