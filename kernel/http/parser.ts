// The request parser: an incremental state machine over bytes that arrive in
// arbitrary pieces (RFC 9112). feed() takes whatever a transport delivered and
// stops at the end of a request, so pipelined requests stay in the caller's
// hands until it is ready for them.
//
// Guarantees: it never reads past the bytes it is given, never holds more
// than one line (bounded by the limit of the current section) plus one body
// (bounded by maxBodyBytes), and never panics on input. Bad input ends in
// state Failed with the status code to answer (400, 413, 414, 417, 431, 501,
// 505); after that the connection's framing is lost, so the caller closes it.
import { ByteBuffer, latin1, isTokenChar, isFieldValueChar, isOws, equalsIgnoreCase, trimOws } from "./bytes";
import { HttpConfig } from "./config";
import { BodyBudget } from "./budget";
import { Headers, listItems } from "./headers";
import { Request, hexValue } from "./request";
import { Status } from "./status";

const LF: u8 = 0x0a;
const CR: u8 = 0x0d;
const SP: u8 = 0x20;
/** Chunked bodies grow their buffer from this size (most are small). */
const BODY_INITIAL_CAPACITY: i32 = 4096;

export enum ParseState {
  /** Before and in the request line (empty lines before it are skipped). */
  RequestLine,
  /** In the header section. */
  HeaderLine,
  /** In a Content-Length body. */
  Body,
  /** In a chunk-size line with its extensions (RFC 9112 §7.1). */
  ChunkSize,
  /** In a chunk's data. */
  ChunkData,
  /** Expecting the CRLF after a chunk's data. */
  ChunkDataEnd,
  /** In the trailer section after the last chunk (RFC 9112 §7.1.2). */
  TrailerLine,
  /** A whole request is ready for take(). */
  Complete,
  /** Bad input; errorStatus says what to answer. */
  Failed,
}

export class RequestParser {
  state: ParseState = ParseState.RequestLine;
  /** In state Failed: the status code to answer. */
  errorStatus: i32 = 0;
  /** In state Failed: why, for logs. */
  errorReason: string = "";
  /** The header section is complete (the body may still be coming). */
  headersComplete: bool = false;
  /** The client sent Expect: 100-continue and a body will follow: it waits
   *  for an interim 100 before sending it (RFC 9110 §10.1.1). */
  expectContinue: bool = false;

  private request: Request = new Request();
  private line: ByteBuffer;
  private body: ByteBuffer | null = null;
  /** Bytes and field lines so far in the current header or trailer section. */
  private sectionBytes: i32 = 0;
  private sectionCount: i32 = 0;
  /** Bytes left in the Content-Length body or in the current chunk. */
  private bodyRemaining: i64 = 0;
  /** Sum of all chunk sizes so far. */
  private bodyTotal: i64 = 0;
  /** Body bytes taken from the server's budget for this request. */
  private bodyHeld: i32 = 0;

  constructor(private config: HttpConfig, private budget: BodyBudget = new BodyBudget(config.maxBodyBytesInFlight)) {
    this.line = new ByteBuffer(config.maxRequestLineBytes + 1);
  }

  /** The method of the request being parsed ("" before its request line). */
  get method(): string { return this.request.method; }

  /** A request has begun: bytes beyond the empty lines a client may send
   *  between requests (RFC 9112 §2.2) have arrived. */
  get started(): bool { return this.state != ParseState.RequestLine || this.line.length > 0; }
  get complete(): bool { return this.state == ParseState.Complete; }
  get failed(): bool { return this.state == ParseState.Failed; }
  /** Reading content (of a Content-Length or a chunked body). */
  get inBody(): bool { return this.headersComplete && this.state != ParseState.Complete && this.state != ParseState.Failed; }

  /** Consume bytes; returns how many were used. Stops early at the end of a
   *  request (complete), at the end of the header section, and on failure. */
  feed(data: usize, len: i32): i32 {
    let i = 0;
    while (i < len) {
      const s = this.state;
      if (s == ParseState.Complete || s == ParseState.Failed) break;
      if (s == ParseState.Body || s == ParseState.ChunkData) {
        i += this.readContent(data + <usize>i, len - i);
        continue;
      }
      // Every other state reads a line: collect up to the LF.
      let j = i;
      while (j < len && load<u8>(data + <usize>j) != LF) j++;
      const n = j - i;
      if (this.line.append(data + <usize>i, n) < n) {
        this.lineTooLong();
        return j;
      }
      if (j == len) return len; // the line continues in a later piece
      i = j + 1;
      const wasHeaders = s == ParseState.HeaderLine;
      this.endOfLine();
      // Pause after the header section so the caller can act on it (cancel
      // the header timer, send 100 Continue) before the body is read.
      if (wasHeaders && this.headersComplete) break;
    }
    return i;
  }

