// Randomized robustness: valid requests with bytes replaced, inserted and
// deleted, and plain noise, fed to the parser and to whole connections in
// random pieces. Whatever arrives, the server must not panic, must answer
// only with well-framed responses, must put an error answer last and close,
// and must let go of the connection. Deterministic: a fixed seed (the first
// argument overrides it), so a failure can be replayed.
import { println } from "crust";
import { RequestParser } from "crust/http/parser";
import { HttpConfig } from "crust/http/config";
import { HttpServer } from "crust/http/server";
import { RequestHandler } from "crust/http/handler";
import { Request } from "crust/http/request";
import { Response } from "crust/http/response";
import { MemoryStream, parseResponses } from "./memory_stream";

let state: u64 = 0x9e3779b97f4a7c15;

/** xorshift64*: small, seedable, good enough to pick mutations. */
function random(n: i32): i32 {
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return <i32>(((state * 0x2545f4914f6cdd1d) >> 33) % <u64>n);
}

const TEMPLATES: string[] = [
  "GET /a/b?c=d HTTP/1.1\r\nHost: example\r\nAccept: */*\r\n\r\n",
  "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
  "PUT /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\n",
  "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  "OPTIONS * HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
  "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n",
];

/** Bytes that matter to the grammar, more likely than random ones. */
const SPECIAL: string = "\r\n :;,/?#%0123456789abcdefABCDEF\t\x00\x7f\xff";

function mutate(s: string): string {
  const n = 1 + random(4);
  for (let k = 0; k < n; k++) {
    const at = random(s.length + 1);
    const r = random(3);
    const c = random(2) == 0 ? SPECIAL.charAt(random(SPECIAL.length)) : String.fromCharCode(random(256));
    if (r == 0 && at < s.length) s = s.substring(0, at) + c + s.substring(at + 1);
    else if (r == 1) s = s.substring(0, at) + c + s.substring(at);
    else if (at < s.length) s = s.substring(0, at) + s.substring(at + 1);
  }
  return s;
}

function input(): string {
  if (random(10) == 0) { // noise
    let s = "";
    const n = random(200);
    for (let i = 0; i < n; i++) s += String.fromCharCode(random(256));
    return s;
  }
  let s = "";
  const n = 1 + random(3);
  for (let i = 0; i < n; i++) s += TEMPLATES[random(TEMPLATES.length)];
  return random(4) == 0 ? s : mutate(s);
}

/** Latin-1 bytes of s (each char one byte), as a client would send them. */
function bytesOf(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = <u8>s.charCodeAt(i);
  return b;
}

function limits(): HttpConfig {
  const c = new HttpConfig();
  c.maxRequestLineBytes = 40;
  c.maxHeaderBytes = 80;
  c.maxHeaderCount = 4;
  c.maxBodyBytes = 8;
  c.maxChunkLineBytes = 8;
  c.maxPendingBytes = 256;
  return c;
}

const ERRORS: i32[] = [400, 413, 414, 417, 431, 501, 505];

function fuzzParser(rounds: i32): void {
  for (let k = 0; k < rounds; k++) {
    const c = limits();
    const p = new RequestParser(c);
    const b = bytesOf(input());
    let off = 0;
    while (off < b.length && !p.failed) {
      const piece = min(b.length - off, 1 + random(16));
      let used = 0;
      while (used < piece && !p.failed) {
        used += p.feed(b.dataStart + <usize>(off + used), piece - used);
        if (p.complete) {
          const req = p.take();
          assert(req.body.length <= c.maxBodyBytes, "body within the limit");
          assert(req.headers.size <= c.maxHeaderCount, "header count within the limit");
        }
      }
      off += piece;
    }
    if (p.failed) assert(ERRORS.includes(p.errorStatus), "an error status: " + p.errorStatus.toString());
  }
}

/** Answers every request; HEAD gets 204 so responses parse alike. */
class Answer extends RequestHandler {
  handle(req: Request, res: Response): void {
    if (req.method == "HEAD") { res.status = 204; res.end(); return; }
    if (req.path == "/u") { res.write("x"); res.write(req.text()); res.end(); return; }
    res.send(req.method + " " + req.text());
  }
}

function fuzzServer(rounds: i32): void {
  const server = new HttpServer(new Answer(), limits());
  for (let k = 0; k < rounds; k++) {
    const s = new MemoryStream();
    server.accept(s);
    const b = bytesOf(input());
    let off = 0;
    while (off < b.length && !s.closed) {
      const piece = min(b.length - off, 1 + random(32));
      s.handler!.onData(s, b.dataStart + <usize>off, piece);
      off += piece;
    }
    if (!s.closed) s.peerEnd();
    const rs = parseResponses(s.take(), [], true); // an error answer to HEAD has no body
    for (let i = 0; i < rs.length; i++) {
      const st = rs[i].status;
      if (st == 100 || st == 200 || st == 204) continue;
      assert(ERRORS.includes(st), "unexpected status " + st.toString());
      assert(i == rs.length - 1, "an error answer is the last");
      assert(rs[i].header("connection") == "close", "and says close");
    }
    assert(s.endCalled || s.aborted, "the connection ends: the peer sent FIN");
    s.peerClose();
  }
  assert(server.stats.connectionsOpen == 0, "every connection released");
  const st = server.stats;
  let by = "";
  for (let i = 0; i < ERRORS.length; i++) by += " " + ERRORS[i].toString() + ":" + st.badRequestsWith(ERRORS[i]).toString();
  println("fuzz: " + rounds.toString() + " connections, " + st.requests.toString() + " requests served, " +
    st.badRequests.toString() + " refused (" + by.trim() + ")");
  assert(st.requests > 0 && st.badRequests > 0, "both kinds of input were exercised");
}

export function main(args: string[]): void {
  if (args.length > 0) state = U64.parseInt(args[0]);
  fuzzParser(3000);
  fuzzServer(1500);
}
