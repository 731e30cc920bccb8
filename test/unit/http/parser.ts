// The request parser on its own: every field, every framing, bytes split at
// every boundary, pipelined requests, and each error with its status code.
import "crust";
import { RequestParser } from "crust/http/parser";
import { HttpConfig } from "crust/http/config";
import { Request } from "crust/http/request";

class Outcome {
  requests: Request[] = [];
  /** 0, or the error status the parser ended with. */
  error: i32 = 0;
  /** The parser stopped in the middle of a request. */
  partial: bool = false;
}

/** Feed the pieces in order, taking every complete request. */
function run(pieces: string[], config: HttpConfig = new HttpConfig()): Outcome {
  const p = new RequestParser(config);
  const o = new Outcome();
  for (let k = 0; k < pieces.length && o.error == 0; k++) {
    const bytes = String.UTF8.encode(pieces[k]);
    const ptr = changetype<usize>(bytes);
    const len = bytes.byteLength;
    let off = 0;
    while (off < len) {
      off += p.feed(ptr + <usize>off, len - off);
      if (p.failed) { o.error = p.errorStatus; break; }
      if (p.complete) o.requests.push(p.take());
    }
  }
  o.partial = o.error == 0 && p.started;
  return o;
}

function one(text: string, config: HttpConfig = new HttpConfig()): Outcome { return run([text], config); }

function statusOf(text: string, config: HttpConfig = new HttpConfig()): i32 { return one(text, config).error; }

function expectStatus(text: string, status: i32, what: string, config: HttpConfig = new HttpConfig()): void {
  const got = statusOf(text, config);
  assert(got == status, what + ": expected " + status.toString() + ", got " + got.toString());
}

/** Split text at every byte boundary (and byte by byte): the result must not
 *  depend on how the bytes arrive. */
function everySplit(text: string, expectRequests: i32, check: (r: Request[]) => void): void {
  for (let at = 0; at <= text.length; at++) {
    const o = run([text.substring(0, at), text.substring(at)]);
    assert(o.error == 0 && !o.partial && o.requests.length == expectRequests, "split at " + at.toString());
    check(o.requests);
  }
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i++) pieces.push(text.charAt(i));
  const o = run(pieces);
  assert(o.error == 0 && o.requests.length == expectRequests, "byte by byte");
  check(o.requests);
}

function testSimpleGet(): void {
  const o = one("GET /search?q=crust+os&x=%41%42 HTTP/1.1\r\nHost: example.com\r\nX-Thing:  spaced value \t\r\nACCEPT: */*\r\n\r\n");
  assert(o.error == 0 && o.requests.length == 1, "one request");
  const r = o.requests[0];
  assert(r.method == "GET", "method");
  assert(r.target == "/search?q=crust+os&x=%41%42", "target");
  assert(r.path == "/search", "path");
  assert(r.query == "q=crust+os&x=%41%42", "query");
  assert(r.versionMinor == 1 && r.version == "HTTP/1.1", "version");
  assert(r.host == "example.com", "host from Host");
  assert(r.header("host") == "example.com", "lookup is case-insensitive");
  assert(r.header("Accept") == "*/*", "name as sent in other case");
  assert(r.header("x-thing") == "spaced value", "OWS trimmed, inner space kept");
  assert(r.header("missing") === null, "absent header");
  assert(r.headers.size == 3, "three fields");
  assert(r.body.length == 0, "no body");
  assert(r.keepAlive, "HTTP/1.1 persists");
  assert(r.queryParam("q") == "crust os", "'+' is a space");
  assert(r.queryParam("x") == "AB", "percent-decoded");
  assert(r.queryParam("nope") === null, "absent parameter");
}