  /** The complete request; the parser is then ready for the next one. */
  take(): Request {
    const req = this.request;
    const body = this.body;
    if (body !== null) req.body = body.takeBytes();
    this.reset();
    return req;
  }

  /** Forget any partial request. */
  reset(): void {
    this.request = new Request();
    this.dropBody();
    this.errorStatus = 0;
    this.errorReason = "";
    this.headersComplete = false;
    this.expectContinue = false;
    this.bodyRemaining = 0;
    this.bodyTotal = 0;
    this.enter(ParseState.RequestLine);
  }

  private enter(state: ParseState): void {
    this.state = state;
    this.line.clear();
    const c = this.config;
    // Each line state has its own bound on one line; a CR before the LF may
    // take one more byte.
    if (state == ParseState.RequestLine) this.line.limit = c.maxRequestLineBytes + 1;
    else if (state == ParseState.HeaderLine || state == ParseState.TrailerLine) this.setSectionLineLimit();
    else if (state == ParseState.ChunkSize) this.line.limit = c.maxChunkLineBytes + 1;
    else if (state == ParseState.ChunkDataEnd) this.line.limit = 1; // just the CR
  }

  /** A field line fits if it and its CRLF fit in what is left of the section. */
  private setSectionLineLimit(): void {
    this.line.limit = max(this.config.maxHeaderBytes - this.sectionBytes - 1, 1);
  }

  private fail(status: i32, reason: string): void {
    this.state = ParseState.Failed;
    this.errorStatus = status;
    this.errorReason = reason;
    this.line.clear();
    this.dropBody();
  }

  /** The body is gone (handed over or dropped): its bytes leave the budget. */
  private dropBody(): void {
    this.body = null;
    this.budget.give(this.bodyHeld);
    this.bodyHeld = 0;
  }

  private lineTooLong(): void {
    const s = this.state;
    if (s == ParseState.RequestLine) {
      // RFC 9112 §3: a request-target longer than the server wants to parse
      // MUST get 414; any other overlong line is not a request line: 400.
      if (this.targetIsTooLong()) this.fail(Status.URITooLong, "request target too long");
      else this.fail(Status.BadRequest, "request line too long");
    } else if (s == ParseState.HeaderLine || s == ParseState.TrailerLine) {
      this.fail(Status.RequestHeaderFieldsTooLarge, "header section too large");
    } else if (s == ParseState.ChunkSize) {
      this.fail(Status.BadRequest, "chunk extensions too long");
    } else {
      this.fail(Status.BadRequest, "chunk data longer than its size");
    }
  }

  private endOfLine(): void {
    const line = this.line;
    // RFC 9112 §2.2: a line ends in CRLF; a bare LF is accepted too.
    if (line.length > 0 && line.at(line.length - 1) == CR) line.truncate(1);
    const empty = line.length == 0;
    const s = this.state;
    if (s == ParseState.RequestLine) {
      // RFC 9112 §2.2: SHOULD ignore empty lines before the request line.
      if (empty) line.clear(); else this.parseRequestLine();
    } else if (s == ParseState.HeaderLine) {
      if (empty) this.endOfHeaders(); else this.parseFieldLine(this.request.headers);
    } else if (s == ParseState.TrailerLine) {
      if (empty) this.enter(ParseState.Complete); else this.parseFieldLine(this.request.trailers);
    } else if (s == ParseState.ChunkSize) {
      this.parseChunkSize();
    } else if (s == ParseState.ChunkDataEnd) {
      if (empty) this.enter(ParseState.ChunkSize); else this.fail(Status.BadRequest, "chunk data longer than its size");
    }
  }

  // RFC 9112 §3: request-line = method SP request-target SP HTTP-version
  private parseRequestLine(): void {
    const p = this.line.ptr;
    const n = this.line.length;
    let i = 0;
    while (i < n && isTokenChar(load<u8>(p + <usize>i))) i++;
    if (i == 0 || i >= n || load<u8>(p + <usize>i) != SP) return this.fail(Status.BadRequest, "malformed method");
    const method = latin1(p, i);
    const t = i + 1;
    let j = t;
    // RFC 9112 §3.2: the target is URI syntax: visible ASCII only.
    while (j < n) {
      const c = load<u8>(p + <usize>j);
      if (c <= SP || c >= 0x7f) break;
      j++;
    }
    if (j == t || j >= n || load<u8>(p + <usize>j) != SP) return this.fail(Status.BadRequest, "malformed request target");
    const target = latin1(p + <usize>t, j - t);
    // RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive.
    const v = p + <usize>(j + 1);
    if (n - (j + 1) != 8 || load<u8>(v) != 0x48 || load<u8>(v + 1) != 0x54 || load<u8>(v + 2) != 0x54 ||
        load<u8>(v + 3) != 0x50 || load<u8>(v + 4) != 0x2f || !isDigit(load<u8>(v + 5)) ||
        load<u8>(v + 6) != 0x2e || !isDigit(load<u8>(v + 7))) {
      return this.fail(Status.BadRequest, "malformed HTTP version");
    }
    if (load<u8>(v + 5) != 0x31) return this.fail(Status.HTTPVersionNotSupported, "HTTP major version is not 1");
    const req = this.request;
    req.method = method;
    req.target = target;
    req.versionMinor = load<u8>(v + 7) == 0x30 ? 0 : 1;
    if (!splitTarget(req)) return this.fail(Status.BadRequest, "malformed request target");
    this.sectionBytes = 0;
    this.sectionCount = 0;
    this.enter(ParseState.HeaderLine);
  }

  // RFC 9112 §5: field-line = field-name ":" OWS field-value OWS
  private parseFieldLine(into: Headers): void {
    const p = this.line.ptr;
    const n = this.line.length;
    // RFC 9112 §5.2 (obs-fold) and §2.2 (whitespace before the first field):
    // a line starting with whitespace MUST be rejected or rewritten; we reject.
    if (isOws(load<u8>(p))) return this.fail(Status.BadRequest, "folded or indented field line");
    this.sectionCount++;
    this.sectionBytes += n + 2;
    if (this.sectionCount > this.config.maxHeaderCount) return this.fail(Status.RequestHeaderFieldsTooLarge, "too many header fields");
    if (this.sectionBytes > this.config.maxHeaderBytes) return this.fail(Status.RequestHeaderFieldsTooLarge, "header section too large");
    let i = 0;
    while (i < n && isTokenChar(load<u8>(p + <usize>i))) i++;
    // RFC 9112 §5.1: no whitespace between name and colon (MUST reject, 400).
    if (i == 0 || i >= n || load<u8>(p + <usize>i) != 0x3a) return this.fail(Status.BadRequest, "malformed field line");
    let a = i + 1;
    let b = n;
    while (a < b && isOws(load<u8>(p + <usize>a))) a++;
    while (b > a && isOws(load<u8>(p + <usize>(b - 1)))) b--;
    // RFC 9110 §5.5: CR, LF and NUL in a value are dangerous; reject them and
    // every other control character.
    for (let k = a; k < b; k++) {
      if (!isFieldValueChar(load<u8>(p + <usize>k))) return this.fail(Status.BadRequest, "control character in field value");
    }
    into.add(latin1(p, i), latin1(p + <usize>a, b - a));
    this.line.clear();
    this.setSectionLineLimit();
  }