function testKeepAliveRules(): void {
  assert(!one("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").requests[0].keepAlive, "1.1 close");
  assert(!one("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n").requests[0].keepAlive, "close in a list");
  const r10 = one("GET / HTTP/1.0\r\n\r\n").requests[0];
  assert(!r10.keepAlive && r10.versionMinor == 0 && r10.host == "", "1.0 closes by default, Host optional");
  assert(one("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").requests[0].keepAlive, "1.0 keep-alive");
  assert(one("GET / HTTP/1.9\r\nHost: a\r\n\r\n").requests[0].versionMinor == 1, "1.x is served as 1.1");
}

function testTargetForms(): void {
  const abs = one("GET http://example.com:8080/a/b?c=d HTTP/1.1\r\nHost: other\r\n\r\n").requests[0];
  assert(abs.path == "/a/b" && abs.query == "c=d" && abs.host == "example.com:8080", "absolute-form; authority beats Host");
  const bare = one("GET HTTP://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n").requests[0];
  assert(bare.path == "/" && bare.host == "example.com", "absolute-form without a path");
  const star = one("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").requests[0];
  assert(star.path == "*", "asterisk-form for OPTIONS");
  expectStatus("GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400, "asterisk-form is only for OPTIONS");
  const connect = one("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n").requests[0];
  assert(connect.host == "example.com:443", "authority-form for CONNECT");
  expectStatus("GET example.com HTTP/1.1\r\nHost: a\r\n\r\n", 400, "authority-form outside CONNECT");
  expectStatus("GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n", 400, "fragment in target");
  expectStatus("GET ftp://x/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, "unknown scheme");
}

function testContentLengthBody(): void {
  const text = "POST /submit HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world";
  everySplit(text, 1, (rs: Request[]): void => {
    assert(rs[0].method == "POST" && rs[0].text() == "hello world", "body");
  });
  const same = one("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc");
  assert(same.error == 0 && same.requests[0].text() == "abc", "identical Content-Length values are one");
  const zero = one("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
  assert(zero.requests.length == 1 && zero.requests[0].body.length == 0, "empty body");
}

function testChunkedBody(): void {
  const text = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
    "5;name=value;flag\r\nhello\r\n" +
    "1 ; spaced=\"quoted\"\r\n \r\n" +
    "A\r\n0123456789\r\n" +
    "0\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n";
  everySplit(text, 1, (rs: Request[]): void => {
    const r = rs[0];
    assert(r.text() == "hello 0123456789", "chunks joined, extensions skipped");
    assert(r.trailers.get("x-checksum") == "abc" && r.trailers.size == 2, "trailers kept apart");
    assert(r.headers.get("x-checksum") === null, "trailers are not headers");
  });
  const plain = one("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  assert(plain.error == 0 && plain.requests[0].text() == "abc", "coding names are case-insensitive");
  const bareLf = one("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n");
  assert(bareLf.error == 0 && bareLf.requests[0].text() == "abc", "bare LF line endings");
  const zeros = one("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000000000003\r\nabc\r\n000\r\n\r\n");
  assert(zeros.error == 0 && zeros.requests[0].text() == "abc", "leading zeros in chunk sizes");
}

function testPipelined(): void {
  const text = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n" +
    "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" +
    "POST /three HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n" +
    "\r\nGET /four HTTP/1.1\r\nHost: a\r\n\r\n";
  everySplit(text, 4, (rs: Request[]): void => {
    assert(rs[0].path == "/one" && rs[1].path == "/two" && rs[2].path == "/three" && rs[3].path == "/four", "in order");
    assert(rs[1].text() == "abc" && rs[2].text() == "xy", "bodies stay with their requests");
  });
}

function testEmptyLinesBeforeRequest(): void {
  const o = one("\r\n\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
  assert(o.requests.length == 1, "empty lines before the request line are skipped");
  const p = new RequestParser(new HttpConfig());
  const b = String.UTF8.encode("\r\n");
  p.feed(changetype<usize>(b), 2);
  assert(!p.started, "empty lines do not start a request");
}

function testExpectContinue(): void {
  const p = new RequestParser(new HttpConfig());
  const b = String.UTF8.encode("PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\nbody");
  const n = p.feed(changetype<usize>(b), b.byteLength);
  assert(p.headersComplete && p.inBody && p.expectContinue, "pauses after the headers with the expectation");
  assert(n == b.byteLength - 4, "the body is not consumed before the pause");
  p.feed(changetype<usize>(b) + <usize>n, 4);
  assert(p.complete && p.take().text() == "body", "then reads the body");
  const noBody = new RequestParser(new HttpConfig());
  const c = String.UTF8.encode("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n");
  noBody.feed(changetype<usize>(c), c.byteLength);
  assert(noBody.complete && !noBody.expectContinue, "no 100 without a body");
  expectStatus("PUT / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx", 417, "unknown expectation");
  assert(statusOf("PUT / HTTP/1.0\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx") == 0, "HTTP/1.0 expectations are ignored");
}

function testMalformed(): void {
  expectStatus("GET / HTTP/1.1\r\n\r\n", 400, "HTTP/1.1 without Host");
  expectStatus("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "two Host lines");
  expectStatus("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid Host");
  expectStatus("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "Host with a path");
  expectStatus("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "two spaces");
  expectStatus("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400, "trailing space");
  expectStatus("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bare CR in the request line");
  expectStatus("GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "control character in target");
  expectStatus("GET /\xe9 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "non-ASCII target");
  expectStatus("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "method is not a token");
  expectStatus("GET /\r\n\r\n", 400, "HTTP/0.9 request line");
  expectStatus("GET / http/1.1\r\nHost: a\r\n\r\n", 400, "version is case-sensitive");
  expectStatus("GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400, "two-digit minor version");
  expectStatus("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "HTTP/2");
  expectStatus("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505, "HTTP/2 preface");
  expectStatus("GET / HTTP/0.9\r\n\r\n", 505, "HTTP/0.9 with version");
  expectStatus("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "space before colon");
  expectStatus("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400, "field line without colon");
  expectStatus("GET / HTTP/1.1\r\n: empty\r\nHost: a\r\n\r\n", 400, "empty field name");
  expectStatus("GET / HTTP/1.1\r\nHost: a\r\nX: one\r\n two\r\n\r\n", 400, "obs-fold");
  expectStatus("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400, "whitespace before the first field");
  expectStatus("GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", 400, "NUL in value");
  expectStatus("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400, "bare CR in value");
  expectStatus("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n", 400, "DEL in value");
  expectStatus("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", 400, "Content-Length not a number");
  expectStatus("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "negative Content-Length");
  expectStatus("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", 400, "signed Content-Length");
  expectStatus("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\nhello", 400, "Content-Length with space");
  expectStatus("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400, "empty Content-Length");
  expectStatus("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400, "different Content-Lengths");
  expectStatus("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!", 400, "different Content-Lengths in a list");
  const te = "POST / HTTP/1.1\r\nHost: a\r\n";
  expectStatus(te + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400, "TE and CL together");
  expectStatus(te + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400, "chunked twice");
  expectStatus(te + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "chunked twice on two lines");
  expectStatus(te + "Transfer-Encoding:\r\n\r\n", 400, "empty Transfer-Encoding");
  expectStatus("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400, "TE in HTTP/1.0");
  const chunked = te + "Transfer-Encoding: chunked\r\n\r\n";
  expectStatus(chunked + "zz\r\n", 400, "chunk size not hex");
  expectStatus(chunked + "\r\n", 400, "empty chunk size");
  expectStatus(chunked + "3 x\r\nabc\r\n", 400, "junk after chunk size");
  expectStatus(chunked + "3;a=\x01\r\nabc\r\n", 400, "control character in chunk extension");
  expectStatus(chunked + "3\r\nabcd\r\n0\r\n\r\n", 400, "chunk data longer than its size");
  expectStatus(chunked + "3\r\nabcX\n0\r\n\r\n", 400, "junk after chunk data");
  expectStatus(chunked + "0\r\nX : y\r\n\r\n", 400, "malformed trailer");
}

function testUnsupportedCodings(): void {
  const te = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ";
  expectStatus(te + "gzip, chunked\r\n\r\n", 501, "gzip, chunked");
  expectStatus(te + "gzip\r\n\r\n", 501, "gzip alone");
  expectStatus(te + "identity\r\n\r\n", 501, "identity (gone since RFC 7230)");
  expectStatus(te + "chunked;x=1\r\n\r\n", 501, "chunked with a parameter");
}

function testLimits(): void {
  const c = new HttpConfig();
  c.maxRequestLineBytes = 64;
  c.maxHeaderBytes = 128;
  c.maxHeaderCount = 4;
  c.maxBodyBytes = 10;
  c.maxChunkLineBytes = 16;

  // Request line: exactly at the limit passes, one over fails (414 for a
  // long target, 400 for anything else).
  const line = "GET /" + "a".repeat(64 - 14) + " HTTP/1.1"; // 64 bytes
  assert(line.length == 64, "line at the limit");
  assert(statusOf(line + "\r\nHost: h\r\n\r\n", c) == 0, "request line at the limit");
  expectStatus("GET /" + "a".repeat(51) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414, "target too long", c);
  expectStatus("GET /" + "a".repeat(200), 414, "target too long before its end arrives", c);
  expectStatus("A".repeat(100), 400, "no request line in sight", c);
  expectStatus("GET / HTTP/1.1" + " ".repeat(60) + "\r\n", 400, "long junk after the version", c);

  // Header section: bytes of field lines with their CRLFs.
  const fields = "Host: h\r\nX-Pad: " + "p".repeat(128 - 9 - 9) + "\r\n"; // exactly 128
  assert(fields.length == 128, "section at the limit");
  assert(statusOf("GET / HTTP/1.1\r\n" + fields + "\r\n", c) == 0, "header section at the limit");
  expectStatus("GET / HTTP/1.1\r\n" + fields + "Y: 1\r\n\r\n", 431, "one field over", c);
  expectStatus("GET / HTTP/1.1\r\nHost: h\r\nX: " + "p".repeat(500), 431, "one huge field, unfinished", c);
  expectStatus("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n", 431, "too many fields", c);
  assert(statusOf("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 1\r\nC: 1\r\n\r\n", c) == 0, "field count at the limit");

  // Body: Content-Length is judged before reading; chunks add up.
  assert(statusOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", c) == 0, "body at the limit");
  expectStatus("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", 413, "Content-Length over", c);
  expectStatus("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999\r\n\r\n", 413, "huge Content-Length", c);
  const chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  assert(statusOf(chunked + "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", c) == 0, "chunks at the limit");
  expectStatus(chunked + "5\r\n01234\r\n6\r\n", 413, "chunks over", c);
  expectStatus(chunked + "ffffffffffffff\r\n", 413, "huge chunk size", c);
  expectStatus(chunked + "f".repeat(40) + "\r\n", 413, "huge chunk size, default chunk line limit");
  expectStatus(chunked + "1;" + "e".repeat(40) + "\r\n", 400, "chunk extensions too long", c);
  expectStatus(chunked + "0\r\nT: " + "t".repeat(200) + "\r\n\r\n", 431, "trailer section too large", c);
}

function testDefaults(): void {
  const c = new HttpConfig();
  assert(c.maxRequestLineBytes >= 8000, "RFC 9112 §3 recommends at least 8000");
  const longPath = "/" + "x".repeat(7900);
  const o = one("GET " + longPath + " HTTP/1.1\r\nHost: a\r\n\r\n");
  assert(o.error == 0 && o.requests[0].path == longPath, "a 7.9 KB target is served");
}

export function main(args: string[]): void {
  testSimpleGet();
  testKeepAliveRules();
  testTargetForms();
  testContentLengthBody();
  testChunkedBody();
  testPipelined();
  testEmptyLinesBeforeRequest();
  testExpectContinue();
  testMalformed();
  testUnsupportedCodings();
  testLimits();
  testDefaults();
}