  /** The header section is complete: decide the body's framing (RFC 9112 §6.3). */
  private endOfHeaders(): void {
    const req = this.request;
    const h = req.headers;
    this.headersComplete = true;
    // RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host, and for any
    // request with several Host lines or an invalid one.
    const hosts = h.count("host");
    if (hosts > 1 || (hosts == 0 && req.versionMinor >= 1)) return this.fail(Status.BadRequest, "missing or repeated Host");
    if (hosts == 1) {
      const host = h.get("host")!;
      if (!isValidHost(host)) return this.fail(Status.BadRequest, "invalid Host");
      if (req.host.length == 0) req.host = host; // an absolute-form authority wins (§3.2.2)
    }
    // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
    req.keepAlive = !h.hasToken("connection", "close") &&
      (req.versionMinor >= 1 || h.hasToken("connection", "keep-alive"));

    let chunked = false;
    const te = h.combined("transfer-encoding");
    if (te !== null) {
      // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
      if (req.versionMinor == 0) return this.fail(Status.BadRequest, "Transfer-Encoding in HTTP/1.0");
      const codings = listItems(te);
      // RFC 9112 §6.1: a coding the server does not understand SHOULD get 501.
      // Only chunked is understood (compressed request bodies are rare and
      // would need a decompressor in the kernel).
      for (let k = 0; k < codings.length; k++) {
        if (!equalsIgnoreCase(codings[k], "chunked")) return this.fail(Status.NotImplemented, "unsupported transfer coding");
      }
      // RFC 9112 §7: chunked is applied exactly once; §6.3: it must be final.
      if (codings.length != 1) return this.fail(Status.BadRequest, "malformed Transfer-Encoding");
      // RFC 9112 §6.3 item 3: both framings at once is how request smuggling
      // looks; the server MAY reject it, and does.
      if (h.has("content-length")) return this.fail(Status.BadRequest, "both Transfer-Encoding and Content-Length");
      chunked = true;
    } else {
      const cl = h.combined("content-length");
      if (cl !== null) {
        const length = parseContentLength(cl, this.config.maxBodyBytes);
        if (length == CONTENT_LENGTH_INVALID) return this.fail(Status.BadRequest, "invalid Content-Length");
        if (length == CONTENT_LENGTH_TOO_LARGE) return this.fail(Status.ContentTooLarge, "body larger than the limit");
        this.bodyRemaining = length;
      }
    }
    // RFC 9110 §10.1.1: 100-continue is the only expectation; others get 417.
    // HTTP/1.0 clients cannot expect anything: MUST ignore it there.
    const expect = h.combined("expect");
    if (expect !== null && req.versionMinor >= 1) {
      if (!equalsIgnoreCase(trimOws(expect), "100-continue")) return this.fail(Status.ExpectationFailed, "unsupported expectation");
      this.expectContinue = chunked || this.bodyRemaining > 0;
    }

    if (chunked) {
      this.body = new ByteBuffer(this.config.maxBodyBytes, BODY_INITIAL_CAPACITY);
      this.enter(ParseState.ChunkSize);
    } else if (this.bodyRemaining > 0) {
      // Grown as bytes arrive, so a client that announces a large body and
      // sends nothing does not make the server allocate it.
      const n = <i32>this.bodyRemaining;
      this.body = new ByteBuffer(n, min(n, 16384));
      this.enter(ParseState.Body);
    } else {
      this.enter(ParseState.Complete);
    }
  }

  private readContent(data: usize, len: i32): i32 {
    const n = <i32>min<i64>(<i64>len, this.bodyRemaining);
    if (!this.budget.take(n)) {
      this.fail(Status.ServiceUnavailable, "request bodies in flight over the server's budget");
      return 0;
    }
    this.bodyHeld += n;
    this.body!.append(data, n); // fits: the limits were checked at the size
    this.bodyRemaining -= n;
    if (this.bodyRemaining == 0) {
      this.enter(this.state == ParseState.Body ? ParseState.Complete : ParseState.ChunkDataEnd);
    }
    return n;
  }

  // RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF, chunk-size = 1*HEXDIG,
  // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ).
  // Extensions carry nothing the server uses, so they are checked for
  // framing-safe characters and skipped.
  private parseChunkSize(): void {
    const p = this.line.ptr;
    const n = this.line.length;
    const max = <i64>this.config.maxBodyBytes;
    let size: i64 = 0;
    let i = 0;
    for (; i < n; i++) {
      const d = hexValue(load<u8>(p + <usize>i));
      if (d < 0) break;
      size = size * 16 + d;
      // Checked per digit, so that leading zeros are fine and a long number
      // cannot overflow.
      if (this.bodyTotal + size > max) return this.fail(Status.ContentTooLarge, "body larger than the limit");
    }
    if (i == 0) return this.fail(Status.BadRequest, "malformed chunk size");
    let k = i;
    while (k < n && isOws(load<u8>(p + <usize>k))) k++;
    if (k < n && load<u8>(p + <usize>k) != 0x3b) return this.fail(Status.BadRequest, "malformed chunk size"); // ';'
    for (; k < n; k++) {
      if (!isFieldValueChar(load<u8>(p + <usize>k))) return this.fail(Status.BadRequest, "control character in chunk extension");
    }
    if (size == 0) {
      this.sectionBytes = 0;
      this.sectionCount = 0;
      this.enter(ParseState.TrailerLine);
    } else {
      this.bodyTotal += size;
      this.bodyRemaining = size;
      this.enter(ParseState.ChunkData);
    }
  }

  /** For an overlong request line: does it look like a method, SP and a
   *  target that runs to the end (or is followed only by a version)? */
  private targetIsTooLong(): bool {
    const line = this.line;
    const n = line.length;
    let i = 0;
    while (i < n && isTokenChar(line.at(i))) i++;
    if (i == 0 || i >= n || line.at(i) != SP) return false;
    this.request.method = latin1(line.ptr, i); // so a HEAD gets its 414 without a body
    let j = i + 1;
    while (j < n && line.at(j) != SP) j++;
    // "HTTP/1.1" and a CR are all that may follow the target.
    return n - (j + 1) <= 9;
  }
}

function isDigit(c: i32): bool { return c >= 0x30 && c <= 0x39; }

/** Fill path, query and host from the target; false if it has no valid form
 *  (RFC 9112 §3.2: origin-form, absolute-form, authority-form, asterisk-form). */
function splitTarget(req: Request): bool {
  const t = req.target;
  if (t.indexOf("#") >= 0) return false; // a fragment is never part of a request-target
  if (t.charCodeAt(0) == 0x2f) { // origin-form: absolute-path [ "?" query ]
    splitPathQuery(req, t);
    return true;
  }
  if (t == "*") { // asterisk-form, only for OPTIONS (§3.2.4)
    req.path = "*";
    return req.method == "OPTIONS";
  }
  if (req.method == "CONNECT") { // authority-form (§3.2.3): host:port
    req.host = t;
    return isValidHost(t);
  }
  // absolute-form (§3.2.2): scheme "://" authority path-abempty [ "?" query ]
  const sep = t.indexOf("://");
  if (sep <= 0) return false;
  const scheme = t.substring(0, sep);
  if (!equalsIgnoreCase(scheme, "http") && !equalsIgnoreCase(scheme, "https")) return false;
  const rest = t.substring(sep + 3);
  let end = 0;
  while (end < rest.length && rest.charCodeAt(end) != 0x2f && rest.charCodeAt(end) != 0x3f) end++;
  if (end == 0) return false;
  req.host = rest.substring(0, end);
  if (!isValidHost(req.host)) return false;
  const tail = rest.substring(end);
  splitPathQuery(req, tail.startsWith("/") ? tail : "/" + tail);
  return true;
}

function splitPathQuery(req: Request, t: string): void {
  const q = t.indexOf("?");
  if (q < 0) {
    req.path = t;
    req.query = "";
  } else {
    req.path = t.substring(0, q);
    req.query = t.substring(q + 1);
  }
}

/** RFC 9110 §7.2: Host = uri-host [ ":" port ]. Checked for characters that
 *  cannot be in an authority (and that would confuse whoever logs or routes
 *  on it); an empty value is allowed (RFC 9112 §3.2). */
function isValidHost(h: string): bool {
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c == 0x2f || c == 0x3f || c == 0x23 || c == 0x40 || c == 0x5c) return false;
  }
  return true;
}

const CONTENT_LENGTH_INVALID: i64 = -1;
const CONTENT_LENGTH_TOO_LARGE: i64 = -2;

/** RFC 9110 §8.6: Content-Length = 1*DIGIT. A list of identical values (from
 *  repeated lines or a comma list) MAY be accepted as one; different values
 *  MUST be rejected. */
function parseContentLength(value: string, limit: i32): i64 {
  const items = listItems(value);
  if (items.length == 0) return CONTENT_LENGTH_INVALID;
  let tooLarge = false;
  let result: i64 = 0;
  for (let k = 0; k < items.length; k++) {
    const s = items[k];
    if (s != items[0]) return CONTENT_LENGTH_INVALID;
    let v: i64 = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (!isDigit(c)) return CONTENT_LENGTH_INVALID;
      if (v <= <i64>limit) v = v * 10 + (c - 0x30); // stop growing once over: no overflow
    }
    if (v > <i64>limit) tooLarge = true;
    result = v;
  }
  return tooLarge ? CONTENT_LENGTH_TOO_LARGE : result;
}
